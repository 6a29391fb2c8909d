using SpineReview.Records;

namespace SpineReview.Reporting;

/// <summary>The living mode (PRISMA-LSR): why this version, the previous version cited, the search schedule per source, the rule
/// that makes a new version, the retirement criterion, this version's flow beside the cumulative one, and the PRISMA-S items the
/// search log answers.</summary>
public sealed class LivingModeComponent : IReportComponent
{
    public string Title => "Living mode";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        if (m.Living is not { } living) return;
        w.Heading(Title, keepWith: 160);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        using var bold = Typography.Font(Typography.Bold, Typography.BodySize);
        w.Paragraph($"Why this version: {living.Why ?? "not recorded"}", bold, Typography.Ink);
        w.Paragraph(living.Previous is { } p
            ? $"Previous version: {p.Version} of {Fmt.Date(p.Created)}, SHA-256 {p.Sha256}. Every version stays available with its hash."
            : "Previous version: none; this is the first version.", body, Typography.Ink);

        w.Subheading("Search schedule per source", keepWith: 80);
        Table.Draw(w, [("Source", 0.22f), ("How it is searched", 0.45f), ("Schedule", 0.33f)],
            living.Schedules.Select(s => new[] { s.Source, s.How, s.Schedule }).ToList(), null);
        w.Subheading("When a new version is made", keepWith: 40);
        w.Paragraph($"{LivingMode.VersionRule} The report is regenerated {living.ReportSchedule}.", body, Typography.Ink);
        w.Subheading("Retirement", keepWith: 30);
        w.Paragraph($"The living review will be retired {living.RetireWhen}.", body, Typography.Ink);

        w.Subheading("This version beside the cumulative review (PRISMA flow)", keepWith: 100);
        var u = m.ThisUpdate;
        var c = m.Cumulative;
        var rows = c.IdentifiedBySource.Keys.Union(u.IdentifiedBySource.Keys).OrderBy(SourceName.OrderOf).ThenBy(k => k, StringComparer.Ordinal)
            .Select(k => Row($"Identified: {SourceName.DisplayNameOf(k, m.Searches)}", u.IdentifiedBySource.GetValueOrDefault(k), c.IdentifiedBySource.GetValueOrDefault(k)))
            .Prepend(Row("Records identified", u.Identified, c.Identified))
            .Concat(
            [
                Row("Duplicates removed", u.Duplicates, c.Duplicates),
                Row("Screened by the rules", u.Screened, c.Screened),
                Row("Excluded by the rules", u.ExcludedByRulesTotal, c.ExcludedByRulesTotal),
                Row("Passed to reviewers", u.PassedRules, c.PassedRules),
                Row("Excluded by reviewers", u.ExcludedByPeopleTotal, c.ExcludedByPeopleTotal),
                Row("Excluded by the model", u.ExcludedByModel, c.ExcludedByModel),
                Row("Included by reviewers", u.IncludedConfirmed, c.IncludedConfirmed),
            ]).ToList();
        Table.Draw(w, [("Stage", 0.5f), (m.PreviousVersion is { } pv ? $"This version (since {pv})" : "This version", 0.3f), ("Cumulative", 0.2f)], rows, null);

        w.Subheading("PRISMA-S items the search log answers", keepWith: 100);
        Table.Draw(w, [("Item", 0.06f), ("PRISMA-S", 0.22f), ("Reported", 0.1f), ("Answer", 0.62f)], PrismaS(m), null);
        using var note = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        w.Paragraph("Items 3 to 7 (registries, online resources, citation searching, contacts, other methods), 10 (search filters), 11 (prior work) and " +
            "14 (peer review of the search) are not answered by the search log; the protocol states them.", note, Typography.Muted);
    }

    private static string[] Row(string stage, int update, int all) => [stage, Fmt.N(update), Fmt.N(all)];

    private static List<string[]> PrismaS(ReportModel m)
    {
        var latest = m.LatestSearches;
        string Name(SearchLogEntry s) => SourceName.DisplayNameOf(s.Source, m.Searches);
        var complete = m.Searches.Where(s => s.Status == "complete" && !s.IsImport).GroupBy(s => s.Source)
            .OrderBy(g => SourceName.OrderOf(g.Key)).Select(g => $"{SourceName.DisplayNameOf(g.Key)} {g.Min(s => s.From):yyyy-MM-dd} to {g.Max(s => s.To):yyyy-MM-dd}").ToList();
        var imports = latest.Where(s => s.IsImport).ToList();
        string Yes(bool yes) => yes ? "yes" : "none yet";
        return
        [
            ["1", "Database name", Yes(latest.Count > 0), string.Join("; ", latest.Select(Name))],
            ["2", "Multi-database searching", Yes(latest.Count > 0), "each source searched on its own: " +
                string.Join("; ", latest.Select(s => s.IsImport ? $"{s.Database} on {s.Platform}" : $"{Name(s)} through its API"))],
            ["8", "Full search strategies", Yes(latest.Count > 0), "every query as run, in appendix A"],
            ["9", "Limits and restrictions", Yes(complete.Count > 0 || imports.Count > 0), complete.Count == 0 && imports.Count == 0 ? "no complete search yet"
                : "date windows searched: " + string.Join("; ", complete.Concat(imports.Select(s => $"{Name(s)} as exported, searched {s.To:yyyy-MM-dd}")))],
            ["12", "Updates", "yes", "each API source is searched again from a few days before the end of its last complete search; " +
                "each imported export file is one search, and the same file again is the same search"],
            ["13", "Dates of searches", Yes(latest.Count > 0), string.Join("; ", latest.Select(s => $"{Name(s)} {(s.IsImport ? s.To.ToString("yyyy-MM-dd", Fmt.C) : s.Started.UtcDateTime.ToString("yyyy-MM-dd", Fmt.C))}"))],
            ["15", "Total records", Yes(m.Cumulative.Identified > 0), string.Join("; ", m.Cumulative.IdentifiedBySource.OrderBy(kv => SourceName.OrderOf(kv.Key))
                .Select(kv => $"{SourceName.DisplayNameOf(kv.Key, m.Searches)} {Fmt.N(kv.Value)}"))],
            ["16", "Deduplication", "yes", $"by DOI, PMID, PMCID and arXiv id, then by title, year and authors; {Fmt.Count(m.Cumulative.Duplicates, "duplicate", "duplicates")} removed"],
        ];
    }
}
