using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SpineReview.Reporting;

namespace SpineReview.Functions.Functions;

/// <summary>HTTP GET /api/exports/included.csv and /api/exports/included.ris: the included studies with their charted values.</summary>
public sealed class GetExport(ExportService exports)
{
    [Function(nameof(GetExport))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/exports/included.{format}")] HttpRequest request,
        string format, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (format is not ("csv" or "ris"))
            return new NotFoundObjectResult("The exports are included.csv and included.ris.");
        var studies = await exports.StudiesAsync(withProvisional: false, ct);
        var text = format == "csv" ? Exports.Csv(studies) : Exports.Ris(studies);
        return new FileContentResult(new UTF8Encoding(false).GetBytes(text), format == "csv" ? "text/csv; charset=utf-8" : "application/x-research-info-systems")
        {
            FileDownloadName = $"spine-review-included.{format}",
        };
    }
}
