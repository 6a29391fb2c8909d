using System.Text.Json;
using SpineReview.Cli.Commands;

namespace SpineReview.Cli;

/// <summary>Reads the "Values" of a local.settings.json (the Functions host's file) so both hosts share one set of setting names.</summary>
public static class LocalSettings
{
    /// <summary>Settings as configuration keys ("A__B" becomes "A:B"); empty when the file does not exist.</summary>
    public static Dictionary<string, string?> Read(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path)) return values;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.TryGetProperty("Values", out var v) && v.ValueKind == JsonValueKind.Object)
                foreach (var p in v.EnumerateObject())
                    values[p.Name.Replace("__", ":", StringComparison.Ordinal)] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.ToString();
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path} is not valid JSON ({e.Message}); fix it or start again from local.settings.sample.json");
        }
        return values;
    }
}
