using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Alerts;

/// <summary>
/// The alerts' JSON, generated at compile time in the camelCase web format (field names read in any case): subscription requests,
/// and the studies an email carries as its delivery row keeps them (written as they always have been).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SubscriptionRequest))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class AlertsJson : JsonSerializerContext;
