using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace SpineReview.Extraction.FullText;

/// <summary>
/// Reads a JATS article (a single article, or the first of a pmc-articleset as Europe PMC and PMC answer) into a
/// <see cref="JatsDocument"/>. The DOCTYPE every JATS file declares is skipped, never fetched: no resolver, no entity
/// expansion beyond XML's own. Pure.
/// </summary>
public static partial class JatsParser
{
    /// <summary>The largest article read (characters of XML); a real one is well under 2 MB.</summary>
    public const long MaxCharacters = 20_000_000;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersInDocument = MaxCharacters,
        IgnoreComments = true,
    };

    /// <exception cref="FormatException">The bytes are not XML, or hold no JATS article; the message says which.</exception>
    public static JatsDocument Parse(byte[] xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        XDocument doc;
        try
        {
            using var stream = new MemoryStream(xml);
            using var reader = XmlReader.Create(stream, Settings);
            doc = XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException e)
        {
            throw new FormatException($"not well-formed XML (line {e.LineNumber}, position {e.LinePosition}: {e.Message}); a JATS full text is an <article> document", e);
        }
        var article = doc.Root is { } root && root.Name.LocalName == "article" ? root
            : doc.Root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "article")
              ?? throw new FormatException($"no <article> element (the root is <{doc.Root?.Name.LocalName}>): not a JATS full text");
        return new Builder().Build(article);
    }

    private sealed class Builder
    {
        private readonly StringBuilder _text = new();
        private readonly List<JatsSection> _sections = [];
        private readonly List<JatsParagraph> _paragraphs = [];
        private readonly List<JatsTable> _tables = [];
        private readonly List<JatsFigure> _figures = [];

        public JatsDocument Build(XElement article)
        {
            var meta = article.Elements(N("front")).Elements(N("article-meta")).FirstOrDefault();
            var title = Inline(meta?.Element(N("title-group"))?.Element(N("article-title")));
            var titleSection = Open("Title", null, SectionKind.Title);
            Paragraph(titleSection, title);
            Close(titleSection);

            // The main abstract; graphical abstracts and teasers repeat it or hold no text.
            foreach (var abs in meta?.Elements(N("abstract")).Where(a => (string?)a.Attribute("abstract-type") is null or "summary" or "structured") ?? [])
            {
                var s = Open("Abstract", null, SectionKind.Abstract);
                Section(abs, s, SectionKind.Abstract, "Abstract", nested: false);
                Close(s);
            }
            if (article.Element(N("body")) is { } body)
            {
                var loose = body.Elements().Where(e => e.Name.LocalName != "sec").ToList();
                if (loose.Count > 0)
                {
                    var s = Open("Body", null, SectionKind.Other);
                    foreach (var e in loose) Block(e, s);
                    Close(s);
                }
                foreach (var sec in body.Elements(N("sec"))) Sec(sec, null, SectionKind.Other);
            }
            if (article.Element(N("back")) is { } back)
            {
                foreach (var e in back.Elements())
                {
                    switch (e.Name.LocalName)
                    {
                        case "sec": Sec(e, null, SectionKind.Other); break;
                        case "ack":
                        {
                            var s = Open(Inline(e.Element(N("title"))) is { Length: > 0 } t ? t : "Acknowledgements", "ack", SectionKind.Other);
                            Section(e, s, SectionKind.Other, "", nested: true);
                            Close(s);
                            break;
                        }
                        case "notes" or "fn-group":
                            Sec(e, null, SectionKind.Other);
                            break;
                    }
                }
            }
            var licence = Licence(meta?.Element(N("permissions")), article);
            var affiliations = article.Descendants().Where(e => e.Name.LocalName == "aff")
                .Select(a => Collapse(string.Concat(a.Nodes().Where(n => n is not XElement { Name.LocalName: "label" }).Select(InlineNode)))).Where(a => a.Length > 0).ToList();
            var ids = (meta?.Elements(N("article-id")) ?? []).Where(i => i.Attribute("pub-id-type") is not null)
                .GroupBy(i => (string)i.Attribute("pub-id-type")!).ToDictionary(g => g.Key, g => g.First().Value.Trim(), StringComparer.Ordinal);
            return new JatsDocument(_text.ToString(), title, _sections, _paragraphs, _tables, _figures, licence, affiliations, ids);
        }

        // A <sec> (or back-matter group): its kind from sec-type, else its title, else its parent's.
        private void Sec(XElement sec, string? parentTitle, SectionKind parentKind)
        {
            var ownTitle = Inline(sec.Element(N("title")));
            var secType = (string?)sec.Attribute("sec-type");
            var kind = Kind(secType, ownTitle) ?? (parentKind == SectionKind.Title ? SectionKind.Other : parentKind);
            var path = parentTitle is null ? (ownTitle.Length > 0 ? ownTitle : secType ?? sec.Name.LocalName) : ownTitle.Length > 0 ? $"{parentTitle} › {ownTitle}" : parentTitle;
            var index = Open(path, secType, kind);
            Section(sec, index, kind, path, nested: true);
            Close(index);
        }

        private void Section(XElement container, int index, SectionKind kind, string path, bool nested)
        {
            foreach (var e in container.Elements())
            {
                if (e.Name.LocalName == "title") continue;
                if (e.Name.LocalName == "sec")
                {
                    if (nested) Sec(e, path, kind);
                    else
                    {
                        // A structured abstract's parts stay in the abstract.
                        var label = Inline(e.Element(N("title")));
                        foreach (var inner in e.Elements().Where(x => x.Name.LocalName != "title")) Block(inner, index, label.Length > 0 ? label + ": " : "");
                    }
                    continue;
                }
                Block(e, index);
            }
        }

        private void Block(XElement e, int section, string lead = "")
        {
            switch (e.Name.LocalName)
            {
                case "p":
                    Paragraph(section, lead + Inline(e));
                    // Tables and figures set inside a paragraph come after its text.
                    foreach (var inner in e.Elements().Where(x => x.Name.LocalName is "table-wrap" or "fig" or "table-wrap-group" or "fig-group")) Block(inner, section);
                    break;
                case "table-wrap":
                    Table(e, section);
                    break;
                case "table-wrap-group" or "fig-group" or "list" or "list-item" or "boxed-text" or "disp-quote" or "def-list" or "def-item" or "fn" or "statement":
                    foreach (var inner in e.Elements().Where(x => x.Name.LocalName is not ("label" or "title" or "caption"))) Block(inner, section);
                    break;
                case "fig":
                {
                    var label = Inline(e.Element(N("label")));
                    var caption = Caption(e.Element(N("caption")));
                    var start = Paragraph(section, Join(label, caption));
                    if (start >= 0) _figures.Add(new JatsFigure(label, section, start, Join(label, caption).Length));
                    break;
                }
                case "term" or "def" or "disp-formula":
                    Paragraph(section, Inline(e));
                    break;
            }
        }

        private void Table(XElement wrap, int section)
        {
            var label = Inline(wrap.Element(N("label")));
            var caption = Caption(wrap.Element(N("caption")));
            Paragraph(section, Join(label, caption));
            var cells = new List<JatsCell>();
            var row = 0;
            foreach (var table in wrap.Descendants().Where(x => x.Name.LocalName == "table"))
            {
                foreach (var tr in table.Descendants().Where(x => x.Name.LocalName == "tr"))
                {
                    var header = tr.Parent?.Name.LocalName == "thead";
                    var column = 0;
                    var line = new StringBuilder();
                    var lineStart = _text.Length;
                    foreach (var cell in tr.Elements().Where(x => x.Name.LocalName is "td" or "th"))
                    {
                        if (line.Length > 0) line.Append(" | ");
                        var value = Inline(cell);
                        cells.Add(new JatsCell(row, column, header || cell.Name.LocalName == "th", lineStart + line.Length, value.Length));
                        line.Append(value);
                        column += int.TryParse((string?)cell.Attribute("colspan"), out var span) && span > 1 ? span : 1;
                    }
                    if (line.Length == 0) continue;
                    _paragraphs.Add(new JatsParagraph(section, lineStart, line.Length));
                    _text.Append(line).Append('\n');
                    row++;
                }
            }
            foreach (var foot in wrap.Elements(N("table-wrap-foot")))
                foreach (var inner in foot.Elements()) Block(inner, section);
            _tables.Add(new JatsTable(label, caption, section, cells));
        }

        private int Open(string title, string? secType, SectionKind kind)
        {
            _sections.Add(new JatsSection(title, secType, kind, _text.Length, _text.Length));
            return _sections.Count - 1;
        }

        private void Close(int index) => _sections[index] = _sections[index] with { End = _text.Length };

        // One line of text; returns its start, or -1 when there was nothing to write.
        private int Paragraph(int section, string text)
        {
            if (text.Length == 0) return -1;
            var start = _text.Length;
            _paragraphs.Add(new JatsParagraph(section, start, text.Length));
            _text.Append(text).Append('\n');
            return start;
        }

        private static string Caption(XElement? caption) =>
            caption is null ? "" : Collapse(string.Join(" ", caption.Elements().Select(Inline).Where(t => t.Length > 0)));

        private static string Join(string label, string caption) => label.Length == 0 ? caption : caption.Length == 0 ? label : $"{label}. {caption}";
    }

    private static JatsLicence? Licence(XElement? permissions, XElement article)
    {
        // PMC marks its open-access subset with a processing instruction.
        var openAccess = article.Nodes().OfType<XProcessingInstruction>().Any(p => p.Target == "properties" && p.Data.Contains("open_access", StringComparison.Ordinal));
        var licence = permissions?.Element(N("license"));
        if (licence is null) return openAccess ? new JatsLicence(null, "PMC open-access subset", true) : null;
        var url = licence.Descendants().FirstOrDefault(e => e.Name.LocalName == "license_ref")?.Value.Trim()
                  ?? (string?)licence.Attributes().FirstOrDefault(a => a.Name.LocalName == "href");
        var statement = Collapse(string.Join(" ", licence.Elements(N("license-p")).Select(Inline)));
        var open = openAccess || (string?)licence.Attribute("license-type") is "open-access" or "open_access"
                   || (url ?? "").Contains("creativecommons.org", StringComparison.OrdinalIgnoreCase) || OpenStatement().IsMatch(statement);
        return new JatsLicence(string.IsNullOrEmpty(url) ? null : url, statement, open);
    }

    [GeneratedRegex(@"\bCreative Commons\b|\bopen[- ]access\b|\bCC[- ]BY\b|\bCC0\b", RegexOptions.IgnoreCase)]
    private static partial Regex OpenStatement();

    /// <summary>The section kind a heading's title names ("Materials and methods", "Related work"), or null when it names none.</summary>
    public static SectionKind? KindOfTitle(string title) => Kind(null, title);

    // The section kind a sec-type or title names; null when neither says.
    private static SectionKind? Kind(string? secType, string title)
    {
        var t = (secType ?? "").ToLowerInvariant();
        if (t.Contains("intro", StringComparison.Ordinal)) return SectionKind.Introduction;
        if (t.Contains("method", StringComparison.Ordinal) || t.Contains("material", StringComparison.Ordinal) || t is "subjects" or "cases") return SectionKind.Methods;
        if (t.Contains("result", StringComparison.Ordinal)) return SectionKind.Results;
        if (t.Contains("discussion", StringComparison.Ordinal)) return SectionKind.Discussion;
        if (t.Contains("conclusion", StringComparison.Ordinal)) return SectionKind.Conclusion;
        if (t.Contains("availab", StringComparison.Ordinal) || t.Contains("supplementary", StringComparison.Ordinal)) return SectionKind.Availability;
        foreach (var (kind, pattern) in TitleKinds)
            if (pattern.IsMatch(title)) return kind;
        return null;
    }

    private static readonly (SectionKind Kind, Regex Pattern)[] TitleKinds =
    [
        (SectionKind.Availability, new(@"\b(?:data|code|software|materials?) (?:and (?:code|data|materials?) )?(?:availability|sharing)\b|\bavailability\b", RegexOptions.IgnoreCase | RegexOptions.Compiled)),
        (SectionKind.RelatedWork, new(@"\brelated (?:work|studies|research|approaches|methods)\b|\bliterature review\b|\bprevious (?:work|studies)\b|\bprior work\b|\bstate of the art\b", RegexOptions.IgnoreCase | RegexOptions.Compiled)),
        (SectionKind.Introduction, new(@"^\s*(?:\d+\.?\s*)?(?:introduction|background)\b", RegexOptions.IgnoreCase | RegexOptions.Compiled)),
        (SectionKind.Methods, new(@"\bmethods?\b|\bmaterials?\b|\bpatients\b|\bdata ?sets?\b|\bdata (?:collection|acquisition|source)|\bstudy (?:population|design|cohort)\b|\bexperiment(?:s|al (?:setup|design|settings))\b|\bimplementation\b|\btraining\b|\bimage acquisition\b|\bparticipants\b", RegexOptions.IgnoreCase | RegexOptions.Compiled)),
        (SectionKind.Results, new(@"\bresults?\b|\bperformance\b|\bevaluation\b|\bexternal validation\b", RegexOptions.IgnoreCase | RegexOptions.Compiled)),
        (SectionKind.Discussion, new(@"\bdiscussion\b|\blimitations?\b|\binterpretation\b|\bcaveats?\b|\boutlook\b|\bimplications\b", RegexOptions.IgnoreCase | RegexOptions.Compiled)),
        (SectionKind.Conclusion, new(@"\bconclusions?\b|\bsummary\b", RegexOptions.IgnoreCase | RegexOptions.Compiled)),
    ];

    private static XName N(string local) => XName.Get(local);

    // An element's text on one line: nested tables and figures are left to their own lines, links keep their text (or address).
    private static string Inline(XElement? e) => e is null ? "" : Collapse(string.Concat(e.Nodes().Select(InlineNode)));

    private static string InlineNode(XNode node) => node switch
    {
        XText t => t.Value,
        XElement { Name.LocalName: "table-wrap" or "fig" or "table-wrap-group" or "fig-group" or "table-wrap-foot" } => " ",
        XElement { Name.LocalName: "ext-link" or "uri" } link when link.Value.Trim().Length == 0 =>
            (string?)link.Attributes().FirstOrDefault(a => a.Name.LocalName == "href") ?? "",
        XElement { Name.LocalName: "break" } => " ",
        XElement el => string.Concat(el.Nodes().Select(InlineNode)),
        _ => "",
    };

    private static string Collapse(string s) => Space().Replace(s, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
