using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SpineReview.Dedup;
using SpineReview.Records;

namespace SpineReview.Cli;

/// <summary>How the command line prints JSON: compile-time metadata, and names and titles as written ("+", accents), not as \u escapes.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions RecordOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = RecordJsonContext.Default,
    };

    public static JsonTypeInfo<BibRecord> Record { get; } = (JsonTypeInfo<BibRecord>)RecordOptions.GetTypeInfo(typeof(BibRecord));

    public static JsonSerializerOptions Screening { get; } = new(ScreeningJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = ScreeningJsonContext.Default,
    };
}

/// <summary>Compile-time JSON metadata for the records `parse` prints: no reflection, no warm-up on large files.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BibRecord))]
internal sealed partial class RecordJsonContext : JsonSerializerContext;

/// <summary>The figures `eval` prints with --json, in snake_case as ../shared/design/INTERFACES.md names them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DedupScore))]
[JsonSerializable(typeof(SpineReview.Screening.Evaluation.PanelResult))]
[JsonSerializable(typeof(SpineReview.Screening.Evaluation.StoppingPanelResult))]
internal sealed partial class EvalJsonContext : JsonSerializerContext;

/// <summary>`eval screening --json`: the fields ../shared/design/INTERFACES.md names, then a few more.</summary>
internal sealed record ScreeningEvalJson(
    [property: JsonPropertyName("records")] int Records,
    [property: JsonPropertyName("included")] int Included,
    [property: JsonPropertyName("runs")] int Runs,
    [property: JsonPropertyName("wss95")] double Wss95,
    [property: JsonPropertyName("wss100")] double Wss100,
    [property: JsonPropertyName("rrf10")] double Rrf10,
    [property: JsonPropertyName("screened_at_95")] double ScreenedAt95,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("wss95_runs")] IReadOnlyList<double> Wss95Runs,
    [property: JsonPropertyName("baseline")] BaselineJson Baseline,
    [property: JsonPropertyName("seconds")] double Seconds);

/// <summary>The baseline's figures beside the project's.</summary>
internal sealed record BaselineJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("wss95")] double Wss95,
    [property: JsonPropertyName("wss100")] double Wss100,
    [property: JsonPropertyName("rrf10")] double Rrf10,
    [property: JsonPropertyName("screened_at_95")] double ScreenedAt95,
    [property: JsonPropertyName("wss95_runs")] IReadOnlyList<double> Wss95Runs);

/// <summary>What `screen next --json` and `screen conflicts --json` print.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ScreeningEvalJson))]
[JsonSerializable(typeof(SpineReview.Screening.People.ScreeningItem))]
[JsonSerializable(typeof(List<SpineReview.Screening.People.ConflictItem>))]
[JsonSerializable(typeof(SpineReview.Screening.StoppingState))]
internal sealed partial class ScreeningJsonContext : JsonSerializerContext;

/// <summary>One subscriber as `alerts list --json` prints it (no tokens).</summary>
internal sealed record SubscriberJson(string Id, string? Address, string? Name, string Status, string Frequency, IReadOnlyList<string> Modality,
    IReadOnlyList<string> Region, IReadOnlyList<string> Condition, IReadOnlyList<string> Task, DateTimeOffset SubscribedAt, DateTimeOffset? ConfirmedAt,
    DateTimeOffset? UnsubscribedAt);

/// <summary>What `alerts list --json` prints.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<SubscriberJson>))]
internal sealed partial class AlertsJsonContext : JsonSerializerContext;
