using SpineReview.Records;
using SpineReview.Sources.Arxiv;
using SpineReview.Sources.Crossref;
using SpineReview.Sources.EuropePmc;
using SpineReview.Sources.Ieee;
using SpineReview.Sources.OpenAlex;
using SpineReview.Sources.PubMed;

namespace SpineReview.Sources;

/// <summary>Parses one raw response file of a named source, as the harvest would.</summary>
public static class SourceFiles
{
    /// <summary>The source names, in the order the cycle harvests them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["pubmed", "ieee", "europepmc", "arxiv", "openalex", "crossref"];

    /// <summary>The records in the file and, where the answer states one, the total the source reported.</summary>
    /// <exception cref="SourceException">An error document, a malformed or cut-short answer.</exception>
    public static (IReadOnlyList<BibRecord> Records, int? Reported) Parse(string source, Stream content) => source switch
    {
        "pubmed" => (PubMedXml.ParseEFetch(content).ToList(), null),
        "europepmc" => EuropePmcJson.Parse(content) is var e ? (e.Records, e.HitCount) : default,
        "openalex" => OpenAlexJson.Parse(content) is var o ? (o.Records, o.Count) : default,
        "ieee" => IeeeJson.Parse(content) is var i ? (i.Records, i.TotalRecords) : default,
        "arxiv" => ArxivAtom.Parse(content) is var a ? (a.Records, a.TotalResults) : default,
        "crossref" => (CrossrefJson.Parse(content), null),
        _ => throw new ArgumentException($"Unknown source '{source}'. Sources: {string.Join(", ", Names)}.", nameof(source)),
    };
}
