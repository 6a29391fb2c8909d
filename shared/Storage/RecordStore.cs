using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SpineReview.Records;

namespace SpineReview.Storage;

/// <summary>Table entity of one source record; the domain record travels as JSON beside searchable columns.</summary>
public sealed class RecordEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string Key { get; set; } = "";
    public string Title { get; set; } = "";
    public int? Year { get; set; }
    public string? Doi { get; set; }
    public string? Pmid { get; set; }
    /// <summary>The record as JSON; empty when it was too large for a table string (then <see cref="JsonGz"/> holds it).</summary>
    public string Json { get; set; } = "";
    /// <summary>The record as gzipped UTF-8 JSON, for records whose JSON passes a table property's 32K characters.</summary>
    public byte[]? JsonGz { get; set; }
    public string HarvestRun { get; set; } = "";
    public DateTimeOffset StoredAt { get; set; }
    /// <summary>Key of the record this one duplicates, or null when it is the record kept.</summary>
    public string? DuplicateOf { get; set; }
    /// <summary>The identifier that matched ("doi", "pmid").</summary>
    public string? DuplicateBy { get; set; }
}

/// <summary>What happened to a harvested record.</summary>
public enum RecordOutcome
{
    /// <summary>Stored as a new study record.</summary>
    New,
    /// <summary>Stored, linked to the record it duplicates.</summary>
    Duplicate,
    /// <summary>This very source record was stored by an earlier run; nothing changed.</summary>
    AlreadyStored,
}

/// <summary>Source records, their identifier index and duplicate detection: an incoming record is linked to a stored study by
/// a shared identifier (DOI, PMID, PMCID, arXiv id; point reads), else by the fingerprint index and the matcher's bands.</summary>
public sealed class RecordStore(StorageClients storage, DedupStore dedup, Microsoft.Extensions.Options.IOptions<Dedup.DedupOptions> dedupOptions)
{
    /// <summary><see cref="RecordEntity.DuplicateBy"/> of a record merged by the matcher on title, authors and bibliographic details.</summary>
    public const string ByFingerprint = "title+authors";
    /// <summary><see cref="RecordEntity.DuplicateBy"/> of a preprint or published version linked to the same study.</summary>
    public const string ByVersion = "version";
    /// <summary><see cref="RecordEntity.DuplicateBy"/> of a record a person merged.</summary>
    public const string ByPerson = "person";

    private TableClient Records => storage.Table(storage.Names.RecordsTable);
    private TableClient Ids => storage.Table(storage.Names.IdentifiersTable);

    /// <summary>Stores a harvested record unless this source record is stored already; links it when its DOI or PMID belongs to a kept record.</summary>
    public async Task<(RecordOutcome Outcome, string? DuplicateOf)> RegisterAsync(BibRecord record, string harvestRun, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        var key = record.Key;
        var existing = await Records.GetEntityIfExistsAsync<RecordEntity>(record.Source, KeyEncoding.Encode(record.SourceId), cancellationToken: ct);
        var fingerprint = Dedup.Fingerprint.Of(record);
        if (existing.HasValue && existing.Value is { } stored)
        {
            // A run that stopped between storing and indexing left the indexes incomplete: mend them.
            if (stored.DuplicateOf is null) await IndexAsync(record, key, ct);
            await dedup.IndexAsync(fingerprint, stored.DuplicateOf ?? key, ct);
            return (RecordOutcome.AlreadyStored, stored.DuplicateOf);
        }

        string? duplicateOf = null, duplicateBy = null;
        foreach (var (kind, value) in IdentifiersOf(record))
        {
            var hit = await Ids.GetEntityIfExistsAsync<TableEntity>(kind, KeyEncoding.Encode(value), cancellationToken: ct);
            if (hit.HasValue && hit.Value!.GetString("RecordKey") is { } other && other != key)
            {
                duplicateOf = other;
                duplicateBy = kind;
                break;
            }
        }
        Dedup.DedupMatch? review = null;
        if (duplicateOf is null)
        {
            var options = dedupOptions.Value;
            var candidates = await dedup.CandidatesAsync(fingerprint, options.MaxBlockSize, ct);
            // Only a record never stored gets here: a person's verdicts concern stored records, which are never matched again.
            var match = Dedup.DedupMatcher.Best(fingerprint, candidates, options);
            switch (match?.Band)
            {
                case Dedup.DedupBand.Merge: (duplicateOf, duplicateBy) = (match.StudyKey, ByFingerprint); break;
                case Dedup.DedupBand.Link: (duplicateOf, duplicateBy) = (match.StudyKey, ByVersion); break;
                case Dedup.DedupBand.Review: review = match; break;
            }
        }

        var entity = new RecordEntity
        {
            PartitionKey = record.Source,
            RowKey = KeyEncoding.Encode(record.SourceId),
            Key = key,
            Title = Truncate(record.Title, 4000),
            Year = record.Year,
            Doi = record.Doi,
            Pmid = record.Pmid,
            HarvestRun = harvestRun,
            StoredAt = now,
            DuplicateOf = duplicateOf,
            DuplicateBy = duplicateBy,
        };
        SetJson(entity, record);
        try
        {
            await Records.AddEntityAsync(entity, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return (RecordOutcome.AlreadyStored, duplicateOf);
        }
        await dedup.IndexAsync(fingerprint, duplicateOf ?? key, ct);
        if (review is not null) await dedup.AddReviewAsync(key, review.CandidateKey, review.TitleSimilarity, ct);
        if (duplicateOf is not null) return (RecordOutcome.Duplicate, duplicateOf);
        await IndexAsync(record, key, ct);
        return (RecordOutcome.New, null);
    }

    /// <summary>A person's verdict that a linked record is a different work: it becomes a study of its own (and goes to
    /// screening), and the matcher never joins the two again. Returns the key it was linked to.</summary>
    public async Task<string> SplitAsync(string key, string decidedBy, DateTimeOffset at, CancellationToken ct)
    {
        var entity = await EntityAsync(key, ct);
        var other = entity.DuplicateOf ?? throw new InvalidOperationException($"Record {key} is not linked to another record; nothing to split.");
        await dedup.DecideAsync(key, other, DedupStore.Distinct, decidedBy, at, ct);
        entity.DuplicateOf = null;
        entity.DuplicateBy = null;
        await Records.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
        var record = ReadJson(entity);
        await IndexAsync(record, key, ct);
        await dedup.IndexAsync(Dedup.Fingerprint.Of(record), key, ct);
        return other;
    }

    /// <summary>A person's verdict that <paramref name="key"/> is the same work as <paramref name="into"/>: it is linked to
    /// that record's study, and so is every record linked to it.</summary>
    public async Task<string> MergeAsync(string key, string into, string decidedBy, DateTimeOffset at, CancellationToken ct)
    {
        var target = await EntityAsync(into, ct);
        var study = target.DuplicateOf ?? target.Key;
        if (study == key) throw new InvalidOperationException($"Record {into} is already linked to {key}.");
        await dedup.DecideAsync(key, into, DedupStore.Same, decidedBy, at, ct);
        var moved = new List<RecordEntity> { await EntityAsync(key, ct) };
        await foreach (var e in Records.QueryAsync<RecordEntity>(TableClient.CreateQueryFilter($"DuplicateOf eq {key}"), cancellationToken: ct))
            moved.Add(e);
        foreach (var e in moved)
        {
            e.DuplicateOf = study;
            e.DuplicateBy = ByPerson;
            await Records.UpdateEntityAsync(e, e.ETag, TableUpdateMode.Replace, ct);
            var record = ReadJson(e);
            // Its identifiers now lead to the study, so a later record with one of them is linked to the study, not to it.
            foreach (var (kind, value) in IdentifiersOf(record))
                await Ids.UpsertEntityAsync(new TableEntity(kind, KeyEncoding.Encode(value)) { ["RecordKey"] = study }, TableUpdateMode.Replace, ct);
            await dedup.IndexAsync(Dedup.Fingerprint.Of(record), study, ct);
        }
        return study;
    }

    /// <summary>A person's verdict on a possible-duplicate pair: two different works. Both stay studies of their own and the
    /// pair leaves the review list.</summary>
    public async Task KeepApartAsync(string key, string other, string decidedBy, DateTimeOffset at, CancellationToken ct)
    {
        var one = await EntityAsync(key, ct);
        var two = await EntityAsync(other, ct);
        if ((one.DuplicateOf ?? one.Key) == (two.DuplicateOf ?? two.Key))
            throw new InvalidOperationException($"Records {key} and {other} are linked as one study; to part them, split the linked one.");
        await dedup.DecideAsync(key, other, DedupStore.Distinct, decidedBy, at, ct);
    }

    private async Task<RecordEntity> EntityAsync(string key, CancellationToken ct)
    {
        var (source, id) = Split(key);
        var hit = await Records.GetEntityIfExistsAsync<RecordEntity>(source, id, cancellationToken: ct);
        return hit.HasValue && hit.Value is { } e ? e : throw new InvalidOperationException($"Record {key} is not stored (keys look like pubmed:12345678).");
    }

    private async Task IndexAsync(BibRecord record, string key, CancellationToken ct)
    {
        foreach (var (kind, value) in IdentifiersOf(record))
        {
            var row = new TableEntity(kind, KeyEncoding.Encode(value)) { ["RecordKey"] = key };
            try
            {
                await Ids.AddEntityAsync(row, ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // The identifier already points at a kept record (this one, or one stored first): keep it.
            }
        }
    }

    private static IEnumerable<(string Kind, string Value)> IdentifiersOf(BibRecord r)
    {
        if (!string.IsNullOrEmpty(r.Pmid)) yield return ("pmid", r.Pmid!);
        if (!string.IsNullOrEmpty(r.Doi)) yield return ("doi", r.Doi!);
        if (!string.IsNullOrEmpty(r.Pmcid)) yield return ("pmcid", r.Pmcid!);
        if (Identifiers.NormaliseArxivId(r.ArxivId) is { } arxiv) yield return ("arxiv", arxiv);
    }

    /// <summary>The index keys a registration reads and writes (identifiers, the record's own key, its blocking keys):
    /// records that share one must be registered one after the other, so the second sees the first.</summary>
    public static IEnumerable<string> IndexKeys(BibRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return IdentifiersOf(record).Select(i => $"{i.Kind}:{i.Value}").Append("key:" + record.Key)
            .Concat(Dedup.Fingerprint.Of(record).BlockingKeys().Select(k => "fp:" + k));
    }

    /// <summary>Replaces the stored record's content (enrichment), keeping its links and provenance; ETag-checked.</summary>
    public async Task UpdateRecordAsync(string key, BibRecord updated, CancellationToken ct)
    {
        var entity = await EntityAsync(key, ct);
        SetJson(entity, updated);
        entity.Title = Truncate(updated.Title, 4000);
        entity.Year = updated.Year;
        await Records.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
    }

    /// <summary>The stored record for a key ("source:id"), or null.</summary>
    public async Task<StoredRecord?> GetAsync(string key, CancellationToken ct)
    {
        var (source, id) = Split(key);
        var hit = await Records.GetEntityIfExistsAsync<RecordEntity>(source, id, cancellationToken: ct);
        return hit.HasValue && hit.Value is { } e ? ToStored(e) : null;
    }

    /// <summary>Every stored record, streamed page by page.</summary>
    public async IAsyncEnumerable<StoredRecord> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Records.QueryAsync<RecordEntity>(cancellationToken: ct))
            yield return ToStored(e);
    }

    private static StoredRecord ToStored(RecordEntity e) =>
        new(e.Key, ReadJson(e), e.DuplicateOf, e.DuplicateBy, e.HarvestRun, e.StoredAt);

    // A table string holds 32K UTF-16 characters (64 KiB); a multicentre paper's affiliations can pass that, so large records are gzipped.
    private const int MaxInlineJson = 30_000;

    private static void SetJson(RecordEntity entity, BibRecord record)
    {
        var json = JsonSerializer.Serialize(record, StoredJson.Default.BibRecord);
        if (json.Length <= MaxInlineJson)
        {
            entity.Json = json;
            entity.JsonGz = null;
            return;
        }
        using var buffer = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            gz.Write(System.Text.Encoding.UTF8.GetBytes(json));
        if (buffer.Length > 60_000) throw new InvalidOperationException($"Record {record.Key} is too large to store ({json.Length} characters of JSON).");
        entity.Json = "";
        entity.JsonGz = buffer.ToArray();
    }

    private static BibRecord ReadJson(RecordEntity e)
    {
        if (e.JsonGz is { Length: > 0 } gz)
        {
            using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(gz), System.IO.Compression.CompressionMode.Decompress);
            return JsonSerializer.Deserialize(gzip, StoredJson.Default.BibRecord)!;
        }
        return JsonSerializer.Deserialize(e.Json, StoredJson.Default.BibRecord)!;
    }

    internal static (string Source, string RowKey) Split(string key)
    {
        var i = key.IndexOf(':', StringComparison.Ordinal);
        if (i <= 0) throw new ArgumentException($"'{key}' is not a record key (source:id).", nameof(key));
        return (key[..i], key[(i + 1)..]);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>A record as stored, with its duplicate link and provenance.</summary>
public sealed record StoredRecord(string Key, BibRecord Record, string? DuplicateOf, string? DuplicateBy, string HarvestRun, DateTimeOffset StoredAt);
