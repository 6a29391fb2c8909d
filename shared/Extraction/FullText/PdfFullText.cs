using System.Text;
using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace SpineReview.Extraction.FullText;

/// <summary>
/// Reads a paper's PDF (an arXiv preprint) into the same <see cref="JatsDocument"/> a JATS article gives: one normalised
/// text, one paragraph a line, with title, abstract and sections found by their headings ("1 Introduction", "2. Materials
/// and methods", "Results", "Data availability"...), so the extractor reads it as it reads JATS and every offset points at
/// the text. The reference list is left out. Tables stay text (a PDF does not say which words are cells). Pure.
/// </summary>
public static partial class PdfFullText
{
    /// <summary>The largest PDF read; a paper is well under it.</summary>
    public const int MaxBytes = 60_000_000;

    /// <summary>Whether the bytes are a PDF (its header), not JATS.</summary>
    public static bool IsPdf(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body.Length >= 5 && body[0] == '%' && body[1] == 'P' && body[2] == 'D' && body[3] == 'F' && body[4] == '-';
    }

    /// <exception cref="FormatException">The bytes are not a readable PDF, or it holds no text (a scan); the message says which.</exception>
    public static JatsDocument Parse(byte[] pdf, string? licenceUrl)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        if (!IsPdf(pdf)) throw new FormatException("not a PDF (it does not start with %PDF-)");
        if (pdf.Length > MaxBytes) throw new FormatException($"a PDF of {pdf.Length:N0} bytes is larger than the {MaxBytes:N0} read");
        List<Line> lines;
        try
        {
            using var doc = PdfDocument.Open(pdf);
            lines = doc.GetPages().SelectMany(Lines).ToList();
        }
        catch (Exception e) when (e is not FormatException and not OutOfMemoryException)
        {
            throw new FormatException($"the PDF could not be read ({e.GetType().Name}: {e.Message})", e);
        }
        if (lines.Count == 0) throw new FormatException("the PDF holds no text (a scanned paper?)");
        var licence = licenceUrl is null ? null
            : new JatsLicence(licenceUrl, "licence given by the repository", Records.OpenLicences.IsCreativeCommons(licenceUrl));
        return new Builder().Build(lines, licence);
    }

    // A line of text as laid out: its page, position, height and font size.
    private sealed record Line(int Page, double Left, double Bottom, double Height, double Size, string Text, double Width);

    // The horizontal words of a page as lines in reading order: a page whose words keep to either side of its middle is read
    // as two columns, left then right. Rotated words (arXiv's side stamp) are not the paper's text.
    private static IEnumerable<Line> Lines(Page page)
    {
        var words = page.GetWords().Where(w => w.TextOrientation == TextOrientation.Horizontal && !string.IsNullOrWhiteSpace(w.Text)).ToList();
        if (words.Count == 0) return [];
        var middle = page.Width / 2;
        var crossing = words.Count(w => w.BoundingBox.Left < middle - 4 && w.BoundingBox.Right > middle + 4);
        var twoColumns = crossing < words.Count / 50 && words.Count(w => w.BoundingBox.Left > middle) > words.Count / 5;
        var columns = twoColumns
            ? new[] { words.Where(w => w.BoundingBox.Left < middle).ToList(), words.Where(w => w.BoundingBox.Left >= middle).ToList() }
            : new[] { words };
        return columns.SelectMany(c => ColumnLines(page.Number, c));
    }

    private static IEnumerable<Line> ColumnLines(int page, List<Word> words)
    {
        var lines = new List<List<Word>>();
        foreach (var w in words.OrderByDescending(w => w.BoundingBox.Bottom).ThenBy(w => w.BoundingBox.Left))
        {
            // Same line: baselines closer than half a word's height.
            var line = lines.LastOrDefault();
            if (line is not null && Math.Abs(line[0].BoundingBox.Bottom - w.BoundingBox.Bottom) < Math.Max(1.5, w.BoundingBox.Height / 2)) line.Add(w);
            else lines.Add([w]);
        }
        foreach (var l in lines)
        {
            var ordered = l.OrderBy(w => w.BoundingBox.Left).ToList();
            var text = string.Join(" ", ordered.Select(w => w.Text));
            var size = ordered.SelectMany(w => w.Letters).Select(x => x.PointSize).DefaultIfEmpty(0).Average();
            yield return new Line(page, ordered[0].BoundingBox.Left, ordered[0].BoundingBox.Bottom, ordered.Max(w => w.BoundingBox.Height), size, text,
                ordered[^1].BoundingBox.Right - ordered[0].BoundingBox.Left);
        }
    }

    private sealed class Builder
    {
        private readonly StringBuilder _text = new();
        private readonly List<JatsSection> _sections = [];
        private readonly List<JatsParagraph> _paragraphs = [];

        public JatsDocument Build(List<Line> lines, JatsLicence? licence)
        {
            // The title: the first page's lines in its largest type, from the top.
            var first = lines.Where(l => l.Page == lines[0].Page).ToList();
            var largest = first.Max(l => l.Size);
            var titleLines = first.SkipWhile(l => l.Size < largest - 0.5).TakeWhile(l => l.Size >= largest - 0.5).ToList();
            var title = string.Join(" ", titleLines.Select(l => l.Text)).Trim();
            var titleSection = Open("Title", SectionKind.Title);
            Write(titleSection, title);
            Close(titleSection);

            var rest = lines.Skip(lines.IndexOf(titleLines[^1]) + 1).ToList();
            var bodySize = rest.Count == 0 ? 0 : rest.GroupBy(l => Math.Round(l.Size)).OrderByDescending(g => g.Count()).First().Key;
            int? section = null;
            SectionKind parentKind = SectionKind.Other;
            var paragraph = new List<Line>();
            var abstractSeen = false;
            foreach (var line in rest)
            {
                if (PageNumber().IsMatch(line.Text)) continue;
                var heading = Heading(line, bodySize);
                if (heading is { } h)
                {
                    if (section is int open) { Flush(open, paragraph); Close(open); }
                    if (h.Kind == HeadingKind.References) { section = null; break; }
                    var kind = h.Kind == HeadingKind.Abstract ? SectionKind.Abstract
                        : JatsParser.KindOfTitle(h.Title) ?? (h.Numbered && h.Sub ? parentKind : SectionKind.Other);
                    if (!h.Sub || h.Kind == HeadingKind.Abstract) parentKind = kind;
                    abstractSeen |= h.Kind == HeadingKind.Abstract;
                    section = Open(h.Title, kind);
                    if (h.Rest.Length > 0) paragraph.Add(line with { Text = h.Rest });
                    continue;
                }
                // Before the abstract: authors and affiliations, which are not the study's text.
                if (section is null && !abstractSeen) continue;
                if (section is not int current) continue;
                if (paragraph.Count > 0 && NewParagraph(paragraph[^1], line)) Flush(current, paragraph);
                paragraph.Add(line);
            }
            if (section is int last) { Flush(last, paragraph); Close(last); }
            var text = _text.ToString();
            return new JatsDocument(text, title, _sections, _paragraphs, [], [], licence, [], new Dictionary<string, string>(StringComparer.Ordinal));
        }

        // A gap larger than a line and a half, a new page or column, or a short line ending a sentence before it.
        private static bool NewParagraph(Line previous, Line line) =>
            line.Page != previous.Page || line.Bottom > previous.Bottom || previous.Bottom - line.Bottom > 1.6 * Math.Max(Em(previous), Em(line))
            || (previous.Text.EndsWith('.') && previous.Width < 0.7 * line.Width);

        // The type size, or the words' height where a PDF gives no usable size.
        private static double Em(Line l) => l.Size > 1 ? l.Size : l.Height;

        private void Flush(int section, List<Line> lines)
        {
            if (lines.Count == 0) return;
            var sb = new StringBuilder();
            foreach (var l in lines)
            {
                var t = l.Text.Trim();
                if (sb.Length > 0 && sb[^1] == '-')
                {
                    // "seg-" + "mentation" is one word; "U-" + "Net" and "T2-" + "weighted" keep their hyphen.
                    if (sb.Length > 1 && char.IsLower(sb[^2]) && t.Length > 0 && char.IsLower(t[0])) sb.Length--;
                }
                else if (sb.Length > 0) sb.Append(' ');
                sb.Append(t);
            }
            Write(section, Space().Replace(sb.ToString(), " ").Trim());
            lines.Clear();
        }

        private void Write(int section, string text)
        {
            if (text.Length == 0) return;
            _paragraphs.Add(new JatsParagraph(section, _text.Length, text.Length));
            _text.Append(text).Append('\n');
        }

        private int Open(string title, SectionKind kind)
        {
            _sections.Add(new JatsSection(title, null, kind, _text.Length, _text.Length));
            return _sections.Count - 1;
        }

        private void Close(int index) => _sections[index] = _sections[index] with { End = _text.Length };
    }

    private enum HeadingKind { Section, Abstract, References }

    private sealed record HeadingLine(string Title, HeadingKind Kind, bool Numbered, bool Sub, string Rest);

    // A heading is a short line that is a section name the paper's kind of text uses (numbered or not: "3 Results",
    // "2.1 Data split", "Materials and Methods"), or any short numbered title in type at least the body's; "Abstract" may run
    // into its text ("Abstract—We ..." or "Abstract. We ...").
    private static HeadingLine? Heading(Line line, double bodySize)
    {
        var t = line.Text.Trim();
        if (AbstractStart().Match(t) is { Success: true } a) return new HeadingLine("Abstract", HeadingKind.Abstract, false, false, a.Groups["rest"].Value.Trim());
        var m = HeadingPattern().Match(t);
        if (!m.Success || t.Length > 70) return null;
        var name = m.Groups["name"].Value.Trim();
        var number = m.Groups["num"].Value.Trim();
        var sub = number.TrimEnd('.').Contains('.', StringComparison.Ordinal);
        if (References().IsMatch(name)) return new HeadingLine(name, HeadingKind.References, number.Length > 0, false, "");
        if (KnownSection().IsMatch(name)) return new HeadingLine(name, HeadingKind.Section, number.Length > 0, sub, "");
        // An unknown title counts only when numbered, in Title Case or capitals, and not in smaller type than the body.
        if (number.Length > 0 && line.Size >= bodySize - 0.5 && !name.EndsWith('.') && name.Split(' ').Length <= 8 && char.IsUpper(name[0]))
            return new HeadingLine(name, HeadingKind.Section, true, sub, "");
        return null;
    }

    [GeneratedRegex(@"^(?<num>(?:\d{1,2}(?:\.\d{1,2}){0,2}|[IVX]{1,4})\.?\s+)?(?<name>[A-Z][A-Za-z][A-Za-z ,&/\-]{1,64})$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^abstract(?:\s*[.:\u2014\u2013-]\s*(?<rest>.*)|\s*)$", RegexOptions.IgnoreCase)]
    private static partial Regex AbstractStart();

    [GeneratedRegex(@"^(?:references|bibliography|literature cited|works cited)$", RegexOptions.IgnoreCase)]
    private static partial Regex References();

    [GeneratedRegex(@"^(?:introduction|background|related (?:work|studies|research)|literature review|prior work|previous work|methods?|materials and methods|methods and materials|patients and methods|methodology|data(?:sets?| collection| acquisition)?|study (?:population|design|cohort)|participants|experiments?|experimental (?:setup|design|settings)|implementation(?: details)?|training|evaluation|results?|results and discussion|discussion|limitations|conclusions?|summary|data (?:and code )?availability|code availability|availability|acknowledge?ments?|funding|ethics|declarations?|competing interests|conflicts? of interest|appendix|supplementary (?:material|information))$", RegexOptions.IgnoreCase)]
    private static partial Regex KnownSection();

    [GeneratedRegex(@"^\d{1,4}$")]
    private static partial Regex PageNumber();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
