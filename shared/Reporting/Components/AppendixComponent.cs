using SpineReview.Records;
using SpineReview.Screening;

namespace SpineReview.Reporting;

/// <summary>The appendix: the queries in full, the exclusion reasons with their counts, and how versions are numbered and kept.</summary>
public sealed class AppendixComponent : IReportComponent
{
    public string Title => "Appendix";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading(Title, newPage: true);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        using var label = Typography.Font(Typography.Bold, Typography.BodySize);
        using var mono = Typography.Font(Typography.Regular, Typography.SmallSize);

        w.Subheading("A. Search queries", keepWith: 60);
        var latest = m.LatestSearches;
        if (latest.Count == 0) w.Paragraph("No search has run yet.", body, Typography.Muted);
        foreach (var q in latest)
        {
            w.Paragraph($"{SourceName.DisplayNameOf(q.Source, m.Searches)} (latest run {q.Started.UtcDateTime.ToString("yyyy-MM-dd", Fmt.C)})", label, Typography.Ink, after: 2);
            w.Paragraph(q.Query, mono, Typography.Muted);
        }

        w.Subheading("B. Exclusion reasons", keepWith: 120);
        w.Paragraph("Each excluded record carries exactly one reason: the first of these that applies, in this order. " +
            $"Duplicates are removed before screening by deduplication ({Fmt.N(m.Cumulative.Duplicates)} so far), not by a screening decision.", body, Typography.Ink);
        var columns = new[] { ("Code", 0.22f), ("Meaning", 0.48f), ("By the rules", 0.15f), ("By reviewers", 0.15f) };
        var rows = ReasonCodes.All.Where(code => code != ReasonCodes.Duplicate).Select(code => new[]
        {
            code, ReasonCodes.Describe(code), Fmt.N(m.Cumulative.ExcludedByRules.GetValueOrDefault(code)),
            Fmt.N(m.Cumulative.ExcludedByPeople?.GetValueOrDefault(code) ?? 0),
        }).ToList();
        Table.Draw(w, columns, rows, null);

        w.Subheading("C. Versions of this report", keepWith: 80);
        w.Paragraph("Every version is kept with a manifest (version, created, data cut-off, counts, the studies shown and the SHA-256 of the PDF); " +
            "the same data and version always give the same bytes, and a new version is made only when something changed. " +
            "Numbers follow MAJOR.MINOR.PATCH: MAJOR when what decides eligibility changes (the rule set, reviewers per record, automatic exclusion); " +
            "MINOR when the studies shown or included change, or the charting method does; PATCH for anything else " +
            "(records that were excluded, corrections, screening progress, layout).", body, Typography.Ink);
        w.Paragraph($"This version: {m.Version}. Eligibility: {m.Method.Eligibility}. Charting: {m.Method.ExtractorVersion}.", body, Typography.Muted);

        w.Subheading("D. The 2023 baseline", keepWith: 40);
        w.Paragraph($"{Baseline2023.Citation}. Figures are taken from the paper's text and Tables 4-6; shares it only draws are shown as \"not stated\". " +
            "Categories are the review's extraction form; the paper's condition domain \"inflammatory and degenerative\" is counted as Degenerative.", body, Typography.Ink);
    }
}
