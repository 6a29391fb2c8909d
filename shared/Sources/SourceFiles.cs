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
    /// <summary>The source names, in the order the cycle harvests them (<see cref="SourceName.All"/> as stored strings).</summary>
    public static IReadOnlyList<string> Names { get; } = SourceName.All.Select(s => s.Name).ToList();

    private static readonly Dictionary<SourceName, Func<Stream, (IReadOnlyList<BibRecord> Records, int? Reported)>> Parsers = new()
    {
        [SourceName.PubMed] = content => (PubMedXml.ParseEFetch(content).ToList(), null),
        [SourceName.EuropePmc] = content => EuropePmcJson.Parse(content) is var e ? (e.Records, e.HitCount) : default,
        [SourceName.OpenAlex] = content => OpenAlexJson.Parse(content) is var o ? (o.Records, o.Count) : default,
        [SourceName.Ieee] = content => IeeeJson.Parse(content) is var i ? (i.Records, i.TotalRecords) : default,
        [SourceName.Arxiv] = content => ArxivAtom.Parse(content) is var a ? (a.Records, a.TotalResults) : default,
        [SourceName.Crossref] = content => (CrossrefJson.Parse(content), null),
        // Citation searching stores OpenAlex works under its own name (Living.CitationSource).
        [SourceName.Citations] = content => OpenAlexJson.Parse(content) is var c
            ? (c.Records.Select(r => r with { Source = SourceName.Citations.Name }).ToList(), c.Count) : default,
    };

    /// <summary>The records in the file and, where the answer states one, the total the source reported.</summary>
    /// <exception cref="SourceException">An error document, a malformed or cut-short answer.</exception>
    public static (IReadOnlyList<BibRecord> Records, int? Reported) Parse(string source, Stream content) =>
        SourceName.TryParse(source, out var name, out var error) ? Parsers[name](content) : throw new ArgumentException(error, nameof(source));
}
