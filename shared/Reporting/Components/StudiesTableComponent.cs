namespace SpineReview.Reporting;

/// <summary>The table of studies: included by reviewers, or passed the rules and still being screened; DOIs link out.</summary>
public sealed class StudiesTableComponent : IReportComponent
{
    public string Title => "Included and provisionally eligible studies";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading(Title, keepWith: 140, newPage: true);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        var confirmed = m.Studies.Count(s => s.Included);
        w.Paragraph($"{Fmt.Count(m.Studies.Count, "study", "studies")} passed the rules and {(m.Studies.Count == 1 ? "was" : "were")} not excluded by reviewers: {Fmt.N(confirmed)} included by reviewers (✓), " +
            $"{Fmt.N(m.Studies.Count - confirmed)} still being screened. ★ marks a study new in this version; ⚠ one its source marks retracted; ‼ one with an expression of concern; ‡ one with a correction, erratum or journal version (the CSV export lists every notice). " +
            "Characteristics are charted automatically and corrected by reviewers; every export (CSV, RIS) carries all of them.", body, Typography.Ink);
        var columns = new[] { ("#", 0.05f), ("Study", 0.43f), ("Journal", 0.15f), ("Modality", 0.12f), ("Region", 0.11f), ("Condition", 0.14f) };
        var rows = m.Studies.Select((s, i) => new[]
        {
            (i + 1).ToString(Fmt.C),
            $"{(s.Included ? "✓ " : "")}{(s.NewInThisVersion ? "★ " : "")}{(s.Retracted ? "⚠ " : "")}{(s.Concern ? "‼ " : s.NoticeList.Count > 0 ? "‡ " : "")}{s.Citation}" + (s.Doi is null ? "" : $"\ndoi:{s.Doi}"),
            s.Journal ?? "",
            string.Join(", ", s.Modality),
            string.Join(", ", s.Region.Select(Fmt.Label)),
            string.Join(", ", s.Fields.TryGetValue("condition", out var c) ? c.Select(Fmt.Label) : []),
        }).ToList();
        var links = m.Studies.Select(s => s.Doi is null ? null : Records.Identifiers.DoiUrl(s.Doi)).ToList();
        Table.Draw(w, columns, rows, links);
    }
}
