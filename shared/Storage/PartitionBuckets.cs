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
    /// Moves rows stored before buckets into their buckets: each row of <paramref name="rows"/> (read with every column) is copied
    /// insert-only to <paramref name="target"/>(row), then deleted where it was, ETag-checked. Copy first: a crash in between leaves
    /// both, and the next run finds the copy there (409) and only deletes. Insert-only: a row already in its bucket, written by another
    /// mover or changed since, keeps what it holds. Returns the rows it moved or found moved.
    /// </summary>
    public static async Task<int> MoveAsync(TableClient table, IAsyncEnumerable<TableEntity> rows, Func<TableEntity, string> target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(target);
        var read = new List<TableEntity>();
        await foreach (var row in rows.WithCancellation(ct)) read.Add(row);
        foreach (var group in read.GroupBy(target, StringComparer.Ordinal))
            foreach (var chunk in group.Chunk(100))
                await CopyAsync(table, group.Key, chunk, ct);
        foreach (var group in read.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
            foreach (var chunk in group.Chunk(100))
                await DeleteAsync(table, chunk, ct);
        return read.Count;
    }

    private static async Task CopyAsync(TableClient table, string partition, TableEntity[] rows, CancellationToken ct)
    {
        var copies = rows.Select(r => Copy(r, partition)).ToList();
        try
        {
            await table.SubmitTransactionAsync(copies.Select(c => new TableTransactionAction(TableTransactionActionType.Add, c)), ct);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // Some were copied already (an earlier run stopped before deleting, or another mover): one by one, each kept if there.
            foreach (var c in copies)
            {
                try { await table.AddEntityAsync(c, ct); }
                catch (RequestFailedException one) when (one.Status == 409) { }
            }
        }
    }

    private static async Task DeleteAsync(TableClient table, TableEntity[] rows, CancellationToken ct)
    {
        try
        {
            await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag)), ct);
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            // Another mover deleted some (404), or a row changed since it was read (412: written by a process of the layout before;
            // its next start moves it again, and the insert-only copy keeps the bucket's row). One by one, the rest deleted.
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
