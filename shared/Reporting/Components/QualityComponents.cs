using SkiaSharp;
using SpineReview.Screening;

namespace SpineReview.Reporting;

/// <summary>Screening quality: agreement between reviewers and with the model, the audit, and the estimated recall.</summary>
public sealed class ScreeningQualityComponent : IReportComponent
{
    public string Title => "Screening quality";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        if (m.Screening is not { } q) return;
        w.Heading(Title, keepWith: 200, newPage: true);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        var model = q.Model is not { } s ? "not trained yet"
            : $"{s.Model}, retrained on {Fmt.N(s.Includes)} inclusions and {Fmt.N(s.Exclusions)} exclusions by reviewers" +
              (s.ColdStart ? "; until reviewers have both included and excluded, the protocol's criteria and the rules' exclusions stand in" : "");
        w.Paragraph("Every record that passes the rules is screened by two reviewers independently; neither sees the other's decision. " +
            "Agreement settles it; a disagreement, or an \"unsure\", goes to a third reviewer. Every exclusion carries one of the protocol's reason codes. " +
            $"A text model orders each reviewer's queue, most likely eligible first ({model}). " +
            (m.AutoExclude ? "The model may exclude records below its calibrated low threshold; a random share of them still goes to reviewers as an audit."
                           : "The model never excludes a record: automatic exclusion is switched off."), body, Typography.Ink);
        var u = m.ScreeningThisUpdate ?? q;
        var columns = new[] { ("Measure", 0.46f), ("Whole review", 0.27f), ("This update", 0.27f) };
        var rows = new List<string[]>
        {
            new[] { "Records settled by reviewers", Fmt.N(q.IncludedByPeople + q.ExcludedByPeopleTotal), "" },
            new[] { "Cohen's kappa, reviewer 1 against reviewer 2", KappaText(q.Reviewers), KappaText(u.Reviewers) },
            new[] { "Cohen's kappa, model against reviewers' final decision", KappaText(q.ModelVsPeople), KappaText(u.ModelVsPeople) },
            new[] { "Conflicts waiting for a third reviewer", Fmt.N(q.Conflicts), "" },
            new[] { "Excluded by the model / audited / eligible in audit", $"{Fmt.N(q.AutoExcluded)} / {Fmt.N(q.Audited)} / {Fmt.N(q.AuditIncluded)}", "" },
        };
        Table.Draw(w, columns, rows, null);
        using var bold = Typography.Font(Typography.Bold, Typography.BodySize);
        w.Paragraph(q.RecallSentence(), bold, Typography.Ink);
        using var small = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        w.Paragraph("How recall is estimated: the model's probabilities are calibrated on its own out-of-fold predictions for the records " +
            "reviewers have settled (Platt scaling); their sum over the records not yet settled is the number of eligible studies expected among them. " +
            "For records the model excluded, the share found eligible in the audit sample is applied to all of them (with a 95% upper bound). " +
            "Kappa for the model counts a probability at or above the high threshold as \"include\", taken when the first reviewer decided.", small, Typography.Muted);
        // The estimate above is the model grading its own work; the stopping rule's statement rests on a random sample instead.
        w.Paragraph(q.StoppingSentence(), bold, Typography.Ink);
        w.Paragraph("How the stopping rule works (Callaghan and M\u00fcller-Hansen 2020): once ranked screening stops finding eligible studies, a random " +
            "sample is drawn from every record reviewers have not screened, and reviewers screen it in the drawn order. If recall were below the target, " +
            "the records left would hold at least a certain number of eligible studies; a hypergeometric test gives the chance of finding as few as " +
            "the sample did, and below 5% the target is claimed with 95% confidence.", small, Typography.Muted);
    }

    private static string KappaText(Kappa k) => k.Pairs == 0 ? "no pairs yet" : $"{k.Value.ToString("0.00", Fmt.C)} (n = {Fmt.N(k.Pairs)})";
}

/// <summary>How far the automatic extraction can be trusted: per field, its values against people's corrections.</summary>
public sealed class ExtractionQualityComponent : IReportComponent
{
    public string Title => "Charting quality";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading(Title, keepWith: 120);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        w.Paragraph($"The charting form is filled automatically ({Extraction.FormExtractor.Version}), each value with the text it came from; " +
            "people correct it, and a correction wins over the automatic value in every figure of this report and survives re-extraction. " +
            "Accuracy is the share of fields people checked where the automatic value was what they settled on.", body, Typography.Ink);
        if (m.Charting is { Charted: > 0 } basis)
            w.Paragraph($"Charted from the open-access full text (methods, results, tables; JATS from Europe PMC, with its licence): {Fmt.N(basis.FromFullText)} of " +
                $"{Fmt.N(basis.Charted)} studies ({Fmt.Pct(basis.FullTextPercent)}); the others from title and abstract.", body, Typography.Ink);
        var checkedFields = m.ExtractionAccuracy ?? [];
        if (checkedFields.Count == 0)
        {
            w.Paragraph("No field has been checked by people yet.", body, Typography.Muted);
            return;
        }
        var columns = new[] { ("Field", 0.34f), ("Checked by people", 0.24f), ("Automatic right", 0.22f), ("Accuracy", 0.2f) };
        var rows = checkedFields.Select(a => new[] { a.Field, Fmt.N(a.Checked), Fmt.N(a.Right), Fmt.Pct(100 * a.Accuracy) }).ToList();
        Table.Draw(w, columns, rows, null);
    }
}
