using SpineReview.Cli;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Sources;
using SpineReview.Sources.Imports;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

/// <summary>Imports against the real Azurite: stored, deduplicated and handed to screening as harvested records are, logged as
/// one search, counted in the report's PRISMA flow and methods; the same file twice (or at once) stores and counts nothing twice.</summary>
public class ImportServiceTests
{
    private const int Rounds = 20;
    private static readonly DateOnly Searched = new(2026, 11, 30);

    private static string Sample(string name) => Path.Combine(TestPaths.RepoRoot, "samples", "import", name);

    private static async Task<ImportResult> ImportAsync(TestHost host, string sample, string source, string database = "Embase", string platform = "Ovid", string? query = null)
    {
        await using var stream = File.OpenRead(Sample(sample));
        return await host.Get<ImportService>().ImportAsync(stream, new ImportRequest(source, database, platform, Searched, query, sample), null, default);
    }

    private static async Task<List<StoredRecord>> StoredAsync(TestHost host, string source)
    {
        var list = new List<StoredRecord>();
        await foreach (var r in host.Get<RecordStore>().ListAsync(default)) if (r.Record.Source == source) list.Add(r);
        return list;
    }

    // Records queued for screening (a message names a batch of them).
    private static async Task<int> QueuedAsync(TestHost host) => (await QueuedKeysAsync(host)).Count;

    private static async Task<List<string>> QueuedKeysAsync(TestHost host)
    {
        var peeked = await host.Get<WorkQueues>().Screen.PeekMessagesAsync(32);
        return peeked.Value.SelectMany(m => RecordBatch.Parse(m.Body.ToString()).RecordKeys).ToList();
    }

    [Theory]
    [InlineData("embase-ovid.ris", "embase-ovid", "Embase", "Ovid", 3)]
    [InlineData("wos.ris", "wos", "Web of Science Core Collection", "Clarivate", 2)]
    [InlineData("pubmed.nbib", "pubmed-export", "MEDLINE", "PubMed", 3)]
    [InlineData("library.bib", "zotero-library", "Google Scholar", "Publish or Perish", 3)]
    [InlineData("endnote.xml", "endnote-library", "MEDLINE", "EndNote", 2)]
    public async Task Import_EachFormat_StoredUnderTheSource_QueuedForScreening_LoggedAsOneSearch(string sample, string source, string database, string platform, int count)
    {
        await using var host = TestHost.Create(settings: TestHost.PubMedOnly());
        var result = await ImportAsync(host, sample, source, database, platform, "deep learning AND spine");

        Assert.Equal((count, count, 0, 0, false, "complete"), (result.Read, result.New, result.Duplicates, result.AlreadyStored, result.Rerun, result.Status));
        var stored = await StoredAsync(host, source);
        Assert.Equal(count, stored.Count);
        Assert.All(stored, r => Assert.Equal(result.RunId, r.HarvestRun));
        Assert.Equal(count, await QueuedAsync(host));
        var row = Assert.Single(await host.Get<SearchLog>().ListAsync(default));
        Assert.Equal((source, database, platform, "deep learning AND spine", Searched, Searched), (row.Source, row.Database, row.Platform, row.Query, row.From, row.To));
        Assert.Equal((count, count, count, 0, 0, "complete"), (row.Reported, row.Retrieved, row.New, row.Duplicates, row.AlreadyStored, row.Status));
        Assert.Equal($"{sample} sha256:{result.Sha256}", row.File);
        Assert.Equal($"{database} ({platform})", SourceName.Of(row).DisplayName);
    }

    [Fact]
    public async Task Import_SameFileTwice_StoresNothingTwice_TheSecondIsTheSameSearch()
    {
        await using var host = TestHost.Create(settings: TestHost.PubMedOnly());
        var first = await ImportAsync(host, "embase-ovid.ris", "embase-ovid");
        var second = await ImportAsync(host, "embase-ovid.ris", "embase-ovid");

        Assert.Equal((3, 0), (first.New, first.AlreadyStored));
        Assert.Equal((true, 0, 0, 3, first.RunId), (second.Rerun, second.New, second.Duplicates, second.AlreadyStored, second.RunId));
        Assert.Equal(3, (await StoredAsync(host, "embase-ovid")).Count);
        Assert.Equal(3, await QueuedAsync(host));
        var row = Assert.Single(await host.Get<SearchLog>().ListAsync(default));
        Assert.Equal((first.RunId, 3, 0), (row.RunId, row.New, row.AlreadyStored));
    }

    [Fact]
    public async Task Import_AgainAfterAnImportThatStoppedBeforeItsEnd_FinishesIt_AndSaysSoRatherThanNothingNew()
    {
        await using var host = TestHost.Create(settings: TestHost.PubMedOnly());
        var first = await ImportAsync(host, "embase-ovid.ris", "embase-ovid");
        // As a stopped run leaves it: the search's row still says it is importing (the process ended before the last write).
        var log = host.Get<SearchLog>();
        var row = (await log.GetAsync("embase-ovid", first.RunId, default))!;
        await log.WriteAsync(row with { Status = "importing", New = 0, Retrieved = 0 }, default);

        var again = await ImportAsync(host, "embase-ovid.ris", "embase-ovid");

        Assert.Equal((true, true, first.RunId, "complete"), (again.Rerun, again.Resumed, again.RunId, again.Status));
        Assert.Equal((3, 0), (again.New, again.AlreadyStored));
        Assert.Equal(("complete", 3), ((await log.GetAsync("embase-ovid", first.RunId, default))!.Status, (await log.GetAsync("embase-ovid", first.RunId, default))!.New));
        // A plain second import of a finished search is not "resumed".
        Assert.False((await ImportAsync(host, "embase-ovid.ris", "embase-ovid")).Resumed);
    }

    [Fact]
    public async Task Import_SameFileFromSeveralProcessesAtOnce_EachRecordNewOnce_QueuedOnce_OneSearch()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var prefix = TestHost.NewPrefix();
            var hosts = Enumerable.Range(0, 3).Select(i => TestHost.Create(settings: TestHost.PubMedOnly(), prefix: prefix, cleanup: i == 0)).ToArray();
            try
            {
                var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var runs = hosts.Select(h => Task.Run(async () =>
                {
                    await start.Task;
                    return await ImportAsync(h, "pubmed.nbib", "pubmed-export", "MEDLINE", "PubMed");
                })).ToList();
                start.SetResult();
                var results = await Task.WhenAll(runs);

                // One run names the search; the others are its reruns. The search's figures come from what is stored, so whichever
                // run writes the row last, it says three new.
                var first = Assert.Single(results, r => !r.Rerun);
                Assert.Equal((3, 0, 0), (first.New, first.Duplicates, first.AlreadyStored));
                Assert.Single(results.Select(r => r.RunId).Distinct());
                var stored = await StoredAsync(hosts[0], "pubmed-export");
                Assert.Equal(3, stored.Count);
                // Handing over is at least once (ScreeningHandover): a run that finds a record stored a moment ago by another may
                // queue it again, and it is screened twice to the same decision. Every record is queued.
                Assert.Equal(stored.Select(r => r.Key).Order(StringComparer.Ordinal), (await QueuedKeysAsync(hosts[0])).Distinct().Order(StringComparer.Ordinal));
                var row = Assert.Single(await hosts[0].Get<SearchLog>().ListAsync(default));
                Assert.Equal((3, 0, 0, "complete"), (row.New, row.Duplicates, row.AlreadyStored, row.Status));
            }
            finally
            {
                foreach (var h in hosts.Reverse()) await h.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Import_RecordsThatDuplicatePubMedRecords_AreLinkedToThem_ByDoiAndByPmid()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default);
        var embase = await ImportAsync(host, "embase-ovid.ris", "embase-ovid");
        var medline = await ImportAsync(host, "pubmed.nbib", "pubmed-export", "MEDLINE", "PubMed");

        Assert.Equal((2, 1), (embase.New, embase.Duplicates));
        Assert.Equal((2, 1), (medline.New, medline.Duplicates));
        var byDoi = (await StoredAsync(host, "embase-ovid")).Single(r => r.Record.Doi == "10.3390/cancers17132180");
        Assert.Equal(RecordKey.For("pubmed", "40647478"), byDoi.DuplicateOf);
        var byPmid = (await StoredAsync(host, "pubmed-export")).Single(r => r.Record.Pmid == "41202318");
        Assert.Equal(RecordKey.For("pubmed", "41202318"), byPmid.DuplicateOf);
        var rows = (await host.Get<SearchLog>().ListAsync(default)).Where(r => r.IsImport).ToList();
        Assert.Equal([(2, 1), (2, 1)], rows.Select(r => (r.New, r.Duplicates)));
    }

    [Fact]
    public async Task Import_FileWithBrokenEntries_TheRestStored_SearchLoggedIncompleteWithEachLine()
    {
        await using var host = TestHost.Create(settings: TestHost.PubMedOnly());
        var result = await ImportAsync(host, "scopus-with-errors.ris", "scopus", "Scopus", "Elsevier");

        Assert.Equal((4, 2, 2, "incomplete"), (result.Entries, result.Read, result.New, result.Status));
        Assert.Equal([21, 29], result.Problems.Select(p => p.Line));
        var row = Assert.Single(await host.Get<SearchLog>().ListAsync(default));
        Assert.Equal((4, 2, "incomplete"), (row.Reported, row.Retrieved, row.Status));
        Assert.StartsWith("2 of 4 entries could not be read: line 21: the entry has no title; it was not imported; line 29: ", row.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ImportedDatabase_InThePrismaFlowAndTheMethods_WithItsCounts()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default);
        await ImportAsync(host, "embase-ovid.ris", "embase-ovid", query: File.ReadAllText(Sample("embase-ovid-query.txt")));
        var report = await host.Get<ReportService>().GenerateAsync(default);

        var pages = Pdf.PageTexts(report.Pdf);
        var text = string.Join(" ", pages);
        // Identified: three from Embase, one of them a duplicate of a PubMed record (67 + 3 = 70 identified, 1 duplicate).
        Assert.Contains("Embase (Ovid) (n = 3 [3])", text, StringComparison.Ordinal);
        Assert.Contains("PubMed (n = 67 [67])", text, StringComparison.Ordinal);
        Assert.Contains("Records identified (n = 70 [70])", text, StringComparison.Ordinal);
        Assert.Contains("Duplicate records (n = 1 [1])", text, StringComparison.Ordinal);
        var methods = pages.First(p => p.Contains("Latest search per source", StringComparison.Ordinal));
        Assert.Contains("Embase (Ovid) has no search API: a reviewer searches it on the platform and imports the export file", text, StringComparison.Ordinal);
        Assert.Matches(@"Embase \(Ovid\) \d{4}-\d\d-\d\d \d\d:\d\d searched 2026-11-30 \(file\) 3 3 2 1 0 complete", methods);
        Assert.Contains("exp deep learning/ or exp convolutional neural network/", string.Join(" ", pages.Skip(pages.FindIndex(p => p.Contains("A. Search queries", StringComparison.Ordinal)))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ImportThatStoredNothing_NamesNoDatabase()
    {
        // Storage that holds the replayed sample refuses a live import after it has claimed and logged the file: that row
        // is not a search the review ran, so the report must not name the database anywhere.
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default);
        await using var live = TestHost.Create(settings: TestHost.PubMedOnly(), prefix: host.Prefix, cleanup: false);
        await Assert.ThrowsAnyAsync<Exception>(() => ImportAsync(live, "embase-ovid.ris", "embase-ovid"));
        Assert.Contains(await live.Get<SearchLog>().ListAsync(default), s => s.IsImport);

        var report = await live.Get<ReportService>().GenerateAsync(default);

        var text = string.Join(" ", Pdf.PageTexts(report.Pdf));
        Assert.Contains("PubMed (n = 67 [67])", text, StringComparison.Ordinal);
        // (The 2023 review's own methods name Embase; the import's source would read "Embase (Ovid)".)
        Assert.DoesNotContain("Embase (Ovid)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("has no search API", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_Import_PrintsWhatItDid_BadUsageIsExit2_BrokenEntriesExit1WithTheirLines()
    {
        var prefix = TestHost.NewPrefix();
        await using var host = TestHost.Create(prefix: prefix);
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = prefix, ["Crossref:Enabled"] = "false" };
        async Task<(int Code, string Out, string Err)> Run(params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            return (await CommandLine.RunAsync(args, output, error, settings), output.ToString(), error.ToString());
        }

        var ok = await Run("import", Sample("wos.ris"), "--source", "wos", "--database", "Web of Science Core Collection", "--platform", "Clarivate",
            "--searched", "2026-11-30", "--query-file", Sample("embase-ovid-query.txt"));
        Assert.True(ok.Code == 0, ok.Err);
        Assert.Contains("file:       wos.ris (RIS, sha256 ", ok.Out, StringComparison.Ordinal);
        Assert.EndsWith("import done: 2 new, 0 duplicates, 0 already stored from 2 of 2 entries of wos.ris", ok.Out.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("wos: wos.ris is RIS; 2 of 2 entries read", ok.Err, StringComparison.Ordinal);

        var again = await Run("import", Sample("wos.ris"), "--source", "wos", "--database", "Web of Science Core Collection", "--platform", "Clarivate", "--searched", "2026-11-30");
        Assert.Equal(0, again.Code);
        Assert.EndsWith("import done: wos.ris was imported before as wos; nothing new stored, the search log keeps the one search", again.Out.TrimEnd(), StringComparison.Ordinal);

        var broken = await Run("import", Sample("scopus-with-errors.ris"), "--source", "scopus", "--database", "Scopus", "--platform", "Elsevier", "--searched", "2026-11-30");
        Assert.Equal(1, broken.Code);
        Assert.Contains("not read:   line 21: the entry has no title; it was not imported", broken.Out, StringComparison.Ordinal);
        Assert.Contains("not read:   line 29: the entry is not closed by an ER line before the next TY on line 37; it was not imported", broken.Out, StringComparison.Ordinal);

        var taken = await Run("import", Sample("wos.ris"), "--source", "pubmed", "--database", "MEDLINE", "--platform", "PubMed", "--searched", "2026-11-30");
        Assert.Equal(2, taken.Code);
        Assert.Contains("--source pubmed: Source name 'pubmed' is taken by a source searched through its API", taken.Err, StringComparison.Ordinal);
        var noDate = await Run("import", Sample("wos.ris"), "--source", "wos", "--database", "Web of Science", "--platform", "Clarivate");
        Assert.Equal(2, noDate.Code);
        Assert.Contains("--searched YYYY-MM-DD is needed: the date the search was run", noDate.Err, StringComparison.Ordinal);
        var future = await Run("import", Sample("wos.ris"), "--source", "wos", "--database", "Web of Science", "--platform", "Clarivate", "--searched", "2999-01-01");
        Assert.Equal(2, future.Code);
        Assert.Contains("The search date 2999-01-01 is in the future", future.Err, StringComparison.Ordinal);
        var notExport = await Run("import", Sample("embase-ovid-query.txt"), "--source", "wos", "--database", "Web of Science", "--platform", "Clarivate", "--searched", "2026-11-30");
        Assert.Equal(2, notExport.Code);
        Assert.Contains("is not an export this reads", notExport.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_Import_MostlyUtf8WithWindows1252Lines_AccentsKept_WarnsWithTheLines_TheSearchLogKeepsThem()
    {
        var prefix = TestHost.NewPrefix();
        await using var host = TestHost.Create(prefix: prefix);
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-mixed.ris");
        await File.WriteAllBytesAsync(path, ImportReaderTests.MixedEncodingRis());
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await CommandLine.RunAsync(["import", path, "--source", "endnote-library", "--database", "MEDLINE", "--platform", "EndNote", "--searched", "2026-11-30"],
                output, error, new Dictionary<string, string?> { ["Storage:Prefix"] = prefix, ["Crossref:Enabled"] = "false" });

            // Every entry was read: the import is complete, and says which lines it read as Windows-1252.
            Assert.True(code == 0, error.ToString());
            Assert.Contains("warning:    lines 9-10 are not UTF-8 and were read as Windows-1252", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("lines 9-10 are not UTF-8", error.ToString(), StringComparison.Ordinal);
            var authors = (await StoredAsync(host, "endnote-library")).SelectMany(r => r.Record.Authors).Select(a => a.Name).Order(StringComparer.Ordinal);
            Assert.Equal(["Dvořák T", "García-López I", "Müller J", "Østergaard S"], authors);
            var row = Assert.Single(await host.Get<SearchLog>().ListAsync(default));
            Assert.Equal("complete", row.Status);
            Assert.StartsWith("lines 9-10 are not UTF-8 and were read as Windows-1252", row.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
