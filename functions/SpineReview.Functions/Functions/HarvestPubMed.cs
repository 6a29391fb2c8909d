using Microsoft.Azure.Functions.Worker;
using SpineReview.Sources.PubMed;

namespace SpineReview.Functions.Functions;

/// <summary>Timer: harvests PubMed for the window since the last complete search.</summary>
public sealed class HarvestPubMed(PubMedHarvester harvester)
{
    [Function(nameof(HarvestPubMed))]
    public async Task Run([TimerTrigger("%Schedules:HarvestPubMed%")] TimerInfo timer, CancellationToken ct) =>
        await harvester.HarvestAsync(new HarvestRequest(), progress: null, ct);
}
