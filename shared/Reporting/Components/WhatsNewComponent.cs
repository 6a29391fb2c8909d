using SkiaSharp;

namespace SpineReview.Reporting;

/// <summary>What changed since the previous version: studies included, new candidates, decisions changed, retractions.</summary>
public sealed class WhatsNewComponent : IReportComponent
{
    private const int ListLimit = 15;

    public string Title => "What is new in this version";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading(Title);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        var since = m.PreviousVersion is { } p ? $"Since version {p}" : "In this first version";
        var ch = m.Changes;
        w.Paragraph($"{since}: {Fmt.Count(ch.NewlyIncluded.Count, "study", "studies")} included by reviewers, " +
            $"{Fmt.Count(ch.NewProvisional.Count, "new provisionally eligible study", "new provisionally eligible studies")}, " +
            $"{Fmt.Count(ch.Removed.Count, "study", "studies")} no longer shown, {Fmt.Count(ch.Reopened.Count, "inclusion", "inclusions")} reopened, " +
            $"{Fmt.Count(ch.Retracted.Count, "newly retracted study", "newly retracted studies")} among those shown" +
            (ch.Notices.Count == 0 ? ". " : $"; {Fmt.Count(ch.Notices.Count, "correction or other notice", "corrections or other notices")} found for studies shown. ") +
            $"This update's searches identified {Fmt.Count(m.ThisUpdate.Identified, "record", "records")}: {Fmt.N(m.ThisUpdate.Duplicates)} duplicates, " +
            $"{Fmt.N(m.ThisUpdate.ExcludedByRulesTotal)} excluded by the rules, {Fmt.N(m.ThisUpdate.PassedRules)} passed to reviewers.", body, Typography.Ink);
        if (m.Pending is { Total: > 0 } pending)
        {
            // Said where a reader looks for what this version holds: its figures lack what that work will add.
            using var warn = Typography.Font(Typography.Bold, Typography.BodySize);
            w.Paragraph($"Not yet complete: when this version was made, {Fmt.Count(pending.Screening, "record was", "records were")} still waiting for the rule " +
                $"pre-screen and {Fmt.Count(pending.Extraction, "record", "records")} for charting. What they add is not in this version's counts and figures; " +
                "the next version includes it.", warn, Typography.Highlight);
        }

        const string InTable = "listed in the table of studies";
        List("Included by reviewers", ch.NewlyIncluded.Select(s => (s.Citation, (string?)null)).ToList(), w, InTable);
        List("New, awaiting reviewers", ch.NewProvisional.Select(s => (s.Citation, (string?)null)).ToList(), w, InTable);
        List("Decisions changed: no longer shown", ch.Removed.Select(r => (r.Citation, (string?)r.Why)).ToList(), w,
            "their keys are in the manifests of this version and the previous one");
        List("Decisions changed: reopened by reviewers, no longer counted as included", ch.Reopened.Select(s => (s.Citation, (string?)null)).ToList(), w, InTable);
        List("Newly retracted (marked by the source)", ch.Retracted.Select(s => (s.Citation, (string?)(s.Included ? "still counted as included until reviewers decide" : null))).ToList(), w,
            "marked ⚠ in the table of studies");
        List("Corrections, errata, expressions of concern and journal versions found", ch.Notices.Select(n => (n.Study.Citation, (string?)n.Notice)).ToList(), w,
            "marked ‡ (‼ for an expression of concern) in the table of studies and listed in the CSV export's notices column");
        w.Y += 6;
    }

    private static void List(string title, List<(string Citation, string? Why)> items, PageWriter w, string rest)
    {
        if (items.Count == 0) return;
        using var label = Typography.Font(Typography.Bold, Typography.BodySize);
        // The list's title stays with its first item.
        w.EnsureSpace(40);
        w.Paragraph($"{title} ({Fmt.N(items.Count)})", label, Typography.Accent, after: 2);
        using var item = Typography.Font(Typography.Regular, Typography.ListSize);
        using var why = Typography.Font(Typography.Italic, Typography.NoteSize);
        foreach (var (citation, reason) in items.Take(ListLimit))
        {
            w.Paragraph($"• {citation}", item, Typography.Ink, indent: 8, after: reason is null ? 1.5f : 0);
            if (reason is not null) w.Paragraph(reason, why, Typography.Highlight, indent: 16, after: 1.5f);
        }
        if (items.Count > ListLimit)
            w.Paragraph($"… and {Fmt.N(items.Count - ListLimit)} more, {rest}.", item, Typography.Muted, indent: 8);
        w.Y += 4;
    }
}
