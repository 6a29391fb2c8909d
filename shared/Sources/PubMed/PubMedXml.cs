using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using SpineReview.Records;

namespace SpineReview.Sources.PubMed;

/// <summary>The esearch answer with history: how many records match and where the server keeps them.</summary>
public sealed record ESearchResult(int Count, string? WebEnv, string? QueryKey, IReadOnlyList<string> Ids, string? QueryTranslation, IReadOnlyList<string> Warnings);

/// <summary>Streaming parsers for E-utilities XML. DTDs are ignored and no external entity is ever resolved.</summary>
public static partial class PubMedXml
{
    /// <summary>Reader settings: the files carry a DOCTYPE, which is skipped, never fetched.</summary>
    public static XmlReaderSettings ReaderSettings { get; } = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>Parses an esearch response; an error document becomes a <see cref="SourceException"/>.</summary>
    public static ESearchResult ParseESearch(Stream xml)
    {
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(xml, ReaderSettings);
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new SourceException($"PubMed esearch answer is not well-formed XML: {ParseErrors.Describe(e)}", e);
        }
        var root = doc.Root ?? throw new SourceException("PubMed esearch answer is empty.");
        if (root.Name.LocalName != "eSearchResult")
            throw new SourceException($"PubMed esearch answer has root <{root.Name.LocalName}>, expected <eSearchResult>: {Snippet(root.Value)}");
        var error = root.Element("ERROR")?.Value;
        if (!string.IsNullOrWhiteSpace(error))
            throw new SourceException($"PubMed esearch returned an error: {error.Trim()}");
        var countText = root.Element("Count")?.Value;
        var warnings = new List<string>();
        var errorList = root.Element("ErrorList");
        if (errorList is not null)
            warnings.AddRange(errorList.Elements().Select(e => $"{e.Name.LocalName}: {e.Value.Trim()}"));
        var warningList = root.Element("WarningList");
        if (warningList is not null)
            warnings.AddRange(warningList.Elements().Select(e => $"{e.Name.LocalName}: {e.Value.Trim()}"));
        if (countText is null || !int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            var why = warnings.Count > 0 ? string.Join("; ", warnings) : "no <Count> element";
            throw new SourceException($"PubMed esearch returned no result count ({why}). Check the query in setting PubMed:Query.");
        }
        var ids = root.Element("IdList")?.Elements("Id").Select(e => e.Value.Trim()).ToList() ?? [];
        return new ESearchResult(count, root.Element("WebEnv")?.Value.Trim(), root.Element("QueryKey")?.Value.Trim(), ids,
            root.Element("QueryTranslation")?.Value.Trim(), warnings);
    }

    /// <summary>The records of an efetch PubmedArticleSet, read one at a time as they are enumerated.</summary>
    /// <exception cref="SourceException">An error document, another document type, or XML cut short.</exception>
    public static IEnumerable<BibRecord> ParseEFetch(Stream xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        if (xml is MemoryStream ms && ms.TryGetBuffer(out var segment))
            return ParseEFetch(segment.Array!, segment.Offset + (int)ms.Position, segment.Count - (int)ms.Position);
        var copy = new MemoryStream();
        xml.CopyTo(copy);
        return ParseEFetch(copy.GetBuffer(), 0, (int)copy.Length);
    }

    /// <summary>The records of an efetch PubmedArticleSet held in memory as UTF-8 bytes.</summary>
    /// <exception cref="SourceException">An error document, another document type, or XML cut short.</exception>
    public static IEnumerable<BibRecord> ParseEFetch(byte[] xml, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return Scan(xml, offset, count);
    }

    private static IEnumerable<BibRecord> Scan(byte[] xml, int offset, int count)
    {
        XmlScanner reader;
        try
        {
            reader = new XmlScanner(xml, offset, count);
            reader.Read();
        }
        catch (XmlException e) when (xml.AsSpan(offset, count).IndexOfAnyExcept(" \t\r\n\uFEFF"u8) < 0)
        {
            throw new SourceException("PubMed efetch answer is empty.", e);
        }
        catch (XmlException e)
        {
            throw Malformed(e);
        }
        if (reader.LocalName is "eFetchResult" or "ERROR" or "eSearchResult")
            throw new SourceException($"PubMed efetch returned an error document: {Snippet(Guard(reader.ReadElementText))}");
        if (reader.LocalName != "PubmedArticleSet")
            throw new SourceException($"Not a PubMed efetch document: root element <{reader.LocalName}>, expected <PubmedArticleSet>.");
        Guard(reader.Read);
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "PubmedArticle")
            {
                // The reader is left on the node after the element, which may be the next article: no Read() here.
                yield return Guard(() => PubMedReader.ReadArticle(reader));
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "PubmedBookArticle")
            {
                var (start, end) = Guard(reader.SkipOuter);
                yield return MapBook(XElement.Parse(Encoding.UTF8.GetString(xml, start, end - start), LoadOptions.PreserveWhitespace));
            }
            else
            {
                Guard(reader.Read);
            }
        }
    }

    private static SourceException Malformed(XmlException e) =>
        new($"PubMed efetch answer is cut short or malformed: {ParseErrors.Describe(e)}", e);

    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (XmlException e)
        {
            throw Malformed(e);
        }
    }

    private static string Snippet(string s)
    {
        s = Whitespace().Replace(s, " ").Trim();
        return s.Length > 300 ? s[..300] + "…" : s;
    }

    /// <summary>Maps one PubmedArticle element to the normalised record: the plain reference mapping over a whole element.
    /// Parsing uses <see cref="PubMedReader"/>, which reads the same fields without building the element; tests hold the two equal.</summary>
    public static BibRecord MapArticle(XElement article)
    {
        var citation = article.Element("MedlineCitation") ?? throw new SourceException("PubmedArticle without MedlineCitation.");
        var pmid = citation.Element("PMID")?.Value.Trim() ?? throw new SourceException("PubmedArticle without PMID.");
        var art = citation.Element("Article");
        var journal = art?.Element("Journal");
        var issue = journal?.Element("JournalIssue");
        var ids = article.Element("PubmedData")?.Element("ArticleIdList")?.Elements("ArticleId").ToList() ?? [];
        var doi = Identifiers.NormaliseDoi(IdOfType(ids, "doi"))
                  ?? Identifiers.NormaliseDoi(art?.Elements("ELocationID").FirstOrDefault(e => (string?)e.Attribute("EIdType") == "doi")?.Value);
        var sections = ReadAbstract(art?.Element("Abstract"));
        var pagination = art?.Element("Pagination")?.Element("MedlinePgn")?.Value.Trim();
        if (string.IsNullOrEmpty(pagination))
            pagination = art?.Elements("ELocationID").FirstOrDefault(e => (string?)e.Attribute("EIdType") == "pii")?.Value.Trim()
                         ?? art?.Elements("ELocationID").FirstOrDefault()?.Value.Trim();
        var title = PlainText(art?.Element("ArticleTitle"));
        if (string.IsNullOrEmpty(title)) title = PlainText(art?.Element("VernacularTitle"));

        return new BibRecord
        {
            Source = SourceName.PubMed.Name,
            SourceId = pmid,
            Pmid = pmid,
            Doi = doi,
            Pmcid = Identifiers.NormalisePmcid(IdOfType(ids, "pmc")),
            Title = title,
            Abstract = JoinSections(sections),
            AbstractSections = sections,
            Year = YearOf(issue?.Element("PubDate")) ?? YearOf(art?.Element("ArticleDate")),
            Journal = NullIfEmpty(journal?.Element("Title")?.Value.Trim()),
            JournalAbbreviation = NullIfEmpty(journal?.Element("ISOAbbreviation")?.Value.Trim())
                                  ?? NullIfEmpty(citation.Element("MedlineJournalInfo")?.Element("MedlineTA")?.Value.Trim()),
            Volume = NullIfEmpty(issue?.Element("Volume")?.Value.Trim()),
            Issue = NullIfEmpty(issue?.Element("Issue")?.Value.Trim()),
            Pages = NullIfEmpty(pagination),
            Authors = ReadAuthors(art?.Element("AuthorList")),
            PublicationTypes = art?.Element("PublicationTypeList")?.Elements("PublicationType").Select(e => PlainText(e)).Where(s => s.Length > 0).ToList() ?? [],
            Mesh = citation.Element("MeshHeadingList")?.Elements("MeshHeading").Select(h => PlainText(h.Element("DescriptorName"))).Where(s => s.Length > 0).ToList() ?? [],
            Keywords = citation.Elements("KeywordList").SelectMany(k => k.Elements("Keyword")).Select(e => PlainText(e)).Where(s => s.Length > 0).ToList(),
            Language = art?.Elements("Language").Select(e => e.Value.Trim()).Where(s => s.Length > 0).ToList() ?? [],
            EntryDate = EntryDate(article.Element("PubmedData")),
        };
    }

    /// <summary>Maps a PubmedBookArticle (a book or chapter) to the normalised record.</summary>
    public static BibRecord MapBook(XElement book)
    {
        var doc = book.Element("BookDocument") ?? throw new SourceException("PubmedBookArticle without BookDocument.");
        var pmid = doc.Element("PMID")?.Value.Trim() ?? throw new SourceException("PubmedBookArticle without PMID.");
        var bookInfo = doc.Element("Book");
        var ids = book.Element("PubmedBookData")?.Element("ArticleIdList")?.Elements("ArticleId").ToList()
                  ?? doc.Element("ArticleIdList")?.Elements("ArticleId").ToList() ?? [];
        var sections = ReadAbstract(doc.Element("Abstract"));
        var title = PlainText(doc.Element("ArticleTitle"));
        if (string.IsNullOrEmpty(title)) title = PlainText(bookInfo?.Element("BookTitle"));
        return new BibRecord
        {
            Source = SourceName.PubMed.Name,
            SourceId = pmid,
            Pmid = pmid,
            Doi = Identifiers.NormaliseDoi(IdOfType(ids, "doi")),
            Pmcid = Identifiers.NormalisePmcid(IdOfType(ids, "pmc")),
            Title = title,
            Abstract = JoinSections(sections),
            AbstractSections = sections,
            Year = YearOf(bookInfo?.Element("PubDate")),
            Journal = NullIfEmpty(PlainText(bookInfo?.Element("BookTitle"))),
            Authors = ReadAuthors(doc.Elements("AuthorList").FirstOrDefault(a => (string?)a.Attribute("Type") != "editors") ?? bookInfo?.Element("AuthorList")),
            PublicationTypes = doc.Element("PublicationType") is { } pt ? [PlainText(pt)]
                : doc.Element("PublicationTypeList")?.Elements("PublicationType").Select(e => PlainText(e)).ToList() ?? [],
            Keywords = doc.Elements("KeywordList").SelectMany(k => k.Elements("Keyword")).Select(e => PlainText(e)).Where(s => s.Length > 0).ToList(),
            Language = doc.Elements("Language").Select(e => e.Value.Trim()).ToList(),
            EntryDate = EntryDate(book.Element("PubmedBookData")),
        };
    }

    private static string? IdOfType(List<XElement> ids, string type) =>
        ids.FirstOrDefault(e => string.Equals((string?)e.Attribute("IdType"), type, StringComparison.OrdinalIgnoreCase))?.Value.Trim();

    private static List<AbstractSection> ReadAbstract(XElement? abs)
    {
        if (abs is null) return [];
        return abs.Elements("AbstractText")
            .Select(e => new AbstractSection(NullIfEmpty(((string?)e.Attribute("Label"))?.Trim()), PlainText(e)))
            .Where(s => s.Text.Length > 0)
            .ToList();
    }

    private static string? JoinSections(List<AbstractSection> sections)
    {
        if (sections.Count == 0) return null;
        return string.Join("\n", sections.Select(s => s.Label is null ? s.Text : $"{s.Label}: {s.Text}"));
    }

    private static List<Author> ReadAuthors(XElement? list)
    {
        if (list is null) return [];
        var authors = new List<Author>();
        foreach (var a in list.Elements("Author"))
        {
            if ((string?)a.Attribute("ValidYN") == "N") continue;
            string name;
            var collective = PlainText(a.Element("CollectiveName"));
            if (collective.Length > 0)
            {
                name = collective;
            }
            else
            {
                var last = PlainText(a.Element("LastName"));
                var initials = PlainText(a.Element("Initials"));
                if (initials.Length == 0)
                {
                    var fore = PlainText(a.Element("ForeName"));
                    initials = string.Concat(fore.Split(' ', '-', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0])));
                }
                name = initials.Length > 0 ? $"{last} {initials}" : last;
            }
            if (name.Length == 0) continue;
            var affiliations = a.Elements("AffiliationInfo").Select(i => PlainText(i.Element("Affiliation"))).Where(s => s.Length > 0).ToList();
            authors.Add(new Author(name, affiliations));
        }
        return authors;
    }

    /// <summary>Year from a PubDate/ArticleDate: Year, else the first year in MedlineDate ("2019 Nov-Dec", "1998 Dec-1999 Jan").</summary>
    internal static int? YearOf(XElement? date)
    {
        if (date is null) return null;
        var text = date.Element("Year")?.Value ?? date.Element("MedlineDate")?.Value;
        if (text is null) return null;
        var m = YearPattern().Match(text);
        return m.Success ? int.Parse(m.Value, CultureInfo.InvariantCulture) : null;
    }

    private static string? EntryDate(XElement? pubmedData)
    {
        var d = pubmedData?.Element("History")?.Elements("PubMedPubDate")
            .FirstOrDefault(e => (string?)e.Attribute("PubStatus") == "entrez")
            ?? pubmedData?.Element("History")?.Elements("PubMedPubDate").FirstOrDefault(e => (string?)e.Attribute("PubStatus") == "pubmed");
        if (d is null) return null;
        if (!int.TryParse(d.Element("Year")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var y)) return null;
        int.TryParse(d.Element("Month")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var mo);
        int.TryParse(d.Element("Day")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var day);
        return string.Create(CultureInfo.InvariantCulture, $"{y:D4}-{Math.Max(mo, 1):D2}-{Math.Max(day, 1):D2}");
    }

    /// <summary>The element's text with inline markup (i, b, sup, sub, mml) removed and white space folded.</summary>
    internal static string PlainText(XElement? e)
    {
        if (e is null) return "";
        var sb = new StringBuilder();
        AppendText(e, sb);
        return Whitespace().Replace(sb.ToString(), " ").Trim();
    }

    // Word-level styling (i, b, u) sometimes arrives without the spaces around it ("the<i>TERT</i>gene"):
    // a space is put back where a letter would otherwise touch a letter. Sub- and superscripts stay joined (CO2, T2).
    private static void AppendText(XElement element, StringBuilder sb)
    {
        var pendingSpace = false;
        foreach (var node in element.Nodes())
        {
            if (node is XText t)
            {
                if (pendingSpace && t.Value.Length > 0 && char.IsLetterOrDigit(t.Value[0])) sb.Append(' ');
                pendingSpace = false;
                sb.Append(t.Value);
            }
            else if (node is XElement child)
            {
                var inner = new StringBuilder();
                AppendText(child, inner);
                var styling = child.Name.LocalName is "i" or "b" or "u" or "em" or "strong";
                if (styling && inner.Length > 0 && sb.Length > 0 && char.IsLetterOrDigit(sb[^1]) && char.IsLetterOrDigit(inner[0])) sb.Append(' ');
                sb.Append(inner);
                pendingSpace = styling && inner.Length > 0 && char.IsLetterOrDigit(inner[^1]);
            }
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(1[89]|20)\d\d")]
    private static partial Regex YearPattern();
}
