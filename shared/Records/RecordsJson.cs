using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Records;

/// <summary>The JSON of a stored record, generated at compile time (no reflection, so every host can be published native). The
/// camelCase web format is what every stored row holds: changing the options would leave stored records unreadable.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BibRecord))]
[JsonSerializable(typeof(RecordMessage))]
[JsonSerializable(typeof(RecordBatch))]
internal sealed partial class RecordsJson : JsonSerializerContext;
