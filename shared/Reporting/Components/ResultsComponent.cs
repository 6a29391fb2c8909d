using SkiaSharp;

namespace SpineReview.Reporting;

/// <summary>The paper's views recomputed on today's studies, each beside the 2023 figure: headline shares, then one figure per view.</summary>
public sealed class ResultsComponent : IReportComponent
{
    public string Title => "Results: the 2023 figures recomputed";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        var r = m.Results;
        w.Heading(Title, newPage: true);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        if (r.N == 0)
        {
            w.Paragraph("No study has passed screening yet: there is nothing to chart.", body, Typography.Muted);
            return;
        }
        w.Paragraph($"Every figure below describes {r.Basis}, charted by the extraction form with reviewers' corrections. " +
            "Grey bars and the last column give the 2023 review's figure where its text or tables state one, as a share of its 365 included studies " +
            "unless the source says otherwise (some are of its development studies, 92% of all); \"not stated\" means the paper only draws it. " +
            "Percentages here are of all the studies described; where a study may have several values, they add up to more than 100%.",
            body, Typography.Ink);
        if (!r.Confirmed)
        {
            using var warn = Typography.Font(Typography.Bold, Typography.BodySize);
            w.Paragraph("Provisional: no study has been included by reviewers yet, so these figures describe every record that passed the rules and " +
                "is still being screened. They will change as reviewers decide.", warn, Typography.Highlight);
        }

        w.Subheading("Headline figures", keepWith: 200);
        var columns = new[] { ("Measure", 0.28f), ("Studies", 0.15f), ("This version", 0.14f), ("2023 review", 0.13f), ("2023 source and denominator", 0.3f) };
        var rows = r.Headline.Select(i => new[] { i.Name, $"{Fmt.N(i.Count)} of {Fmt.N(i.Of)}", Fmt.Pct(i.Percent), i.Baseline is double b ? Fmt.Pct(b) : "not stated", i.BaselineNote }).ToList();
        Table.Draw(w, columns, rows, null);

        var number = 0;
        foreach (var f in r.Figures)
        {
            number++;
            w.Subheading($"Figure {number}. {f.Title} (2023 review: {f.PaperRef})", keepWith: Height(f) + 20);
            Chart(w, f);
            using var note = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
            w.Paragraph($"n = {Fmt.N(f.N)} studies. {f.Note}", note, Typography.Muted, after: 10);
        }

        SharedCode(w, m);

        number++;
        const float sizeHeight = 190;
        w.Subheading($"Figure {number}. Subjects and images per study (2023 review: Fig. 7)", keepWith: sizeHeight + 60);
        Charts.SizeBins(w, new SKRect(w.Left, w.Y, w.Right, w.Y + sizeHeight), r.Sizes);
        w.Y += sizeHeight + 4;
        var sizeColumns = new[] { ("Measure", 0.2f), ("Reported by", 0.26f), ("2023: reported by", 0.2f), ("Mean", 0.17f), ("2023: mean", 0.17f) };
        var sizeRows = r.Sizes.Select(s => new[]
        {
            s.Measure, $"{Fmt.N(s.Reported)} of {Fmt.N(s.N)} ({Fmt.Pct(s.N == 0 ? 0 : 100.0 * s.Reported / s.N)})", Fmt.Pct(s.BaselineReportedPercent),
            s.Mean is double mean ? Fmt.N(mean) : "none reported", Fmt.N(s.BaselineMean),
        }).ToList();
        Table.Draw(w, sizeColumns, sizeRows, null);

        number++;
        const float yearHeight = 190;
        using var small = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        var dated = r.PerYear.Sum(p => p.Count);
        var undated = r.N - dated;
        w.Subheading($"Figure {number}. Studies per publication year", keepWith: dated == 0 ? 20 : yearHeight + 30);
        if (dated == 0)
        {
            w.Paragraph("No study described here has a publication year yet.", body, Typography.Muted);
            return;
        }
        Charts.Years(w, new SKRect(w.Left, w.Y, w.Right, w.Y + yearHeight), r.PerYear, Baseline2023.LastYearSearched);
        w.Y += yearHeight + 4;
        var after = r.PerYear.Where(p => p.Year > Baseline2023.LastYearSearched).Sum(p => p.Count);
        w.Paragraph($"{Fmt.N(after)} of the {Fmt.Count(r.N, "study", "studies")} were published after {Baseline2023.LastYearSearched}, beyond the 2023 review's searches " +
            "(15 October 2021, repeated 1 January 2022)" + (undated > 0 ? $"; {Fmt.N(undated)} {(undated == 1 ? "has" : "have")} no publication year and {(undated == 1 ? "is" : "are")} not drawn." : "."),
            small, Typography.Muted);
    }

    /// <summary>The studies that share code or models, with the address (the paper's Table 6 lists those of 2021).</summary>
    private static void SharedCode(PageWriter w, ReportModel m)
    {
        var basis = m.Results.Confirmed ? m.Studies.Where(s => s.Included) : m.Studies;
        var sharing = basis.Where(s => s.Fields.TryGetValue("codeAvailable", out var v) && v.Contains("true")).ToList();
        w.Subheading($"Shared code and models (2023 review: Table 6, {Fmt.Pct(Baseline2023.CodeSharedPercent)} of studies)", keepWith: 60);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        if (sharing.Count == 0)
        {
            w.Paragraph("No study described here states that its code or model is available.", body, Typography.Muted);
            return;
        }
        string? Url(StudyRow s) => s.Fields.TryGetValue("codeUrl", out var u) && u.Count > 0 ? u[0] : null;
        var columns = new[] { ("#", 0.05f), ("Study", 0.55f), ("Code or model", 0.4f) };
        var rows = sharing.Select((s, i) => new[] { (i + 1).ToString(Fmt.C), s.Citation, Url(s) ?? "available on request or in the paper (no address given)" }).ToList();
        var links = sharing.Select(s => Url(s) is { } u && Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri.AbsoluteUri : null).ToList();
        Table.Draw(w, columns, rows, links, linkColumn: 2);
    }

    private static float Height(Figure f) => Math.Max(130, f.Rows.Count * 22 + 66);

    /// <summary>The chart on the left, its numbers in a table on the right.</summary>
    private static void Chart(PageWriter w, Figure f)
    {
        var height = Height(f);
        w.EnsureSpace(height);
        var top = w.Y;
        var chartRight = w.Left + w.ContentWidth * 0.6f;
        Charts.HorizontalBars(w, new SKRect(w.Left, top, chartRight, top + height), f.Rows, "This version", "2023 review");
        var columns = new[] { ("Category", 0.42f), ("n", 0.18f), ("%", 0.18f), ("2023", 0.22f) };
        var rows = f.Rows.Select(s => new[] { Fmt.Label(s.Category), Fmt.N(s.Count), Fmt.Pct(s.Percent), s.BaselinePercent is double b ? Fmt.Pct(b) : "–" }).ToList();
        Table.Draw(w, columns, rows, null, left: chartRight + 10, width: w.Right - chartRight - 10, after: 0);
        w.Y = Math.Max(w.Y, top + height) + 2;
    }
}
