using Microsoft.Azure.Functions.Worker;
using SpineReview.Alerts;

namespace SpineReview.Functions.Functions;

/// <summary>
/// Alerts: the timer sends what is due (daily and weekly digests from their hour, retries whose wait is over, and immediate
/// alerts whose nudge was lost). The nudges a study's inclusion puts on the alerts queue are taken by the DrainQueues timer,
/// which sends the immediate alerts then. Exceptions escape so the runtime records the run as failed.
/// </summary>
public sealed class SendAlerts(AlertService alerts)
{
    [Function("SendDigests")]
    public Task Digests([TimerTrigger("%Schedules:SendDigests%")] TimerInfo timer, CancellationToken ct) =>
        alerts.RunAsync(AlertScope.All, progress: null, ct);
}
