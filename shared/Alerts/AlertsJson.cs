using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Alerts;

/// <summary>The JSON of an email's study list as the alert log keeps it; the web format stored rows hold.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class AlertsJson : JsonSerializerContext;
