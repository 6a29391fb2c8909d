using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Dedup;

/// <summary>The JSON of a record as the fingerprint index keeps it; the web format stored rows hold (see RecordsJson).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DedupRecord))]
internal sealed partial class DedupJson : JsonSerializerContext;
