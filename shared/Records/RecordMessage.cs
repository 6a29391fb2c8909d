using System.Text.Json;
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

/// <summary>Puts record messages on the stage queues, which carry plain string bodies.</summary>
public static class RecordQueues
{
    /// <summary>Queues the record named by <paramref name="recordKey"/> for the stage that drains <paramref name="queue"/>.</summary>
    public static Task EnqueueAsync(this WorkQueues queues, QueueClient queue, string recordKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queues);
        return queues.SendAsync(queue, new RecordMessage(recordKey).ToJson(), ct);
    }
}
