using SpineReview.Extraction;

namespace SpineReview.Reporting;

/// <summary>One of the paper's views recomputed: a share per category, each beside the 2023 figure where the paper states one.</summary>
/// <param name="Id">Stable name, also the PDF bookmark.</param>
/// <param name="PaperRef">Where the 2023 paper shows it ("Fig. 4B").</param>
/// <param name="Note">What the denominator is and how a study counts.</param>
public sealed record Figure(string Id, string Title, string PaperRef, string Note, int N, IReadOnlyList<CategoryShare> Rows);

/// <summary>A headline share now and in 2023.</summary>
public sealed record Indicator(string Name, int Count, int Of, double? Baseline, string BaselineNote)
{
    public double Percent => Of == 0 ? 0 : 100.0 * Count / Of;
}

/// <summary>Subjects or images per study in the paper's size bins (Fig. 7).</summary>
public sealed record SizeDistribution(string Measure, int N, int Reported, IReadOnlyList<(string Bin, int Count)> Bins, double? Mean, double BaselineMean, double BaselineReportedPercent);

/// <summary>The results section's content: computed on <see cref="N"/> studies described by <see cref="Basis"/>.</summary>
public sealed record ResultsModel(string Basis, bool Confirmed, int N, IReadOnlyList<Indicator> Headline, IReadOnlyList<Figure> Figures,
    IReadOnlyList<(int Year, int Count)> PerYear, IReadOnlyList<SizeDistribution> Sizes)
{
    public static ResultsModel Empty { get; } = new("no studies yet", false, 0, [], [], [], []);
}

/// <summary>Recomputes the paper's figures from the charted values of a set of studies. Pure.</summary>
public static class Results
{
    public const string NotStated = "Not stated";
    public static readonly string[] SizeBins = ["<100", "100-1,000", "1,000-10,000", "10,000-100,000", ">100,000"];

    /// <summary>The studies the figures describe: those included by reviewers once there is one, until then every provisionally eligible study.</summary>
    public static ResultsModel Compute(IReadOnlyList<StudyRow> shown)
    {
        ArgumentNullException.ThrowIfNull(shown);
        var included = shown.Where(s => s.Included).ToList();
        var confirmed = included.Count > 0;
        var basis = confirmed ? included : shown.ToList();
        var n = basis.Count;
        var label = confirmed
            ? $"the {Fmt.Count(n, "study", "studies")} included by reviewers"
            : $"the {Fmt.Count(n, "provisionally eligible study", "provisionally eligible studies")} (no study has been included by reviewers yet)";
        if (n == 0) return ResultsModel.Empty;

        List<string> V(StudyRow s, string field) => s.Fields.TryGetValue(field, out var v) ? v.ToList() : [];
        bool True(StudyRow s, string field) => V(s, field).Contains("true");

        // notStatedApart: shares of the studies where the value is stated, as the paper gives them (its study types are of the
        // 352 studies whose type could be identified); the others are counted in the note.
        Figure Categorical(string id, string title, string paperRef, string field, IEnumerable<string> categories, IReadOnlyDictionary<string, double> baseline,
            string note, bool notStatedApart = false)
        {
            var none = basis.Count(s => !V(s, field).Any(categories.Contains));
            var of = notStatedApart ? n - none : n;
            var rows = categories.Select(c => Share(c, basis.Count(s => V(s, field).Contains(c)), of, baseline)).ToList();
            if (none > 0 && !notStatedApart) rows.Add(Share(NotStated, none, n, baseline));
            if (notStatedApart) note = $"{note} Shares of the {Fmt.Count(of, "study", "studies")} whose type is stated" + (none > 0 ? $"; {Fmt.N(none)} not stated." : ".");
            return new Figure(id, title, paperRef, note, of, rows);
        }

        var vocabulary = FormExtractor.Vocabulary;
        var figures = new List<Figure>
        {
            Categorical("study-types", "Study types", "Fig. 3", "studyType", ["Clinical", "Basic", "Epidemiological"], Baseline2023.StudyType,
                "2023: share of the 352 studies whose type could be identified.", notStatedApart: true),
            Categorical("applications", "Clinical applications", "Fig. 4A", "application", vocabulary["application"].Allowed!, Baseline2023.Application,
                "One application per study."),
            Categorical("modalities", "Imaging modalities", "Fig. 4B", "modality", vocabulary["modality"].Allowed!, Baseline2023.Modality,
                "A study may use several modalities."),
            Categorical("regions", "Spinal regions involved", "Fig. 5", "region", vocabulary["region"].Allowed!, Baseline2023.Region,
                "A study may involve several regions; 2023: lumbar involved alone or with others."),
            RegionSpan(basis, n, s => V(s, "region")),
            Categorical("conditions", "Conditions", "Fig. 6", "condition", vocabulary["condition"].Allowed!, Baseline2023.Condition,
                "One main condition per study; 2023 \"inflammatory and degenerative\" is Degenerative here."),
            Categorical("dl-methods", "Deep learning methods", "Fig. 8", "dlMethod", vocabulary["dlMethod"].Allowed!, Baseline2023.DlMethod,
                "A study may use several methods."),
            Categorical("architectures", "Network architectures", "Fig. 8, Table 4", "architectures", vocabulary["architectures"].Allowed!, Baseline2023.Architecture,
                "Architecture families, variants mapped to their family; a study may use several."),
            Categorical("metrics", "Performance metrics reported", "Table 5", "metrics", vocabulary["metrics"].Allowed!, Baseline2023.Metric,
                "A study may report several metrics. The paper counted recall with sensitivity and F1 with Dice (Table 5); here they are separate rows."),
        };

        const string OfDevelopment = "text; of development studies (92% of all)";
        var headline = new List<Indicator>
        {
            new("Diagnostic tools", basis.Count(s => V(s, "application").Contains("Diagnostic")), n, Baseline2023.Application["Diagnostic"], "Fig. 4A text"),
            new("MRI used", basis.Count(s => V(s, "modality").Contains("MRI")), n, Baseline2023.Modality["MRI"], "Fig. 4B text"),
            new("Lumbar spine involved", basis.Count(s => V(s, "region").Contains("Lumbar")), n, Baseline2023.Region["Lumbar"], "Fig. 5 text"),
            new("CNN used", basis.Count(s => V(s, "dlMethod").Contains("CNN")), n, Baseline2023.DlMethod["CNN"], "text"),
            new("U-Net family", basis.Count(s => V(s, "architectures").Contains("U-Net")), n, Baseline2023.Architecture["U-Net"], "text (Fig. 8, Table 4)"),
            new("ResNet family", basis.Count(s => V(s, "architectures").Contains("ResNet")), n, Baseline2023.Architecture["ResNet"], "text (Fig. 8, Table 4)"),
            new("Externally validated", basis.Count(s => True(s, "externalValidation")), n, Baseline2023.ExternalValidationPercent, OfDevelopment),
            new("Code or model shared", basis.Count(s => True(s, "codeAvailable")), n, Baseline2023.CodeSharedPercent, "text (Table 6)"),
            new("Data split reported", basis.Count(s => V(s, "split").Count > 0), n, Baseline2023.SplitReportedPercent, OfDevelopment),
            new("Cross-validation", basis.Count(s => True(s, "crossValidation")), n, Baseline2023.CrossValidationPercent, OfDevelopment),
        };

        var perYear = basis.Where(s => s.Year is not null).GroupBy(s => s.Year!.Value).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList();
        var sizes = new List<SizeDistribution>
        {
            Size("Subjects", basis, s => V(s, "subjects"), Baseline2023.MeanSubjects, Baseline2023.SubjectsReportedPercent),
            Size("Images", basis, s => V(s, "images"), Baseline2023.MeanImages, Baseline2023.ImagesReportedPercent),
        };
        return new ResultsModel(label, confirmed, n, headline, figures, perYear, sizes);
    }

    private static CategoryShare Share(string category, int count, int n, IReadOnlyDictionary<string, double> baseline) =>
        new(category, count, n == 0 ? 0 : 100.0 * count / n, baseline.TryGetValue(category, out var b) ? b : null);

    private static Figure RegionSpan(List<StudyRow> basis, int n, Func<StudyRow, List<string>> regions)
    {
        string Span(List<string> r) => r.Contains("WholeSpine") ? "Whole spine" : r.Count switch { 0 => NotStated, 1 => "One region", _ => "Several regions" };
        var categories = new[] { "One region", "Several regions", "Whole spine", NotStated };
        var rows = categories.Select(c => Share(c, basis.Count(s => Span(regions(s)) == c), n, Baseline2023.RegionSpan)).ToList();
        return new Figure("region-span", "Regions per study", "Fig. 5 text", "Each study counted once.", n, rows);
    }

    private static SizeDistribution Size(string measure, List<StudyRow> basis, Func<StudyRow, List<string>> values, double baselineMean, double baselineReported)
    {
        var numbers = basis.Select(s => values(s).Select(v => long.TryParse(v, System.Globalization.NumberStyles.Integer, Fmt.C, out var x) ? x : -1).FirstOrDefault(x => x >= 0, -1))
            .Where(x => x >= 0).ToList();
        static int Bin(long x) => x < 100 ? 0 : x < 1_000 ? 1 : x < 10_000 ? 2 : x < 100_000 ? 3 : 4;
        var bins = SizeBins.Select((b, i) => (b, numbers.Count(x => Bin(x) == i))).ToList();
        return new SizeDistribution(measure, basis.Count, numbers.Count, bins, numbers.Count == 0 ? null : numbers.Average(), baselineMean, baselineReported);
    }
}
