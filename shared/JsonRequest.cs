using System.Text.Json;

namespace SpineReview;

/// <summary>
/// What a failure to read a JSON request body into its model says, so that each feature can answer in its own words: whether
/// the body was JSON at all, and which field held the wrong kind of value.
/// </summary>
internal static class JsonRequest
{
    /// <summary>True when the body is not JSON (the reader failed), false when it is JSON of the wrong shape.</summary>
    public static bool NotJson(JsonException e) => e.InnerException is JsonException;

    /// <summary>
    /// The top-level field whose value was of the wrong kind, spelt as in <paramref name="fields"/>; null when the body itself was
    /// (not one object).
    /// </summary>
    public static string? Field(JsonException e, IEnumerable<string> fields)
    {
        if (e.Path is not { } path || !path.StartsWith("$.", StringComparison.Ordinal)) return null;
        var name = path[2..];
        var end = name.IndexOfAny(['.', '[']);
        if (end >= 0) name = name[..end];
        return fields.FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase));
    }
}
