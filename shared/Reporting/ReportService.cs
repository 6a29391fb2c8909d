using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Storage;

namespace SpineReview.Reporting;

/// <summary>A generation's result: the version's manifest and bytes, and whether it is a new version or the latest one again.</summary>
public sealed record GeneratedReport(ReportManifest Manifest, byte[] Pdf, bool Unchanged)
{
    public void Deconstruct(out ReportManifest manifest, out byte[] pdf)
    {
        manifest = Manifest;
        pdf = Pdf;
    }
}

/// <summary>
/// The report's workflow: reads the stored facts, builds the model, decides whether anything changed and the version's number,
/// renders it, and publishes it through the <see cref="ReportArchive"/> under the publishing lease.
/// </summary>
public sealed class ReportService(StorageClients storage, ReportArchive archive, ReportRenderer renderer, RecordStore records, RecordChangeStore recordChanges,
    ScreeningStore screening, ExtractionStore extractions,
    SearchLog searchLog, RankingService ranking, StoppingService stopping, Microsoft.Extensions.Options.IOptions<ScreeningOptions> screeningOptions,
    Microsoft.Extensions.Options.IOptions<Configuration.ScheduleOptions> schedules, Microsoft.Extensions.Options.IOptions<LivingOptions> livingOptions, ILogger<ReportService> log)
{
    /// <summary>How long a generation waits for another to finish publishing before it gives up.</summary>
    public static readonly TimeSpan PublishWait = TimeSpan.FromMinutes(10);
    private const string PublishLock = "report-publish";

    /// <summary>
    /// Builds the model from storage, renders it once, and stores it as the next version and as latest.pdf, unless nothing
    /// changed: the latest version rebuilt from today's data shows what it showed (the same fingerprint), and is returned as stored.
    /// One generation at a time publishes (a lease on &lt;prefix&gt;-locks/report-publish); one that finds another
    /// publishing waits for it, then reads everything afresh.
    /// </summary>
    public async Task<GeneratedReport> GenerateAsync(CancellationToken ct)
    {
        await using var lease = await WorkLease.AcquireAsync(storage.Container(storage.Names.LocksContainer), PublishLock, "report generation", PublishWait, log, ct);
        // Under the lease no other run is between its two writes: a PDF that no manifest names was left by a run that died there.
        foreach (var orphan in await archive.RemoveUnnamedPdfsAsync(ct))
            ReportLog.RemovedUnnamedPdf(log, orphan);
        while (true)
        {
            // Everything is read inside the lease and again on every try, so a run that waited never publishes what it read
            // before the run it waited for (a study that one showed as included would look "no longer included").
            var pending = await PendingAsync(ct);
            var data = await ReadAsync(ct);
            var living = LivingMode.From(schedules.Value, livingOptions.Value, data.Searches);
            ReportModel ModelFor(ReportVersion v, ReportManifest? previous, PendingWork? waiting, string? why) =>
                ReportModelBuilder.Build(v, data.Created, data.Records, data.Rules, data.Fields, data.Searches, previous, data.People, data.Accuracy, data.Method,
                    living with { Why = why }, data.Changes) with { Pending = waiting, Charting = data.Charting };

            var versions = await archive.VersionsAsync(ct);
            var latest = versions.Count > 0 ? await archive.ReadManifestAsync(versions[^1], ct) : null;
            if (latest is not null)
            {
                // Nothing changed when the latest version, rebuilt from today's data against the version before it, shows what it
                // showed. It is rebuilt with the work that was waiting then: waiting work alone never makes a version.
                var before = versions.Count > 1 ? await archive.ReadManifestAsync(versions[^2], ct) : null;
                if (await StoredIfUnchangedAsync(latest, ModelFor(latest.Version, before, latest.Pending, latest.Change), ct) is { } stored)
                {
                    ReportLog.Unchanged(log, latest.Version);
                    await archive.PromoteLatestAsync(latest, stored, ct);
                    return new GeneratedReport(latest, stored, Unchanged: true);
                }
            }

            var draft = ModelFor(latest?.Version ?? ReportVersion.First, latest, pending, null);
            var (version, why) = ReportVersioning.Next(latest, draft.Method, draft.Studies.Select(s => s.Key).ToList(),
                draft.Studies.Where(s => s.Included).Select(s => s.Key).ToList(), draft.Changes.Retracted.Count, draft.Changes.Notices.Count);
            var model = draft with { Version = version, Living = draft.Living! with { Why = why } };
            var rendered = renderer.Render(model);
            var sha = Convert.ToHexStringLower(SHA256.HashData(rendered.Pdf));
            var c = model.Cumulative;
            var counts = new ReportCounts(c.Identified, c.Duplicates, c.ExcludedByRulesTotal, c.PassedRules, c.ExcludedByPeopleTotal, c.ExcludedByModel,
                c.AwaitingPeople, c.Conflicts, c.IncludedConfirmed, model.Studies.Count(s => !s.Included), model.NewInThisVersion);
            var manifest = new ReportManifest(version, data.Created, model.DataCutoff, sha, rendered.Pdf.Length, rendered.Pages, ReportArchive.PdfBlob(version, sha),
                counts, model.Method.Eligibility, model.Method.ExtractorVersion, why, latest?.Version, data.LastHarvestRun,
                model.Studies.Select(s => s.Key).ToList(), model.Studies.Where(s => s.Included).Select(s => s.Key).ToList(),
                model.Studies.Where(s => s.Retracted).Select(s => s.Key).ToList(), pending, ReportFingerprint.Of(model),
                model.Studies.SelectMany(s => s.NoticeList.Select(n => StudyRow.NoticeId(s.Key, n))).ToList());

            // The PDF first, under the name the manifest gives it, then the manifest, which commits the version. A run that dies
            // between the two leaves a PDF no manifest names; the next run removes it under the lease (RemoveUnnamedPdfsAsync)
            // before it publishes. The lease is renewed just before: these writes never run on a lease another run has taken.
            // The manifest is written only if its number is free (If-None-Match: *), which still guards the number should the
            // lease ever be lost: two runs cannot commit one version.
            await lease.ConfirmHeldAsync(ct);
            await archive.WritePdfAsync(manifest, rendered.Pdf, ct);
            if (!await archive.TryCommitAsync(manifest, ct))
            {
                ReportLog.VersionTaken(log, version);
                continue;
            }
            await archive.PromoteLatestAsync(manifest, rendered.Pdf, ct);
            if (pending.Total > 0)
                ReportLog.MadeWhileWorkWaited(log, version, pending.Screening, pending.Extraction);
            ReportLog.Published(log, version, why, rendered.Pages, rendered.Pdf.Length, sha);
            return new GeneratedReport(manifest, rendered.Pdf, Unchanged: false);
        }
    }

    /// <summary>
    /// The latest version's bytes when <paramref name="rebuilt"/> (the latest version rebuilt from today's data) shows what it
    /// showed, else null. Decided by fingerprint, so nothing is rendered: a generation renders only the version it makes. A
    /// manifest made before fingerprints were kept, or whose PDF is gone, is decided the old way: rendered again and hashed.
    /// </summary>
    private async Task<byte[]?> StoredIfUnchangedAsync(ReportManifest latest, ReportModel rebuilt, CancellationToken ct)
    {
        if (latest.Fingerprint is { } fingerprint)
        {
            if (fingerprint != ReportFingerprint.Of(rebuilt)) return null;
            if (await archive.ReadPdfAsync(latest, ct) is { } pdf) return pdf;
        }
        var again = renderer.Render(rebuilt).Pdf;
        return Convert.ToHexStringLower(SHA256.HashData(again)) == latest.Sha256 ? again : null;
    }

    /// <summary>Messages in the screening and extraction queues, those being processed included (their count covers invisible ones).</summary>
    private async Task<PendingWork> PendingAsync(CancellationToken ct)
    {
        var screen = await storage.Queue(storage.Names.ScreenQueue).GetPropertiesAsync(ct);
        var extract = await storage.Queue(storage.Names.ExtractQueue).GetPropertiesAsync(ct);
        return new PendingWork(screen.Value.ApproximateMessagesCount, extract.Value.ApproximateMessagesCount);
    }

    /// <summary>What one generation reads from storage.</summary>
    private sealed record ReportInputs(List<StoredRecord> Records, IReadOnlyList<RuleDecision> Rules, IReadOnlyDictionary<string, List<ExtractedField>> Fields,
        IReadOnlyList<FieldAccuracy> Accuracy, IReadOnlyList<SearchLogEntry> Searches, PeopleScreening People, DateTimeOffset Created, string? LastHarvestRun,
        ReviewMethod Method, ChartingBasis Charting, IReadOnlyList<RecordChange> Changes);

    private async Task<ReportInputs> ReadAsync(CancellationToken ct)
    {
        // The reads are independent, and at scale each is thousands of rows a page at a time: read at the same time, a generation
        // takes about as long as its longest read (the extracted fields), not the sum, and parsing one overlaps the service's
        // work on the others.
        async Task<List<StoredRecord>> RecordsAsync()
        {
            var list = new List<StoredRecord>();
            await foreach (var r in records.ListAsync(ct)) list.Add(r);
            return list;
        }
        var allRead = RecordsAsync();
        var decisionsRead = screening.ListRuleDecisionsAsync(ct);
        // One read of the extractions serves both the values shown and the accuracy against corrections.
        var fieldsRead = extractions.ListStoredAsync(ct);
        var searchesRead = searchLog.ListAsync(ct);
        var changesRead = recordChanges.ListAsync(ct);
        var modelRead = ranking.LatestAsync(ct);
        var queueRead = screening.ListQueueAsync(null, ct);
        var peopleRead = screening.ListDecisionsAsync(ct);
        var sampleRead = stopping.SampleAsync(ct);
        await Task.WhenAll(allRead, decisionsRead, fieldsRead, searchesRead, changesRead, modelRead, queueRead, peopleRead, sampleRead);

        var all = await allRead;
        var decisions = await decisionsRead;
        var storedFields = await fieldsRead;
        var fields = ExtractionStore.Effective(storedFields);
        var accuracy = ExtractionService.Accuracy(storedFields.Values.SelectMany(f => f));
        // An import that never stored its records (refused, or stopped before the first record) is not a search the review
        // ran: the report names a database only once one of its files is in. An API search that failed stays: it was run.
        var searches = (await searchesRead).Where(s => !s.IsImport || s.Status is "complete" or "incomplete").ToList();
        var changes = await changesRead;
        var options = screeningOptions.Value;
        var model = await modelRead;
        var people = new PeopleScreening(await queueRead, await peopleRead, model,
            options.HighThreshold, options.AutoExclude, options.ReviewersPerRecord, await sampleRead);

        // "Created" is the newest fact in the data, not the clock: the same data and version give the same bytes.
        var created = all.Select(r => r.StoredAt).Concat(decisions.Select(d => d.DecidedAt)).Concat(searches.Select(s => s.Started))
            .Concat(people.Decisions.Select(d => d.DecidedAt)).Concat(people.Queue.Select(q => q.SettledAt ?? q.EnqueuedAt))
            .Concat(storedFields.Values.SelectMany(f => f).Where(f => f.Correction is not null).Select(f => f.Correction!.At))
            .Concat(model is null ? [] : [model.TrainedAt])
            .Concat(people.Stopping is null ? [] : [people.Stopping.DrawnAt])
            .Concat(changes.Select(c => c.Found))
            .DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max();
        var lastRun = all.Select(r => r.HarvestRun).DefaultIfEmpty("").Max(StringComparer.Ordinal);

        // The method as the stored data says it was applied: the rule set of the newest rule decision, the extractor most
        // fields were filled by. A deployment with new code changes the version only once the new code has decided something.
        var rules = decisions.OrderBy(d => d.DecidedAt).ThenBy(d => d.RuleVersion, StringComparer.Ordinal).LastOrDefault()?.RuleVersion is { Length: > 0 } rv
            ? rv : RuleVerdict.Version;
        var extractor = storedFields.Values.SelectMany(f => f).Select(f => f.Automatic.ExtractorVersion).Where(v => v.Length > 0)
            .GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).FirstOrDefault() ?? FormExtractor.Version;
        return new ReportInputs(all, decisions, fields, accuracy, searches, people, created, string.IsNullOrEmpty(lastRun) ? null : lastRun,
            new ReviewMethod(rules, extractor, options.ReviewersPerRecord, options.AutoExclude),
            new ChartingBasis(storedFields.Count, storedFields.Values.Count(f => f.Count > 0 && f[0].Automatic.FromFullText)), changes);
    }

    /// <summary>The PRISMA flow over what is stored now (not as of the latest version), each box with its records.</summary>
    public async Task<PrismaFlow> FlowAsync(CancellationToken ct)
    {
        var all = new List<StoredRecord>();
        await foreach (var r in records.ListAsync(ct)) all.Add(r);
        return PrismaFlow.Of(all, await screening.ListRuleDecisionsAsync(ct), await screening.ListQueueAsync(null, ct));
    }

    /// <summary>Stored records by key (those not stored are left out), for pages that list the records behind a count.</summary>
    public async Task<IReadOnlyList<StoredRecord>> RecordsAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = new List<StoredRecord>();
        foreach (var key in keys)
            if (await records.GetAsync(key, ct) is { } r) list.Add(r);
        return list;
    }

    /// <summary>Every stored version, oldest first, with its counts and hash.</summary>
    public async Task<List<ReportSummary>> ListAsync(CancellationToken ct)
    {
        return await archive.ListAsync(ct);
    }

    /// <summary>The newest version's manifest, or null before the first report.</summary>
    public async Task<ReportManifest?> LatestManifestAsync(CancellationToken ct)
    {
        var versions = await archive.VersionsAsync(ct);
        return versions.Count == 0 ? null : await archive.ReadManifestAsync(versions[^1], ct);
    }

    /// <summary>One version's manifest, or null when there is no such version.</summary>
    public async Task<ReportManifest?> GetManifestAsync(ReportVersion version, CancellationToken ct)
    {
        return await archive.ReadManifestAsync(version, ct);
    }

    /// <summary>The latest PDF with its ETag (the SHA-256 of its bytes), or null when no report exists yet.</summary>
    public async Task<StoredReport?> GetLatestAsync(CancellationToken ct)
    {
        return await archive.GetLatestAsync(ct);
    }

    /// <summary>One version's PDF, or null when there is no such version.</summary>
    public async Task<StoredReport?> GetVersionAsync(ReportVersion version, CancellationToken ct)
    {
        return await archive.GetVersionAsync(version, ct);
    }
}
