using System.Text.Json;
using System.Text.Json.Serialization;
using SpineReview.Records;

namespace SpineReview.Cli;

/// <summary>Compile-time JSON metadata for the records `parse` prints: no reflection warm-up on large files.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BibRecord))]
internal sealed partial class RecordJsonContext : JsonSerializerContext;
