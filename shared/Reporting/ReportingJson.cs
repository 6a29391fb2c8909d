using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Reporting;

/// <summary>The report's stored JSON (version manifests), generated at compile time in the camelCase web format every manifest has been written in.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReportManifest))]
internal sealed partial class ReportingJson : JsonSerializerContext;

/// <summary>
/// A report model as JSON, for its fingerprint only (never stored, never read back): every public property and field, the
/// size bins' tuples included; NaN written as text rather than refused (an agreement measure with nothing to compare).
/// </summary>
[JsonSourceGenerationOptions(IncludeFields = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ReportModel))]
internal sealed partial class ReportModelJson : JsonSerializerContext;
