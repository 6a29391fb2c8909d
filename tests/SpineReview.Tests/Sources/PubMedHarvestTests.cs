using System.Xml.Linq;
using Azure.Data.Tables;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

/// <summary>The real PubMed connector over real HTTP against a local E-utilities server, storing into Azurite.</summary>
public class PubMedHarvestTests
{
    private static readonly DateOnly From = new(2012, 1, 1);
    private static readonly DateOnly To = new(2024, 6, 30);

    private static int RecordedCount() =>
        int.Parse(XDocument.Load(Path.Combine(TestPaths.Replay, "pubmed", "esearch.xml")).Root!.Element("Count")!.Value, System.Globalization.CultureInfo.InvariantCulture);

    private static TestHost Host(SourceServer server, string? apiKey = null, int batch = 20, int retries = 3) => TestHost.Create(settings: new Dictionary<string, string?>(TestHost.PubMedOnly())
    {
        ["PubMed:BaseUrl"] = server.BaseUrl("pubmed"),
        ["PubMed:ApiKey"] = apiKey,
        ["PubMed:Email"] = "review-team@example.org",
        ["PubMed:BatchSize"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PubMed:MaxRetries"] = retries.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static async Task<int> CountRowsAsync(TestHost host, string table)
    {
        var storage = host.Get<StorageClients>();
        var n = 0;
        await foreach (var _ in storage.Table(table).QueryAsync<TableEntity>(select: ["PartitionKey"])) n++;
        return n;
    }

    [Fact]
    public async Task Harvest_WithoutKey_StaysUnderThreeRequestsPerSecondAndStoresEveryRecord()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        await using var host = Host(server, batch: 10);
        var summary = await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(From, To), null, default);

        var expected = RecordedCount();
        Assert.Equal(0, server.RateViolations);
        Assert.Equal("complete", summary.Status);
        Assert.Equal(expected, summary.Reported);
        Assert.Equal(expected, summary.Retrieved);
        Assert.Equal(expected, summary.New);
        Assert.Equal(1 + (expected + 9) / 10, server.Requests.Count);
        Assert.Equal(expected, await CountRowsAsync(host, host.Get<StorageClients>().Names.RecordsTable));
        Assert.All(server.Requests, r => Assert.Contains("tool=spine-review", r.PathAndQuery, StringComparison.Ordinal));
        Assert.All(server.Requests, r => Assert.Contains("email=review-team%40example.org", r.PathAndQuery, StringComparison.Ordinal));
        var esearch = server.Requests.First().PathAndQuery;
        Assert.Contains("usehistory=y", esearch, StringComparison.Ordinal);
        Assert.Contains("mindate=2012%2F01%2F01", esearch, StringComparison.Ordinal);
        Assert.Contains("maxdate=2024%2F06%2F30", esearch, StringComparison.Ordinal);
        Assert.Equal(To, await host.Get<StateStore>().GetWatermarkAsync("pubmed", default));
        var log = Assert.Single(await host.Get<SearchLog>().ListAsync(default));
        Assert.Equal(expected, log.Retrieved);
        Assert.Equal("complete", log.Status);
    }

    [Fact]
    public async Task Harvest_WithKey_UsesTenPerSecondAndNeverLogsTheKey()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        server.Limit("pubmed", 10, TimeSpan.FromSeconds(1));
        await using var host = Host(server, apiKey: "k-SECRET-123", batch: 5);
        var summary = await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(From, To), null, default);
        Assert.Equal("complete", summary.Status);
        Assert.Equal(0, server.RateViolations);
        Assert.All(server.Requests, r => Assert.Contains("api_key=k-SECRET-123", r.PathAndQuery, StringComparison.Ordinal));
        var log = Assert.Single(await host.Get<SearchLog>().ListAsync(default));
        Assert.DoesNotContain("SECRET", log.RequestUrl, StringComparison.Ordinal);
        Assert.Contains("api_key=%2A%2A%2A", log.RequestUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Harvest_429WithRetryAfter_WaitsAndCompletes()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        server.Faults.Enqueue(new SourceServer.Fault("efetch.fcgi", 0, 429, "Too Many Requests", RetryAfter: "2"));
        await using var host = Host(server);
        var summary = await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(From, To), null, default);
        Assert.Equal("complete", summary.Status);
        var fetches = server.Requests.Where(r => r.PathAndQuery.Contains("efetch", StringComparison.Ordinal) && r.PathAndQuery.Contains("retstart=0&", StringComparison.Ordinal) && r.Source == "pubmed").ToList();
        Assert.Equal([429, 200], fetches.Select(f => f.Status));
        Assert.True(fetches[1].At - fetches[0].At >= TimeSpan.FromSeconds(1.9), $"Retry-After honoured: {(fetches[1].At - fetches[0].At).TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task Harvest_ServerErrorsAndTruncatedXml_RetriedAndComplete()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        server.Faults.Enqueue(new SourceServer.Fault("esearch.fcgi", null, 503, "Service Unavailable"));
        server.Faults.Enqueue(new SourceServer.Fault("efetch.fcgi", 20, 200, "<?xml version=\"1.0\"?>\n<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID>"));
        await using var host = Host(server);
        var summary = await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(From, To), null, default);
        Assert.Equal("complete", summary.Status);
        Assert.Equal(RecordedCount(), summary.New);
        Assert.Contains(server.Requests, r => r.Status == 503);
    }

    [Fact]
    public async Task Harvest_ErrorDocumentEveryTime_FailsClearlyKeepsWatermarkAndRerunAddsNoDuplicates()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        server.Faults.Enqueue(new SourceServer.Fault("efetch.fcgi", 20, 200,
            "<?xml version=\"1.0\"?>\n<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>", Sticky: true));
        await using var host = Host(server, retries: 2);
        var harvester = host.Get<Harvester>();

        var e = await Assert.ThrowsAsync<SourceException>(() => harvester.HarvestAsync("pubmed", new HarvestRequest(From, To), null, default));
        Assert.Contains("Unable to obtain query #1", e.Message, StringComparison.Ordinal);
        Assert.Contains("run again", e.Message, StringComparison.Ordinal);
        Assert.Null(await host.Get<StateStore>().GetWatermarkAsync("pubmed", default));
        Assert.Equal("failed", Assert.Single(await host.Get<SearchLog>().ListAsync(default)).Status);
        Assert.Equal(20, await CountRowsAsync(host, host.Get<StorageClients>().Names.RecordsTable));

        server.Faults.Clear();
        await Task.Delay(10);
        var rerun = await harvester.HarvestAsync("pubmed", new HarvestRequest(From, To), null, default);
        var expected = RecordedCount();
        Assert.Equal("complete", rerun.Status);
        Assert.Equal(20, rerun.AlreadyStored);
        Assert.Equal(expected - 20, rerun.New);
        Assert.Equal(0, rerun.Duplicates);
        Assert.Equal(expected, await CountRowsAsync(host, host.Get<StorageClients>().Names.RecordsTable));
    }

    [Fact]
    public async Task Harvest_ShortAnswer_MarksRunIncompleteAndKeepsWatermark()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        // The last batch comes back empty with HTTP 200: fewer records retrieved than reported.
        var last = (RecordedCount() - 1) / 20 * 20;
        server.Faults.Enqueue(new SourceServer.Fault("efetch.fcgi", last, 200, "<?xml version=\"1.0\"?>\n<PubmedArticleSet></PubmedArticleSet>", Sticky: true));
        await using var host = Host(server);
        var summary = await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(From, To), null, default);
        Assert.Equal("incomplete", summary.Status);
        Assert.True(summary.Retrieved < summary.Reported);
        Assert.Null(await host.Get<StateStore>().GetWatermarkAsync("pubmed", default));
        var log = Assert.Single(await host.Get<SearchLog>().ListAsync(default));
        Assert.Equal("incomplete", log.Status);
        Assert.Contains("retrieved", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Harvest_QueuesEveryNewRecordForScreeningOnce()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        await using var host = Host(server);
        var harvester = host.Get<Harvester>();
        await harvester.HarvestAsync("pubmed", new HarvestRequest(From, To), null, default);
        // Messages carry a page's batch of records; Done counts the records they named.
        var screened = (await host.Get<WorkQueues>().DrainBatchesAsync(host.Get<WorkQueues>().Screen, host.Get<ScreeningService>().ScreenMessageAsync, null, default)).Done;
        Assert.Equal(RecordedCount(), screened);
        // A second run over the same window: everything is already stored and screened, nothing is queued again.
        var again = await harvester.HarvestAsync("pubmed", new HarvestRequest(From, To), null, default);
        Assert.Equal(0, again.New);
        var props = await host.Get<WorkQueues>().Screen.GetPropertiesAsync();
        Assert.Equal(0, props.Value.ApproximateMessagesCount);
    }
}
