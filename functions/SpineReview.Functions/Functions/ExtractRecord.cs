using Microsoft.Azure.Functions.Worker;
using SpineReview.Extraction;

namespace SpineReview.Functions.Functions;

/// <summary>Queue: extraction of one record that passed the rule pre-screen.</summary>
public sealed class ExtractRecord(ExtractionService extraction)
{
    [Function(nameof(ExtractRecord))]
    public Task Run([QueueTrigger("%Storage:Prefix%-extract", Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        extraction.ExtractMessageAsync(message, ct);
}
