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
        try { m = JsonSerializer.Deserialize(body, StoredJson.Default.RecordMessage); }
        catch (JsonException) { }
        if (m is null || string.IsNullOrWhiteSpace(m.RecordKey))
            throw new FormatException($"Queue message is not {{\"recordKey\":\"source:id\"}}: {body}");
        return m;
    }

    public string ToJson() => JsonSerializer.Serialize(this, StoredJson.Default.RecordMessage);
}

/// <summary>The stage queues: the Functions host drains them through queue triggers, the console host through <see cref="DrainAsync"/>.</summary>
public sealed class WorkQueues(StorageClients storage)
{
    public QueueClient Screen => storage.Queue(storage.Names.ScreenQueue);
    public QueueClient Extract => storage.Queue(storage.Names.ExtractQueue);
    public QueueClient Alerts => storage.Queue(storage.Names.AlertsQueue);

    public Task EnqueueAsync(QueueClient queue, string recordKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.SendMessageAsync(new RecordMessage(recordKey).ToJson(), ct);
    }

    /// <summary>What a drain did.</summary>
    public sealed record DrainResult(int Done, int Failed, int Poisoned);

    /// <summary>Moved aside after this many failed attempts, as the Functions host does (host.json maxDequeueCount).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>Processes every visible message once. A message is deleted only after its handler succeeded; one that fails
    /// stays for a later run, and after <see cref="MaxDequeueCount"/> attempts moves to "&lt;queue&gt;-poison" for a person.
    /// Storage that cannot be reached stops the drain at once (<see cref="StorageUnavailableException"/>): every other
    /// message would fail the same way.</summary>
    public async Task<DrainResult> DrainAsync(QueueClient queue, Func<string, CancellationToken, Task> handle, IProgress<int>? progress, CancellationToken ct,
        Action<string, Exception>? onFailure = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handle);
        int done = 0, failed = 0, poisoned = 0;
        while (true)
        {
            var batch = await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), ct);
            if (batch.Value.Length == 0) return new DrainResult(done, failed, poisoned);
            foreach (var m in batch.Value)
            {
                if (m.DequeueCount > MaxDequeueCount)
                {
                    await MoveToPoisonAsync(queue, m.Body.ToString(), ct);
                    await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                    poisoned++;
                    continue;
                }
                try
                {
                    await handle(m.Body.ToString(), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException and not StorageUnavailableException)
                {
                    // Left invisible for a while and tried again by a later run; the rest of the queue goes on.
                    failed++;
                    onFailure?.Invoke(m.Body.ToString(), e);
                    continue;
                }
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                done++;
                progress?.Report(done);
            }
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, string body, CancellationToken ct)
    {
        var poison = storage.Queue(queue.Name + "-poison");
        await poison.CreateIfNotExistsAsync(cancellationToken: ct);
        await poison.SendMessageAsync(body, ct);
    }
}
