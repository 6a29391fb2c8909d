using SkiaSharp;

namespace SpineReview.Reporting;

/// <summary>Flows components down A4 pages: keeps the cursor, breaks pages, draws the running header and footer.</summary>
public sealed class PageWriter
{
    public const float PageWidth = 595.28f;   // A4 in points
    public const float PageHeight = 841.89f;
    public const float Margin = 56f;
    public const float HeaderHeight = 22f;
    public const float FooterHeight = 22f;

    private readonly SKDocument _document;
    private readonly string _runningTitle;
    private readonly int _totalPages;

    public PageWriter(SKDocument document, string runningTitle, int totalPages)
    {
        _document = document;
        _runningTitle = runningTitle;
        _totalPages = totalPages;
    }

    public SKCanvas Canvas { get; private set; } = null!;
    public int PageNumber { get; private set; }
    public float Y { get; set; }
    public float Left => Margin;
    public float Right => PageWidth - Margin;
    public float ContentWidth => Right - Left;
    public float Top => Margin + HeaderHeight;
    public float Bottom => PageHeight - Margin - FooterHeight;
    public float Remaining => Bottom - Y;

    /// <summary>Every piece of text drawn: page, text and its box, so tests can check nothing runs outside its cell.</summary>
    public List<(int Page, string Text, SKRect Box, SKRect Bounds)> TextLog { get; } = [];

    public void NewPage(bool header = true)
    {
        if (PageNumber > 0) _document.EndPage();
        PageNumber++;
        Canvas = _document.BeginPage(PageWidth, PageHeight);
        Y = Top;
        if (header) DrawRunningHeaderAndFooter();
    }

    /// <summary>Starts a new page unless <paramref name="height"/> still fits on this one.</summary>
    public void EnsureSpace(float height)
    {
        if (Y + height > Bottom) NewPage();
    }

    public void Finish()
    {
        if (PageNumber > 0) _document.EndPage();
    }

    private void DrawRunningHeaderAndFooter()
    {
        using var small = Typography.Font(Typography.Regular, Typography.SmallSize);
        using var paint = new SKPaint { Color = Typography.Muted, IsAntialias = true };
        using var rule = new SKPaint { Color = Typography.Rule, StrokeWidth = 0.6f, IsAntialias = true };
        var headerBase = Margin + 8;
        Text(_runningTitle, Left, headerBase, small, paint, new SKRect(Left, Margin - 4, Right, Margin + HeaderHeight));
        Canvas.DrawLine(Left, headerBase + 5, Right, headerBase + 5, rule);
        var footerBase = PageHeight - Margin + 4;
        Canvas.DrawLine(Left, footerBase - 12, Right, footerBase - 12, rule);
        Text("SpineReview living scoping review", Left, footerBase, small, paint, new SKRect(Left, footerBase - 12, Right, PageHeight));
        var label = _totalPages > 0 ? $"Page {PageNumber} of {_totalPages}" : $"Page {PageNumber}";
        Text(label, Right - small.MeasureText(label), footerBase, small, paint, new SKRect(Left, footerBase - 12, Right, PageHeight));
    }

    /// <summary>Draws one line of text at a baseline and records its extent against the box it must stay in.</summary>
    public void Text(string text, float x, float baseline, SKFont font, SKPaint paint, SKRect box)
    {
        ArgumentNullException.ThrowIfNull(font);
        Canvas.DrawText(text, x, baseline, SKTextAlign.Left, font, paint);
        var width = font.MeasureText(text);
        var metrics = font.Metrics;
        TextLog.Add((PageNumber, text, box, new SKRect(x, baseline + metrics.Ascent, x + width, baseline + metrics.Descent)));
    }

    /// <summary>Breaks text into lines no wider than <paramref name="width"/>; a word too long for a line is cut.</summary>
    public static List<string> Wrap(string text, SKFont font, float width)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(font);
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var line = "";
            foreach (var raw in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var word = raw;
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (font.MeasureText(candidate) <= width) { line = candidate; continue; }
                if (line.Length > 0) { lines.Add(line); line = ""; }
                while (word.Length > 1 && font.MeasureText(word) > width)
                {
                    // At least one character a line, so a column narrower than one letter still ends.
                    var cut = word.Length - 1;
                    while (cut > 1 && font.MeasureText(word[..cut]) > width) cut--;
                    lines.Add(word[..cut]);
                    word = word[cut..];
                }
                line = word;
            }
            lines.Add(line);
        }
        return lines;
    }

    /// <summary>Writes a wrapped paragraph at the cursor, breaking pages between lines.</summary>
    public void Paragraph(string text, SKFont font, SKColor color, float indent = 0, float after = 6)
    {
        ArgumentNullException.ThrowIfNull(font);
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        var lineHeight = font.Size * 1.35f;
        foreach (var line in Wrap(text, font, ContentWidth - indent))
        {
            EnsureSpace(lineHeight);
            Y += lineHeight;
            Text(line, Left + indent, Y - font.Size * 0.3f, font, paint, new SKRect(Left + indent, Y - lineHeight, Right, Y));
        }
        Y += after;
    }

    /// <summary>Every heading drawn, in order: the PDF outline (bookmarks) and the contents list are made from it.</summary>
    public List<OutlineEntry> Outline { get; } = [];

    /// <summary>A section heading, kept with at least <paramref name="keepWith"/> points of what follows; a bookmark points at it.</summary>
    /// <param name="newPage">Start the section on a fresh page (major sections).</param>
    public void Heading(string text, float keepWith = 80, bool newPage = false)
    {
        using var font = Typography.Font(Typography.Bold, Typography.HeadingSize);
        if (newPage && Y > Top + 1) NewPage();
        else EnsureSpace(font.Size * 2 + keepWith);
        Mark(text, level: 0);
        using var paint = new SKPaint { Color = Typography.Accent, IsAntialias = true };
        Y += font.Size * 1.3f;
        Text(text, Left, Y, font, paint, new SKRect(Left, Y - font.Size * 1.3f, Right, Y + 4));
        using var rule = new SKPaint { Color = Typography.Accent, StrokeWidth = 1.2f, IsAntialias = true };
        Canvas.DrawLine(Left, Y + 5, Left + 40, Y + 5, rule);
        Y += 14;
    }

    /// <summary>A subsection heading (a figure, a table), kept with <paramref name="keepWith"/> points of what follows; a second-level bookmark.</summary>
    public void Subheading(string text, float keepWith = 60)
    {
        using var font = Typography.Font(Typography.Bold, Typography.SubheadingSize);
        EnsureSpace(font.Size * 2 + keepWith);
        Mark(text, level: 1);
        using var paint = new SKPaint { Color = Typography.Ink, IsAntialias = true };
        foreach (var line in Wrap(text, font, ContentWidth))
        {
            Y += font.Size * 1.35f;
            Text(line, Left, Y - 2, font, paint, new SKRect(Left, Y - font.Size * 1.35f, Right, Y + 2));
        }
        Y += 5;
    }

    /// <summary>A named destination at the cursor, for the outline to point at.</summary>
    private void Mark(string title, int level)
    {
        var name = $"s{Outline.Count + 1}";
        Canvas.DrawNamedDestinationAnnotation(new SKPoint(Left, Y), name);
        Outline.Add(new OutlineEntry(level, title, PageNumber, name));
    }
}

/// <summary>One bookmark: its level (0 section, 1 subsection), title, page and the named destination it opens.</summary>
public sealed record OutlineEntry(int Level, string Title, int Page, string Destination);
