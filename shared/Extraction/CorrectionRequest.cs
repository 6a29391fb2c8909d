using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Extraction;

/// <summary>
/// A person's correction of one field as the JSON body of POST /api/extraction/{recordKey}/{field} gives it (read by
/// <see cref="ReadJsonAsync"/>, checked by <see cref="ExtractionService.CorrectAsync"/>): {"values": [...], "note": "..."}.
/// </summary>
/// <param name="Values">The values to set; an empty list means "not reported". A number is taken as it is written (a sample size).</param>
public sealed record CorrectionRequest([property: JsonConverter(typeof(CorrectionValuesConverter))] IReadOnlyList<string>? Values, string? Note)
{
    private const string Shape = "Send {\"values\": [\"...\"], \"note\": \"...\"}; an empty list means \"not reported\".";

    /// <summary>Fields a body gave beyond values and note: ignored, except one naming the reviewer, which is refused.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <summary>Reads a JSON body (field names in any case).</summary>
    /// <exception cref="ArgumentException">The body is not JSON, has no list of values, a note that is not text, or names a reviewer; the message says which.</exception>
    public static async Task<CorrectionRequest> ReadJsonAsync(Stream body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        CorrectionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(body, ExtractionJson.Default.CorrectionRequest, ct);
        }
        catch (JsonException e)
        {
            throw new ArgumentException(JsonRequest.NotJson(e) ? $"The body is not JSON ({e.Message})."
                : JsonRequest.Field(e, ["note"]) is not null ? "\"note\" must be text: a few words on why, or left out." : Shape, e);
        }
        if (request?.Values is null) throw new ArgumentException(Shape);
        // The reviewer is whoever is signed in: a body that names one is refused rather than silently overruled.
        if (request.Unknown?.Keys.Any(k => k.Equals("reviewer", StringComparison.OrdinalIgnoreCase)) == true)
            throw new ArgumentException("\"reviewer\" cannot be given: the reviewer is whoever is signed in.");
        return request;
    }
}

/// <summary>A correction's values: a list of strings, a number taken as it is written.</summary>
internal sealed class CorrectionValuesConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // An empty exception: the serializer adds the field's path, from which the caller says what was wrong.
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException();
        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            values.Add(reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
                _ => throw new JsonException(),
            });
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
