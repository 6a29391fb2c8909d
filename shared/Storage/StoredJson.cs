using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Storage;

/// <summary>The JSON of the queue message, generated at compile time in the web format messages already queued hold. Each
/// feature keeps its own context for what it stores; this one goes to Records with the message (issue 16, phase 2).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RecordMessage))]
internal sealed partial class StoredJson : JsonSerializerContext;
