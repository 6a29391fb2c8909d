using SpineReview.Records;

namespace SpineReview.Reporting;

/// <summary>Methods: how records are found, screened and charted, and the latest search per source with reconciled counts.</summary>
public sealed class MethodsComponent : IReportComponent
{
    public string Title => "Methods";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading(Title, keepWith: 160);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        w.Paragraph("Searches. Each source is searched with one query built from three concept blocks (deep learning, spine, imaging) over a window " +
            "that starts a few days before the end of its last complete search. A search is complete when every record the source reported was " +
            "retrieved and stored; otherwise it is marked incomplete, its window is searched again, and this report says so. " +
            "Records found by several sources are merged by identifiers (DOI, PMID, PMCID, arXiv id) and by title, year and authors." + Imported(m), body, Typography.Ink);
        w.Paragraph($"Screening. Rules ({m.Method.RulesVersion}) exclude only records that clearly fail a criterion, each with one of the protocol's reason codes. " +
            $"Every other record goes to reviewers: {m.Method.ReviewersPerRecord} independent decisions per record, a third reviewer for conflicts, " +
            "a reason code for every exclusion. A text model orders the reviewers' queue" +
            (m.Method.AutoExclude ? " and may exclude records below a calibrated threshold, with an audit sample still read by people." : " and never excludes a record."),
            body, Typography.Ink);
        w.Paragraph($"Charting. The review's extraction form is filled automatically ({m.Method.ExtractorVersion}), each value with the text it came from; " +
            "reviewers correct it, and their corrections win in every figure. The figures are recomputed on every version.", body, Typography.Ink);

        var latest = m.LatestSearches;
        // Kept with what follows it: the table's header and first rows, or the one line saying there is none.
        w.Subheading("Latest search per source", keepWith: latest.Count == 0 ? 16 : 80);
        if (latest.Count == 0)
        {
            w.Paragraph("No search has run yet.", body, Typography.Muted);
            return;
        }
        var columns = new[] { ("Source", 0.12f), ("Searched", 0.13f), ("Window", 0.2f), ("Reported", 0.1f), ("Retrieved", 0.1f), ("New", 0.08f), ("Dupl.", 0.08f), ("Stored", 0.08f), ("Status", 0.11f) };
        var rows = latest.Select(s => new[]
        {
            SourceName.DisplayNameOf(s.Source, m.Searches), s.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Fmt.C),
            s.IsImport ? $"searched {s.To:yyyy-MM-dd} (file)" : $"{s.From:yyyy-MM-dd} to {s.To:yyyy-MM-dd}",
            Fmt.N(s.Reported), Fmt.N(s.Retrieved), Fmt.N(s.New), Fmt.N(s.Duplicates), Fmt.N(s.AlreadyStored), s.Status,
        }).ToList();
        Table.Draw(w, columns, rows, null);
        using var note = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        w.Paragraph("Reconciled: every record retrieved is new, a duplicate of a record from another source (Dupl.), or already stored from an earlier " +
            "search (Stored); a search is complete only when it retrieved all the source reported.", note, Typography.Muted);
        w.Paragraph($"The search log holds {Fmt.Count(m.Searches.Count, "search", "searches")}; together they retrieved {Fmt.Count(m.Searches.Sum(s => s.Retrieved), "record", "records")} " +
            $"in {Fmt.Count(m.Searches.Sum(s => s.Calls), "request", "requests")}. The queries in full are in the appendix.", body, Typography.Muted);
        using var warn = Typography.Font(Typography.Bold, Typography.BodySize);
        foreach (var s in latest.Where(s => s.Status != "complete"))
            w.Paragraph($"{SourceName.DisplayNameOf(s.Source, m.Searches)}: the latest search is {s.Status}. {s.Message}", warn, Typography.Highlight);
    }

    // Databases with no search API, searched by a person and imported: named, so a reader knows which sources were not automatic.
    private static string Imported(ReportModel m)
    {
        var names = m.LatestSearches.Where(s => s.IsImport).Select(s => SourceName.Of(s).DisplayName).ToList();
        return names.Count == 0 ? ""
            : $" {string.Join(", ", names)} {(names.Count == 1 ? "has" : "have")} no search API: a reviewer searches {(names.Count == 1 ? "it" : "each")} on " +
              "the platform and imports the export file; each file is one search in the log (the date it was run, the query, the entries in the " +
              "file and the records read), and its records are deduplicated and screened like any other.";
    }
}
