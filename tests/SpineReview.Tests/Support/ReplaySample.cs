using System.Text.Json;

namespace SpineReview.Tests.Support;

/// <summary>The ground truth shipped with the recorded sample set (samples/replay/pubmed/expected.json).</summary>
internal sealed record ExpectedRecord(string Pmid, bool Eligible, string? Reason, bool RuleCertain, string[] Modality, string[] Region);

internal static class ReplaySample
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public static IReadOnlyList<ExpectedRecord> Expected { get; } = Load();

    private static List<ExpectedRecord> Load()
    {
        var path = Path.Combine(TestPaths.Replay, "pubmed", "expected.json");
        return JsonSerializer.Deserialize<List<ExpectedRecord>>(File.ReadAllText(path), Json)
               ?? throw new InvalidDataException($"{path} is empty");
    }
}
