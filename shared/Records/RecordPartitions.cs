using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Records;

/// <summary>
/// The Records table's key scheme, in one place: a record key "source:id" is row key id (encoded, as the key holds it) in partition
/// <c>{source}|{bucket}</c>, the bucket a hash of the id among <see cref="Buckets"/>. The key people see does not change; only where
/// its row is. Rows stored before buckets (partition = source) are moved by <see cref="RecordsLayoutUpgrade"/> when a host starts.
/// </summary>
public static class RecordPartitions
{
    /// <summary>Buckets per source. Fewer than the claims' 16: screening and extraction read a batch of a source's records with a
    /// query per bucket and 12 keys, so more buckets mean more queries (100 keys: 12 queries over 4 buckets, 16 over 16, 9 over
    /// one); at 50,000 records PubMed's 15,700 rows are about 3,900 a bucket (docs/storage-path.md, "Buckets").</summary>
    // Stored rows are found by it: never change it on a deployed table (the layout upgrades move only rows stored before buckets).
    public const int Buckets = 4;

    /// <summary>The partition of a source's row key.</summary>
    public static string Of(string source, string rowKey) => PartitionBuckets.Partition(source, rowKey, Buckets);

    /// <summary>The partition and row key of a record key ("source:id").</summary>
    public static (string Partition, string RowKey) Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var i = key.IndexOf(':', StringComparison.Ordinal);
        if (i <= 0) throw new ArgumentException($"'{key}' is not a record key (source:id).", nameof(key));
        // The key's id is the row key already (RecordKey.For encodes it).
        var rowKey = key[(i + 1)..];
        return (Of(key[..i], rowKey), rowKey);
    }
}

/// <summary>Moves Records rows stored before buckets (partition = source name) into their buckets: a whole-table read once, until done.</summary>
public sealed class RecordsLayoutUpgrade(StorageClients storage) : IStorageUpgrade
{
    /// <inheritdoc />
    public string Name => "RecordsBuckets";

    /// <inheritdoc />
    public Task<int> RunAsync(CancellationToken ct)
    {
        // Import sources are named by people, so the old partitions are not a known list: every row is looked at, once.
        var table = storage.Table(storage.Names.RecordsTable);
        return PartitionBuckets.MoveAsync(table, PartitionBuckets.UnbucketedRowsAsync(table, ct), row => RecordPartitions.Of(row.PartitionKey, row.RowKey), ct);
    }
}
