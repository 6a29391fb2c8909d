using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SpineReview.Cycle;

namespace SpineReview.Functions.Functions;

/// <summary>
/// Timer: screens and extracts what is queued (messages carry batches of records) and sends immediate alerts that people's
/// inclusions nudged. A timer in place of three queue triggers: the host and the platform's scale controller poll every queue
/// trigger every few seconds all month, which was most of the deployment's bill (docs/deployment.md). A message that fails stays
/// on its queue for the next run and is poison-queued after five attempts; the run is logged as failed when any did.
/// </summary>
public sealed partial class DrainQueues(CycleService cycle, ILogger<DrainQueues> log)
{
    [Function(nameof(DrainQueues))]
    public async Task Run([TimerTrigger("%Schedules:DrainQueues%")] TimerInfo timer, CancellationToken ct)
    {
        var done = await cycle.DrainQueuesAsync(new SyncProgress<string>(line => Progress(log, line)), ct);
        Drained(log, done.Screened, done.Extracted, done.Nudges, done.Failed, done.Poisoned, done.Pending);
        if (done.Failed + done.Poisoned > 0)
            throw new InvalidOperationException($"{done.Failed} queued batches failed (left for the next run) and {done.Poisoned} were moved to a poison queue; the log says which and why.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DrainQueues: {Line}")]
    private static partial void Progress(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "DrainQueues: {Screened} records screened, {Extracted} extracted, {Nudges} alert nudges; {Failed} messages failed, {Poisoned} poison-queued, {Pending} still hidden")]
    private static partial void Drained(ILogger logger, int screened, int extracted, int nudges, int failed, int poisoned, int pending);
}
