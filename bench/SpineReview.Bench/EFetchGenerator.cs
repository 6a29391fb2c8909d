using System.Text;
using System.Text.RegularExpressions;

namespace SpineReview.Bench;

/// <summary>Makes a large efetch file from the recorded sample's articles: each copy gets its own PMID and DOI, and some
/// abstracts get inline markup (&lt;i&gt;, &lt;sup&gt;) as real PubMed abstracts have.</summary>
public static partial class EFetchGenerator
{
    public const string Header =
        "<?xml version=\"1.0\" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, 1st January 2025//EN\" \"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\">\n<PubmedArticleSet>\n";

    public static List<string> Articles(string replayDirectory, int count)
    {
        var sources = Directory.GetFiles(Path.Combine(replayDirectory, "pubmed"), "efetch_retstart_*.xml").Order(StringComparer.Ordinal)
            .SelectMany(f => ArticlePattern().Matches(File.ReadAllText(f)).Select(m => m.Value)).ToList();
        if (sources.Count == 0) throw new InvalidOperationException($"No recorded articles in {replayDirectory}/pubmed.");
        var list = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var pmid = (60_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var a = sources[i % sources.Count];
            a = PmidPattern().Replace(a, $"<PMID Version=\"1\">{pmid}</PMID>", 1);
            a = ArticleIdPmid().Replace(a, $"<ArticleId IdType=\"pubmed\">{pmid}</ArticleId>", 1);
            a = DoiPattern().Replace(a, m => $"{m.Groups[1].Value}10.99999/bench.{pmid}</ArticleId>", 1);
            if (i % 3 == 0) a = FirstAbstractText().Replace(a, m => m.Value + "Using <i>in vivo</i> data (p &lt; 0.05, n = 10<sup>3</sup>): ", 1);
            list.Add(a);
        }
        return list;
    }

    public static string Document(IEnumerable<string> articles)
    {
        var sb = new StringBuilder(Header);
        foreach (var a in articles) sb.Append(a).Append('\n');
        return sb.Append("</PubmedArticleSet>\n").ToString();
    }

    [GeneratedRegex(@"<PubmedArticle>.*?</PubmedArticle>", RegexOptions.Singleline)]
    private static partial Regex ArticlePattern();
    [GeneratedRegex(@"<PMID Version=""1"">\d+</PMID>")]
    private static partial Regex PmidPattern();
    [GeneratedRegex(@"<ArticleId IdType=""pubmed"">\d+</ArticleId>")]
    private static partial Regex ArticleIdPmid();
    [GeneratedRegex(@"(<ArticleId IdType=""doi"">)[^<]*</ArticleId>")]
    private static partial Regex DoiPattern();
    [GeneratedRegex(@"<AbstractText[^>]*>")]
    private static partial Regex FirstAbstractText();
}
