using System.IO.Compression;
using SpineReview.Cli;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Cli;

/// <summary>
/// The benchmark inputs of eval dedup, eval screening and eval extraction: a file that is not the format INTERFACES.md names
/// (columns missing, no rows, binary, a parse error) is refused with exit 2, the file, the line and what to do, instead of
/// being scored.
/// </summary>
public sealed class EvalInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spine-eval-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteBinary(string name)
    {
        // A gzip file, as when the compressed download is given instead of the CSV it holds.
        var path = Path.Combine(_folder, name);
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Optimal))
            gz.Write(File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "dedup", "special_cases", "records_pre_merged.csv")));
        return path;
    }

    private const string BibDedupeHeader = "ID,title,year,author,pages,volume,number,ENTRYTYPE,journal\n";

    private string GoodRecords() => Write("records.csv", BibDedupeHeader +
        "r1,Deep learning for lumbar stenosis grading on MRI,2021,\"Smith, J and Roe, A\",1-9,12,3,article,Spine\n" +
        "r2,Deep Learning for Lumbar Stenosis Grading on MRI.,2021,\"Smith, J. and Roe, A.\",1-9,12,3,article,Spine\n" +
        "r3,Vertebral fracture detection on CT with a CNN,2020,\"Doe, K\",100-110,7,1,article,Eur Spine J\n");

    private string GoodTruth() => Write("truth.csv", "merged_ids\n\"r1;r2\"\n");

    [Fact]
    public async Task EvalDedup_TheIssuesGarbage_Exit2NamingTheMissingColumns()
    {
        // The issue's files: columns id and title, one row; a truth file without merged_ids. Before: exit 0 and a perfect score.
        var records = Write("records.csv", "id,title\n1,abc\n");
        var truth = Write("truth.csv", "x\n1\n");

        var (code, output, err) = await Run("eval", "dedup", "--records", records, "--truth", truth);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"{records}: line 1: the header lacks author, year, journal (or booktitle), volume, number (or issue), pages", err, StringComparison.Ordinal);
        Assert.Contains("bib-dedupe CSV", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalDedup_TruthWithoutMergedIds_Exit2NamingTheHeader()
    {
        var truth = Write("truth.csv", "ids\n\"r1;r2\"\n");

        var (code, output, err) = await Run("eval", "dedup", "--records", GoodRecords(), "--truth", truth);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"{truth}: line 1: the header is \"ids\", not merged_ids", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalDedup_GoodFiles_ScoresThem()
    {
        var (code, output, err) = await Run("eval", "dedup", "--records", GoodRecords(), "--truth", GoodTruth());

        Assert.True(code == 0, err);
        Assert.Contains("records 3; true groups 1 (1 pairs)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(BibDedupeHeader, "has a header and no records")]
    public async Task EvalDedup_RecordsWithoutRows_Exit2(string text, string expected)
    {
        var records = Write("records.csv", text);

        var (code, _, err) = await Run("eval", "dedup", "--records", records, "--truth", GoodTruth());

        Assert.Equal(2, code);
        Assert.Contains($"{records} {expected}", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("merged_ids\n", "names no group of duplicates")]
    [InlineData("merged_ids\nr1\nr3\n", "names no group of duplicates")]
    public async Task EvalDedup_TruthWithoutAGroup_Exit2NothingToScore(string text, string expected)
    {
        var truth = Write("truth.csv", text);

        var (code, output, err) = await Run("eval", "dedup", "--records", GoodRecords(), "--truth", truth);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"{truth} {expected}", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalDedup_BinaryFiles_Exit2SaysTheyAreNotText()
    {
        var binary = WriteBinary("records.csv.gz");

        var asRecords = await Run("eval", "dedup", "--records", binary, "--truth", GoodTruth());
        var asTruth = await Run("eval", "dedup", "--records", GoodRecords(), "--truth", binary);

        Assert.Equal((2, 2), (asRecords.Code, asTruth.Code));
        Assert.Contains($"{binary} is not a text file", asRecords.Err, StringComparison.Ordinal);
        Assert.Contains($"{binary} is not a text file", asTruth.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalDedup_UnclosedQuote_Exit2WithTheLineItOpensOn()
    {
        var records = Write("records.csv", BibDedupeHeader +
            "r1,A title,2021,\"Smith, J\",1-9,12,3,article,Spine\n" +
            "r2,\"An unclosed title,2021,Smith J,1-9,12,3,article,Spine\n" +
            "r3,Another,2020,Doe K,100-110,7,1,article,Eur Spine J\n");

        var (code, _, err) = await Run("eval", "dedup", "--records", records, "--truth", GoodTruth());

        Assert.Equal(2, code);
        Assert.Contains($"{records}: line 3: a quoted field is not closed", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalDedup_TruthIdNotInTheRecords_Exit2WithItsLine()
    {
        var truth = Write("truth.csv", "merged_ids\n\"r1;r2\"\n\"r3;id_0000999\"\n");

        var (code, _, err) = await Run("eval", "dedup", "--records", GoodRecords(), "--truth", truth);

        Assert.Equal(2, code);
        Assert.Contains($"{truth}: line 3: id_0000999 is not a record of", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalDedup_SameIdTwice_Exit2WithBothLines()
    {
        var records = Write("records.csv", BibDedupeHeader +
            "r1,A title,2021,\"Smith, J\",1-9,12,3,article,Spine\n" +
            "r1,Another title,2020,\"Doe, K\",100-110,7,1,article,Eur Spine J\n");

        var (code, _, err) = await Run("eval", "dedup", "--records", records, "--truth", GoodTruth());

        Assert.Equal(2, code);
        Assert.Contains($"{records}: line 3: the id r1 is used again (first on line 2)", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalScreening_CsvWithoutAbstract_Exit2NamingTheColumn()
    {
        var dataset = Write("dataset.csv", "title,label_included\nDeep learning of spine MRI,1\nCNN for vertebral fractures,1\nA cohort study of back pain,0\n");

        var (code, _, err) = await Run("eval", "screening", "--dataset", dataset, "--runs", "1");

        Assert.Equal(2, code);
        Assert.Contains($"{dataset}: line 1: the header lacks abstract; expected the ASReview CSV (columns title, abstract and label_included", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalScreening_BadLabel_Exit2WithTheLineOfTheFile()
    {
        // The first record's abstract runs over two lines: the bad label is on line 4 of the file, in its second record.
        var dataset = Write("dataset.csv", "title,abstract,label_included\nDeep learning of spine MRI,\"line one\nline two\",1\nCNN,x,yes\n");

        var (code, _, err) = await Run("eval", "screening", "--dataset", dataset);

        Assert.Equal(2, code);
        Assert.Contains($"{dataset}: line 4: label_included is \"yes\"; it must be 0 or 1", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalScreening_SynergyLabelNotZeroOrOne_Exit2WithTheLine()
    {
        var synergy = Path.Combine(_folder, "synergy");
        Directory.CreateDirectory(synergy);
        File.Copy(TestPaths.Fixture("screening", "synergy", "Jeyaraman_2020", "works_1.zip"), Path.Combine(synergy, "works_1.zip"));
        var labels = Path.Combine(synergy, "labels.csv");
        File.WriteAllText(labels, "openalex_id,doi,pmid,label_included\nhttps://openalex.org/W1,,,1\nhttps://openalex.org/W2,,,included\n");

        var (code, _, err) = await Run("eval", "screening", "--dataset", synergy);

        Assert.Equal(2, code);
        Assert.Contains($"{labels}: line 3: label_included is \"included\"; it must be 0 or 1", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalScreening_BinaryFile_Exit2SaysItIsNotText()
    {
        var binary = WriteBinary("dataset.csv");

        var (code, _, err) = await Run("eval", "screening", "--dataset", binary);

        Assert.Equal(2, code);
        Assert.Contains($"{binary} is not a text file", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalExtraction_BinaryFile_Exit2SaysItIsNotText()
    {
        var binary = WriteBinary("gold.jsonl");

        var (code, _, err) = await Run("eval", "extraction", "--gold", binary);

        Assert.Equal(2, code);
        Assert.Contains($"{binary} is not a text file", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalExtraction_LineNotAnObject_Exit2WithTheLine()
    {
        var gold = Write("gold.jsonl", "{\"id\":\"A\",\"text\":\"t\",\"eligible\":true}\n[1, 2]\n");

        var (code, _, err) = await Run("eval", "extraction", "--gold", gold);

        Assert.Equal(2, code);
        Assert.Contains($"{gold}: line 2: not a JSON object", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalExtraction_MalformedLine_SaysTheLineOnceCountingFromOne()
    {
        var gold = Write("gold.jsonl", "{\"id\":\"A\",\"text\":\"t\",\"eligible\":true}\n{\"id\": }\n");

        var (code, _, err) = await Run("eval", "extraction", "--gold", gold);

        Assert.Equal(2, code);
        Assert.Contains($"{gold}: line 2, byte 8:", err, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", err, StringComparison.Ordinal);
    }
}
