using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SpineReview.Extraction;
using SpineReview.Functions.Http;
using SpineReview.Screening;

namespace SpineReview.Functions.Functions;

/// <summary>HTTP: one study's extraction form, and people's corrections: for reviewers (the platform's signed-in identity, its role as the pages check it).</summary>
public sealed class ExtractionApi(ExtractionService extraction, SpineReview.Web.WebIdentity identity, IOptions<ScreeningOptions> options)
{
    /// <summary>GET /api/extraction/{recordKey}: every field with its automatic values, evidence and any correction.</summary>
    [Function("ExtractionForm")]
    public async Task<IActionResult> Form([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/extraction/{recordKey}")] HttpRequest request,
        string recordKey, CancellationToken ct)
    {
        if (Problems.Reviewer(request, identity, options.Value.TrustIdentityHeaders, "Reading the charting form").Refusal is { } refused) return refused;
        var form = await extraction.FormAsync(recordKey, ct);
        return form.Count == 0 ? Problems.Of(404, $"No extraction form is stored for {recordKey}.") : new OkObjectResult(form);
    }

    /// <summary>POST /api/extraction/{recordKey}/{field} {"values": [...], "note": "..."}: a correction that wins and survives re-extraction.</summary>
    [Function("ExtractionCorrect")]
    public async Task<IActionResult> Correct([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/extraction/{recordKey}/{field}")] HttpRequest request,
        string recordKey, string field, CancellationToken ct)
    {
        var (reviewer, refused) = Problems.Reviewer(request, identity, options.Value.TrustIdentityHeaders, "Correcting the charting form");
        if (refused is not null) return refused;
        if (Problems.NotJson(request) is { } unsupported) return unsupported;
        try
        {
            var body = await CorrectionRequest.ReadJsonAsync(request.Body, ct);
            var correction = await extraction.CorrectAsync(reviewer!, recordKey, field, body.Values!, body.Note, ct);
            return new ObjectResult(correction) { StatusCode = StatusCodes.Status201Created };
        }
        catch (ArgumentException e)
        {
            return Problems.Of(400, e.Message);
        }
        catch (KeyNotFoundException e)
        {
            return Problems.Of(404, e.Message);
        }
        catch (Azure.RequestFailedException e) when (e.Status is 400 or 413)
        {
            return Problems.Of(400, $"Storage refused the correction as given ({e.ErrorCode}): shorten the values or the note.");
        }
    }
}
