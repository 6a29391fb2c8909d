using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Extraction;

/// <summary>
/// The charting form's JSON, generated at compile time in the camelCase web format (field names read in any case): the values
/// and corrections as the extractions table keeps them (written as they always have been), and correction requests.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<ExtractedValue>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(List<StoredFormField>))]
[JsonSerializable(typeof(CorrectionRequest))]
internal sealed partial class ExtractionJson : JsonSerializerContext;
