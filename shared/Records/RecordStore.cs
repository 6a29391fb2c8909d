using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Records;

/// <summary>Table entity of one source record; the domain record travels as JSON beside searchable columns.</summary>
internal sealed class RecordEntity : ITableEntity
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
    /// <summary>How the link was made (an identifier kind such as "doi", or the matcher's or a person's mark).</summary>
    public string? DuplicateBy { get; set; }
    /// <summary>The record as the deduplicator compares it (compact JSON written by Dedup), so the harvest reads every stored
    /// record's fingerprint without its abstract; null on rows stored before the column was added.</summary>
    public string? Dedup { get; set; }
    /// <summary>True when <see cref="Json"/> leaves the abstract out because it is its sections joined (read back joined); null on
    /// rows written before, which hold it.</summary>
    public bool? AbstractFromSections { get; set; }
}

/// <summary>A record to store with its duplicate link and the deduplicator's compact form of it (<see cref="RecordStore.AddManyAsync"/>).</summary>
public sealed record NewRecord(BibRecord Record, string? DuplicateOf, string? DuplicateBy, string? Dedup);

/// <summary>What matching needs of a stored record: its key, its link, and the deduplicator's compact form (null on rows stored
/// before the column was added).</summary>
public sealed record StoredLink(string Key, string? DuplicateOf, string? Dedup);

/// <summary>The records table: one row per source record, the record as JSON (gzipped when large) and its duplicate link.
/// It stores what it is told; whether a record duplicates another is decided in Dedup.</summary>
public sealed class RecordStore(StorageClients storage)
{
    private TableClient Records => storage.Table(storage.Names.RecordsTable);

    /// <summary>The stored record for a key ("source:id"), or null.</summary>
    public async Task<StoredRecord?> GetAsync(string key, CancellationToken ct)
    {
        var (partition, id) = RecordPartitions.Of(key);
        var hit = await Records.GetEntityIfExistsAsync<RecordEntity>(partition, id, cancellationToken: ct);
        return hit.HasValue && hit.Value is { } e ? ToStored(e) : null;
    }

    /// <summary>
    /// The stored records among <paramref name="keys"/>, by key (keys not stored are left out): the keys of one partition (a source's
    /// bucket) are read with one query per <see cref="TableRows.KeysPerQuery"/> keys instead of one read each.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, StoredRecord>> GetManyAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<string, StoredRecord>(StringComparer.Ordinal);
        foreach (var e in await TableRows.GetManyAsync<RecordEntity>(Records, keys.Distinct(StringComparer.Ordinal).Select(RecordPartitions.Of), select: null, ct))
            found[e.Key] = ToStored(e);
        return found;
    }

    /// <summary>Every stored record, streamed page by page.</summary>
    public async IAsyncEnumerable<StoredRecord> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Records.QueryAsync<RecordEntity>(cancellationToken: ct))
            yield return ToStored(e);
    }

    /// <summary>The records linked to <paramref name="key"/> as its duplicates.</summary>
    public async IAsyncEnumerable<StoredRecord> ListLinkedToAsync(string key, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Records.QueryAsync<RecordEntity>(TableClient.CreateQueryFilter($"DuplicateOf eq {key}"), cancellationToken: ct))
            yield return ToStored(e);
    }

    /// <summary>Stores a source record with its duplicate link; false when this source record is stored already (insert-only
    /// row key: of two runs storing it at once, one wins and nothing is stored twice).</summary>
    public async Task<bool> TryAddAsync(BibRecord record, string harvestRun, DateTimeOffset storedAt, string? duplicateOf, string? duplicateBy, CancellationToken ct,
        string? dedup = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await Records.AddEntityAsync(Entity(new NewRecord(record, duplicateOf, duplicateBy, dedup), harvestRun, storedAt), ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    // A transaction's body may not pass 4 MiB; a record's row is at most about 64 KiB of JSON, so a chunk stops well before that.
    private const int MaxTransactionBytes = 3_000_000;
    /// <summary>Operations an entity-group transaction may hold.</summary>
    public const int MaxTransaction = 100;

    /// <summary>Stores records with their links in entity-group transactions (one per partition and up to 100 records),
    /// insert-only as <see cref="TryAddAsync"/>: returns the keys it did not write, because they were stored already (by an earlier
    /// run or another writer at the same moment); every other record is written. A transaction that fails on such a row is sent
    /// again without it.</summary>
    public async Task<IReadOnlySet<string>> AddManyAsync(IReadOnlyList<NewRecord> records, string harvestRun, DateTimeOffset storedAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var partition in records.Select(r => Entity(r, harvestRun, storedAt)).GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
        {
            var chunk = new List<RecordEntity>();
            var bytes = 0;
            foreach (var entity in partition)
            {
                var size = 2 * (entity.Json.Length + entity.Title.Length + (entity.Dedup?.Length ?? 0)) + 2 * (entity.JsonGz?.Length ?? 0) + 1024;
                if (chunk.Count == MaxTransaction || (chunk.Count > 0 && bytes + size > MaxTransactionBytes))
                {
                    await AddChunkAsync(chunk, stored, ct);
                    (chunk, bytes) = ([], 0);
                }
                chunk.Add(entity);
                bytes += size;
            }
            if (chunk.Count > 0) await AddChunkAsync(chunk, stored, ct);
        }
        return stored;
    }

    private async Task AddChunkAsync(List<RecordEntity> chunk, HashSet<string> stored, CancellationToken ct)
    {
        while (chunk.Count > 0)
        {
            try
            {
                await Records.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // Nothing of the transaction was written; the row that exists is left out and the rest sent again. A service that
                // does not say which row it was leaves the whole chunk to the caller's record-by-record path.
                if (e.FailedTransactionActionIndex is not (int i and >= 0) || i >= chunk.Count)
                {
                    foreach (var left in chunk) stored.Add(left.Key);
                    return;
                }
                stored.Add(chunk[i].Key);
                chunk.RemoveAt(i);
            }
        }
    }

    private static RecordEntity Entity(NewRecord r, string harvestRun, DateTimeOffset storedAt)
    {
        var record = r.Record;
        var rowKey = KeyEncoding.Encode(record.SourceId);
        var entity = new RecordEntity
        {
            PartitionKey = RecordPartitions.Of(record.Source, rowKey),
            RowKey = rowKey,
            Key = record.Key,
            Title = Truncate(record.Title, 4000),
            Year = record.Year,
            Doi = record.Doi,
            Pmid = record.Pmid,
            HarvestRun = harvestRun,
            StoredAt = storedAt,
            DuplicateOf = r.DuplicateOf,
            DuplicateBy = r.DuplicateBy,
            Dedup = r.Dedup,
        };
        SetJson(entity, record);
        return entity;
    }

    /// <summary>Every stored record's key, link and compact form, streamed 1,000 a request (the harvest's index at the start of a run).</summary>
    public async IAsyncEnumerable<StoredLink> ListLinksAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Records.QueryAsync<TableEntity>(select: ["Key", "DuplicateOf", "Dedup"], maxPerPage: 1000, cancellationToken: ct))
            yield return new StoredLink(e.GetString("Key") ?? "", e.GetString("DuplicateOf"), e.GetString("Dedup"));
    }

    /// <summary>Writes the deduplicator's compact form onto a record stored before the column existed (a merge of one column: the
    /// link and the record stay as they are).</summary>
    public async Task SetDedupAsync(string key, string dedup, CancellationToken ct)
    {
        var (partition, id) = RecordPartitions.Of(key);
        try
        {
            await Records.UpdateEntityAsync(new TableEntity(partition, id) { ["Dedup"] = dedup }, ETag.All, TableUpdateMode.Merge, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Not stored: nothing to complete.
        }
    }

    /// <summary>Changes the stored record's content, keeping its links and provenance: <paramref name="change"/> gets the record as
    /// stored and returns it changed, or null when there is nothing to change. Written only over the version it was given (ETag):
    /// when another writer came in between, the record is read and changed again, so no one's change is overwritten. Returns
    /// whether it wrote.</summary>
    public async Task<bool> UpdateRecordAsync(string key, Func<BibRecord, BibRecord?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            var entity = await EntityAsync(key, ct);
            if (change(ReadJson(entity)) is not { } updated) return false;
            SetJson(entity, updated);
            entity.Title = Truncate(updated.Title, 4000);
            entity.Year = updated.Year;
            try
            {
                await Records.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another writer changed it since it was read: change what is there now.
            }
        }
    }

    /// <summary>Moves a stored record's duplicate link from <paramref name="from"/> to <paramref name="to"/> (null: a study of its
    /// own). Refused when the link is no longer <paramref name="from"/>, so of two people relinking a record at once only the
    /// first counts; the write is ETag-checked, so a change in between (enrichment) is read again, never overwritten.</summary>
    public async Task<StoredRecord> RelinkAsync(string key, string? from, string? to, string? by, CancellationToken ct)
    {
        while (true)
        {
            var entity = await EntityAsync(key, ct);
            if (entity.DuplicateOf != from)
                throw new RecordRefusedException(
                    $"Record {key} was relinked meanwhile: it is now {(entity.DuplicateOf is { } now ? "linked to " + now : "a study of its own")}. Look at it again before deciding.");
            entity.DuplicateOf = to;
            entity.DuplicateBy = by;
            try
            {
                await Records.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
                return ToStored(entity);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Someone wrote the row since it was read: read it again and check the link once more.
            }
        }
    }

    private async Task<RecordEntity> EntityAsync(string key, CancellationToken ct)
    {
        var (partition, id) = RecordPartitions.Of(key);
        var hit = await Records.GetEntityIfExistsAsync<RecordEntity>(partition, id, cancellationToken: ct);
        return hit.HasValue && hit.Value is { } e ? e : throw NotStored(key);
    }

    internal static RecordRefusedException NotStored(string key) => new($"Record {key} is not stored (keys look like pubmed:12345678).");

    private static StoredRecord ToStored(RecordEntity e) =>
        new(e.Key, ReadJson(e), e.DuplicateOf, e.DuplicateBy, e.HarvestRun, e.StoredAt);

    // A table string holds 32K UTF-16 characters (64 KiB); a multicentre paper's affiliations can pass that, so large records are gzipped.
    private const int MaxInlineJson = 30_000;

    // How every source joins labelled sections into the plain abstract ("LABEL: text" lines); a record whose abstract is exactly
    // that is stored without it (it was most of a row twice: Azurite writes its whole database out every few seconds).
    private static string JoinSections(IReadOnlyList<AbstractSection> sections) =>
        string.Join("\n", sections.Select(s => s.Label is null ? s.Text : $"{s.Label}: {s.Text}"));

    private static void SetJson(RecordEntity entity, BibRecord record)
    {
        var joined = record.AbstractSections.Count > 0 && record.Abstract == JoinSections(record.AbstractSections);
        entity.AbstractFromSections = joined ? true : null;
        var json = JsonSerializer.Serialize(joined ? record with { Abstract = null } : record, RecordsJson.Default.BibRecord);
        if (json.Length <= MaxInlineJson)
        {
            entity.Json = json;
            entity.JsonGz = null;
            return;
        }
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
            gz.Write(Encoding.UTF8.GetBytes(json));
        if (buffer.Length > 60_000) throw new InvalidOperationException($"Record {record.Key} is too large to store ({json.Length} characters of JSON).");
        entity.Json = "";
        entity.JsonGz = buffer.ToArray();
    }

    private static BibRecord ReadJson(RecordEntity e)
    {
        BibRecord record;
        if (e.JsonGz is { Length: > 0 } gz)
        {
            using var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
            record = JsonSerializer.Deserialize(gzip, RecordsJson.Default.BibRecord)!;
        }
        else record = JsonSerializer.Deserialize(e.Json, RecordsJson.Default.BibRecord)!;
        return e.AbstractFromSections == true ? record with { Abstract = JoinSections(record.AbstractSections) } : record;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>A person's action on a record refused, in words written for that person (a record not stored, relinked meanwhile, already
/// linked): what a page may show. Other <see cref="InvalidOperationException"/>s are faults, shown only as a reference.</summary>
public sealed class RecordRefusedException(string message) : InvalidOperationException(message);
