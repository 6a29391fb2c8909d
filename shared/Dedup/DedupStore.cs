using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Dedup;

/// <summary>What a person or the matcher said about two records.</summary>
public sealed record DedupPair(string RecordKey, string OtherKey, string Status, double TitleSimilarity, string? DecidedBy, DateTimeOffset? DecidedAt);

/// <summary>The fingerprint index (one partition per blocking key, one row per record: incoming records are matched with
/// one partition read per key, never a scan) and the pair decisions: possible duplicates waiting for a person, and the
/// person's verdicts, which later runs respect.</summary>
public sealed class DedupStore(StorageClients storage)
{
    /// <summary>A pair a person should look at.</summary>
    public const string Review = "review";
    /// <summary>A person said: different works. The matcher never joins them again.</summary>
    public const string Distinct = "distinct";
    /// <summary>A person said: the same work.</summary>
    public const string Same = "same";

    private TableClient Fingerprints => storage.Table(storage.Names.FingerprintsTable);
    private TableClient Pairs => storage.Table(storage.Names.DedupPairsTable);
    private TableClient State => storage.Table(storage.Names.StateTable);

    /// <summary>Marks that a study was linked to another (a person's merge, a writer that lost a claim), after the link is written and
    /// before the records linked to it are listed: a harvest that reads the mark after writing a page and finds it changed reads its
    /// index again, so of the two one always sees the other's write.</summary>
    public async Task MarkRelinkedAsync(CancellationToken ct) =>
        await State.UpsertEntityAsync(new TableEntity(MarkPartition, MarkRow) { ["Mark"] = Guid.NewGuid().ToString("N") }, TableUpdateMode.Replace, ct);

    /// <summary>The mark <see cref="MarkRelinkedAsync"/> last wrote ("" when no study was ever linked to another): one point read.</summary>
    public async Task<string> RelinkMarkAsync(CancellationToken ct)
    {
        var row = await State.GetEntityIfExistsAsync<TableEntity>(MarkPartition, MarkRow, ["Mark"], ct);
        return row.HasValue ? row.Value!.GetString("Mark") ?? "" : "";
    }

    private const string MarkPartition = "dedup";
    private const string MarkRow = "relinked";

    /// <summary>Stored records sharing a blocking key with the fingerprint; a key with more than <paramref name="maxBlock"/> rows is skipped.</summary>
    public async Task<List<DedupCandidate>> CandidatesAsync(Fingerprint incoming, int maxBlock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        // Keyed by row key (the record): a record found under several blocking keys is read and fingerprinted once.
        var found = new Dictionary<string, DedupCandidate>(StringComparer.Ordinal);
        foreach (var key in incoming.BlockingKeys())
        {
            var rows = new List<TableEntity>();
            var partition = KeyEncoding.Encode(key);
            await foreach (var e in Fingerprints.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), maxPerPage: maxBlock + 1, cancellationToken: ct))
                if (rows.Count <= maxBlock) rows.Add(e); else break;
            if (rows.Count > maxBlock) continue;
            foreach (var e in rows)
                if (!found.ContainsKey(e.RowKey) && JsonSerializer.Deserialize(e.GetString("Record") ?? "null", DedupJson.Default.DedupRecord) is { } r)
                    found[e.RowKey] = new DedupCandidate(r.Id, e.GetString("StudyKey") ?? r.Id, Fingerprint.Of(r));
        }
        return [.. found.Values];
    }

    /// <summary>Indexes a stored record under each of its blocking keys (idempotent: rows are upserted).</summary>
    public async Task IndexAsync(Fingerprint f, string studyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(f);
        var json = JsonSerializer.Serialize(f.Record, DedupJson.Default.DedupRecord);
        foreach (var key in f.BlockingKeys())
            await Fingerprints.UpsertEntityAsync(new TableEntity(KeyEncoding.Encode(key), KeyEncoding.Encode(f.Record.Id))
            {
                ["StudyKey"] = studyKey,
                ["Record"] = json,
            }, TableUpdateMode.Replace, ct);
    }

    /// <summary>Records a pair the matcher was unsure of, unless a person has already decided it.</summary>
    public async Task AddReviewAsync(string recordKey, string otherKey, double similarity, CancellationToken ct)
    {
        try
        {
            await Pairs.AddEntityAsync(Row(recordKey, otherKey, Review, similarity, null, null), ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Already listed or decided: keep what is there.
        }
    }

    /// <summary>A person's verdict on a pair, stored under both records so either one finds it with a point read.</summary>
    public async Task DecideAsync(string recordKey, string otherKey, string status, string decidedBy, DateTimeOffset at, CancellationToken ct)
    {
        // Merge keeps the matcher's title similarity where the pair was listed for review.
        foreach (var (a, b) in new[] { (recordKey, otherKey), (otherKey, recordKey) })
            await Pairs.UpsertEntityAsync(Row(a, b, status, null, decidedBy, at), TableUpdateMode.Merge, ct);
    }

    /// <summary>Whether a person decided that the two records are different works (a split, or "keep apart"): one point read.</summary>
    public async Task<bool> DecidedDistinctAsync(string recordKey, string otherKey, CancellationToken ct)
    {
        var row = await Pairs.GetEntityIfExistsAsync<TableEntity>(KeyEncoding.Encode(recordKey), KeyEncoding.Encode(otherKey), ["Status"], ct);
        return row.HasValue && row.Value?.GetString("Status") == Distinct;
    }

    /// <summary>Pairs with the given status (the review list), both directions folded into one.</summary>
    public async Task<List<DedupPair>> ListAsync(string status, CancellationToken ct)
    {
        var list = new List<DedupPair>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in Pairs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Status eq {status}"), cancellationToken: ct))
        {
            var (a, b) = (e.GetString("RecordKey") ?? "", e.GetString("OtherKey") ?? "");
            if (!seen.Add(string.CompareOrdinal(a, b) < 0 ? a + "\n" + b : b + "\n" + a)) continue;
            list.Add(new DedupPair(a, b, status, e.GetDouble("TitleSimilarity") ?? 0, e.GetString("DecidedBy"), e.GetDateTimeOffset("DecidedAt")));
        }
        return list;
    }

    private static TableEntity Row(string a, string b, string status, double? similarity, string? by, DateTimeOffset? at)
    {
        var row = new TableEntity(KeyEncoding.Encode(a), KeyEncoding.Encode(b))
        {
            ["RecordKey"] = a,
            ["OtherKey"] = b,
            ["Status"] = status,
            ["DecidedBy"] = by,
            ["DecidedAt"] = at,
        };
        if (similarity is { } s) row["TitleSimilarity"] = s;
        return row;
    }
}
