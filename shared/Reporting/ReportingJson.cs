using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Reporting;

/// <summary>The report's stored JSON (version manifests), generated at compile time in the camelCase web format every manifest has been written in.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReportManifest))]
internal sealed partial class ReportingJson : JsonSerializerContext;
