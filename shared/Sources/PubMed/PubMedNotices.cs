using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using SpineReview.Records;

namespace SpineReview.Sources.PubMed;

/// <summary>A notice PubMed links to an article in its <c>CommentsCorrectionsList</c>: a retraction, erratum, expression of concern,
/// update or republication, with the notice's PMID and, when its citation (<c>RefSource</c>) gives one, its DOI.</summary>
/// <param name="Kind">"retraction", "erratum", "expression_of_concern", "correction" or "journal-version" (a preprint's update).</param>
/// <param name="Pmid">The notice's PMID; null when PubMed gives only its citation.</param>
/// <param name="Doi">The notice's DOI from its citation ("... doi: 10.1/x."); null when not given.</param>
public sealed record PubMedNotice(string Kind, string? Pmid, string? Doi)
{
    /// <summary>The notice takes the article back.</summary>
    public bool Retracts => Retractions.IsRetractingKind(Kind);
}

/// <summary>What PubMed says happened to one article: the notices it links, and whether it carries the publication type
/// "Retracted Publication".</summary>
/// <param name="Pmid">The article's PMID.</param>
/// <param name="Notices">The notices it links.</param>
/// <param name="MarkedRetracted">It carries the publication type "Retracted Publication".</param>
/// <param name="Doi">The article's own DOI (its ArticleIdList, else its ELocationID), normalised; null when PubMed gives none. Asked
/// of a notice, it names the notice as Crossref does.</param>
public sealed record PubMedArticleNotices(string Pmid, IReadOnlyList<PubMedNotice> Notices, bool MarkedRetracted, string? Doi = null);

/// <summary>Reads the notices of the articles of an efetch answer (PubmedArticleSet). Pure.</summary>
public static partial class PubMedNotices
{
    /// <summary>Each article's notices, in the order of the answer; an article with none is listed with an empty list.</summary>
    /// <exception cref="SourceException">An error document, another document type, or XML cut short.</exception>
    public static IReadOnlyList<PubMedArticleNotices> Parse(byte[] xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var list = new List<PubMedArticleNotices>();
        try
        {
            using var stream = new MemoryStream(xml, writable: false);
            using var reader = XmlReader.Create(stream, PubMedXml.ReaderSettings);
            if (reader.MoveToContent() != XmlNodeType.Element)
                throw new SourceException("PubMed efetch answer is empty.");
            if (reader.LocalName != "PubmedArticleSet")
                throw new SourceException($"PubMed efetch answer has root <{reader.LocalName}>, expected <PubmedArticleSet>.");
            // ReadFrom leaves the reader on the node after the article, which may be the next one: no Read() after it.
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "PubmedArticle")
                {
                    if (XNode.ReadFrom(reader) is XElement article && Read(article) is { } notices) list.Add(notices);
                }
                else
                {
                    reader.Read();
                }
            }
        }
        catch (XmlException e)
        {
            throw new SourceException($"PubMed efetch answer is cut short or malformed: {ParseErrors.Describe(e)}", e);
        }
        return list;
    }

    private static PubMedArticleNotices? Read(XElement article)
    {
        var citation = article.Element("MedlineCitation");
        if (citation?.Element("PMID")?.Value.Trim() is not { Length: > 0 } pmid) return null;
        var types = citation.Element("Article")?.Element("PublicationTypeList")?.Elements("PublicationType").Select(e => e.Value.Trim()).ToList() ?? [];
        var preprint = types.Contains("Preprint", StringComparer.OrdinalIgnoreCase);
        var notices = new List<PubMedNotice>();
        foreach (var c in citation.Element("CommentsCorrectionsList")?.Elements("CommentsCorrections") ?? [])
        {
            if (Kind((string?)c.Attribute("RefType"), preprint) is not { } kind) continue;
            var noticePmid = c.Element("PMID")?.Value.Trim();
            var doi = DoiInCitation().Match(c.Element("RefSource")?.Value ?? "") is { Success: true } m ? Identifiers.NormaliseDoi(m.Groups[1].Value) : null;
            notices.Add(new PubMedNotice(kind, string.IsNullOrEmpty(noticePmid) ? null : noticePmid, doi));
        }
        return new PubMedArticleNotices(pmid, notices, types.Contains(Retractions.PublicationType, StringComparer.OrdinalIgnoreCase), OwnDoi(article));
    }

    // PubMed's own list of the article's ids first; the publisher's electronic location when the list has none.
    private static string? OwnDoi(XElement article)
    {
        var listed = article.Element("PubmedData")?.Element("ArticleIdList")?.Elements("ArticleId")
            .FirstOrDefault(e => string.Equals((string?)e.Attribute("IdType"), "doi", StringComparison.OrdinalIgnoreCase))?.Value;
        var located = article.Element("MedlineCitation")?.Element("Article")?.Elements("ELocationID")
            .FirstOrDefault(e => string.Equals((string?)e.Attribute("EIdType"), "doi", StringComparison.OrdinalIgnoreCase))?.Value;
        return (listed ?? located)?.Trim() is { Length: > 0 } doi ? Identifiers.NormaliseDoi(doi) : null;
    }

    // The DTD's RefTypes that say something happened to the article itself; comments, citations and the reverse links
    // (RetractionOf, ErratumFor: the article is the notice) are not changes to it. A preprint's "update" is its journal version;
    // another article's "update" is a newer version of it (an updated review or guideline); corrected-and-republished means it was
    // corrected, republished (without corrections) that it appeared again elsewhere, and retracted-and-republished that it was taken back.
    private static string? Kind(string? refType, bool preprint) => refType switch
    {
        "RetractionIn" or "RetractedandRepublishedIn" => "retraction",
        "ErratumIn" => "erratum",
        "ExpressionOfConcernIn" => "expression_of_concern",
        "CorrectedandRepublishedIn" => "correction",
        "RepublishedIn" => "republication",
        "UpdateIn" => preprint ? "journal-version" : "update",
        _ => null,
    };

    // A notice's citation ends with its DOI when NLM has one: "Cancers (Basel). 2026 Nov 3;18(22):1977. doi: 10.3390/cancers18221977."
    [GeneratedRegex(@"\bdoi:\s*(10\.\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex DoiInCitation();
}
