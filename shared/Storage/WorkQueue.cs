using System.Text.Json;
using Azure.Storage.Queues;

namespace SpineReview.Storage;

/// <summary>A message naming the record a stage should process.</summary>
public sealed record RecordMessage(string RecordKey)
{
    /// <summary>Reads a queue message body; a body that is not a record message is an error the runtime will poison-queue.</summary>
    public static RecordMessage Parse(string body)
    {
        RecordMessage? m = null;
        try { m = JsonSerializer.Deserialize<RecordMessage>(body, RecordStore.Json); }
        catch (JsonException) { }
        if (m is null || string.IsNullOrWhiteSpace(m.RecordKey))
            throw new FormatException($"Queue message is not {{\"recordKey\":\"source:id\"}}: {body}");
        return m;
    }

    public string ToJson() => JsonSerializer.Serialize(this, RecordStore.Json);
}

/// <summary>The stage queues: the Functions host drains them through queue triggers, the console host through <see cref="DrainAsync"/>.</summary>
public sealed class WorkQueues(StorageClients storage)
{
    public QueueClient Screen => storage.Queue(storage.Names.ScreenQueue);
    public QueueClient Extract => storage.Queue(storage.Names.ExtractQueue);

    public Task EnqueueAsync(QueueClient queue, string recordKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.SendMessageAsync(new RecordMessage(recordKey).ToJson(), ct);
    }

    /// <summary>Processes every message until the queue is empty; a message is deleted only after its handler succeeded.</summary>
    public static async Task<int> DrainAsync(QueueClient queue, Func<string, CancellationToken, Task> handle, IProgress<int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handle);
        var done = 0;
        while (true)
        {
            var batch = await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), ct);
            if (batch.Value.Length == 0) return done;
            foreach (var m in batch.Value)
            {
                await handle(m.Body.ToString(), ct);
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                done++;
                progress?.Report(done);
            }
        }
    }
}
