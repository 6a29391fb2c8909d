using Microsoft.Azure.Functions.Worker;
using SpineReview.Extraction;

namespace SpineReview.Functions.Functions;

/// <summary>Timer: after a deployment with a new extractor version, re-extracts every stored study once (corrections stay).</summary>
public sealed class ReextractStudies(ExtractionService extraction)
{
    [Function(nameof(ReextractStudies))]
    public async Task Run([TimerTrigger("%Schedules:ReextractStudies%", RunOnStartup = false)] TimerInfo timer, CancellationToken ct) =>
        await extraction.ReextractIfNewVersionAsync(null, ct);
}
