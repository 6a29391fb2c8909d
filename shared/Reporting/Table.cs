using SkiaSharp;

namespace SpineReview.Reporting;

/// <summary>A ruled table whose cells wrap their text; the header repeats on every page it spans.</summary>
public static class Table
{
    private const float Pad = 4f;
    private const float LineHeight = 10.5f;

    /// <param name="columns">Header and share of the content width.</param>
    /// <param name="links">Per row, a URL a cell links to (the second, or <paramref name="linkColumn"/>), or null. In that cell a paragraph
    /// starting "doi:" or "http" is drawn as a link.</param>
    /// <param name="left">Where the table starts (default: the left margin); with <paramref name="width"/>, a table beside a chart.</param>
    public static void Draw(PageWriter w, (string Header, float Share)[] columns, IReadOnlyList<string[]> rows, IReadOnlyList<string?>? links,
        float? left = null, float? width = null, float after = 10, int linkColumn = 1)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        using var font = Typography.Font(Typography.Regular, Typography.TableSize);
        using var headerFont = Typography.Font(Typography.Bold, Typography.TableSize);
        var x0 = left ?? w.Left;
        var x1 = x0 + (width ?? w.ContentWidth);
        var widths = columns.Select(c => c.Share * (x1 - x0)).ToArray();

        w.EnsureSpace(LineHeight * 3 + Pad * 4);
        DrawHeader(w, columns, widths, headerFont, x0, x1);
        using var ink = new SKPaint { Color = Typography.Ink, IsAntialias = true };
        using var rule = new SKPaint { Color = Typography.Rule, StrokeWidth = 0.5f };
        using var zebra = new SKPaint { Color = Typography.Zebra };
        using var link = new SKPaint { Color = Typography.Link, IsAntialias = true };
        for (var r = 0; r < rows.Count; r++)
        {
            // Each cell's lines, each marked when it belongs to a "doi:" paragraph (drawn as a link).
            var cells = rows[r].Select((text, i) => text.Split('\n')
                .SelectMany(p => PageWriter.Wrap(p, font, widths[i] - 2 * Pad).Select(l => (Line: l,
                    Link: i == linkColumn && (p.StartsWith("doi:", StringComparison.Ordinal) || p.StartsWith("http", StringComparison.Ordinal)))))
                .ToList()).ToArray();
            var height = cells.Max(l => l.Count) * LineHeight + 2 * Pad;
            if (w.Y + height > w.Bottom)
            {
                w.NewPage();
                DrawHeader(w, columns, widths, headerFont, x0, x1);
            }
            var top = w.Y;
            if (r % 2 == 1) w.Canvas.DrawRect(new SKRect(x0, top, x1, top + height), zebra);
            var x = x0;
            for (var i = 0; i < cells.Length; i++)
            {
                var cell = new SKRect(x, top, x + widths[i], top + height);
                var baseline = top + Pad + 7.5f;
                foreach (var (line, isLink) in cells[i])
                {
                    w.Text(line, x + Pad, baseline, font, isLink && links is not null ? link : ink, cell);
                    baseline += LineHeight;
                }
                if (i == linkColumn && links is not null && r < links.Count && links[r] is { } url)
                    w.Canvas.DrawUrlAnnotation(cell, url);
                x += widths[i];
            }
            w.Y = top + height;
            w.Canvas.DrawLine(x0, w.Y, x1, w.Y, rule);
        }
        w.Y += after;
    }

    private static void DrawHeader(PageWriter w, (string Header, float Share)[] columns, float[] widths, SKFont font, float x0, float x1)
    {
        using var fill = new SKPaint { Color = Typography.AccentLight };
        using var ink = new SKPaint { Color = Typography.Accent, IsAntialias = true };
        var height = LineHeight + 2 * Pad;
        w.Canvas.DrawRect(new SKRect(x0, w.Y, x1, w.Y + height), fill);
        var x = x0;
        for (var i = 0; i < columns.Length; i++)
        {
            var cell = new SKRect(x, w.Y, x + widths[i], w.Y + height);
            w.Text(columns[i].Header, x + Pad, w.Y + Pad + 7.5f, font, ink, cell);
            x += widths[i];
        }
        w.Y += height;
    }
}
