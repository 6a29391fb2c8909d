using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Reporting;

/// <summary>The JSON of a report version's manifest blob; the web format the stored manifests hold.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReportManifest))]
internal sealed partial class ReportingJson : JsonSerializerContext;
