using System.Text.Json;
using System.Text.Json.Serialization;
using SpineReview.Dedup;
using SpineReview.Records;

namespace SpineReview.Cli;

/// <summary>Compile-time JSON metadata for the records `parse` prints: no reflection, no warm-up on large files.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BibRecord))]
internal sealed partial class RecordJsonContext : JsonSerializerContext;

/// <summary>The figures `eval` prints with --json, in snake_case as ../shared/design/INTERFACES.md names them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DedupScore))]
internal sealed partial class EvalJsonContext : JsonSerializerContext;
