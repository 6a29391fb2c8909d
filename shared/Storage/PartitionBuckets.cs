using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace SpineReview.Storage;

/// <summary>
/// Spreads one large logical partition over a fixed number of table partitions named <c>{name}|{bucket}</c>, the bucket a hash of
/// the row key. Azurite checks every entity a write holds against its whole partition row by row, so a partition that grows with
/// the review makes each write cost its size; on Azure Table storage a bucket is also a unit the service can serve apart.
/// </summary>
public static class PartitionBuckets
{
    /// <summary>The character between a logical partition's name and its bucket; not used in source names, identifier kinds or state names.</summary>
    public const char Separator = '|';

    /// <summary>The bucket of <paramref name="rowKey"/> among <paramref name="count"/> (a power of two up to 256), as two hex digits.
    /// FNV-1a over the UTF-16 code units: the same in every process and version (string.GetHashCode is randomised per process),
    /// and stored data depends on it, so it must never change.</summary>
    public static string Of(string rowKey, int count)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        if (count is < 1 or > 256 || (count & (count - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(count), count, "A bucket count is a power of two from 1 to 256.");
        var hash = 2166136261u;
        foreach (var c in rowKey)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        // Folded so the low bits depend on every bit of the hash.
        hash ^= hash >> 16;
        return (hash & (uint)(count - 1)).ToString("x2", CultureInfo.InvariantCulture);
    }

    /// <summary>The partition of <paramref name="rowKey"/> in the logical partition <paramref name="name"/>: <c>{name}|{bucket}</c>.</summary>
    public static string Partition(string name, string rowKey, int count) => $"{name}{Separator}{Of(rowKey, count)}";

    /// <summary>The logical name of a partition: the part before the bucket, or the whole key of a partition stored before buckets.</summary>
    public static string NameOf(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        var i = partitionKey.IndexOf(Separator, StringComparison.Ordinal);
        return i < 0 ? partitionKey : partitionKey[..i];
    }

    /// <summary>Whether a partition key is of the layout before buckets (no bucket part).</summary>
    public static bool IsUnbucketed(string partitionKey) => partitionKey?.IndexOf(Separator, StringComparison.Ordinal) < 0;

    /// <summary>
    /// Moves rows stored before buckets into their buckets, a page of <see cref="PageRows"/> at a time (no more held at once): each row
    /// of <paramref name="rows"/> (read with every column) is copied insert-only to <paramref name="target"/>(row), then deleted where
    /// it was, ETag-checked. Copy first: a crash in between leaves both, and the next run finds the copy there (409). Where both hold
    /// different content (a process of the earlier version changed the old row after it was read or copied), the old row wins: the
    /// bucket's row is replaced with it, if unchanged since it was read. A row changed while it was moved (its delete finds another
    /// ETag) is left where it is for the next pass. Returns the rows found in the old layout:
    /// 0 means nothing is left to move.
    /// </summary>
    public static async Task<int> MoveAsync(TableClient table, IAsyncEnumerable<TableEntity> rows, Func<TableEntity, string> target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(target);
        var found = 0;
        var page = new List<TableEntity>(PageRows);
        await foreach (var row in rows.WithCancellation(ct))
        {
            page.Add(row);
            if (page.Count < PageRows) continue;
            found += await MovePageAsync(table, page, target, ct);
            page.Clear();
        }
        return found + await MovePageAsync(table, page, target, ct);
    }

    /// <summary>Every row of the table in a partition of the layout before buckets, read with every column, a page at a time: for a
    /// table whose old partitions are not a known list (import sources are named by people).</summary>
    public static async IAsyncEnumerable<TableEntity> UnbucketedRowsAsync(TableClient table, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(table);
        await foreach (var row in table.QueryAsync<TableEntity>(maxPerPage: PageRows, cancellationToken: ct))
            if (IsUnbucketed(row.PartitionKey)) yield return row;
    }

    /// <summary>Rows a move holds at once: one page of a table query.</summary>
    public const int PageRows = 1000;

    // An entity-group transaction's body is limited to 4 MiB; as RecordStore.AddManyAsync does, stay under 3,000,000 bytes by estimate.
    private const int MaxTransactionBytes = 3_000_000;

    private static async Task<int> MovePageAsync(TableClient table, List<TableEntity> page, Func<TableEntity, string> target, CancellationToken ct)
    {
        var deletable = new List<TableEntity>();
        foreach (var group in page.GroupBy(target, StringComparer.Ordinal))
            foreach (var chunk in Chunks(group))
                deletable.AddRange(await CopyAsync(table, group.Key, chunk, ct));
        foreach (var group in deletable.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
            foreach (var chunk in Chunks(group))
                await DeleteAsync(table, chunk, ct);
        return page.Count;
    }

    // Up to 100 rows (the most a transaction holds) and under MaxTransactionBytes by estimate.
    private static IEnumerable<List<TableEntity>> Chunks(IEnumerable<TableEntity> rows)
    {
        var chunk = new List<TableEntity>();
        var bytes = 0L;
        foreach (var row in rows)
        {
            var size = Bytes(row);
            if (chunk.Count == 100 || (chunk.Count > 0 && bytes + size > MaxTransactionBytes))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }
            chunk.Add(row);
            bytes += size;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    private static long Bytes(TableEntity row) => 1024 + row.Sum(p => p.Value switch
    {
        string text => 2L * text.Length,
        byte[] binary => 2L * binary.Length,
        _ => 32L,
    });

    // Copies a chunk into its bucket; returns the old rows whose content the bucket now holds (to delete).
    private static async Task<List<TableEntity>> CopyAsync(TableClient table, string partition, List<TableEntity> rows, CancellationToken ct)
    {
        try
        {
            await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, Copy(r, partition))), ct);
            return rows;
        }
        catch (RequestFailedException e) when (e.Status == 413 && rows.Count > 1)
        {
            // Larger than the estimate: each half on its own.
            var half = rows.Count / 2;
            var kept = await CopyAsync(table, partition, rows.GetRange(0, half), ct);
            kept.AddRange(await CopyAsync(table, partition, rows.GetRange(half, rows.Count - half), ct));
            return kept;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Some were copied already (an earlier run stopped before deleting, another mover, a write since): one by one.
            var kept = new List<TableEntity>();
            foreach (var r in rows)
                if (await CopyOneAsync(table, partition, r, ct)) kept.Add(r);
            return kept;
        }
    }

    private static async Task<bool> CopyOneAsync(TableClient table, string partition, TableEntity row, CancellationToken ct)
    {
        try
        {
            await table.AddEntityAsync(Copy(row, partition), ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409) { }
        var there = await table.GetEntityIfExistsAsync<TableEntity>(partition, row.RowKey, cancellationToken: ct);
        // Deleted since the 409 (by the code, meanwhile): the old row stays for the next pass.
        if (!there.HasValue || there.Value is not { } bucket) return false;
        if (SameContent(row, bucket)) return true;
        // Read after the bucket's row: is the old row still there, as this mover read it? If another mover has copied and deleted
        // it since this page was read, that mover may have finished and its host may be serving, so the bucket's row may hold a
        // person's later decision: it is left alone. If the old row changed since the page was read, the next pass decides with
        // what it holds now.
        var old = await table.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: ct);
        if (!old.HasValue || old.Value is not { } current || current.ETag != row.ETag) return false;
        try
        {
            // The old row, unchanged, still holds the later state. While it is there no start has finished the move, so no process
            // of this version has written the bucket's row since it was read above (a host serves only after a pass that found no
            // old row), and the replace, conditional on what was read, fails if anything wrote it since: the bucket row that
            // differs is an earlier copy, and the old row was written since by a process of the earlier version.
            await table.UpdateEntityAsync(Copy(row, partition), bucket.ETag, TableUpdateMode.Replace, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            // The bucket's row changed meanwhile: decided again on the next pass.
            return false;
        }
    }

    private static bool SameContent(TableEntity a, TableEntity b)
    {
        static IEnumerable<KeyValuePair<string, object>> Columns(TableEntity e) =>
            e.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"));
        var left = Columns(a).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var right = Columns(b).ToList();
        return left.Count == right.Count && right.All(p => left.TryGetValue(p.Key, out var v) && ValueEquals(v, p.Value));
    }

    private static bool ValueEquals(object? a, object? b) => (a, b) switch
    {
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        _ => Equals(a, b),
    };

    private static async Task DeleteAsync(TableClient table, List<TableEntity> rows, CancellationToken ct)
    {
        try
        {
            await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag)), ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Another mover deleted some (404), or a row changed since it was read (412: a process of the earlier code wrote it);
            // one by one, and a changed row stays for the next pass to decide.
            foreach (var r in rows)
            {
                try { await table.DeleteEntityAsync(r.PartitionKey, r.RowKey, r.ETag, ct); }
                catch (RequestFailedException one) when (one.Status is 404 or 412) { }
            }
        }
    }

    private static TableEntity Copy(TableEntity row, string partition)
    {
        var copy = new TableEntity(partition, row.RowKey);
        foreach (var (name, value) in row)
            if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")) copy[name] = value;
        return copy;
    }
}

/// <summary>A one-time change of a table's layout that every start runs until it is done (<see cref="StorageInitializer"/>):
/// idempotent, resumable after a crash, safe with another process running it at the same time.</summary>
public interface IStorageUpgrade
{
    /// <summary>A short stable name, kept in the State table once the upgrade is done so later starts skip it.</summary>
    string Name { get; }

    /// <summary>Moves what is left to move; returns the rows moved (0 when nothing was left).</summary>
    Task<int> RunAsync(CancellationToken ct);
}
