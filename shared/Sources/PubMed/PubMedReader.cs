using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using SpineReview.Records;

namespace SpineReview.Sources.PubMed;

/// <summary>Maps a PubmedArticle straight from the <see cref="XmlScanner"/>, reading only the elements the record needs and
/// skipping the rest (reference lists, chemicals, grants) undecoded: the same record as <see cref="PubMedXml.MapArticle"/>,
/// many times faster.</summary>
internal static partial class PubMedReader
{
    private sealed class Acc
    {
        public string? Pmid, Doi, ElocDoi, ElocPii, ElocFirst, Pmc, Title, Vernacular, Journal, Iso, MedlineTa, Volume, Issue, Pgn;
        public string? PubYear, MedlineDate, ArticleYear, Entrez, PubmedDate;
        public List<AbstractSection> Sections { get; } = [];
        public List<Author> Authors { get; } = [];
        public List<string> Types { get; } = [];
        public List<string> Mesh { get; } = [];
        public List<string> Keywords { get; } = [];
        public List<string> Language { get; } = [];
    }

    /// <summary>Reads one PubmedArticle; the reader starts on its start tag and ends on the node after its end tag.</summary>
    public static BibRecord ReadArticle(XmlScanner r)
    {
        var a = new Acc();
        var depth = r.Depth;
        if (r.IsEmptyElement) { r.Read(); throw new SourceException("Empty PubmedArticle."); }
        r.Read();
        while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == depth))
        {
            if (r.NodeType != XmlNodeType.Element) { r.Read(); continue; }
            switch (r.LocalName)
            {
                case "MedlineCitation": ReadCitation(r, a); break;
                case "PubmedData": ReadPubmedData(r, a); break;
                default: r.Skip(); break;
            }
        }
        r.Read();
        return Build(a);
    }

    private static void ReadCitation(XmlScanner r, Acc a) => Children(r, name =>
    {
        switch (name)
        {
            case "PMID": a.Pmid ??= Text(r).Trim(); break;
            case "Article": ReadArticleElement(r, a); break;
            case "MedlineJournalInfo": Children(r, n => { if (n == "MedlineTA") a.MedlineTa = Text(r).Trim(); else r.Skip(); }); break;
            case "MeshHeadingList":
                Children(r, n =>
                {
                    if (n != "MeshHeading") { r.Skip(); return; }
                    Children(r, m => { if (m == "DescriptorName") Add(a.Mesh, Plain(r)); else r.Skip(); });
                });
                break;
            case "KeywordList": Children(r, n => { if (n == "Keyword") Add(a.Keywords, Plain(r)); else r.Skip(); }); break;
            default: r.Skip(); break;
        }
    });

    private static void ReadArticleElement(XmlScanner r, Acc a) => Children(r, name =>
    {
        switch (name)
        {
            case "Journal":
                Children(r, j =>
                {
                    switch (j)
                    {
                        case "Title": a.Journal = Text(r).Trim(); break;
                        case "ISOAbbreviation": a.Iso = Text(r).Trim(); break;
                        case "JournalIssue":
                            Children(r, i =>
                            {
                                switch (i)
                                {
                                    case "Volume": a.Volume = Text(r).Trim(); break;
                                    case "Issue": a.Issue = Text(r).Trim(); break;
                                    case "PubDate": Children(r, d => { if (d == "Year") a.PubYear = Text(r); else if (d == "MedlineDate") a.MedlineDate = Text(r); else r.Skip(); }); break;
                                    default: r.Skip(); break;
                                }
                            });
                            break;
                        default: r.Skip(); break;
                    }
                });
                break;
            case "ArticleTitle": a.Title = Plain(r); break;
            case "VernacularTitle": a.Vernacular = Plain(r); break;
            case "Pagination": Children(r, p => { if (p == "MedlinePgn") a.Pgn = Text(r).Trim(); else r.Skip(); }); break;
            case "ELocationID":
            {
                var type = r.GetAttribute("EIdType");
                var value = Text(r).Trim();
                a.ElocFirst ??= value;
                if (type == "doi") a.ElocDoi ??= value;
                else if (type == "pii") a.ElocPii ??= value;
                break;
            }
            case "Abstract":
                Children(r, x =>
                {
                    if (x != "AbstractText") { r.Skip(); return; }
                    var label = r.GetAttribute("Label")?.Trim();
                    var text = Plain(r);
                    if (text.Length > 0) a.Sections.Add(new AbstractSection(string.IsNullOrWhiteSpace(label) ? null : label, text));
                });
                break;
            case "AuthorList": Children(r, x => { if (x == "Author") ReadAuthor(r, a); else r.Skip(); }); break;
            case "Language": { var l = Text(r).Trim(); if (l.Length > 0) a.Language.Add(l); break; }
            case "PublicationTypeList": Children(r, x => { if (x == "PublicationType") Add(a.Types, Plain(r)); else r.Skip(); }); break;
            case "ArticleDate": Children(r, x => { if (x == "Year") a.ArticleYear ??= Text(r); else r.Skip(); }); break;
            default: r.Skip(); break;
        }
    });

    private static void ReadAuthor(XmlScanner r, Acc a)
    {
        var valid = r.GetAttribute("ValidYN") != "N";
        string last = "", fore = "", initials = "", collective = "";
        var affiliations = new List<string>();
        Children(r, x =>
        {
            switch (x)
            {
                case "LastName": last = Plain(r); break;
                case "ForeName": fore = Plain(r); break;
                case "Initials": initials = Plain(r); break;
                case "CollectiveName": collective = Plain(r); break;
                case "AffiliationInfo": Children(r, y => { if (y == "Affiliation") Add(affiliations, Plain(r)); else r.Skip(); }); break;
                default: r.Skip(); break;
            }
        });
        if (!valid) return;
        string name;
        if (collective.Length > 0) name = collective;
        else
        {
            if (initials.Length == 0)
                initials = string.Concat(fore.Split(' ', '-', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0])));
            name = initials.Length > 0 ? $"{last} {initials}" : last;
        }
        if (name.Length > 0) a.Authors.Add(new Author(name, affiliations));
    }

    private static void ReadPubmedData(XmlScanner r, Acc a) => Children(r, name =>
    {
        switch (name)
        {
            case "History":
                Children(r, h =>
                {
                    if (h != "PubMedPubDate") { r.Skip(); return; }
                    var status = r.GetAttribute("PubStatus");
                    string? y = null, m = null, d = null;
                    Children(r, p => { switch (p) { case "Year": y = Text(r); break; case "Month": m = Text(r); break; case "Day": d = Text(r); break; default: r.Skip(); break; } });
                    var date = FormatDate(y, m, d);
                    if (status == "entrez") a.Entrez ??= date;
                    else if (status == "pubmed") a.PubmedDate ??= date;
                });
                break;
            case "ArticleIdList":
                Children(r, x =>
                {
                    if (x != "ArticleId") { r.Skip(); return; }
                    var type = r.GetAttribute("IdType");
                    var value = Text(r).Trim();
                    if (string.Equals(type, "doi", StringComparison.OrdinalIgnoreCase)) a.Doi ??= value;
                    else if (string.Equals(type, "pmc", StringComparison.OrdinalIgnoreCase)) a.Pmc ??= value;
                });
                break;
            default: r.Skip(); break;
        }
    });

    private static BibRecord Build(Acc a)
    {
        var pmid = a.Pmid ?? throw new SourceException("PubmedArticle without PMID.");
        var title = a.Title ?? "";
        if (title.Length == 0) title = a.Vernacular ?? "";
        var pages = string.IsNullOrEmpty(a.Pgn) ? a.ElocPii ?? a.ElocFirst : a.Pgn;
        return new BibRecord
        {
            Source = SourceName.PubMed.Name,
            SourceId = pmid,
            Pmid = pmid,
            Doi = Identifiers.NormaliseDoi(a.Doi) ?? Identifiers.NormaliseDoi(a.ElocDoi),
            Pmcid = Identifiers.NormalisePmcid(a.Pmc),
            Title = title,
            Abstract = a.Sections.Count == 0 ? null : string.Join("\n", a.Sections.Select(s => s.Label is null ? s.Text : $"{s.Label}: {s.Text}")),
            AbstractSections = a.Sections,
            Year = Year(a.PubYear ?? a.MedlineDate) ?? Year(a.ArticleYear),
            Journal = Null(a.Journal),
            JournalAbbreviation = Null(a.Iso) ?? Null(a.MedlineTa),
            Volume = Null(a.Volume),
            Issue = Null(a.Issue),
            Pages = Null(pages),
            Authors = a.Authors,
            PublicationTypes = a.Types,
            Mesh = a.Mesh,
            Keywords = a.Keywords,
            Language = a.Language,
            EntryDate = a.Entrez ?? a.PubmedDate,
        };
    }

    // Calls handle(name) for each child element of the current element; handle must consume that element.
    private static void Children(XmlScanner r, Action<string> handle)
    {
        if (r.IsEmptyElement) { r.Read(); return; }
        var depth = r.Depth;
        r.Read();
        while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == depth))
        {
            if (r.NodeType == XmlNodeType.Element) handle(r.LocalName);
            else r.Read();
        }
        r.Read();
    }

    // The element's text content (no markup expected), consuming the element.
    private static string Text(XmlScanner r)
    {
        if (r.IsEmptyElement) { r.Read(); return ""; }
        return r.ReadElementText();
    }

    // Mixed content as PubMedXml.PlainText does it: tags dropped, a space put back where styling touched letters, white space folded.
    private static string Plain(XmlScanner r)
    {
        var sb = new StringBuilder();
        AppendMixed(r, sb);
        return Whitespace().Replace(sb.ToString(), " ").Trim();
    }

    private static void AppendMixed(XmlScanner r, StringBuilder sb)
    {
        if (r.IsEmptyElement) { r.Read(); return; }
        var depth = r.Depth;
        r.Read();
        var pendingSpace = false;
        while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == depth))
        {
            switch (r.NodeType)
            {
                case XmlNodeType.Text:
                {
                    var t = r.Value;
                    if (pendingSpace && t.Length > 0 && char.IsLetterOrDigit(t[0])) sb.Append(' ');
                    pendingSpace = false;
                    sb.Append(t);
                    r.Read();
                    break;
                }
                case XmlNodeType.Element:
                {
                    var styling = r.LocalName is "i" or "b" or "u" or "em" or "strong";
                    var inner = new StringBuilder();
                    AppendMixed(r, inner);
                    if (styling && inner.Length > 0 && sb.Length > 0 && char.IsLetterOrDigit(sb[^1]) && char.IsLetterOrDigit(inner[0])) sb.Append(' ');
                    sb.Append(inner);
                    pendingSpace = styling && inner.Length > 0 && char.IsLetterOrDigit(inner[^1]);
                    break;
                }
                default:
                    r.Read();
                    break;
            }
        }
        r.Read();
    }

    private static void Add(List<string> list, string value) { if (value.Length > 0) list.Add(value); }
    private static string? Null(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static int? Year(string? text)
    {
        if (text is null) return null;
        var m = YearPattern().Match(text);
        return m.Success ? int.Parse(m.Value, CultureInfo.InvariantCulture) : null;
    }

    private static string? FormatDate(string? y, string? m, string? d)
    {
        if (!int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var year)) return null;
        int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var month);
        int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var day);
        return string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{Math.Max(month, 1):D2}-{Math.Max(day, 1):D2}");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(1[89]|20)\d\d")]
    private static partial Regex YearPattern();
}
