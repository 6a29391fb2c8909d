using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Storage;
// The manifest's JSON is Reporting's own context; the name stays until this file is free to change (issue 16, phase 2).
using StoredJson = SpineReview.Reporting.ReportingJson;

namespace SpineReview.Reporting;

/// <summary>The counts a version reports, as kept in its manifest.</summary>
public sealed record ReportCounts(int Identified, int Duplicates, int ExcludedByRules, int PassedRules, int ExcludedByReviewers, int ExcludedByModel,
    int AwaitingReviewers, int Conflicts, int Included, int Provisional, int NewInThisVersion);

/// <summary>Records still waiting in the stage queues (in flight included) when a version's data was read.</summary>
/// <param name="Screening">Waiting for the rule pre-screen.</param>
/// <param name="Extraction">Waiting for the charting form.</param>
public sealed record PendingWork(int Screening, int Extraction)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public int Total => Screening + Extraction;
}

/// <summary>What is kept about one report version beside its PDF (versions/{version}/manifest.json).</summary>
/// <param name="Pdf">The PDF's blob name in the reports container.</param>
/// <param name="Change">Why this version has the number it has.</param>
/// <param name="Studies">Keys of the studies the version shows; <paramref name="Included"/> those included by reviewers;
/// <paramref name="Retracted"/> those its sources mark retracted.</param>
/// <param name="Pending">Work the stages had not finished when the data was read (null: none, or a version made before this was kept).</param>
public sealed record ReportManifest(ReportVersion Version, DateTimeOffset Created, DateOnly DataCutoff, string Sha256, long Size, int Pages, string Pdf,
    ReportCounts Counts, string Eligibility, string Extractor, string Change, ReportVersion? PreviousVersion, string? LastHarvestRun,
    IReadOnlyList<string> Studies, IReadOnlyList<string> Included, IReadOnlyList<string>? Retracted = null, PendingWork? Pending = null);

/// <summary>One version as listed (from the manifest blob's metadata: no manifest is downloaded to list them).</summary>
public sealed record ReportSummary(string Version, DateTimeOffset Created, DateOnly DataCutoff, string Sha256, long Size, int Pages,
    int Identified, int Included, int Provisional, int NewInThisVersion);

/// <summary>A generation's result: the version's manifest and bytes, and whether it is a new version or the latest one again.</summary>
public sealed record GeneratedReport(ReportManifest Manifest, byte[] Pdf, bool Unchanged)
{
    public void Deconstruct(out ReportManifest manifest, out byte[] pdf)
    {
        manifest = Manifest;
        pdf = Pdf;
    }
}

/// <summary>A stored PDF, for download: its version, strong ETag (the SHA-256 of its bytes) and a way to stream it.</summary>
public sealed record StoredReport(ReportVersion Version, string ETag, long Size, Func<CancellationToken, Task<Stream>> OpenAsync)
{
    public string FileName => $"living-review-v{Version}.pdf";
}

/// <summary>Regenerates the report from storage and keeps every version in blob storage, plus latest.pdf.</summary>
public sealed class ReportService(StorageClients storage, RecordStore records, ScreeningStore screening, ExtractionStore extractions,
    SearchLog searchLog, RankingService ranking, Microsoft.Extensions.Options.IOptions<Configuration.ScreeningOptions> screeningOptions, ILogger<ReportService> log)
{
    public const string LatestBlob = "latest.pdf";
    private const string VersionsPrefix = "versions/";
    private BlobContainerClient Container => storage.Container(storage.Names.ReportsContainer);

    // Named by content: a run that loses the race for a number never overwrites the winner's bytes.
    private static string PdfBlob(ReportVersion v, string sha) => $"{VersionsPrefix}{v}/living-review-v{v}-{sha[..12]}.pdf";
    private static string ManifestBlob(ReportVersion v) => $"{VersionsPrefix}{v}/manifest.json";

    /// <summary>How long a generation waits for another to finish publishing before it gives up.</summary>
    public static readonly TimeSpan PublishWait = TimeSpan.FromMinutes(10);
    private const string PublishLock = "report-publish";

    /// <summary>
    /// Builds the model from storage, renders it, and stores it as the next version and as latest.pdf, unless nothing
    /// changed: the latest version rendered again from today's data gives the same bytes, and is returned as it is.
    /// One generation at a time publishes (a lease on &lt;prefix&gt;-locks/report-publish); one that finds another
    /// publishing waits for it, then reads everything afresh.
    /// </summary>
    public async Task<GeneratedReport> GenerateAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        await using var lease = await WorkLease.AcquireAsync(storage.Container(storage.Names.LocksContainer), PublishLock, "report generation", PublishWait, log, ct);
        // Under the lease no other run is between its two writes: a PDF that no manifest names was left by a run that died there.
        await RemoveUnnamedPdfsAsync(ct);
        while (true)
        {
            // Everything is read inside the lease and again on every try, so a run that waited never publishes what it read
            // before the run it waited for (a study that one showed as included would look "no longer included").
            var pending = await PendingAsync(ct);
            var data = await ReadAsync(ct);
            ReportModel ModelFor(ReportVersion v, ReportManifest? previous, PendingWork? waiting) =>
                ReportModelBuilder.Build(v, data.Created, data.Records, data.Rules, data.Fields, data.Searches, previous, data.People, data.Accuracy, data.Method)
                    with { Pending = waiting };

            var versions = await VersionNamesAsync(ct);
            var latest = versions.Count > 0 ? await ReadManifestAsync(versions[^1], ct) : null;
            if (latest is not null)
            {
                // Nothing changed when the latest version, rebuilt from today's data against the version before it, is byte for byte
                // what is stored. It is rebuilt with the work that was waiting then: waiting work alone never makes a version.
                var before = versions.Count > 1 ? await ReadManifestAsync(versions[^2], ct) : null;
                var again = PdfReport.Render(ModelFor(latest.Version, before, latest.Pending));
                if (Convert.ToHexStringLower(SHA256.HashData(again.Pdf)) == latest.Sha256)
                {
                    log.LogInformation("Report unchanged since version {Version}: no new version", latest.Version);
                    await PromoteLatestAsync(latest, again.Pdf, ct);
                    return new GeneratedReport(latest, again.Pdf, Unchanged: true);
                }
            }

            var draft = ModelFor(latest?.Version ?? ReportVersion.First, latest, pending);
            var (version, why) = ReportVersioning.Next(latest, draft.Method, draft.Studies.Select(s => s.Key).ToList(),
                draft.Studies.Where(s => s.Included).Select(s => s.Key).ToList());
            var model = draft with { Version = version };
            var rendered = PdfReport.Render(model);
            var sha = Convert.ToHexStringLower(SHA256.HashData(rendered.Pdf));
            var c = model.Cumulative;
            var counts = new ReportCounts(c.Identified, c.Duplicates, c.ExcludedByRulesTotal, c.PassedRules, c.ExcludedByPeopleTotal, c.ExcludedByModel,
                c.AwaitingPeople, c.Conflicts, c.IncludedConfirmed, model.Studies.Count(s => !s.Included), model.NewInThisVersion);
            var manifest = new ReportManifest(version, data.Created, model.DataCutoff, sha, rendered.Pdf.Length, rendered.Pages, PdfBlob(version, sha), counts,
                model.Method.Eligibility, model.Method.ExtractorVersion, why, latest?.Version, data.LastHarvestRun,
                model.Studies.Select(s => s.Key).ToList(), model.Studies.Where(s => s.Included).Select(s => s.Key).ToList(),
                model.Studies.Where(s => s.Retracted).Select(s => s.Key).ToList(), pending);

            // The PDF first, under the name the manifest gives it, then the manifest, which commits the version. A run that dies
            // between the two leaves a PDF no manifest names; the next run removes it under the lease (RemoveUnnamedPdfsAsync)
            // before it publishes. The lease is renewed just before: these writes never run on a lease another run has taken.
            await lease.ConfirmHeldAsync(ct);
            var pdfBlob = Container.GetBlobClient(manifest.Pdf);
            await pdfBlob.UploadAsync(new BinaryData(rendered.Pdf), PdfOptions(manifest), ct);
            try
            {
                // If-None-Match:* still guards the number: should the lease ever be lost, two runs cannot commit one version.
                await Container.GetBlobClient(ManifestBlob(version)).UploadAsync(
                    new BinaryData(JsonSerializer.SerializeToUtf8Bytes(manifest, StoredJson.Default.ReportManifest)),
                    new BlobUploadOptions
                    {
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                        HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                        Metadata = SummaryMetadata(manifest),
                    }, ct);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                log.LogWarning("Report version {Version} was taken by another run; reading the data and the versions again", version);
                if ((await ReadManifestAsync(version, ct))?.Pdf != manifest.Pdf) await pdfBlob.DeleteIfExistsAsync(cancellationToken: ct);
                continue;
            }
            await PromoteLatestAsync(manifest, rendered.Pdf, ct);
            if (pending.Total > 0)
                log.LogWarning("Report version {Version} made while {Screening} records waited for screening and {Extraction} for charting; the report says so",
                    version, pending.Screening, pending.Extraction);
            log.LogInformation("Report version {Version} ({Why}): {Pages} pages, {Size} bytes, sha256 {Sha}", version, why, rendered.Pages, rendered.Pdf.Length, sha);
            return new GeneratedReport(manifest, rendered.Pdf, Unchanged: false);
        }
    }

    /// <summary>Messages in the screening and extraction queues, those being processed included (their count covers invisible ones).</summary>
    private async Task<PendingWork> PendingAsync(CancellationToken ct)
    {
        var screen = await storage.Queue(storage.Names.ScreenQueue).GetPropertiesAsync(ct);
        var extract = await storage.Queue(storage.Names.ExtractQueue).GetPropertiesAsync(ct);
        return new PendingWork(screen.Value.ApproximateMessagesCount, extract.Value.ApproximateMessagesCount);
    }

    /// <summary>
    /// Deletes every PDF under versions/ that no manifest names: what a run that died between its PDF and its manifest left
    /// (and what two runs at once left before publishing took a lease). Only called under the publishing lease.
    /// </summary>
    private async Task RemoveUnnamedPdfsAsync(CancellationToken ct)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        var pdfs = new List<string>();
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = VersionsPrefix, Traits = BlobTraits.Metadata }, ct))
        {
            if (ParseManifestName(item.Name) is { } v)
            {
                // The manifest's metadata gives its PDF's name; a manifest without it is read.
                if (item.Metadata.TryGetValue("sha256", out var sha) && sha.Length >= 12) named.Add(PdfBlob(v, sha));
                else if (await ReadManifestAsync(v, ct) is { } m) named.Add(m.Pdf);
            }
            // Only a numbered version's folder is judged: anything else under versions/ was not written by this code.
            else if (item.Name.EndsWith(".pdf", StringComparison.Ordinal) && item.Name.IndexOf('/', VersionsPrefix.Length) is > 0 and var slash
                     && ReportVersion.TryParse(item.Name[VersionsPrefix.Length..slash], out _))
                pdfs.Add(item.Name);
        }
        foreach (var orphan in pdfs.Where(p => !named.Contains(p)))
        {
            log.LogWarning("Removing {Blob}: no report version names it (left by a run that stopped before its manifest)", orphan);
            await Container.GetBlobClient(orphan).DeleteIfExistsAsync(cancellationToken: ct);
        }
    }

    /// <summary>What one generation reads from storage.</summary>
    private sealed record ReportInputs(List<StoredRecord> Records, IReadOnlyList<RuleDecision> Rules, IReadOnlyDictionary<string, List<ExtractedField>> Fields,
        IReadOnlyList<FieldAccuracy> Accuracy, IReadOnlyList<SearchLogEntry> Searches, PeopleScreening People, DateTimeOffset Created, string? LastHarvestRun,
        ReviewMethod Method);

    private async Task<ReportInputs> ReadAsync(CancellationToken ct)
    {
        var all = new List<StoredRecord>();
        await foreach (var r in records.ListAsync(ct)) all.Add(r);
        var decisions = await screening.ListRuleDecisionsAsync(ct);
        // One read of the extractions serves both the values shown and the accuracy against corrections.
        var storedFields = await extractions.ListStoredAsync(ct);
        var fields = ExtractionStore.Effective(storedFields);
        var accuracy = ExtractionService.Accuracy(storedFields.Values.SelectMany(f => f));
        var searches = await searchLog.ListAsync(ct);
        var options = screeningOptions.Value;
        var model = await ranking.LatestAsync(ct);
        var people = new PeopleScreening(await screening.ListQueueAsync(null, ct), await screening.ListDecisionsAsync(ct), model,
            options.HighThreshold, options.AutoExclude, options.ReviewersPerRecord);

        // "Created" is the newest fact in the data, not the clock: the same data and version give the same bytes.
        var created = all.Select(r => r.StoredAt).Concat(decisions.Select(d => d.DecidedAt)).Concat(searches.Select(s => s.Started))
            .Concat(people.Decisions.Select(d => d.DecidedAt)).Concat(people.Queue.Select(q => q.SettledAt ?? q.EnqueuedAt))
            .Concat(storedFields.Values.SelectMany(f => f).Where(f => f.Correction is not null).Select(f => f.Correction!.At))
            .Concat(model is null ? [] : [model.TrainedAt])
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
            new ReviewMethod(rules, extractor, options.ReviewersPerRecord, options.AutoExclude));
    }

    /// <summary>
    /// Makes <paramref name="manifest"/>'s PDF latest.pdf unless a newer version is there already: two runs finishing out of
    /// order never move latest.pdf back. Also completes a run that stopped between committing a version and this copy.
    /// </summary>
    private async Task PromoteLatestAsync(ReportManifest manifest, byte[] pdf, CancellationToken ct)
    {
        var blob = Container.GetBlobClient(LatestBlob);
        while (true)
        {
            BlobProperties? current = null;
            try { current = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value; }
            catch (RequestFailedException e) when (e.Status == 404) { }
            if (current is not null && current.Metadata.TryGetValue("version", out var v) && ReportVersion.TryParse(v, out var stored)
                && (stored > manifest.Version || (stored == manifest.Version && current.Metadata.TryGetValue("sha256", out var sha) && sha == manifest.Sha256)))
                return;
            var options = PdfOptions(manifest);
            options.Conditions = current is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = current.ETag };
            try
            {
                await blob.UploadAsync(new BinaryData(pdf), options, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another run wrote latest.pdf meanwhile: look again.
            }
        }
    }

    private static BlobUploadOptions PdfOptions(ReportManifest m) => new()
    {
        HttpHeaders = new BlobHttpHeaders { ContentType = "application/pdf", ContentDisposition = $"attachment; filename=\"living-review-v{m.Version}.pdf\"" },
        Metadata = new Dictionary<string, string> { ["version"] = m.Version.ToString(), ["sha256"] = m.Sha256 },
    };

    private static Dictionary<string, string> SummaryMetadata(ReportManifest m)
    {
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["version"] = m.Version.ToString(), ["created"] = m.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["datacutoff"] = m.DataCutoff.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["sha256"] = m.Sha256, ["size"] = I(m.Size), ["pages"] = I(m.Pages),
            ["identified"] = I(m.Counts.Identified), ["included"] = I(m.Counts.Included), ["provisional"] = I(m.Counts.Provisional), ["new"] = I(m.Counts.NewInThisVersion),
        };
    }

    /// <summary>The stored versions, oldest first, from blob names alone (one listing call, nothing downloaded).</summary>
    private async Task<List<ReportVersion>> VersionNamesAsync(CancellationToken ct)
    {
        var versions = new List<ReportVersion>();
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = VersionsPrefix }, ct))
            if (ParseManifestName(item.Name) is { } v) versions.Add(v);
        versions.Sort();
        return versions;
    }

    private static ReportVersion? ParseManifestName(string name) =>
        name.EndsWith("/manifest.json", StringComparison.Ordinal) && ReportVersion.TryParse(name[VersionsPrefix.Length..^"/manifest.json".Length], out var v) ? v : null;

    private async Task<ReportManifest?> ReadManifestAsync(ReportVersion version, CancellationToken ct)
    {
        try
        {
            var content = await Container.GetBlobClient(ManifestBlob(version)).DownloadContentAsync(ct);
            return JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, StoredJson.Default.ReportManifest);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every stored version, oldest first, with its counts and hash.</summary>
    public async Task<List<ReportSummary>> ListAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var list = new List<(ReportVersion V, ReportSummary S)>();
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = VersionsPrefix, Traits = BlobTraits.Metadata }, ct))
        {
            if (ParseManifestName(item.Name) is not { } v) continue;
            var m = item.Metadata;
            string Get(string k) => m.TryGetValue(k, out var s) ? s : "";
            int Int(string k) => int.TryParse(Get(k), NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) ? x : 0;
            list.Add((v, new ReportSummary(v.ToString(),
                DateTimeOffset.TryParse(Get("created"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : default,
                DateOnly.TryParseExact(Get("datacutoff"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var cutoff) ? cutoff : default,
                Get("sha256"), long.TryParse(Get("size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : 0, Int("pages"),
                Int("identified"), Int("included"), Int("provisional"), Int("new"))));
        }
        return list.OrderBy(x => x.V).Select(x => x.S).ToList();
    }

    /// <summary>The newest version's manifest, or null before the first report.</summary>
    public async Task<ReportManifest?> LatestManifestAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var versions = await VersionNamesAsync(ct);
        return versions.Count == 0 ? null : await ReadManifestAsync(versions[^1], ct);
    }

    /// <summary>One version's manifest, or null when there is no such version.</summary>
    public async Task<ReportManifest?> GetManifestAsync(ReportVersion version, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        return await ReadManifestAsync(version, ct);
    }

    /// <summary>The latest PDF with its ETag (the SHA-256 of its bytes), or null when no report exists yet.</summary>
    public async Task<StoredReport?> GetLatestAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var blob = Container.GetBlobClient(LatestBlob);
        BlobProperties props;
        try
        {
            props = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        props.Metadata.TryGetValue("version", out var v);
        props.Metadata.TryGetValue("sha256", out var sha);
        var version = ReportVersion.TryParse(v, out var parsed) ? parsed : default;
        // Streamed from the numbered version's own blob, which never changes: a new version replacing latest.pdf while a
        // download runs cannot cut it short or send other bytes under this ETag. latest.pdf itself is the fallback.
        if (sha is { Length: >= 12 } && parsed != default)
        {
            var numbered = Container.GetBlobClient(PdfBlob(version, sha));
            return new StoredReport(version, Quote(sha), props.ContentLength, async token => await numbered.OpenReadAsync(cancellationToken: token));
        }
        return new StoredReport(version, Quote(sha ?? ""), props.ContentLength,
            async token => await blob.OpenReadAsync(new BlobOpenReadOptions(false) { Conditions = new BlobRequestConditions { IfMatch = props.ETag } }, token));
    }

    /// <summary>One version's PDF, or null when there is no such version. Read from the manifest blob's metadata: nothing is downloaded before the PDF.</summary>
    public async Task<StoredReport?> GetVersionAsync(ReportVersion version, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        BlobProperties props;
        try
        {
            props = (await Container.GetBlobClient(ManifestBlob(version)).GetPropertiesAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        if (!props.Metadata.TryGetValue("sha256", out var sha) || sha.Length < 12)
            return (await GetManifestAsync(version, ct)) is { } manifest
                ? new StoredReport(version, Quote(manifest.Sha256), manifest.Size, async token => await Container.GetBlobClient(manifest.Pdf).OpenReadAsync(cancellationToken: token))
                : null;
        var size = props.Metadata.TryGetValue("size", out var s) && long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        var blob = Container.GetBlobClient(PdfBlob(version, sha));
        return new StoredReport(version, Quote(sha), size, async token => await blob.OpenReadAsync(cancellationToken: token));
    }

    private static string Quote(string sha) => $"\"{sha}\"";
}
