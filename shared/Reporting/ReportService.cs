using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using SpineReview.Extraction;
using SpineReview.Screening;
using SpineReview.Storage;

namespace SpineReview.Reporting;

/// <summary>What is kept about one report version beside its PDF.</summary>
public sealed record ReportManifest(int Version, DateTimeOffset Created, DateOnly DataCutoff, string Sha256, long Size, int Pages,
    int Identified, int Duplicates, int ExcludedByRules, int PassedRules, int Included, int NewInThisVersion,
    string? LastHarvestRun, IReadOnlyList<string> Studies);

/// <summary>A generation's result: the version's manifest and bytes, and whether it is a new version or the latest one again.</summary>
public sealed record GeneratedReport(ReportManifest Manifest, byte[] Pdf, bool Unchanged)
{
    public void Deconstruct(out ReportManifest manifest, out byte[] pdf)
    {
        manifest = Manifest;
        pdf = Pdf;
    }
}

/// <summary>The latest report as stored, for download.</summary>
public sealed record StoredReport(int Version, string ETag, long Size, Func<CancellationToken, Task<Stream>> OpenAsync);

/// <summary>Regenerates the report from storage and keeps every version in blob storage, plus latest.pdf.</summary>
public sealed class ReportService(StorageClients storage, RecordStore records, ScreeningStore screening, ExtractionStore extractions,
    SearchLog searchLog, RankingService ranking, Microsoft.Extensions.Options.IOptions<Configuration.ScreeningOptions> screeningOptions, ILogger<ReportService> log)
{
    public const string LatestBlob = "latest.pdf";
    private BlobContainerClient Container => storage.Container(storage.Names.ReportsContainer);

    // Named by content: a run that loses the race for a number never overwrites the winner's bytes.
    private static string PdfBlob(int v, string sha) => $"versions/{v:D6}/living-review-{sha[..12]}.pdf";
    private static string ManifestBlob(int v) => $"versions/{v:D6}/manifest.json";

    /// <summary>
    /// Builds the model from storage, renders it, and stores it as the next version and as latest.pdf, unless nothing
    /// changed: the latest version rendered again from today's data gives the same bytes, and is returned as it is.
    /// </summary>
    public async Task<GeneratedReport> GenerateAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var all = new List<StoredRecord>();
        await foreach (var r in records.ListAsync(ct)) all.Add(r);
        var decisions = await screening.ListRuleDecisionsAsync(ct);
        // One read of the extractions serves both the values shown and the accuracy against corrections.
        var storedFields = await extractions.ListStoredAsync(ct);
        var fields = ExtractionStore.Effective(storedFields);
        var accuracy = ExtractionService.Accuracy(storedFields.Values.SelectMany(f => f));
        var searches = await searchLog.ListAsync(ct);
        var people = new PeopleScreening(await screening.ListQueueAsync(null, ct), await screening.ListDecisionsAsync(ct), await ranking.LatestAsync(ct),
            screeningOptions.Value.HighThreshold, screeningOptions.Value.AutoExclude);

        // "Created" is the newest fact in the data, not the clock: the same data and version give the same bytes.
        var created = all.Select(r => r.StoredAt).Concat(decisions.Select(d => d.DecidedAt)).Concat(searches.Select(s => s.Started))
            .Concat(people.Decisions.Select(d => d.DecidedAt)).Concat(people.Queue.Select(q => q.SettledAt ?? q.EnqueuedAt))
            .DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max();
        var lastRun = all.Select(r => r.HarvestRun).DefaultIfEmpty("").Max(StringComparer.Ordinal);

        // Nothing changed when the latest version, rebuilt from today's data against the version before it, is byte for byte what is stored.
        var manifests = await ListAsync(ct);
        if (manifests.Count > 0)
        {
            var latest = manifests[^1];
            var before = manifests.Count > 1 ? manifests[^2] : null;
            var again = PdfReport.Render(ReportModelBuilder.Build(latest.Version, created, all, decisions, fields, searches,
                before?.Studies.ToHashSet(StringComparer.Ordinal) ?? [], before?.Version, before?.LastHarvestRun, people, before?.Created, accuracy));
            if (Convert.ToHexStringLower(SHA256.HashData(again.Pdf)) == latest.Sha256)
            {
                log.LogInformation("Report unchanged since version {Version}: no new version", latest.Version);
                return new GeneratedReport(latest, again.Pdf, Unchanged: true);
            }
        }

        while (true)
        {
            // Read again on every try: a run that took the number first also changed what "previous" means.
            var previous = await LatestManifestAsync(ct);
            var version = (previous?.Version ?? 0) + 1;
            var model = ReportModelBuilder.Build(version, created, all, decisions, fields, searches,
                previous?.Studies.ToHashSet(StringComparer.Ordinal) ?? [], previous?.Version, previous?.LastHarvestRun, people, previous?.Created, accuracy);
            var rendered = PdfReport.Render(model);
            var sha = Convert.ToHexStringLower(SHA256.HashData(rendered.Pdf));
            var manifest = new ReportManifest(version, created, model.DataCutoff, sha, rendered.Pdf.Length, rendered.Pages,
                model.Cumulative.Identified, model.Cumulative.Duplicates, model.Cumulative.ExcludedByRulesTotal, model.Cumulative.PassedRules,
                model.Cumulative.IncludedConfirmed, model.NewInThisVersion, string.IsNullOrEmpty(lastRun) ? null : lastRun,
                model.Studies.Select(s => s.Key).ToList());

            try
            {
                await Container.GetBlobClient(PdfBlob(version, sha)).UploadAsync(new BinaryData(rendered.Pdf), PdfOptions(version, sha), ct);
                // The manifest commits the version; If-None-Match:* makes two concurrent runs take different numbers.
                await Container.GetBlobClient(ManifestBlob(version)).UploadAsync(
                    new BinaryData(JsonSerializer.SerializeToUtf8Bytes(manifest, StoredJson.Default.ReportManifest)),
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All }, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, ct);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                log.LogWarning("Report version {Version} was taken by another run; trying the next number", version);
                continue;
            }
            await Container.GetBlobClient(LatestBlob).UploadAsync(new BinaryData(rendered.Pdf), PdfOptions(version, sha), ct);
            log.LogInformation("Report version {Version}: {Pages} pages, {Size} bytes, sha256 {Sha}", version, rendered.Pages, rendered.Pdf.Length, sha);
            return new GeneratedReport(manifest, rendered.Pdf, Unchanged: false);
        }
    }

    private static BlobUploadOptions PdfOptions(int version, string sha) => new()
    {
        HttpHeaders = new BlobHttpHeaders { ContentType = "application/pdf" },
        Metadata = new Dictionary<string, string> { ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture), ["sha256"] = sha },
    };

    /// <summary>Every stored version's manifest, oldest first.</summary>
    public async Task<List<ReportManifest>> ListAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var list = new List<ReportManifest>();
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = "versions/" }, ct))
        {
            if (!item.Name.EndsWith("/manifest.json", StringComparison.Ordinal)) continue;
            var content = await Container.GetBlobClient(item.Name).DownloadContentAsync(ct);
            list.Add(JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, StoredJson.Default.ReportManifest)!);
        }
        return list.OrderBy(m => m.Version).ToList();
    }

    /// <summary>The newest version's manifest, or null before the first report.</summary>
    public async Task<ReportManifest?> LatestManifestAsync(CancellationToken ct) => (await ListAsync(ct)).LastOrDefault();

    /// <summary>The latest PDF with its ETag (the SHA-256 of its bytes), or null when no report exists yet.</summary>
    public async Task<StoredReport?> GetLatestAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var blob = Container.GetBlobClient(LatestBlob);
        try
        {
            var props = await blob.GetPropertiesAsync(cancellationToken: ct);
            return Map(blob, props.Value);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static StoredReport Map(BlobClient blob, BlobProperties props)
    {
        props.Metadata.TryGetValue("version", out var v);
        props.Metadata.TryGetValue("sha256", out var sha);
        return new StoredReport(int.Parse(v ?? "0", System.Globalization.CultureInfo.InvariantCulture), $"\"{sha}\"", props.ContentLength,
            async ct => await blob.OpenReadAsync(cancellationToken: ct));
    }
}
