using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SpineReview.Configuration;
using SpineReview.Extraction;
using SpineReview.Functions.Http;

namespace SpineReview.Functions.Functions;

/// <summary>HTTP: one study's extraction form, and people's corrections (the reviewer is the platform's signed-in identity).</summary>
public sealed class ExtractionApi(ExtractionStore store, ExtractionService extraction, IOptions<ScreeningOptions> options)
{
    /// <summary>GET /api/extraction/{recordKey}: every field with its automatic values, evidence and any correction.</summary>
    [Function("ExtractionForm")]
    public async Task<IActionResult> Form([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "extraction/{recordKey}")] HttpRequest request,
        string recordKey, CancellationToken ct)
    {
        if (Problems.SignedIn(request, options.Value.TrustIdentityHeaders, "Reading the charting form").Refusal is { } refused) return refused;
        var fields = await store.GetAsync(recordKey, ct);
        if (fields.Count == 0) return Problems.Of(404, $"No extraction form is stored for {recordKey}.");
        return new OkObjectResult(FormExtractor.Fields.Where(fields.ContainsKey).Select(f => new
        {
            Field = f,
            Values = fields[f].Effective,
            Automatic = fields[f].Automatic.Values,
            fields[f].Automatic.ExtractorVersion,
            fields[f].Correction,
        }));
    }

    /// <summary>POST /api/extraction/{recordKey}/{field} {"values": [...], "note": "..."}: a correction that wins and survives re-extraction.</summary>
    [Function("ExtractionCorrect")]
    public async Task<IActionResult> Correct([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "extraction/{recordKey}/{field}")] HttpRequest request,
        string recordKey, string field, CancellationToken ct)
    {
        var (reviewer, refused) = Problems.SignedIn(request, options.Value.TrustIdentityHeaders, "Correcting the charting form");
        if (refused is not null) return refused;
        List<string> values;
        string? note;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("values", out var v) || v.ValueKind != JsonValueKind.Array)
                return Problems.Of(400, "Send {\"values\": [\"...\"], \"note\": \"...\"}; an empty list means \"not reported\".");
            if (root.TryGetProperty("reviewer", out _)) return Problems.Of(400, "\"reviewer\" cannot be given: the reviewer is whoever is signed in.");
            values = v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText()).ToList();
            note = root.TryGetProperty("note", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        }
        catch (JsonException e)
        {
            return Problems.Of(400, $"The body is not JSON ({e.Message}).");
        }
        try
        {
            var correction = await extraction.CorrectAsync(reviewer!, recordKey, field, values, note, ct);
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
