using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using SpineReview.Functions.Http;
using SpineReview.Reporting;

namespace SpineReview.Functions.Functions;

/// <summary>HTTP GET /api/reports/latest: the latest PDF, streamed, with a strong ETag (its SHA-256); 304 when the caller has it already.</summary>
public sealed class GetLatestReport(ReportService reports)
{
    [Function(nameof(GetLatestReport))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/reports/latest")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A new version can replace latest.pdf between reading its properties and opening it: read both again.
        for (var attempt = 0; ; attempt++)
        {
            var latest = await reports.GetLatestAsync(ct);
            if (latest is null) return Problems.Of(404, "No report has been generated yet: it appears after the first cycle (spine-review cycle, or the timer).");
            try
            {
                return await ReportDownload.ServeAsync(request, latest, ct);
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 2)
            {
            }
        }
    }
}

/// <summary>HTTP GET /api/reports: every version with its number, created, data cut-off, counts, size and hash, oldest first.</summary>
public sealed class ListReports(ReportService reports)
{
    [Function(nameof(ListReports))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/reports")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new OkObjectResult(await reports.ListAsync(ct));
    }
}

/// <summary>HTTP GET /api/reports/{version}: one version's PDF (version as 1.4.2), streamed with its ETag; 304 when the caller has it.</summary>
public sealed class GetReportVersion(ReportService reports)
{
    [Function(nameof(GetReportVersion))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/reports/{version}")] HttpRequest request, string version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.Equals(version, "latest", StringComparison.OrdinalIgnoreCase))
            return await new GetLatestReport(reports).Run(request, ct);
        if (!ReportVersion.TryParse(version, out var v))
            return Problems.Of(400, $"\"{version}\" is not a report version: ask for MAJOR.MINOR.PATCH (for example /api/reports/1.4.2), or /api/reports for the list.");
        var stored = await reports.GetVersionAsync(v, ct);
        if (stored is null) return Problems.Of(404, $"There is no report version {v}: /api/reports lists the versions there are.");
        try
        {
            return await ReportDownload.ServeAsync(request, stored, ct, immutable: true);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return Problems.Of(404, $"Report version {v} has a manifest but its PDF is missing from storage; regenerate the report or restore the blob from soft delete.");
        }
    }
}

/// <summary>Serves a stored PDF: strong ETag, 304 on a matching If-None-Match (a list, or *), attachment file name, streamed from storage.</summary>
internal static class ReportDownload
{
    /// <param name="immutable">A numbered version: its bytes never change, so caches may keep it. latest.pdf is revalidated every time.</param>
    public static async Task<IActionResult> ServeAsync(HttpRequest request, StoredReport report, CancellationToken ct, bool immutable = false)
    {
        var tag = new EntityTagHeaderValue(report.ETag);
        request.HttpContext.Response.Headers.ETag = report.ETag;
        request.HttpContext.Response.Headers.CacheControl = immutable ? "public, max-age=31536000, immutable" : "no-cache";
        if (EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch.Where(v => v is not null).Select(v => v!).ToList(), out var asked)
            && asked!.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: false)))
            return new StatusCodeResult(StatusCodes.Status304NotModified);
        return new FileStreamResult(await report.OpenAsync(ct), "application/pdf")
        {
            FileDownloadName = report.FileName,
            EntityTag = tag,
            EnableRangeProcessing = false,
        };
    }
}
