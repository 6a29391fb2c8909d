using Azure;
using Azure.Data.Tables;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Dedup;

/// <summary>The identifier index: each PMID, DOI, PMCID and arXiv id points at the record kept for it, so an incoming record
/// that shares one is linked with a point read per identifier, never a scan. Rows are keyed by <see cref="IdentifierPartitions"/>.</summary>
public sealed class IdentifierIndex(StorageClients storage)
{
    private TableClient Table => storage.Table(storage.Names.IdentifiersTable);

    private static TableEntity Row(string kind, string encoded, string key) => new(IdentifierPartitions.Of(kind, encoded), encoded) { ["RecordKey"] = key };

    private Task<NullableResponse<TableEntity>> ReadAsync(string kind, string encoded, CancellationToken ct) =>
        Table.GetEntityIfExistsAsync<TableEntity>(IdentifierPartitions.Of(kind, encoded), encoded, cancellationToken: ct);

    /// <summary>A record's identifiers as (kind, normalised value), in the order they are looked up.</summary>
    public static IEnumerable<(string Kind, string Value)> Of(BibRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!string.IsNullOrEmpty(record.Pmid)) yield return ("pmid", record.Pmid!);
        if (!string.IsNullOrEmpty(record.Doi)) yield return ("doi", record.Doi!);
        if (!string.IsNullOrEmpty(record.Pmcid)) yield return ("pmcid", record.Pmcid!);
        if (Identifiers.NormaliseArxivId(record.ArxivId) is { } arxiv) yield return ("arxiv", arxiv);
    }

    /// <summary>The first of the record's identifiers that points at another record than <paramref name="key"/>, with its kind; null when none does.</summary>
    public async Task<(string Kind, string RecordKey)?> FindOtherAsync(BibRecord record, string key, CancellationToken ct)
    {
        foreach (var (kind, value) in Of(record))
        {
            var hit = await ReadAsync(kind, KeyEncoding.Encode(value), ct);
            if (hit.HasValue && hit.Value!.GetString("RecordKey") is { } other && other != key) return (kind, other);
        }
        return null;
    }

    /// <summary>Points the record's identifiers at <paramref name="key"/> where no record holds them yet (insert-only: the record
    /// stored first keeps an identifier, whichever of two concurrent runs gets there first).</summary>
    public async Task AddAsync(BibRecord record, string key, CancellationToken ct)
    {
        foreach (var (kind, value) in Of(record))
        {
            try
            {
                await Table.AddEntityAsync(Row(kind, KeyEncoding.Encode(value), key), ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // The identifier already points at a kept record (this one, or one stored first): keep it.
            }
        }
    }

    /// <summary>Claims one index row for <paramref name="key"/> (insert-only) and returns the record that holds it: <paramref name="key"/>
    /// when this claim won or an earlier run of the same record made it, else the record another writer claimed it for first.</summary>
    public async Task<string> ClaimAsync(string kind, string value, string key, CancellationToken ct)
    {
        var encoded = KeyEncoding.Encode(value);
        while (true)
        {
            try
            {
                await Table.AddEntityAsync(Row(kind, encoded, key), ct);
                return key;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                var held = await ReadAsync(kind, encoded, ct);
                // Removed between the two requests (never done today, but then the claim is free again): try once more.
                if (held.HasValue && held.Value!.GetString("RecordKey") is { } holder) return holder;
            }
        }
    }

    /// <summary>Claims rows of one kind for many records in entity-group transactions (one per bucket of the kind and up to 100 rows
    /// a request), insert-only as <see cref="ClaimAsync"/>. Returns the records whose row was held already (by another writer, or by an
    /// earlier run): those rows are not written, and the caller settles them one by one with <see cref="ClaimAsync"/>. Every other
    /// row is written for its record.</summary>
    public async Task<IReadOnlySet<string>> ClaimManyAsync(string kind, IReadOnlyList<(string Value, string Key)> claims, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var held = new HashSet<string>(StringComparer.Ordinal);
        var rows = claims.Select(c => (Row: Row(kind, KeyEncoding.Encode(c.Value), c.Key), c.Key));
        foreach (var part in rows.GroupBy(r => r.Row.PartitionKey, StringComparer.Ordinal).SelectMany(p => p.Chunk(Records.RecordStore.MaxTransaction)))
        {
            var chunk = part.ToList();
            while (chunk.Count > 0)
            {
                try
                {
                    await Table.SubmitTransactionAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.Add, c.Row)), ct);
                    break;
                }
                catch (TableTransactionFailedException e) when (e.Status == 409)
                {
                    // Nothing of the transaction was written: the held row's record is left out and the rest sent again (or, where the
                    // service does not say which row it was, every record of the chunk is settled one by one).
                    if (e.FailedTransactionActionIndex is not (int i and >= 0) || i >= chunk.Count)
                    {
                        foreach (var c in chunk) held.Add(c.Key);
                        break;
                    }
                    held.Add(chunk[i].Key);
                    chunk.RemoveAt(i);
                }
            }
        }
        return held;
    }

    /// <summary>Every claimed row as stored (kind, encoded value, record), streamed 1,000 a request: the harvest's index at the start of a run.</summary>
    public async IAsyncEnumerable<(string Kind, string EncodedValue, string RecordKey)> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "RecordKey"], maxPerPage: 1000, cancellationToken: ct))
            if (e.GetString("RecordKey") is { } key) yield return (IdentifierPartitions.KindOf(e.PartitionKey), e.RowKey, key);
    }

    /// <summary>Points one index row at <paramref name="to"/> if it still points at <paramref name="from"/> (ETag-checked: a row
    /// another writer changed in between keeps that writer's value).</summary>
    public async Task MoveAsync(string kind, string value, string from, string to, CancellationToken ct)
    {
        var row = await ReadAsync(kind, KeyEncoding.Encode(value), ct);
        if (!row.HasValue || row.Value!.GetString("RecordKey") != from) return;
        row.Value["RecordKey"] = to;
        try
        {
            await Table.UpdateEntityAsync(row.Value, row.Value.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Changed by another writer since it was read: its value stands.
        }
    }

    /// <summary>Points the record's identifiers at <paramref name="studyKey"/>, replacing what they pointed at (a person's merge).</summary>
    public async Task PointAtAsync(BibRecord record, string studyKey, CancellationToken ct)
    {
        foreach (var (kind, value) in Of(record))
            await Table.UpsertEntityAsync(Row(kind, KeyEncoding.Encode(value), studyKey), TableUpdateMode.Replace, ct);
    }
}

/// <summary>
/// The Identifiers table's key scheme, in one place: the row of (kind, encoded value) is row key value in partition
/// <c>{kind}|{bucket}</c>, the bucket a hash of the value among <see cref="Buckets"/>, so no kind is one partition that grows with
/// the review. Rows stored before buckets (partition = kind) are moved by <see cref="IdentifiersLayoutUpgrade"/> when a host starts.
/// </summary>
public static class IdentifierPartitions
{
    /// <summary>Buckets per kind (docs/storage-path.md, "Buckets").</summary>
    // Stored rows are found by it: never change it on a deployed table (the layout upgrades move only rows stored before buckets).
    public const int Buckets = 16;

    /// <summary>The partition of an encoded value of a kind.</summary>
    public static string Of(string kind, string encodedValue) => PartitionBuckets.Partition(kind, encodedValue, Buckets);

    /// <summary>The kind a partition holds (bucketed or not).</summary>
    public static string KindOf(string partitionKey) => PartitionBuckets.NameOf(partitionKey);
}

/// <summary>Moves Identifiers rows stored before buckets (partition = kind) into their buckets: a whole-table read once, until done.
/// A claim is copied before the old row is deleted, so it is never lost; where the two differ, the old row (written later) wins
/// (<see cref="PartitionBuckets.MoveAsync"/>).</summary>
public sealed class IdentifiersLayoutUpgrade(StorageClients storage) : IStorageUpgrade
{
    /// <inheritdoc />
    public string Name => "IdentifiersBuckets";

    /// <inheritdoc />
    public Task<int> RunAsync(CancellationToken ct)
    {
        var table = storage.Table(storage.Names.IdentifiersTable);
        return PartitionBuckets.MoveAsync(table, PartitionBuckets.UnbucketedRowsAsync(table, ct), row => IdentifierPartitions.Of(row.PartitionKey, row.RowKey), ct);
    }
}
