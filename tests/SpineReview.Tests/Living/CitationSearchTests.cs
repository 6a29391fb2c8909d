using System.Web;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Living;

/// <summary>Citation searching against the local source server (OpenAlex's recorded answers in samples/replay/citations, its
/// rate limit enforced) and the real Azurite: the references and citing works of an included study arrive as records of source
/// "citations", deduplicated against PubMed, queued for screening, logged as their own search, and counted in the PRISMA flow
/// under "other methods".</summary>
public class CitationSearchTests
{
    private const string Included = "pubmed:40647478";

    private static async Task<TestHost> ReviewWithOneIncludedStudyAsync(SourceServer server, bool openAlexEnabled = true)
    {
        var settings = TestHost.PubMedOnly();
        // Citation searching asks OpenAlex, and goes with OpenAlex's switch.
        settings["OpenAlex:Enabled"] = openAlexEnabled ? "true" : "false";
        settings["PubMed:BaseUrl"] = server.BaseUrl("pubmed");
        settings["OpenAlex:BaseUrl"] = server.BaseUrl("openalex");
        settings["OpenAlex:Email"] = "team@example.org";
        settings["OpenAlex:PageSize"] = "2";
        var host = TestHost.Create(settings: settings);
        await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default);
        var screening = host.Get<ScreeningStore>();
        var at = host.Get<TimeProvider>().GetUtcNow();
        await screening.EnqueueAsync(Included, 0.9, at, default);
        await screening.UpdateQueueAsync(Included, q => Task.FromResult(q with
        {
            Status = ScreeningStatus.Final, Included = true, How = "2 reviewers agreed", Reviewers = ["ana", "ben"], SettledAt = at,
        }), default);
        return host;
    }

    [Fact]
    public async Task Harvest_Citations_ReferencesAndCitingWorksOfAnIncludedStudy_StoredDeduplicatedQueuedLogged_CountedAsOtherMethods()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        await using var host = await ReviewWithOneIncludedStudyAsync(server);
        var queuedBefore = await QueuedKeysAsync(host);

        var summary = await host.Get<Harvester>().HarvestAsync("citations", new HarvestRequest(), null, default);

        // Three works the study references and three citing it (two pages); two of the six are PubMed records already stored.
        Assert.Equal(("complete", 6, 6, 4, 2, 0), (summary.Status, summary.Reported, summary.Retrieved, summary.New, summary.Duplicates, summary.AlreadyStored));
        var stored = new List<StoredRecord>();
        await foreach (var r in host.Get<RecordStore>().ListAsync(default)) if (r.Record.Source == "citations") stored.Add(r);
        Assert.Equal(["citations:W9990000005", "citations:W9990000012", "citations:W9990000013", "citations:W9990100002", "citations:W9990100003", "citations:W9990100004"],
            stored.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal("pubmed:36141981", stored.Single(r => r.Key == "citations:W9990000005").DuplicateOf);
        Assert.Equal("pubmed:35893113", stored.Single(r => r.Key == "citations:W9990000013").DuplicateOf);
        Assert.All(stored.Where(r => r.Key is not ("citations:W9990000005" or "citations:W9990000013")), r => Assert.Null(r.DuplicateOf));
        Assert.Equal("External validation of a CT deep learning model for metastatic epidural spinal cord compression in a community hospital",
            stored.Single(r => r.Key == "citations:W9990100003").Record.Title);
        // The four new ones go to screening like any harvested record.
        var queued = await QueuedKeysAsync(host);
        Assert.Equal(["citations:W9990000012", "citations:W9990100002", "citations:W9990100003", "citations:W9990100004"],
            queued.Except(queuedBefore).Order(StringComparer.Ordinal));
        Assert.Equal(queuedBefore.Count + 4, queued.Count);

        // One search-log row of its own, with the requests' answers archived.
        var row = Assert.Single(await host.Get<SearchLog>().ListAsync(default), s => s.Source == "citations");
        Assert.Equal((6, 6, 4, 2, "complete"), (row.Reported, row.Retrieved, row.New, row.Duplicates, row.Status));
        Assert.Equal("backward (referenced_works) and forward (filter=cites:) citations of the 1 included study, through OpenAlex", row.Query);
        Assert.Equal(4, row.Calls);

        // OpenAlex was asked as its API is asked: the included study by DOI, the references by id, the citing works by cites: with a
        // cursor; in the polite pool, within its rate limit.
        var asked = server.Of("openalex").Select(r => HttpUtility.ParseQueryString(new Uri("http://x" + r.PathAndQuery).Query)).ToList();
        Assert.Equal(["doi:10.3390/cancers17132180", "openalex:W9990000005|W9990000012|W9990100002", "cites:W9990100001", "cites:W9990100001"], asked.Select(q => q["filter"]));
        Assert.Equal(["*", "IlsxNzQyMjU2MDAwMDAwLCAnaHR0cHM6Ly9vcGVuYWxleC5vcmcvVzk5OTAxMDAwMDMnXSI="], asked.Skip(2).Select(q => q["cursor"]));
        Assert.All(asked, q => Assert.Equal("team@example.org", q["mailto"]));
        Assert.Equal(0, server.RateViolations);

        // PRISMA 2020: the records of citation searching are identified via other methods, after the databases.
        var text = string.Join(" ", Pdf.PageTexts((await host.Get<ReportService>().GenerateAsync(default)).Pdf));
        Assert.Matches(@"PubMed \(n = 67 \[67\]\)\s+Identified via other methods:\s+Citation searching \(n = 6 \[6\]\)", text);
        Assert.Contains("Records identified (n = 73 [73])", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Harvest_CitationsTwice_NothingStoredTwice_TheSecondFindsThemStored()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        await using var host = await ReviewWithOneIncludedStudyAsync(server);
        var harvester = host.Get<Harvester>();
        await harvester.HarvestAsync("citations", new HarvestRequest(), null, default);
        // The weekly timer runs the same search: it finds the six stored already.
        await new SpineReview.Functions.Functions.LivingChecks(harvester, host.Get<SpineReview.Living.RecordRefresher>())
            .SearchCitations(new Microsoft.Azure.Functions.Worker.TimerInfo(), default);

        var again = await harvester.HarvestAsync("citations", new HarvestRequest(), null, default);

        Assert.Equal(("complete", 6, 0, 0, 6), (again.Status, again.Retrieved, again.New, again.Duplicates, again.AlreadyStored));
        var timerRun = (await host.Get<SearchLog>().ListAsync(default)).Where(s => s.Source == "citations").OrderBy(s => s.Started).ElementAt(1);
        Assert.Equal((6, 0), (timerRun.Retrieved, timerRun.New));
        Assert.Equal(3, (await host.Get<SearchLog>().ListAsync(default)).Count(s => s.Source == "citations"));
    }

    [Fact]
    public async Task Harvest_Citations_NoStudyIncluded_AsksOpenAlexNothing()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        await using var host = TestHost.Create(settings: new Dictionary<string, string?> { ["OpenAlex:BaseUrl"] = server.BaseUrl("openalex") });

        var summary = await host.Get<Harvester>().HarvestAsync("citations", new HarvestRequest(), null, default);

        Assert.Equal(("complete", 0, 0), (summary.Status, summary.Reported, summary.Retrieved));
        Assert.Empty(server.Of("openalex"));
    }

    [Fact]
    public async Task SearchCitationsTimer_OpenAlexSwitchedOff_AsksNothing()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        await using var host = await ReviewWithOneIncludedStudyAsync(server, openAlexEnabled: false);
        var harvester = host.Get<Harvester>();
        Assert.False(harvester.Find("citations")!.Enabled);

        await new SpineReview.Functions.Functions.LivingChecks(harvester, host.Get<SpineReview.Living.RecordRefresher>())
            .SearchCitations(new Microsoft.Azure.Functions.Worker.TimerInfo(), default);

        Assert.Empty(server.Of("openalex"));
        Assert.DoesNotContain(await host.Get<SearchLog>().ListAsync(default), s => s.Source == "citations");
    }

    // Every record key on the screen queue (a message names a batch of them).
    private static async Task<List<string>> QueuedKeysAsync(TestHost host)
    {
        var keys = new List<string>();
        foreach (var m in (await host.Get<WorkQueues>().Screen.PeekMessagesAsync(32)).Value) keys.AddRange(RecordBatch.Parse(m.Body.ToString()).RecordKeys);
        return keys;
    }
}
