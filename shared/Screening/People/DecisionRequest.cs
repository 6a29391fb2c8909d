using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Screening.People;

/// <summary>
/// A reviewer's decision as the JSON body of POST /api/screening/decisions (or a conflict's resolution) gives it: {"recordKey",
/// "decision": include|exclude|unsure, "reason", "note"}. Read by <see cref="ReadJsonAsync"/>, checked by <see cref="ReviewService"/>.
/// </summary>
public sealed record DecisionRequest(string? RecordKey, string? Decision, string? Reason, string? Note)
{
    private const string Shape = "send {\"recordKey\": \"...\", \"decision\": \"include|exclude|unsure\", \"reason\": \"...\", \"note\": \"...\"}";
    private static readonly string[] Fields = ["recordKey", "decision", "reason", "note"];
    // The reviewer is whoever is signed in: a body that names one is refused rather than silently overruled.
    private static readonly string[] Forbidden = ["reviewer", "user", "decidedBy"];

    /// <summary>Fields a body gave beyond the four: ignored, except those that name a reviewer, which are refused.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <summary>Reads a JSON body (field names in any case).</summary>
    /// <exception cref="DecisionRejectedException">400: the body is not JSON, not one object, has a field that is not text, or names a reviewer.</exception>
    public static async Task<DecisionRequest> ReadJsonAsync(Stream body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        DecisionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(body, ReviewJson.Default.DecisionRequest, ct);
        }
        catch (JsonException e)
        {
            throw new DecisionRejectedException(JsonRequest.NotJson(e) ? $"the body is not JSON ({e.Message}); {Shape}"
                : JsonRequest.Field(e, Fields) is { } field ? $"\"{field}\" must be a string" : "the body must be one JSON object");
        }
        if (request is null) throw new DecisionRejectedException("the body must be one JSON object");
        foreach (var forbidden in Forbidden)
            if (request.Unknown?.Keys.Any(k => k.Equals(forbidden, StringComparison.OrdinalIgnoreCase)) == true)
                throw new DecisionRejectedException($"\"{forbidden}\" cannot be given: the reviewer is whoever is signed in");
        return request;
    }
}

/// <summary>People's screening requests as JSON, generated at compile time: camelCase web format, field names read in any case.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DecisionRequest))]
internal sealed partial class ReviewJson : JsonSerializerContext;
