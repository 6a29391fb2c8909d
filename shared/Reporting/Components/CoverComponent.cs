using SkiaSharp;

namespace SpineReview.Reporting;

/// <summary>The cover: title, version, dates, headline counts, and the contents with page numbers.</summary>
public sealed class CoverComponent(IReadOnlyList<OutlineEntry> contents) : IReportComponent
{
    public string Title => "Cover";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        var c = w.Canvas;
        using var band = new SKPaint { Color = Typography.Accent };
        c.DrawRect(new SKRect(0, 0, PageWriter.PageWidth, 236), band);
        using var white = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var pale = new SKPaint { Color = Typography.Pale, IsAntialias = true };
        using var kicker = Typography.Font(Typography.Bold, 10);
        using var title = Typography.Font(Typography.Bold, Typography.TitleSize);
        using var sub = Typography.Font(Typography.Regular, 12);
        var box = new SKRect(w.Left, 0, w.Right, 236);
        w.Text("LIVING SCOPING REVIEW", w.Left, 96, kicker, pale, box);
        var y = 128f;
        // PRISMA-LSR item 1: the title says the review is living and which version this is.
        foreach (var line in PageWriter.Wrap($"Deep learning in medical imaging to improve spine care: a living scoping review, version {m.Version}", title, w.ContentWidth))
        {
            w.Text(line, w.Left, y, title, white, box);
            y += 30;
        }
        w.Text($"Report version {m.Version}", w.Left, y + 6, sub, pale, box);

        w.Y = 262;
        using var label = Typography.Font(Typography.Regular, 9);
        using var value = Typography.Font(Typography.Bold, 10.5f);
        using var muted = new SKPaint { Color = Typography.Muted, IsAntialias = true };
        using var ink = new SKPaint { Color = Typography.Ink, IsAntialias = true };
        (string, string)[] facts =
        [
            // The previous version cited (PRISMA-LSR): its number, date and hash; the hash in full is under Living mode.
            ("Version", $"{m.Version}" + (m.Living?.Previous is { } cited
                ? $"; previous version {cited.Version} of {Fmt.Date(cited.Created)}, SHA-256 {(cited.Sha256.Length > 16 ? cited.Sha256[..16] + "..." : cited.Sha256)}"
                : m.PreviousVersion is { } p ? $" (previous: {p})" : " (first version)")),
            ("Created (newest fact in the data)", Fmt.Date(m.Created)),
            ("Data cut-off (last complete search)", Fmt.Date(m.DataCutoff)),
            ("Eligibility method", m.Method.Eligibility),
        ];
        foreach (var (k, v) in facts)
        {
            var lines = PageWriter.Wrap(v, value, w.Right - (w.Left + 200));
            var row = new SKRect(w.Left, w.Y, w.Right, w.Y + 6 + 14 * lines.Count);
            w.Text(k, w.Left, w.Y + 13, label, muted, row);
            for (var i = 0; i < lines.Count; i++) w.Text(lines[i], w.Left + 200, w.Y + 13 + 14 * i, value, ink, row);
            w.Y = row.Bottom;
        }

        w.Y += 14;
        (string Label, int Value)[] tiles =
        [
            ("Records identified", m.Cumulative.Identified),
            ("Included by reviewers", m.Cumulative.IncludedConfirmed),
            ("Provisionally eligible", m.Studies.Count(s => !s.Included)),
            ("New in this version", m.NewInThisVersion),
        ];
        var gap = 10f;
        var tileWidth = (w.ContentWidth - gap * (tiles.Length - 1)) / tiles.Length;
        using var tileFill = new SKPaint { Color = Typography.AccentLight };
        using var big = Typography.Font(Typography.Bold, 20);
        using var small = Typography.Font(Typography.Regular, 8);
        using var accent = new SKPaint { Color = Typography.Accent, IsAntialias = true };
        for (var i = 0; i < tiles.Length; i++)
        {
            var x = w.Left + i * (tileWidth + gap);
            var rect = new SKRect(x, w.Y, x + tileWidth, w.Y + 62);
            c.DrawRoundRect(rect, 4, 4, tileFill);
            w.Text(Fmt.N(tiles[i].Value), x + 10, w.Y + 31, big, accent, rect);
            w.Text(tiles[i].Label, x + 10, w.Y + 50, small, muted, rect);
        }
        w.Y += 84;

        // Contents: the sections with their pages (known from the first rendering pass; the cover's layout does not depend on them).
        using var head = Typography.Font(Typography.Bold, Typography.SubheadingSize);
        w.Text("Contents", w.Left, w.Y, head, accent, new SKRect(w.Left, w.Y - 12, w.Right, w.Y + 4));
        w.Y += 8;
        using var entry = Typography.Font(Typography.Regular, 9.5f);
        using var dots = new SKPaint { Color = Typography.Rule, StrokeWidth = 0.6f, PathEffect = SKPathEffect.CreateDash([1, 2.5f], 0) };
        foreach (var e in contents.Where(e => e.Level == 0))
        {
            w.Y += 16;
            var row = new SKRect(w.Left, w.Y - 12, w.Right, w.Y + 4);
            var page = e.Page.ToString(Fmt.C);
            w.Text(e.Title, w.Left, w.Y, entry, ink, row);
            var pageX = w.Right - entry.MeasureText(page);
            c.DrawLine(w.Left + entry.MeasureText(e.Title) + 6, w.Y - 1, pageX - 6, w.Y - 1, dots);
            w.Text(page, pageX, w.Y, entry, ink, row);
            c.DrawLinkDestinationAnnotation(row, e.Destination);
        }
        w.Y += 22;

        using var body = Typography.Font(Typography.Regular, 8.5f);
        w.Paragraph("This report keeps the 2023 scoping review of deep learning in spine imaging up to date. It is regenerated after every search; " +
            "every count is recomputed from the stored records, decisions and search log, and the same data always gives the same document.", body, Typography.Ink, after: 3);
        using var italic = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        w.Paragraph($"Baseline: {Baseline2023.Citation}: {Fmt.N(Baseline2023.RecordsIdentified)} records identified, " +
            $"{Fmt.N(Baseline2023.StudiesIncluded)} studies included.", italic, Typography.Muted);
    }
}
