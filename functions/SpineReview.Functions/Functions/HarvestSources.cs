using Microsoft.Azure.Functions.Worker;
using SpineReview.Records;
using SpineReview.Sources;

namespace SpineReview.Functions.Functions;

/// <summary>Timers: each source harvested on its own schedule (Schedules__Harvest...), for the window since its last complete search.
/// A source without its key is skipped with a logged reason; a failure is thrown so the run shows as failed.</summary>
public sealed class HarvestSources(Harvester harvester)
{
    [Function("HarvestPubMed")]
    public Task HarvestPubMed([TimerTrigger("%Schedules:HarvestPubMed%")] TimerInfo timer, CancellationToken ct) => Run(SourceName.PubMed, ct);

    [Function("HarvestIeee")]
    public Task HarvestIeee([TimerTrigger("%Schedules:HarvestIeee%")] TimerInfo timer, CancellationToken ct) => Run(SourceName.Ieee, ct);

    [Function("HarvestEuropePmc")]
    public Task HarvestEuropePmc([TimerTrigger("%Schedules:HarvestEuropePmc%")] TimerInfo timer, CancellationToken ct) => Run(SourceName.EuropePmc, ct);

    [Function("HarvestArxiv")]
    public Task HarvestArxiv([TimerTrigger("%Schedules:HarvestArxiv%")] TimerInfo timer, CancellationToken ct) => Run(SourceName.Arxiv, ct);

    [Function("HarvestOpenAlex")]
    public Task HarvestOpenAlex([TimerTrigger("%Schedules:HarvestOpenAlex%")] TimerInfo timer, CancellationToken ct) => Run(SourceName.OpenAlex, ct);

    private async Task Run(SourceName source, CancellationToken ct)
    {
        if (harvester.Sources.FirstOrDefault(s => s.Name == source.Name) is { Enabled: false }) return;
        await harvester.HarvestAsync(source.Name, new HarvestRequest(), progress: null, ct);
    }
}
