using SpineReview.Alerts;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Storage;

namespace SpineReview.Cycle;

/// <summary>What one cycle did, stage by stage; <see cref="Pdf"/> is the report this cycle made (or found unchanged).</summary>
public sealed record CycleSummary(IReadOnlyList<HarvestSummary> Harvests, WorkQueues.DrainResult Screened, ModelSummary Ranking, WorkQueues.DrainResult Extracted, ReportManifest Report,
    AlertRunSummary Alerts, byte[] Pdf);

/// <summary>What <see cref="CycleService.DrainQueuesAsync"/> did: records screened and extracted, messages that failed (left for a later
/// run), were poison-queued or were still hidden on a queue, and alert nudges taken.</summary>
public sealed record QueuedWork(int Screened, int Extracted, int Failed, int Poisoned, int Pending, int Nudges);

/// <summary>One living-review cycle: harvest, screen, extract, report, immediate alerts. The console host runs it whole; in Azure each stage is its own function.</summary>
public sealed class CycleService(Harvester harvester, WorkQueues queues, ScreeningService screening,
    RankingService ranking, ExtractionService extraction, ReportService reports, AlertService alerts, TimeProvider time)
{
    /// <summary>The longest a queue message stays hidden by a run that stopped: the Functions host receives for 10 minutes (a cycle for <see cref="WorkQueues.Visibility"/>).</summary>
    public static readonly TimeSpan ComeBackAfter = TimeSpan.FromMinutes(10);

    /// <summary>Runs every stage in turn, reporting progress per stage.</summary>
    public async Task<CycleSummary> RunAsync(HarvestRequest window, IProgress<string>? progress, CancellationToken ct)
    {
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
        // A report made now would show the studies whose work is still hidden on a queue as if they were done, and alerts would go out without their charting.
        if (screened.Pending + extracted.Pending > 0) throw new CycleIncompleteException(screened, extracted, time.GetLocalNow() + ComeBackAfter);
        progress?.Report("[5/6] report: rendering the PDF");
        var (manifest, pdf) = await reports.GenerateAsync(ct);
        progress?.Report("[6/6] alerts: immediate alerts of newly eligible studies, and retries that are due");
        var nudges = await alerts.DrainNudgesAsync(ct);
        var sent = await alerts.RunAsync(AlertScope.Immediate, progress, ct) with { Nudges = nudges };
        return new CycleSummary(harvest, screened, ranked, extracted, manifest, sent, pdf);
    }

    /// <summary>Screens every queued record (messages carry batches; <see cref="WorkQueues.DrainResult.Done"/> counts records).</summary>
    public async Task<WorkQueues.DrainResult> DrainScreenAsync(IProgress<string>? progress, CancellationToken ct)
    {
        return Said(await queues.DrainBatchesAsync(queues.Screen, screening.ScreenMessageAsync,
            Every(25, n => progress?.Report($"screen: {n} records")), ct, (body, e) => progress?.Report($"screen: {body} failed, left for a later run: {e.Message}"),
            (hidden, wait) => progress?.Report(Waiting("screen", hidden, wait)), Split("screen", progress)), "screen", progress);
    }

    /// <summary>Extracts every queued record (messages carry batches; <see cref="WorkQueues.DrainResult.Done"/> counts records).</summary>
    public async Task<WorkQueues.DrainResult> DrainExtractAsync(IProgress<string>? progress, CancellationToken ct)
    {
        return Said(await queues.DrainBatchesAsync(queues.Extract, extraction.ExtractMessageAsync,
            Every(25, n => progress?.Report($"extract: {n} records")), ct, (body, e) => progress?.Report($"extract: {body} failed, left for a later run: {e.Message}"),
            (hidden, wait) => progress?.Report(Waiting("extract", hidden, wait)), Split("extract", progress)), "extract", progress);
    }

    // A batch back from a run that never finished goes back as halves (WorkQueues.DrainBatchesAsync), said once per batch.
    private static Func<string, IReadOnlyList<string>?> Split(string stage, IProgress<string>? progress) => body =>
    {
        var halves = RecordBatch.Halves(body);
        if (halves is not null) progress?.Report($"{stage}: a batch of {RecordBatch.Parse(body).RecordKeys.Count} records came back from a run that did not finish; queued again as two halves");
        return halves;
    };

    /// <summary>
    /// What the Functions host's DrainQueues timer runs in place of queue triggers, which the host and the platform would poll every
    /// few seconds all month: screens and extracts whatever is queued, then, when people's inclusions left nudges on the alerts
    /// queue, sends the immediate alerts. Ranking stays with its own timer. Returns what each stage did.
    /// </summary>
    public async Task<QueuedWork> DrainQueuesAsync(IProgress<string>? progress, CancellationToken ct)
    {
        var screened = await DrainScreenAsync(progress, ct);
        var extracted = await DrainExtractAsync(progress, ct);
        var nudges = await alerts.DrainNudgesAsync(ct);
        if (nudges > 0) await alerts.RunAsync(AlertScope.Immediate, progress, ct);
        return new QueuedWork(screened.Done, extracted.Done, screened.Failed + extracted.Failed, screened.Poisoned + extracted.Poisoned,
            screened.Pending + extracted.Pending, nudges);
    }

    private WorkQueues.DrainResult Said(WorkQueues.DrainResult result, string stage, IProgress<string>? progress)
    {
        if (result.Pending > 0) progress?.Report($"{CycleIncompleteException.Pending(stage, result.Pending)}; run it again after {time.GetLocalNow() + ComeBackAfter:HH:mm}");
        return result;
    }

    private static string Waiting(string stage, int hidden, TimeSpan wait) =>
        $"{stage}: {Messages(hidden)} hidden on the queue (taken by a run that was interrupted, or by one still working); waiting up to {wait.TotalSeconds:0} s for them";

    // Hidden work is counted in messages: a message names a batch of records, and which ones is not known until it is received.
    internal static string Messages(int n) => n == 1 ? "1 message of records" : $"{n} messages of records";

    // A batch moves the count by many at once: report each time it passes a multiple of the step.
    private static SyncProgress<int> Every(int step, Action<int> report)
    {
        var last = 0;
        return new(n =>
        {
            if (n / step > last / step) report(n);
            last = n;
        });
    }
}

/// <summary>A cycle stopped before its report because work is still hidden on a queue (taken by a run that was interrupted, or by one still working).</summary>
public sealed class CycleIncompleteException : Exception
{
    public CycleIncompleteException() { }
    public CycleIncompleteException(string message) : base(message) { }
    public CycleIncompleteException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Says per stage what is still pending and when to run again.</summary>
    public CycleIncompleteException(WorkQueues.DrainResult screened, WorkQueues.DrainResult extracted, DateTimeOffset runAgainAfter)
        : base(Describe(screened, extracted, runAgainAfter))
    {
        Screened = screened;
        Extracted = extracted;
        RunAgainAfter = runAgainAfter;
    }

    /// <summary>What the screening stage did, with its pending messages.</summary>
    public WorkQueues.DrainResult? Screened { get; }
    /// <summary>What the extraction stage did, with its pending messages.</summary>
    public WorkQueues.DrainResult? Extracted { get; }
    /// <summary>When every message a stopped run held is visible again (local time).</summary>
    public DateTimeOffset? RunAgainAfter { get; }

    internal static string Pending(string stage, int n) =>
        $"{stage}: {CycleService.Messages(n)} still pending (hidden on the queue: taken by a run that was interrupted, or by one still working)";

    private static string Describe(WorkQueues.DrainResult screened, WorkQueues.DrainResult extracted, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(screened);
        ArgumentNullException.ThrowIfNull(extracted);
        var stages = new[] { ("screen", screened.Pending), ("extract", extracted.Pending) }.Where(s => s.Item2 > 0).Select(s => Pending(s.Item1, s.Item2));
        return $"{string.Join("; ", stages)}. Run the cycle again after {after:HH:mm}: it picks that work up. " +
               "The report was not regenerated and no alerts were sent, so no version shows those studies as if their work were done.";
    }
}
