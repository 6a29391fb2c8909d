using System.Text.Json;
using System.Text.Json.Serialization;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Reporting;

namespace SpineReview.Storage;

/// <summary>The JSON of everything kept in storage (records, extracted values, report manifests, queue messages), generated
/// at compile time: the same camelCase web format as before, with no reflection, so every host can be published native.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BibRecord))]
[JsonSerializable(typeof(IReadOnlyList<ExtractedValue>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(ReportManifest))]
[JsonSerializable(typeof(RecordMessage))]
[JsonSerializable(typeof(Dedup.DedupRecord))]
[JsonSerializable(typeof(Screening.ModelSummary))]
internal sealed partial class StoredJson : JsonSerializerContext;
