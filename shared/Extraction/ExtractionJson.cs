using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Extraction;

/// <summary>The JSON of extracted values and people's corrections as the extractions table keeps them; the web format stored rows hold.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<ExtractedValue>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class ExtractionJson : JsonSerializerContext;
