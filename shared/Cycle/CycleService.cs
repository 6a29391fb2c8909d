using SpineReview.Alerts;
using SpineReview.Extraction;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Storage;

namespace SpineReview.Cycle;

/// <summary>What one cycle did, stage by stage; <see cref="Pdf"/> is the report this cycle made (or found unchanged).</summary>
public sealed record CycleSummary(IReadOnlyList<HarvestSummary> Harvests, WorkQueues.DrainResult Screened, ModelSummary Ranking, WorkQueues.DrainResult Extracted, ReportManifest Report,
    AlertRunSummary Alerts, byte[] Pdf);

/// <summary>One living-review cycle: harvest, screen, extract, report, immediate alerts. The console host runs it whole; in Azure each stage is its own function.</summary>
public sealed class CycleService(StorageClients storage, Harvester harvester, WorkQueues queues, ScreeningService screening,
    RankingService ranking, ExtractionService extraction, ReportService reports, AlertService alerts)
{
    /// <summary>Runs every stage in turn, reporting progress per stage.</summary>
    public async Task<CycleSummary> RunAsync(HarvestRequest window, IProgress<string>? progress, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        progress?.Report($"[1/6] harvest: {string.Join(", ", harvester.Sources.Where(s => s.Enabled).Select(s => s.Name))}");
        var harvest = await harvester.HarvestAllAsync(window, progress, ct);
        progress?.Report("[2/6] screen: Crossref enrichment where the abstract is missing, then the rule pre-screen");
        var screened = await DrainScreenAsync(progress, ct);
        progress?.Report("[3/6] rank: retrain the screening model on people's decisions and order their queue");
        var ranked = await ranking.RankAsync(force: false, ct);
        progress?.Report($"rank: {ranked.Ranked} records waiting for people, model trained on {ranked.Includes} includes and {ranked.Exclusions} exclusions{(ranked.ColdStart ? " (cold start from the protocol's criteria and the rules' exclusions)" : "")}");
        progress?.Report("[4/6] extract: the charting form, each value with its evidence");
        var extracted = await DrainExtractAsync(progress, ct);
        await extraction.ReextractIfNewVersionAsync(progress, ct);
        progress?.Report("[5/6] report: rendering the PDF");
        var (manifest, pdf) = await reports.GenerateAsync(ct);
        progress?.Report("[6/6] alerts: immediate alerts of newly eligible studies, and retries that are due");
        var nudges = await alerts.DrainNudgesAsync(ct);
        var sent = await alerts.RunAsync(AlertScope.Immediate, progress, ct) with { Nudges = nudges };
        return new CycleSummary(harvest, screened, ranked, extracted, manifest, sent, pdf);
    }

    /// <summary>Screens every queued record.</summary>
    public async Task<WorkQueues.DrainResult> DrainScreenAsync(IProgress<string>? progress, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        return await queues.DrainAsync(queues.Screen, (body, t) => screening.ScreenAsync(RecordMessage.Parse(body), t),
            Every(25, n => progress?.Report($"screen: {n} records")), ct, (body, e) => progress?.Report($"screen: {body} failed, left for a later run: {e.Message}"));
    }

    /// <summary>Extracts every queued record.</summary>
    public async Task<WorkQueues.DrainResult> DrainExtractAsync(IProgress<string>? progress, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        return await queues.DrainAsync(queues.Extract, (body, t) => extraction.ExtractAsync(RecordMessage.Parse(body), t),
            Every(25, n => progress?.Report($"extract: {n} records")), ct, (body, e) => progress?.Report($"extract: {body} failed, left for a later run: {e.Message}"));
    }

    private static SyncProgress<int> Every(int step, Action<int> report) => new(n => { if (n % step == 0) report(n); });
}
