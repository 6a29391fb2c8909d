using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Screening;

/// <summary>The JSON of the screening model's training summaries (models container); the web format the stored summaries hold.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ModelSummary))]
[JsonSerializable(typeof(StoppingSample))]
internal sealed partial class ScreeningJson : JsonSerializerContext;
