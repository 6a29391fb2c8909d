using Azure.Data.Tables;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Sources;

/// <summary>
/// Hands stored records over to screening: the record's message on the screen queue, then a mark in the harvest state that it
/// was sent. The harvest knows from its own mark, not from screening's tables, whether a record it finds stored already still
/// needs sending (a run that stopped between storing and sending); a record sent twice is screened twice to the same decision.
/// A harvest page is handed over as a batch: one message names up to <see cref="RecordBatch.MaxKeys"/> records. The marks are
/// spread over <see cref="Buckets"/> partitions <c>handover|{bucket}</c> (a hash of the encoded key): one mark a study, so a single
/// partition would grow with the review.
/// </summary>
public sealed class ScreeningHandover(StorageClients storage, WorkQueues queues)
{
    /// <summary>The marks' partition before buckets; <see cref="HandoverLayoutUpgrade"/> moves its rows.</summary>
    internal const string Partition = "handover";

    /// <summary>Buckets of the marks (docs/storage-path.md, "Buckets").</summary>
    // Stored rows are found by it: never change it on a deployed table (the layout upgrades move only rows stored before buckets).
    public const int Buckets = 16;

    private TableClient Table => storage.Table(storage.Names.StateTable);

    /// <summary>The mark's partition of an encoded record key.</summary>
    internal static string PartitionOf(string encodedKey) => PartitionBuckets.Partition(Partition, encodedKey, Buckets);

    private static TableEntity Mark(string recordKey)
    {
        var encoded = KeyEncoding.Encode(recordKey);
        return new TableEntity(PartitionOf(encoded), encoded);
    }

    /// <summary>Queues the record for screening and marks it sent.</summary>
    public async Task HandOverAsync(string recordKey, CancellationToken ct)
    {
        await queues.EnqueueAsync(queues.Screen, recordKey, ct);
        await Table.UpsertEntityAsync(Mark(recordKey), TableUpdateMode.Replace, ct);
    }

    /// <summary>Queues the record for screening unless it was sent already.</summary>
    public async Task HandOverIfNotYetAsync(string recordKey, CancellationToken ct)
    {
        var mark = Mark(recordKey);
        var sent = await Table.GetEntityIfExistsAsync<TableEntity>(mark.PartitionKey, mark.RowKey, select: ["PartitionKey"], cancellationToken: ct);
        if (!sent.HasValue) await HandOverAsync(recordKey, ct);
    }

    /// <summary>Queues a batch of records for screening in one message per <see cref="RecordBatch.MaxKeys"/> keys, then marks them
    /// sent in entity-group transactions (one per bucket and 100 rows). The marks come after the message, as for one record.</summary>
    public async Task HandOverManyAsync(IReadOnlyList<string> recordKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordKeys);
        var keys = recordKeys.Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return;
        await queues.EnqueueManyAsync(queues.Screen, keys, ct);
        foreach (var chunk in keys.Select(Mark).GroupBy(m => m.PartitionKey, StringComparer.Ordinal).SelectMany(b => b.Chunk(100)))
            await Table.SubmitTransactionAsync(chunk.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, m)), ct);
    }

    /// <summary>Queues those of a batch of records that were not sent yet: the marks are read with one query per
    /// <see cref="TableRows.KeysPerQuery"/> keys of a bucket, not one read each.</summary>
    public async Task HandOverIfNotYetManyAsync(IReadOnlyList<string> recordKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordKeys);
        var encoded = recordKeys.Distinct(StringComparer.Ordinal).ToDictionary(KeyEncoding.Encode, k => k, StringComparer.Ordinal);
        if (encoded.Count == 0) return;
        var sent = await TableRows.GetManyAsync<TableEntity>(Table, encoded.Keys.Select(k => (PartitionOf(k), k)), ["PartitionKey", "RowKey"], ct);
        var marked = sent.Select(e => e.RowKey).ToHashSet(StringComparer.Ordinal);
        await HandOverManyAsync(encoded.Where(kv => !marked.Contains(kv.Key)).Select(kv => kv.Value).ToList(), ct);
    }
}

/// <summary>Moves the handover marks stored before buckets (State partition <c>handover</c>) into their buckets: one partition
/// query, once, until done.</summary>
public sealed class HandoverLayoutUpgrade(StorageClients storage) : IStorageUpgrade
{
    /// <inheritdoc />
    public string Name => "HandoverBuckets";

    /// <inheritdoc />
    public Task<int> RunAsync(CancellationToken ct)
    {
        var table = storage.Table(storage.Names.StateTable);
        var old = table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ScreeningHandover.Partition}"), maxPerPage: 1000, cancellationToken: ct);
        return PartitionBuckets.MoveAsync(table, old, row => ScreeningHandover.PartitionOf(row.RowKey), ct);
    }
}
