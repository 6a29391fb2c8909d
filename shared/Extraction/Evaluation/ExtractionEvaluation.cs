using SpineReview.Records;
using SpineReview.Screening;

namespace SpineReview.Extraction.Evaluation;

/// <summary>Precision, recall and F1 of a set-valued field, micro-averaged over records.</summary>
public sealed record SetScore(double Precision, double Recall, double F1, int TruePositives, int FalsePositives, int FalseNegatives);

/// <summary>Share of records where a single value (a number, a yes/no, a category) is exactly right; null counts as a value.</summary>
public sealed record ExactScore(double Accuracy, int Right, int Records);

/// <summary>Eligibility through the rules, against the gold decisions.</summary>
public sealed record EligibilityScore(double Precision, double Recall, double Accuracy);

/// <summary>Everything `eval extraction` reports.</summary>
public sealed record ExtractionScore(int Records, EligibilityScore Eligibility, double ExclusionReasonAccuracy,
    IReadOnlyDictionary<string, SetScore> SetFields, IReadOnlyDictionary<string, ExactScore> ExactFields, IReadOnlyList<string> Misses);

/// <summary>Screens and extracts each gold record as the cycle does, and scores every field. Pure.</summary>
public static class ExtractionEvaluation
{
    public static ExtractionScore Score(IReadOnlyList<GoldRecord> gold)
    {
        ArgumentNullException.ThrowIfNull(gold);
        var misses = new List<string>();
        int tp = 0, fp = 0, fn = 0, tn = 0, reasonRight = 0, reasonTotal = 0;
        var sets = new Dictionary<string, (int Tp, int Fp, int Fn)>(StringComparer.Ordinal);
        var exact = new Dictionary<string, (int Right, int Total)>(StringComparer.Ordinal);
        foreach (var g in gold)
        {
            var verdict = RuleScreener.Screen(ToRecord(g));
            var predicted = !verdict.Excluded;
            if (predicted && g.Eligible) tp++;
            else if (predicted) fp++;
            else if (g.Eligible) { fn++; misses.Add($"{g.Id}: eligible, excluded by rule {verdict.Rule} ({verdict.Reason})"); }
            else tn++;
            if (!g.Eligible && g.ExclusionReason is not null)
            {
                reasonTotal++;
                if (verdict.Reason == g.ExclusionReason) reasonRight++;
            }
            if (!g.Eligible) continue;

            // As the cycle sees a stored record: its full text when it has one, else title, a line break, then the abstract.
            var record = ToRecord(g);
            var fields = (g.FullText is { } path ? FullText.FullTextExtractor.Extract(FullText.JatsParser.Parse(File.ReadAllBytes(path)))
                : FormExtractor.Extract(record.Title + "\n" + record.Abstract)).ToDictionary(f => f.Field, StringComparer.Ordinal);
            IReadOnlyList<string> Got(string field) => fields[field].Distinct.ToList();
            string? One(string field) => Got(field) is { Count: > 0 } v ? v[0] : null;
            void Set(string name, string field, IReadOnlyList<string> want)
            {
                var got = Got(field).ToHashSet(StringComparer.Ordinal);
                var w = want.ToHashSet(StringComparer.Ordinal);
                var c = sets.GetValueOrDefault(name);
                sets[name] = (c.Tp + got.Intersect(w).Count(), c.Fp + got.Except(w).Count(), c.Fn + w.Except(got).Count());
                foreach (var x in got.Except(w)) misses.Add($"{g.Id} {name}: extra {x}");
                foreach (var x in w.Except(got)) misses.Add($"{g.Id} {name}: missed {x}");
            }
            void Exact(string name, string? got, string? want)
            {
                var c = exact.GetValueOrDefault(name);
                var right = string.Equals(got, want, StringComparison.Ordinal);
                exact[name] = (c.Right + (right ? 1 : 0), c.Total + 1);
                if (!right) misses.Add($"{g.Id} {name}: {got ?? "null"} instead of {want ?? "null"}");
            }
            var l = g.Labels;
            Set("modality", "modality", l.Modality);
            Set("region", "region", l.Region);
            Set("task", "task", l.Task);
            Set("architectures", "architectures", l.Architectures);
            Set("metrics", "metrics", l.Metrics);
            Exact("condition", One("condition"), l.Condition);
            Exact("subjects", One("subjects"), l.Subjects?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Exact("images", One("images"), l.Images?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Exact("external_validation", One("externalValidation"), l.ExternalValidation is bool e ? (e ? "true" : "false") : null);
            Exact("code_available", One("codeAvailable"), l.CodeAvailable is bool c2 ? (c2 ? "true" : "false") : null);
            // Labels the protocol's example leaves out are scored where a gold set gives them (full-text sets do).
            if (l.Given.Contains("split")) Exact("split", One("split"), l.Split);
            if (l.Given.Contains("cross_validation")) Exact("cross_validation", One("crossValidation"), l.CrossValidation is bool cv ? (cv ? "true" : "false") : null);
            if (l.Given.Contains("code_url")) Exact("code_url", One("codeUrl"), l.CodeUrl);
            if (l.Given.Contains("dataset_origin")) Set("dataset_origin", "datasetOrigin", l.DatasetOrigin);
            if (l.Given.Contains("dataset_names")) Set("dataset_names", "datasetNames", l.DatasetNames);
            if (l.Given.Contains("mri_sequence")) Set("mri_sequence", "mriSequence", l.MriSequence);
        }
        static double Ratio(int a, int b) => b == 0 ? 1 : Math.Round((double)a / b, 4);
        var setScores = sets.ToDictionary(kv => kv.Key, kv =>
        {
            var (t, f, n) = kv.Value;
            var p = Ratio(t, t + f);
            var r = Ratio(t, t + n);
            return new SetScore(p, r, p + r == 0 ? 0 : Math.Round(2 * p * r / (p + r), 4), t, f, n);
        }, StringComparer.Ordinal);
        var exactScores = exact.ToDictionary(kv => kv.Key, kv => new ExactScore(Ratio(kv.Value.Right, kv.Value.Total), kv.Value.Right, kv.Value.Total), StringComparer.Ordinal);
        return new ExtractionScore(gold.Count, new EligibilityScore(Ratio(tp, tp + fp), Ratio(tp, tp + fn), Ratio(tp + tn, gold.Count)),
            Ratio(reasonRight, reasonTotal), setScores, exactScores, misses);
    }

    /// <summary>The gold record as the rules see a stored record: title, the rest of the text as abstract, year.</summary>
    public static BibRecord ToRecord(GoldRecord g)
    {
        ArgumentNullException.ThrowIfNull(g);
        var text = g.Text;
        var abstractText = g.Title.Length > 0 && text.StartsWith(g.Title, StringComparison.Ordinal) ? text[g.Title.Length..].TrimStart('.', ' ', '\n') : text;
        return new BibRecord { Source = "gold", SourceId = g.Id, Title = g.Title.Length > 0 ? g.Title : text.Split('\n')[0], Abstract = abstractText, Year = g.Year };
    }
}
