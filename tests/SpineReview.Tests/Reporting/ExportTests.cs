using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Reporting;

/// <summary>CSV and RIS exports: RFC 4180 quoting, formula injection neutralised, the included studies with their charted values.</summary>
public class ExportTests
{
    private static ExportedStudy Study(string title, string journal = "Spine") => new("pubmed:1",
        new BibRecord { Source = "pubmed", SourceId = "1", Pmid = "1", Title = title, Journal = journal, Year = 2024, Doi = "10.1000/x.1",
            Authors = [new Author("Doe J", []), new Author("Roe A", [])] },
        ExportService.Included, new Dictionary<string, IReadOnlyList<string>> { ["modality"] = ["MRI", "CT"], ["subjects"] = ["120"] });

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    public void Cell_QuotesAndNeutralisesFormulas(string value, string expected) => Assert.Equal(expected, Exports.Cell(value));

    [Fact]
    public void Csv_HeaderRowsAndFields_ReadBackByAnRfc4180Reader()
    {
        var csv = Exports.Csv([Study("Deep learning, for \"spine\" MRI", "=cmd|' /C calc'!A0")]);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
        var rows = SpineReview.Dedup.Csv.ReadWithHeader(new StringReader(csv)).ToList();
        var row = Assert.Single(rows);
        Assert.Equal("Deep learning, for \"spine\" MRI", row["title"]);
        Assert.Equal("'=cmd|' /C calc'!A0", row["journal"]);
        Assert.Equal("MRI; CT", row["modality"]);
        Assert.Equal("Doe J; Roe A", row["authors"]);
        Assert.Equal("included", row["status"]);
    }

    [Fact]
    public void Ris_OneReferenceWithAuthorsDoiAndChartedValues()
    {
        var ris = Exports.Ris([Study("A study")]);
        var lines = ris.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("TY  - JOUR", lines[0]);
        Assert.Equal(["AU  - Doe J", "AU  - Roe A"], lines.Where(l => l.StartsWith("AU", StringComparison.Ordinal)));
        Assert.Contains("DO  - 10.1000/x.1", lines);
        Assert.Contains("KW  - modality: MRI", lines);
        Assert.Equal("ER  - ", lines[^1]);
    }

    [Fact]
    public async Task Export_FromStorage_IncludedOnlyUnlessAskedForProvisional()
    {
        await using var host = TestHost.Create();
        var store = host.Get<ScreeningStore>();
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (pmid, included) in new[] { ("890001", (bool?)true), ("890002", null), ("890003", false) })
        {
            var r = new BibRecord { Source = "pubmed", SourceId = pmid, Pmid = pmid, Doi = $"10.5555/{pmid}", Year = 2024, Title = $"Deep learning lumbar MRI study {pmid}",
                Abstract = "A CNN graded lumbar stenosis on MRI of 300 patients." };
            await host.Get<DedupService>().RegisterAsync(r, "run1", at, default);
            await store.EnqueueAsync(r.Key, 0.5, at, default);
            await host.Get<SpineReview.Extraction.ExtractionService>().ExtractAsync(new RecordMessage(r.Key), default);
            if (included is bool y)
                await store.UpdateQueueAsync(r.Key, q => Task.FromResult(q with { Status = ScreeningStatus.Final, Included = y, Reason = y ? null : "review" }), default);
        }
        var exports = host.Get<ExportService>();
        var only = await exports.StudiesAsync(withProvisional: false, default);
        Assert.Equal(["pubmed:890001"], only.Select(s => s.Key));
        Assert.Equal(["MRI"], only[0].Fields["modality"]);
        var all = await exports.StudiesAsync(withProvisional: true, default);
        Assert.Equal(["pubmed:890001", "pubmed:890002"], all.Select(s => s.Key).Order(StringComparer.Ordinal));
    }
}
