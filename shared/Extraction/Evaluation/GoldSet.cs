using System.Text.Json;

namespace SpineReview.Extraction.Evaluation;

/// <summary>The labels of one gold record (the protocol's JSONL format); absent labels are null or empty.</summary>
public sealed record GoldLabels(IReadOnlyList<string> Modality, IReadOnlyList<string> Region, string? Condition, IReadOnlyList<string> Task,
    IReadOnlyList<string> Architectures, long? Subjects, long? Images, bool? ExternalValidation, IReadOnlyList<string> Metrics, bool? CodeAvailable)
{
    /// <summary>The labels the record gives at all (a label given as null says "not reported"; one left out is not scored).</summary>
    public IReadOnlySet<string> Given { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Train/validation/test shares as "0.70/0.15/0.15", or null when no split is reported.</summary>
    public string? Split { get; init; }

    /// <summary>Whether cross-validation was used.</summary>
    public bool? CrossValidation { get; init; }

    /// <summary>Where the data came from (the form's datasetOrigin values).</summary>
    public IReadOnlyList<string> DatasetOrigin { get; init; } = [];

    /// <summary>Named datasets (VerSe, SPIDER, ...).</summary>
    public IReadOnlyList<string> DatasetNames { get; init; } = [];

    /// <summary>The address of the shared code, or null.</summary>
    public string? CodeUrl { get; init; }

    /// <summary>MRI sequences (T1, T2, STIR, ...).</summary>
    public IReadOnlyList<string> MriSequence { get; init; } = [];
}

/// <summary>One gold record: what the system sees, and what a person decided. <see cref="FullText"/> is the path of its JATS full text, when it has one.</summary>
public sealed record GoldRecord(string Id, string Title, int? Year, string? Journal, string? Doi, string Text, bool Eligible, string? ExclusionReason, GoldLabels Labels)
{
    /// <summary>The JATS full text the record is charted from (its "fulltext" path, relative to the gold file), or null for title and abstract only.</summary>
    public string? FullText { get; init; }
}

/// <summary>Reads the protocol's gold JSONL: one object a line; a bad line is reported with its number.</summary>
public static class GoldSet
{
    private const string Format = "one JSON object a line in the protocol's gold format";

    /// <exception cref="FormatException">The file is not text, has no record, or a line is not a gold record (its number given).</exception>
    public static IReadOnlyList<GoldRecord> Read(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string text;
        try { text = Dedup.TextFile.Read(file, Format); }
        catch (InvalidDataException e) { throw new FormatException(e.Message, e); }
        var list = new List<GoldRecord>();
        var number = 0;
        using var lines = new StringReader(text);
        while (lines.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException e)
            {
                // The line is parsed alone, so System.Text.Json's own line number is always 0: the file's line and the byte say where.
                throw new FormatException($"{file}: line {number}, byte {(e.BytePositionInLine ?? 0) + 1}: {Sources.ParseErrors.Reason(e)} ({Format})", e);
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new FormatException($"{file}: line {number}: not a JSON object but {doc.RootElement.ValueKind.ToString().ToLowerInvariant()} ({Format})");
                try { list.Add(Map(doc.RootElement, Path.GetDirectoryName(Path.GetFullPath(file))!)); }
                catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
                {
                    throw new FormatException($"{file}: line {number}: {e.Message} ({Format})", e);
                }
            }
        }
        if (list.Count == 0) throw new FormatException($"{file}: no records (expected {Format})");
        return list;
    }

    private static GoldRecord Map(JsonElement e, string folder)
    {
        string? Str(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var id = Str(e, "id") ?? throw new FormatException("\"id\" is missing");
        var text = Str(e, "text") ?? throw new FormatException($"record {id}: \"text\" is missing");
        if (!e.TryGetProperty("eligible", out var eligible) || eligible.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new FormatException($"record {id}: \"eligible\" must be true or false");
        var labels = e.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object ? l : default;
        IReadOnlyList<string> List(string name) =>
            labels.ValueKind == JsonValueKind.Object && labels.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
                ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList() : [];
        long? Num(string name) =>
            labels.ValueKind == JsonValueKind.Object && labels.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
        bool? Bool(string name) =>
            labels.ValueKind == JsonValueKind.Object && labels.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
        string? LabelStr(string name) => labels.ValueKind == JsonValueKind.Object ? Str(labels, name) : null;
        var given = labels.ValueKind == JsonValueKind.Object ? labels.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal) : [];
        string? fullText = null;
        if (Str(e, "fulltext") is { Length: > 0 } relative)
        {
            fullText = Path.GetFullPath(Path.Combine(folder, relative));
            if (!File.Exists(fullText)) throw new FormatException($"record {id}: its full text \"{relative}\" is not at {fullText} (the path is relative to the gold file)");
        }
        return new GoldRecord(id, Str(e, "title") ?? "", e.TryGetProperty("year", out var y) && y.ValueKind == JsonValueKind.Number ? y.GetInt32() : null,
            Str(e, "journal"), Str(e, "doi"), text, eligible.GetBoolean(), Str(e, "exclusion_reason"),
            new GoldLabels(List("modality"), List("region"), LabelStr("condition"), List("task"),
                List("architectures"), Num("subjects"), Num("images"), Bool("external_validation"), List("metrics"), Bool("code_available"))
            {
                Given = given, Split = LabelStr("split"), CrossValidation = Bool("cross_validation"), DatasetOrigin = List("dataset_origin"),
                DatasetNames = List("dataset_names"), CodeUrl = LabelStr("code_url"), MriSequence = List("mri_sequence"),
            })
        { FullText = fullText };
    }
}
