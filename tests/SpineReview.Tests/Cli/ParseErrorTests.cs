using System.Text.RegularExpressions;
using SpineReview.Cli;
using Xunit;

namespace SpineReview.Tests.Cli;

/// <summary>parse on a malformed file: one line of error that says where (line and position once, lines counted from 1) and what.</summary>
public sealed class ParseErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spine-parse-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static int Count(string text, string pattern) => Regex.Count(text, pattern, RegexOptions.IgnoreCase);

    [Theory]
    [InlineData("pubmed", "<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation>\n<foo", "line 4, position 2")]
    [InlineData("pubmed", "<?xml version=\"1.0\"?>\n<eSearchResult><Count>1</Count>\n<IdList><Id>1", "line 3, position 14")]
    [InlineData("arxiv", "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry>\n<x", "line 3, position 3")]
    [InlineData("europepmc", "<responseWrapper>\n<resultList>\n<result><id>1", "line 3, position 14")]
    public async Task Parse_MalformedXml_SaysTheLineAndPositionOnce(string source, string xml, string where)
    {
        var file = Path.Combine(_folder, "answer.xml");
        await File.WriteAllTextAsync(file, xml);

        var (code, output, err) = await Run("parse", source, file);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains(where, err, StringComparison.Ordinal);
        Assert.True(Count(err, @"\bline\b") == 1 && Count(err, @"\bposition\b") == 1, err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("openalex")]
    [InlineData("crossref")]
    [InlineData("ieee")]
    public async Task Parse_MalformedJson_SaysTheLineOnceCountingFromOne(string source)
    {
        var file = Path.Combine(_folder, "answer.json");
        await File.WriteAllTextAsync(file, "{\"results\": [\n  {\"id\": 1},\n  {\"id\": ]\n}\n");

        var (code, _, err) = await Run("parse", source, file);

        Assert.Equal(1, code);
        Assert.Contains("(line 3, byte 10)", err, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", err, StringComparison.Ordinal);
        Assert.True(Count(err, @"\bline\b") == 1, err);
    }
}
