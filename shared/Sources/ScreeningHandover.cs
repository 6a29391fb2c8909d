using Azure.Data.Tables;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Sources;

/// <summary>
/// Hands stored records over to screening: the record's message on the screen queue, then a mark in the harvest state that it
/// was sent. The harvest knows from its own mark, not from screening's tables, whether a record it finds stored already still
/// needs sending (a run that stopped between storing and sending); a record sent twice is screened twice to the same decision.
/// A harvest page is handed over as a batch: one message names up to <see cref="RecordBatch.MaxKeys"/> records.
/// </summary>
public sealed class ScreeningHandover(StorageClients storage, WorkQueues queues)
{
    private const string Partition = "handover";

    private TableClient Table => storage.Table(storage.Names.StateTable);

    /// <summary>Queues the record for screening and marks it sent.</summary>
    public async Task HandOverAsync(string recordKey, CancellationToken ct)
    {
        await queues.EnqueueAsync(queues.Screen, recordKey, ct);
        await Table.UpsertEntityAsync(new TableEntity(Partition, KeyEncoding.Encode(recordKey)), TableUpdateMode.Replace, ct);
    }

    /// <summary>Queues the record for screening unless it was sent already.</summary>
    public async Task HandOverIfNotYetAsync(string recordKey, CancellationToken ct)
    {
        var sent = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, KeyEncoding.Encode(recordKey), select: ["PartitionKey"], cancellationToken: ct);
        if (!sent.HasValue) await HandOverAsync(recordKey, ct);
    }

    /// <summary>Queues a batch of records for screening in one message per <see cref="RecordBatch.MaxKeys"/> keys, then marks them
    /// sent in entity-group transactions (one partition, 100 rows each). The marks come after the message, as for one record.</summary>
    public async Task HandOverManyAsync(IReadOnlyList<string> recordKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordKeys);
        var keys = recordKeys.Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return;
        await queues.EnqueueManyAsync(queues.Screen, keys, ct);
        foreach (var chunk in keys.Chunk(100))
        {
            var marks = chunk.Select(k => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(Partition, KeyEncoding.Encode(k))));
            await Table.SubmitTransactionAsync(marks, ct);
        }
    }

    /// <summary>Queues those of a batch of records that were not sent yet: the marks are read with one query per
    /// <see cref="TableRows.KeysPerQuery"/> keys, not one read each.</summary>
    public async Task HandOverIfNotYetManyAsync(IReadOnlyList<string> recordKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordKeys);
        var encoded = recordKeys.Distinct(StringComparer.Ordinal).ToDictionary(KeyEncoding.Encode, k => k, StringComparer.Ordinal);
        if (encoded.Count == 0) return;
        var sent = await TableRows.GetManyAsync<TableEntity>(Table, Partition, encoded.Keys, ["PartitionKey", "RowKey"], ct);
        var marked = sent.Select(e => e.RowKey).ToHashSet(StringComparer.Ordinal);
        await HandOverManyAsync(encoded.Where(kv => !marked.Contains(kv.Key)).Select(kv => kv.Value).ToList(), ct);
    }
}
