using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SpineReview.Reporting;

namespace SpineReview.Functions.Functions;

/// <summary>HTTP GET /api/reports/latest: the latest PDF with an ETag; 304 when the caller has it already.</summary>
public sealed class GetLatestReport(ReportService reports)
{
    [Function(nameof(GetLatestReport))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/latest")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var latest = await reports.GetLatestAsync(ct);
        if (latest is null) return new NotFoundObjectResult("No report has been generated yet.");
        request.HttpContext.Response.Headers.ETag = latest.ETag;
        if (request.Headers.IfNoneMatch.Any(v => v == latest.ETag || v == "*"))
            return new StatusCodeResult(StatusCodes.Status304NotModified);
        return new FileStreamResult(await latest.OpenAsync(ct), "application/pdf")
        {
            FileDownloadName = $"living-review-v{latest.Version}.pdf",
            EntityTag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue(latest.ETag),
            EnableRangeProcessing = false,
        };
    }
}
