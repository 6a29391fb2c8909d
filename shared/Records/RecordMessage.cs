using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using SpineReview.Storage;

namespace SpineReview.Records;

/// <summary>A message naming the record a stage should process: what every stage queue carries.</summary>
public sealed record RecordMessage(string RecordKey)
{
    /// <summary>Reads a queue message body; a body that is not a record message is an error the runtime will poison-queue.</summary>
    public static RecordMessage Parse(string body)
    {
        RecordMessage? m = null;
        try { m = JsonSerializer.Deserialize(body, RecordsJson.Default.RecordMessage); }
        catch (JsonException) { }
        if (m is null || string.IsNullOrWhiteSpace(m.RecordKey))
            throw new FormatException($"Queue message is not {{\"recordKey\":\"source:id\"}}: {body}");
        return m;
    }

    /// <summary>The message body as queued.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RecordsJson.Default.RecordMessage);
}

/// <summary>
/// A message naming the records a stage should process together (at most <see cref="MaxKeys"/>): what the screen and extract
/// queues carry since they were batched. A message in the one-record shape of <see cref="RecordMessage"/> reads as a batch of one,
/// so messages queued before the change are still handled.
/// </summary>
public sealed record RecordBatch(IReadOnlyList<string> RecordKeys)
{
    /// <summary>Keys per message: one entity-group transaction of the stage's writes (100 operations), and far below a queue
    /// message's 64 KiB.</summary>
    public const int MaxKeys = 100;

    /// <summary>Reads a queue message body in either shape; a body that is neither is an error the runtime will poison-queue.</summary>
    public static RecordBatch Parse(string body)
    {
        RecordBatch? batch = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("recordKeys", out _))
                batch = JsonSerializer.Deserialize(body, RecordsJson.Default.RecordBatch);
        }
        catch (JsonException) { }
        if (batch is null) return new RecordBatch([RecordMessage.Parse(body).RecordKey]);
        if (batch.RecordKeys is null || batch.RecordKeys.Count == 0 || batch.RecordKeys.Count > MaxKeys || batch.RecordKeys.Any(string.IsNullOrWhiteSpace))
            throw new FormatException($"Queue message is not {{\"recordKeys\":[\"source:id\", ...]}} with 1 to {MaxKeys} keys: {body}");
        return batch;
    }

    /// <summary>The message body as queued.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RecordsJson.Default.RecordBatch);

    /// <summary>A batch message's two halves as message bodies, or null for a batch of one or a body that is not a batch (the
    /// stage's handler deals with those as before).</summary>
    public static IReadOnlyList<string>? Halves(string body)
    {
        RecordBatch batch;
        try { batch = Parse(body); }
        catch (FormatException) { return null; }
        if (batch.RecordKeys.Count < 2) return null;
        var (first, second) = batch.Split();
        return [first.ToJson(), second.ToJson()];
    }

    /// <summary>The batch's two halves (the first one longer by one when the count is odd).</summary>
    public (RecordBatch First, RecordBatch Second) Split()
    {
        var half = (RecordKeys.Count + 1) / 2;
        return (new RecordBatch([.. RecordKeys.Take(half)]), new RecordBatch([.. RecordKeys.Skip(half)]));
    }
}

/// <summary>Puts record messages on the stage queues, which carry plain string bodies.</summary>
public static class RecordQueues
{
    /// <summary>Queues <paramref name="recordKeys"/> (each once) in messages of up to <see cref="RecordBatch.MaxKeys"/> for the stage that
    /// drains <paramref name="queue"/>, the keys of one Records partition together; returns how many messages were sent.</summary>
    public static async Task<int> EnqueueManyAsync(this WorkQueues queues, QueueClient queue, IEnumerable<string> recordKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(recordKeys);
        var sent = 0;
        // A stage reads its batch with a query per partition and 12 row keys (TableRows.GetManyAsync): 100 keys spread over a source's
        // 4 buckets took 12 queries, 100 of one bucket take 9. Sorted as the queries take them; the order of records in a stage
        // means nothing else.
        var ordered = recordKeys.Distinct(StringComparer.Ordinal)
            .OrderBy(k => k.IndexOf(':', StringComparison.Ordinal) > 0 ? RecordPartitions.Of(k).Partition : "", StringComparer.Ordinal)
            .ThenBy(k => k, StringComparer.Ordinal);
        foreach (var chunk in ordered.Chunk(RecordBatch.MaxKeys))
        {
            await queues.SendAsync(queue, new RecordBatch(chunk).ToJson(), ct);
            sent++;
        }
        return sent;
    }

    /// <summary>
    /// Runs <paramref name="handle"/> on a batch's keys. When it fails and the batch names more than one record, the batch's two
    /// halves are queued on <paramref name="queue"/> as messages of their own and false is returned (the caller's message is done):
    /// a record that keeps failing ends up alone, where the drain's retries and poison queue deal with it, and the others are
    /// handled. A server error or time-out the service answered (5xx, 408) is tried again whole once before that. A batch of one,
    /// cancellation, and storage that cannot be reached are thrown as they are.
    /// </summary>
    public static async Task<bool> HandleOrSplitAsync(this WorkQueues queues, QueueClient queue, RecordBatch batch, Func<IReadOnlyList<string>, Task> handle,
        Action<Exception>? onSplit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(handle);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await handle(batch.RecordKeys);
                return true;
            }
            catch (RequestFailedException e) when (attempt == 0 && Transient(e))
            {
                // The service was busy or timed out past the client's own retries: the batch is as good as before, and handling it
                // whole once more costs its requests again, where halves would cost two messages, two receipts and halved
                // transactions for the rest of the stages.
            }
            catch (Exception e) when (batch.RecordKeys.Count > 1 && e is not OperationCanceledException and not StorageUnavailableException)
            {
                onSplit?.Invoke(e);
                var (first, second) = batch.Split();
                await queues.SendAsync(queue, first.ToJson(), ct);
                await queues.SendAsync(queue, second.ToJson(), ct);
                return false;
            }
        }
    }

    // A server error (5xx) or a time-out (408) the service answered: nothing about the batch says it will happen again.
    private static bool Transient(RequestFailedException e) => e.Status >= 500 || e.Status == 408;

    /// <summary>Queues the record named by <paramref name="recordKey"/> for the stage that drains <paramref name="queue"/>.</summary>
    public static Task EnqueueAsync(this WorkQueues queues, QueueClient queue, string recordKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queues);
        return queues.SendAsync(queue, new RecordMessage(recordKey).ToJson(), ct);
    }
}
