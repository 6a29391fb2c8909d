using Microsoft.Azure.Functions.Worker;
using SpineReview.Living;
using SpineReview.Records;
using SpineReview.Sources;

namespace SpineReview.Functions.Functions;

/// <summary>Weekly timers of a living review beyond the database searches: citation searching from the included studies, and
/// what has happened to the studies since they were stored (retractions, corrections, journal versions). A failure is thrown
/// so the run shows as failed; both are safe to run again.</summary>
public sealed class LivingChecks(Harvester harvester, RecordRefresher refresher)
{
    [Function("SearchCitations")]
    public async Task SearchCitations([TimerTrigger("%Schedules:SearchCitations%")] TimerInfo timer, CancellationToken ct)
    {
        // Citation searching asks OpenAlex: switched off with it (setting OpenAlex__Enabled).
        if (harvester.Find(SourceName.Citations.Name) is not { Enabled: true }) return;
        await harvester.HarvestAsync(SourceName.Citations.Name, new HarvestRequest(), progress: null, ct);
    }

    [Function("RefreshStudies")]
    public async Task RefreshStudies([TimerTrigger("%Schedules:RefreshStudies%")] TimerInfo timer, CancellationToken ct)
    {
        // Crossref, PubMed and OpenAlex all switched off on purpose: nothing to ask, and not a failure to show every week.
        if (refresher.SourcesOn.Count == 0) return;
        await refresher.RefreshAsync(progress: null, ct);
    }
}
