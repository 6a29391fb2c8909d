using Microsoft.Azure.Functions.Worker;
using SpineReview.Screening;

namespace SpineReview.Functions.Functions;

/// <summary>Queue: the rule pre-screen of one record. Exceptions escape so the runtime retries and poison-queues.</summary>
public sealed class ScreenRecord(ScreeningService screening)
{
    [Function(nameof(ScreenRecord))]
    public Task Run([QueueTrigger("%Storage:Prefix%-screen", Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        screening.ScreenMessageAsync(message, ct);
}
