using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using SpineReview.Records;

namespace SpineReview.Sources.Arxiv;

/// <summary>One page of an arXiv API (Atom) answer.</summary>
public sealed record ArxivPage(int TotalResults, int StartIndex, IReadOnlyList<BibRecord> Records);

/// <summary>Maps arXiv API Atom feeds (2016 and 2026 shapes) to normalised records. Pure; no DTD, no external entity.</summary>
public static partial class ArxivAtom
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace OpenSearch = "http://a9.com/-/spec/opensearch/1.1/";
    private static readonly XNamespace Arxiv = "http://arxiv.org/schemas/atom";

    public static ArxivPage Parse(Stream xml)
    {
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new SourceException($"arXiv answer is cut short or malformed: {ParseErrors.Describe(e)}", e);
        }
        var feed = doc.Root;
        if (feed is null || feed.Name != Atom + "feed") throw new SourceException($"Not an arXiv Atom feed: root <{feed?.Name.LocalName}>.");
        var entries = feed.Elements(Atom + "entry").ToList();
        // The API reports errors as a single entry whose id points at /api/errors.
        var error = entries.FirstOrDefault(e => ((string?)e.Element(Atom + "id"))?.Contains("/api/errors", StringComparison.Ordinal) == true);
        if (error is not null) throw new SourceException($"arXiv returned an error: {Clean((string?)error.Element(Atom + "summary"))}");
        var total = (int?)feed.Element(OpenSearch + "totalResults") ?? entries.Count;
        var start = (int?)feed.Element(OpenSearch + "startIndex") ?? 0;
        return new ArxivPage(total, start, entries.Select(Map).ToList());
    }

    internal static BibRecord Map(XElement e)
    {
        var idUrl = ((string?)e.Element(Atom + "id"))?.Trim() ?? "";
        var arxivId = Identifiers.NormaliseArxivId(idUrl[(idUrl.IndexOf("/abs/", StringComparison.Ordinal) is var i and >= 0 ? i + 5 : 0)..]) ?? "";
        var summary = Clean((string?)e.Element(Atom + "summary"));
        var published = (string?)e.Element(Atom + "published");
        var journalRef = Clean((string?)e.Element(Arxiv + "journal_ref"));
        return new BibRecord
        {
            Source = SourceName.Arxiv.Name,
            SourceId = arxivId,
            ArxivId = arxivId,
            Doi = Identifiers.NormaliseDoi((string?)e.Element(Arxiv + "doi")),
            Title = Clean((string?)e.Element(Atom + "title")),
            Abstract = summary.Length == 0 ? null : summary,
            AbstractSections = summary.Length == 0 ? [] : [new AbstractSection(null, summary)],
            Year = published is { Length: >= 4 } && int.TryParse(published[..4], System.Globalization.CultureInfo.InvariantCulture, out var y) ? y : null,
            Journal = journalRef.Length > 0 ? journalRef : "arXiv",
            Authors = e.Elements(Atom + "author").Select(a => new Author(Clean((string?)a.Element(Atom + "name")),
                a.Elements(Arxiv + "affiliation").Select(x => Clean(x.Value)).Where(x => x.Length > 0).ToList())).Where(a => a.Name.Length > 0).ToList(),
            PublicationTypes = ["Preprint"],
            Keywords = e.Elements(Atom + "category").Select(c => (string?)c.Attribute("term")).OfType<string>().ToList(),
            EntryDate = published is { Length: >= 10 } ? published[..10] : null,
        };
    }

    private static string Clean(string? s) => s is null ? "" : Space().Replace(s, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
