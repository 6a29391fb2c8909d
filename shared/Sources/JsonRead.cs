using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SpineReview.Sources;

/// <summary>Tolerant readers for source JSON: any field may be absent, null, or of another type than documented.</summary>
internal static partial class JsonRead
{
    public static JsonElement? Prop(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static JsonElement? Path(this JsonElement e, params string[] names)
    {
        JsonElement? cur = e;
        foreach (var n in names)
        {
            if (cur is null) return null;
            cur = cur.Value.Prop(n);
        }
        return cur;
    }

    public static JsonElement? Prop(this JsonElement? e, string name) => e is { } v ? v.Prop(name) : null;

    public static JsonElement? Path(this JsonElement? e, params string[] names) => e is { } v ? v.Path(names) : null;

    public static string? Str(this JsonElement? e) => e?.ValueKind switch
    {
        JsonValueKind.String => NullIfBlank(e.Value.GetString()),
        JsonValueKind.Number => e.Value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static int? Int(this JsonElement? e) => e?.ValueKind switch
    {
        JsonValueKind.Number when e.Value.TryGetInt32(out var i) => i,
        JsonValueKind.String when int.TryParse(e.Value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };

    public static IEnumerable<JsonElement> Items(this JsonElement? e) =>
        e is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];

    public static List<string> Strings(this JsonElement? e) => e.Items().Select(x => ((JsonElement?)x).Str()).OfType<string>().ToList();

    public static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>Text with HTML/JATS tags removed, entities decoded and white space folded.</summary>
    public static string StripMarkup(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var noTags = Tags().Replace(s, m => BlockTag().IsMatch(m.Value) ? "\n" : "");
        var decoded = System.Net.WebUtility.HtmlDecode(noTags);
        var lines = decoded.Split('\n').Select(l => Space().Replace(l, " ").Trim()).Where(l => l.Length > 0);
        return string.Join("\n", lines);
    }

    /// <summary>Parses a document, turning malformed JSON into a <see cref="SourceException"/> naming the source.</summary>
    public static JsonDocument Parse(Stream json, string source)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new SourceException($"{source} answer is not well-formed JSON (cut short?): {ParseErrors.Describe(e)}", e);
        }
    }

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();
    [GeneratedRegex(@"^</?(?:p|h\d|br|div|li|jats:p|jats:sec|jats:title|sec|title)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BlockTag();
    [GeneratedRegex(@"[ \t\r\f\v]+")]
    private static partial Regex Space();
}
