using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Alerts;

/// <summary>
/// A request to subscribe, as the command line or the JSON body of POST /api/alerts/subscriptions gives it (read by
/// <see cref="ReadJsonAsync"/>, checked by <see cref="SubscriptionService.SubscribeAsync"/>). A filter may be one string or a list.
/// </summary>
public sealed record SubscriptionRequest(string? Email, string? Name,
    [property: JsonConverter(typeof(FilterValuesConverter))] IReadOnlyList<string>? Modality,
    [property: JsonConverter(typeof(FilterValuesConverter))] IReadOnlyList<string>? Region,
    [property: JsonConverter(typeof(FilterValuesConverter))] IReadOnlyList<string>? Condition,
    [property: JsonConverter(typeof(FilterValuesConverter))] IReadOnlyList<string>? Task,
    string? Frequency)
{
    /// <summary>The largest body read: a subscription fits in far less.</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>The fields of a subscription, as a body names them.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["email", "name", "modality", "region", "condition", "task", "frequency"];

    private const string Shape = "send {\"email\": \"jane.doe@example.org\", \"name\": \"Jane Doe\", \"modality\": [\"MRI\"], \"region\": [], \"condition\": [], \"task\": [], \"frequency\": \"immediate|daily|weekly\"}";

    /// <summary>Fields a body gave that a subscription does not have: refused by name, so that a misspelt filter is not silently dropped.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <summary>Reads a JSON body (field names in any case) of at most <see cref="MaxBytes"/>.</summary>
    /// <param name="declaredLength">The length the request declares, when it does: a longer one is refused before anything is read.</param>
    /// <exception cref="AlertRejectedException">The body is too large, not JSON, not one object, or a field is unknown or of the wrong kind; the message says which.</exception>
    public static async Task<SubscriptionRequest> ReadJsonAsync(Stream body, long? declaredLength, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (declaredLength is > MaxBytes) throw new AlertRejectedException($"the body has {declaredLength} bytes; a subscription fits in {MaxBytes}");
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes) throw new AlertRejectedException($"the body is larger than {MaxBytes} bytes; a subscription fits in much less");
        }
        SubscriptionRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), AlertsJson.Default.SubscriptionRequest);
        }
        catch (JsonException e)
        {
            throw new AlertRejectedException(JsonRequest.NotJson(e) ? $"the body is not JSON; {Shape}" : JsonRequest.Field(e, Fields) switch
            {
                null => $"the body must be one JSON object; {Shape}",
                ("email" or "name" or "frequency") and var text => $"\"{text}\" must be a string",
                var filter => $"\"{filter}\" must be a list of at most {FilterValuesConverter.Most} strings, for example [\"MRI\", \"CT\"]",
            });
        }
        if (request is null) throw new AlertRejectedException($"the body must be one JSON object; {Shape}");
        if (request.Unknown?.Keys.FirstOrDefault() is { } unknown)
            throw new AlertRejectedException($"\"{MailRules.Flatten(unknown, 40)}\" is not a subscription field; the fields are {string.Join(", ", Fields)}");
        return request;
    }
}

/// <summary>A filter's values in a subscription body: one string, or a list of at most <see cref="Most"/> strings.</summary>
internal sealed class FilterValuesConverter : JsonConverter<IReadOnlyList<string>>
{
    public const int Most = 20;

    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return [reader.GetString()!];
        // An empty exception: the serializer adds the field's path, from which the caller says which field was wrong.
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException();
        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String || values.Count == Most) throw new JsonException();
            values.Add(reader.GetString()!);
        }
        return values;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var v in value) writer.WriteStringValue(v);
        writer.WriteEndArray();
    }
}
