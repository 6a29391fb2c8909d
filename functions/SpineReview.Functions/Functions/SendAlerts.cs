using Microsoft.Azure.Functions.Worker;
using SpineReview.Alerts;

namespace SpineReview.Functions.Functions;

/// <summary>
/// Alerts: the timer sends what is due (daily and weekly digests from their hour, retries whose wait is over, and immediate
/// alerts whose nudge was lost); a queue message, put there when a study is included, sends immediate alerts at once.
/// Exceptions escape so the runtime records the run as failed (and retries and poison-queues a message).
/// </summary>
public sealed class SendAlerts(AlertService alerts)
{
    [Function("SendDigests")]
    public Task Digests([TimerTrigger("%Schedules:SendDigests%")] TimerInfo timer, CancellationToken ct) =>
        alerts.RunAsync(AlertScope.All, progress: null, ct);

    [Function("SendAlerts")]
    public Task Immediate([QueueTrigger("%Storage:Prefix%-alerts", Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        alerts.RunForMessageAsync(message, ct);
}
