using Azure;
using Azure.Storage.Queues;

namespace SpineReview.Storage;

/// <summary>The stage queues: the Functions host drains them through queue triggers, the console host through <see cref="DrainAsync"/>.</summary>
public sealed class WorkQueues(StorageClients storage, TimeProvider time)
{
    public QueueClient Screen => storage.Queue(storage.Names.ScreenQueue);
    public QueueClient Extract => storage.Queue(storage.Names.ExtractQueue);
    public QueueClient Alerts => storage.Queue(storage.Names.AlertsQueue);

    /// <summary>Each work queue's name and its approximate number of messages (those being processed included).</summary>
    public async Task<IReadOnlyList<(string Queue, int Messages)>> DepthsAsync(CancellationToken ct)
    {
        var list = new List<(string, int)>();
        foreach (var name in storage.Names.Queues)
            list.Add((name, (await storage.Queue(name).GetPropertiesAsync(ct)).Value.ApproximateMessagesCount));
        return list;
    }

    /// <summary>Puts one message body on <paramref name="queue"/>; what the body says is the sending feature's business.</summary>
    public async Task SendAsync(QueueClient queue, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await queue.SendMessageAsync(body, ct);
    }

    /// <summary>What a drain did. <paramref name="Pending"/> messages were still on the queue, hidden, when it stopped waiting for them.</summary>
    public sealed record DrainResult(int Done, int Failed, int Poisoned, int Pending = 0);

    /// <summary>Moved aside after this many failed attempts, as the Functions host does (host.json maxDequeueCount).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>How long a received message stays hidden from other runs; renewed while it is being handled. Short, so the
    /// messages of a run that was interrupted (process ended, storage lost) come back soon for the next run.</summary>
    public TimeSpan Visibility { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a drain that finds nothing visible waits for hidden messages (an interrupted run's) to come back.</summary>
    public TimeSpan WaitForHidden { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>How long a message whose handler failed stays hidden: long enough that this drain does not try it again.</summary>
    public TimeSpan RetryFailedAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a drain waiting for hidden messages looks again.</summary>
    public TimeSpan PollHidden { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Processes every message once, including those an interrupted run left hidden: when nothing is visible but the queue
    /// still holds messages, it waits up to <see cref="WaitForHidden"/> for them and processes them, and counts those still
    /// hidden after that as <see cref="DrainResult.Pending"/>. A message is deleted only after its handler succeeded; one
    /// that fails stays for a later run, and after <see cref="MaxDequeueCount"/> attempts moves to "&lt;queue&gt;-poison"
    /// for a person. Storage that cannot be reached stops the drain at once (<see cref="StorageUnavailableException"/>):
    /// every other message would fail the same way.
    /// </summary>
    public Task<DrainResult> DrainAsync(QueueClient queue, Func<string, CancellationToken, Task> handle, IProgress<int>? progress, CancellationToken ct,
        Action<string, Exception>? onFailure = null, Action<int, TimeSpan>? onWaiting = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return DrainCoreAsync(queue, async (body, token) => { await handle(body, token); return 1; }, 32, progress, onFailure, onWaiting, ct);
    }

    /// <summary>
    /// <see cref="DrainAsync"/> for messages that each carry a batch: <paramref name="handle"/> returns how many items the message
    /// held, and <see cref="DrainResult.Done"/> and <paramref name="progress"/> count those items (failed, poisoned and pending ones
    /// are still counted in messages). One message is received at a time: a batch can take minutes (each record's full text is
    /// asked of a rate-limited service), and messages received ahead of their turn would come back into sight meanwhile, be taken
    /// by another run and gain a dequeue count each round without ever failing, until good batches were poison-queued.
    /// A message received before (its dequeue count above 1: a run that never finished, because the process ended or timed out, or
    /// a failure its handler could not split, such as storage out of reach or a cancelled run) is not handled whole again:
    /// <paramref name="split"/> gives its parts (null when it cannot be split), which are queued before it is deleted (and taken
    /// back when the delete fails), so a record that ends every run it is in ends up alone and is poison-queued by itself.
    /// </summary>
    public Task<DrainResult> DrainBatchesAsync(QueueClient queue, Func<string, CancellationToken, Task<int>> handle, IProgress<int>? progress, CancellationToken ct,
        Action<string, Exception>? onFailure = null, Action<int, TimeSpan>? onWaiting = null, Func<string, IReadOnlyList<string>?>? split = null) =>
        DrainCoreAsync(queue, handle, 1, progress, onFailure, onWaiting, ct, split);

    private async Task<DrainResult> DrainCoreAsync(QueueClient queue, Func<string, CancellationToken, Task<int>> handle, int receiveAtOnce, IProgress<int>? progress,
        Action<string, Exception>? onFailure, Action<int, TimeSpan>? onWaiting, CancellationToken ct, Func<string, IReadOnlyList<string>?>? split = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handle);
        int done = 0, poisoned = 0;
        // Failed here and hidden for RetryFailedAfter: still on the queue, but not work this drain is waiting for.
        var failed = new HashSet<string>(StringComparer.Ordinal);
        int failures = 0;
        long? waitingSince = null;
        // Left hidden for a while and tried again by a later run; the rest of the queue goes on.
        async Task FailedAsync(Azure.Storage.Queues.Models.QueueMessage m, string receipt, Exception e)
        {
            failures++;
            failed.Add(m.MessageId);
            onFailure?.Invoke(m.Body.ToString(), e);
            await KeepHiddenAsync(queue, m.MessageId, receipt, RetryFailedAfter, ct);
        }
        while (true)
        {
            var receivedAt = time.GetTimestamp();
            var batch = await queue.ReceiveMessagesAsync(receiveAtOnce, Visibility, ct);
            if (batch.Value.Length == 0)
            {
                // Includes hidden messages: those of a run that was interrupted, or of one still working.
                var queued = (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
                var hidden = Math.Max(0, queued - failed.Count);
                if (hidden == 0) return new DrainResult(done, failures, poisoned);
                if (waitingSince is null)
                {
                    waitingSince = time.GetTimestamp();
                    onWaiting?.Invoke(hidden, WaitForHidden);
                }
                if (time.GetElapsedTime(waitingSince.Value) >= WaitForHidden) return new DrainResult(done, failures, poisoned, hidden);
                await Task.Delay(PollHidden, time, ct);
                continue;
            }
            waitingSince = null;
            foreach (var m in batch.Value)
            {
                var receipt = m.PopReceipt;
                // Later messages of a batch wait their turn: keep them ours if their first hiding is running out.
                if (time.GetElapsedTime(receivedAt) > Visibility * 2 / 3)
                {
                    if (await KeepHiddenAsync(queue, m.MessageId, receipt, Visibility, ct) is not { } renewed) continue;
                    receipt = renewed;
                }
                // A batch seen before either failed in a way its handler could not split (storage out of reach, a cancelled run), or was
                // taken by a run that never finished (the process ended, a time-out, a hold that lapsed). Handling it whole again could
                // end this run the same way, and after a few rounds poison-queue the whole batch with the one record that ends runs.
                if (m.DequeueCount > 1 && split?.Invoke(m.Body.ToString()) is { Count: > 1 } parts)
                {
                    var splitHold = new Holder(queue, m.MessageId, receipt, Visibility, time);
                    try
                    {
                        await splitHold.RunAsync(() => SplitAsync(queue, m.MessageId, () => splitHold.Receipt, parts, ct), ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException and not StorageUnavailableException)
                    {
                        // The batch stays as it was (SplitAsync took back what it had sent): a later run splits it again.
                        await FailedAsync(m, splitHold.Receipt, e);
                        continue;
                    }
                    failed.Remove(m.MessageId);
                    continue;
                }
                if (m.DequeueCount > MaxDequeueCount)
                {
                    await MoveToPoisonAsync(queue, m.Body.ToString(), ct);
                    await DeleteAsync(queue, m.MessageId, receipt, ct);
                    failed.Remove(m.MessageId);
                    poisoned++;
                    continue;
                }
                var held = new Holder(queue, m.MessageId, receipt, Visibility, time);
                int items = 0;
                try
                {
                    await held.RunAsync(async () => items = await handle(m.Body.ToString(), ct), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException and not StorageUnavailableException)
                {
                    await FailedAsync(m, held.Receipt, e);
                    continue;
                }
                await DeleteAsync(queue, m.MessageId, held.Receipt, ct);
                failed.Remove(m.MessageId);
                if (items == 0) continue;
                done += items;
                progress?.Report(done);
            }
        }
    }

    // Keeps one message hidden while its handler runs, so a slow record is not taken by another run meanwhile.
    private sealed class Holder(QueueClient queue, string messageId, string receipt, TimeSpan visibility, TimeProvider time)
    {
        public string Receipt { get; private set; } = receipt;

        public async Task RunAsync(Func<Task> work, CancellationToken ct)
        {
            using var stop = new CancellationTokenSource();
            var renewing = RenewAsync(stop.Token, ct);
            try
            {
                await work();
            }
            finally
            {
                await stop.CancelAsync();
                await renewing;
            }
        }

        private async Task RenewAsync(CancellationToken stop, CancellationToken ct)
        {
            while (true)
            {
                try
                {
                    await Task.Delay(visibility / 3, time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                // Not cancelled by stop: an update cut short could change the receipt without our knowing the new one.
                try
                {
                    if (await KeepHiddenAsync(queue, messageId, Receipt, visibility, ct) is not { } renewed) return;
                    Receipt = renewed;
                }
                catch (Exception e) when (e is StorageUnavailableException or RequestFailedException or OperationCanceledException)
                {
                    // The handler meets the same storage and reports it; a lapsed hold costs at most the same idempotent work twice.
                    return;
                }
            }
        }
    }

    /// <summary>Hides a message for <paramref name="visibility"/> from now; null when it is no longer ours (another run received it).</summary>
    private static async Task<string?> KeepHiddenAsync(QueueClient queue, string messageId, string receipt, TimeSpan visibility, CancellationToken ct)
    {
        try
        {
            var updated = await queue.UpdateMessageAsync(messageId, receipt, messageText: null, visibilityTimeout: visibility, cancellationToken: ct);
            return updated.Value.PopReceipt;
        }
        catch (RequestFailedException e) when (NotOurs(e))
        {
            return null;
        }
    }

    // Queues a batch's parts, then deletes the batch. When a send or the delete fails (the delete also when another run holds the
    // batch now), the parts already sent are deleted again by their own receipts, so the batch is never both whole and in parts
    // on the queue, and no record is handled or counted twice for it. Only a failure of that undo too can leave both.
    private static async Task SplitAsync(QueueClient queue, string messageId, Func<string> receipt, IReadOnlyList<string> parts, CancellationToken ct)
    {
        var sent = new List<Azure.Storage.Queues.Models.SendReceipt>(parts.Count);
        try
        {
            foreach (var part in parts) sent.Add((await queue.SendMessageAsync(part, ct)).Value);
            await queue.DeleteMessageAsync(messageId, receipt(), ct);
        }
        catch
        {
            foreach (var part in sent)
            {
                try { await queue.DeleteMessageAsync(part.MessageId, part.PopReceipt, CancellationToken.None); }
                catch (RequestFailedException) { /* left as it is: the stages are idempotent, and the first failure is what is reported */ }
            }
            throw;
        }
    }

    private static async Task DeleteAsync(QueueClient queue, string messageId, string receipt, CancellationToken ct)
    {
        try
        {
            await queue.DeleteMessageAsync(messageId, receipt, ct);
        }
        catch (RequestFailedException e) when (NotOurs(e))
        {
            // Another run received it after our hold lapsed; it will do the same work again (every stage is idempotent).
        }
    }

    private static bool NotOurs(RequestFailedException e) => e.Status == 404 || e.ErrorCode == "PopReceiptMismatch";

    private async Task MoveToPoisonAsync(QueueClient queue, string body, CancellationToken ct)
    {
        await storage.Queue(StorageNames.PoisonQueue(queue.Name)).SendMessageAsync(body, ct);
    }
}
