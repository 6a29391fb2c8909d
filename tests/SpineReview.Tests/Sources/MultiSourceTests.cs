using System.Globalization;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

/// <summary>Every source together, over real HTTP against the limit-enforcing local server, storing into Azurite.</summary>
public class MultiSourceTests
{
    private static readonly HarvestRequest Window = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 6, 30));

    private static Dictionary<string, string?> AllSources(SourceServer server) => new()
    {
        ["PubMed:BaseUrl"] = server.BaseUrl("pubmed"),
        ["Ieee:BaseUrl"] = server.BaseUrl("ieee"), ["Ieee:ApiKey"] = "test-key-123",
        ["EuropePmc:BaseUrl"] = server.BaseUrl("europepmc"), ["EuropePmc:PageSize"] = "10",
        ["Arxiv:BaseUrl"] = server.BaseUrl("arxiv"),
        ["OpenAlex:BaseUrl"] = server.BaseUrl("openalex"), ["OpenAlex:Email"] = "team@example.org",
        ["Crossref:BaseUrl"] = server.BaseUrl("crossref"), ["Crossref:Email"] = "team@example.org",
        ["PubMed:RetryDelaySeconds"] = "0.05", ["Ieee:RetryDelaySeconds"] = "0.05", ["EuropePmc:RetryDelaySeconds"] = "0.05",
        ["Arxiv:RetryDelaySeconds"] = "0.05", ["OpenAlex:RetryDelaySeconds"] = "0.05", ["Crossref:RetryDelaySeconds"] = "0.05",
    };

    /// <summary>The recorded records of a source, parsed independently of the harvest.</summary>
    private static List<BibRecord> Recorded(string source)
    {
        var folder = Path.Combine(TestPaths.Replay, source);
        if (source == "pubmed")
            return Directory.GetFiles(folder, "efetch_*.xml").OrderBy(f => int.Parse(f.Split('_').Last().Split('.')[0], CultureInfo.InvariantCulture))
                .SelectMany(f => { using var s = File.OpenRead(f); return SourceFiles.Parse(source, s).Records; }).ToList();
        return Directory.GetFiles(folder, "*.*").Where(f => !f.EndsWith("expected.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .SelectMany(f => { using var s = File.OpenRead(f); return SourceFiles.Parse(source, s).Records; }).ToList();
    }

    [Fact]
    public async Task HarvestAll_EverySourceRecorded_ReconcilesCountsAndLinksDuplicatesAcrossSources()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        await using var host = TestHost.Create(settings: AllSources(server));
        var summaries = await host.Get<Harvester>().HarvestAllAsync(Window, null, default);

        Assert.Equal(["pubmed", "ieee", "europepmc", "arxiv", "openalex"], summaries.Select(s => s.Source));
        Assert.All(summaries, s => Assert.Equal("complete", s.Status));
        Assert.Equal(0, server.RateViolations);
        // Expected links computed apart from the store: a record repeats when its PMID or DOI was seen in an earlier source,
        // or when samples/replay/README.md documents it as a title-only link to a record harvested earlier.
        var documented = new Dictionary<string, string>
        {
            ["arxiv:1912.05027"] = "ieee:9990000001", // SpineNet: preprint and conference paper
            ["arxiv:2001.03187"] = "ieee:9990000002", // Yi et al.: preprint and conference paper
        };
        var seenPmid = new HashSet<string>();
        var seenDoi = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in summaries)
        {
            var recorded = Recorded(s.Source);
            Assert.Equal(recorded.Count, s.Reported);
            Assert.Equal(recorded.Count, s.Retrieved);
            var duplicates = recorded.Count(r => (r.Pmid is not null && seenPmid.Contains(r.Pmid)) || (r.Doi is not null && seenDoi.Contains(r.Doi))
                || documented.ContainsKey(r.Key));
            Assert.True(duplicates == s.Duplicates, $"{s.Source}: {s.Duplicates} duplicates linked, {duplicates} expected");
            Assert.Equal(recorded.Count - duplicates, s.New);
            foreach (var r in recorded)
            {
                if (r.Pmid is not null) seenPmid.Add(r.Pmid);
                if (r.Doi is not null) seenDoi.Add(r.Doi);
            }
        }
        var stored = new List<StoredRecord>();
        await foreach (var r in host.Get<RecordStore>().ListAsync(default)) stored.Add(r);
        foreach (var (preprint, published) in documented)
        {
            var r = stored.Single(x => x.Key == preprint);
            Assert.Equal((published, DedupService.ByVersion), (r.DuplicateOf, r.DuplicateBy));
        }
        Assert.True(summaries.Single(s => s.Source == "europepmc").Duplicates >= 20, "Europe PMC overlaps PubMed almost entirely");
        var log = await host.Get<SearchLog>().ListAsync(default);
        Assert.Equal(5, log.Count);
        Assert.All(log, e => Assert.DoesNotContain("test-key-123", e.RequestUrl, StringComparison.Ordinal));
        Assert.Contains(log, e => e.Source == "ieee" && e.RequestUrl.Contains("apikey=%2A%2A%2A", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Harvest_RecordWithoutAbstract_IsStoredFilledFromCrossrefAndTraceable()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        var settings = AllSources(server);
        foreach (var off in new[] { "Ieee", "EuropePmc", "Arxiv", "OpenAlex" }) settings[$"{off}:Enabled"] = "false";
        await using var host = TestHost.Create(settings: settings);
        await host.Get<Harvester>().HarvestAllAsync(Window, null, default);
        // What PubMed itself returned without an abstract, read from the recorded pages.
        var lacking = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Replay, "pubmed"), "efetch*.xml"))
        {
            using var s = File.OpenRead(file);
            lacking.AddRange(SourceFiles.Parse("pubmed", s).Records.Where(r => r.Abstract is null && r.Doi is not null).Select(r => r.Key));
        }
        Assert.NotEmpty(lacking);

        // No screening has run: the harvest stored them enriched.
        foreach (var key in lacking)
        {
            var stored = (await host.Get<RecordStore>().GetAsync(key, default))!;
            var crossrefFile = Directory.GetFiles(Path.Combine(TestPaths.Replay, "crossref", "works"))
                .FirstOrDefault(f => string.Equals(Path.GetFileName(f), stored.Record.Doi!.Replace('/', '_') + ".json", StringComparison.OrdinalIgnoreCase));
            if (crossrefFile is null) continue;
            using var s = File.OpenRead(crossrefFile);
            var work = SourceFiles.Parse("crossref", s).Records[0];
            if (work.Abstract is null) { Assert.Null(stored.Record.Abstract); continue; }
            Assert.Equal(work.Abstract, stored.Record.Abstract);
            Assert.Contains("crossref:abstract", stored.Record.Enriched);
        }
        Assert.Contains(server.Requests, r => r.Source == "crossref" && r.PathAndQuery.Contains("mailto=team%40example.org", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ieee_WithoutKey_IsSkippedWithAMessageAndTheOthersRun()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        var settings = AllSources(server);
        settings["Ieee:ApiKey"] = null;
        await using var host = TestHost.Create(settings: settings);
        var summaries = await host.Get<Harvester>().HarvestAllAsync(Window, null, default);
        var ieee = summaries.Single(s => s.Source == "ieee");
        Assert.Equal("skipped", ieee.Status);
        Assert.Contains("Ieee__ApiKey", ieee.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.Source == "ieee");
        Assert.All(summaries.Where(s => s.Source != "ieee"), s => Assert.Equal("complete", s.Status));
    }

    [Fact]
    public async Task Ieee_DailyBudgetSpent_PausesAndResumesFromItsCursor()
    {
        var replay = Directory.CreateTempSubdirectory("spine-ieee-");
        try
        {
            Directory.CreateDirectory(Path.Combine(replay.FullName, "ieee"));
            string Article(int n) => $"{{\"article_number\":\"99000{n}\",\"title\":\"Deep learning study {n} of spine radiographs\",\"publication_year\":2024,\"doi\":\"10.9999/test.{n}\",\"abstract\":\"A convolutional network read lumbar spine radiographs.\"}}";
            File.WriteAllText(Path.Combine(replay.FullName, "ieee", "search_start_1.json"), $"{{\"total_records\":5,\"total_searched\":5,\"articles\":[{Article(1)},{Article(2)},{Article(3)}]}}");
            File.WriteAllText(Path.Combine(replay.FullName, "ieee", "search_start_4.json"), $"{{\"total_records\":5,\"total_searched\":5,\"articles\":[{Article(4)},{Article(5)}]}}");
            await using var server = await SourceServer.StartAsync(replay.FullName);
            var prefix = TestHost.NewPrefix();
            Dictionary<string, string?> Settings(int budget) => new()
            {
                ["Ieee:BaseUrl"] = server.BaseUrl("ieee"), ["Ieee:ApiKey"] = "k", ["Ieee:PageSize"] = "3", ["Ieee:DailyCallBudget"] = budget.ToString(CultureInfo.InvariantCulture),
            };
            await using (var first = TestHost.Create(settings: Settings(1), prefix: prefix, cleanup: false))
            {
                var paused = await first.Get<Harvester>().HarvestAsync("ieee", new HarvestRequest(), null, default);
                Assert.Equal("paused", paused.Status);
                Assert.Equal(3, paused.Retrieved);
                Assert.Equal(5, paused.Reported);
                Assert.Null(await first.Get<StateStore>().GetWatermarkAsync("ieee", default));
                Assert.Equal("4", (await first.Get<StateStore>().GetOpenWindowAsync("ieee", default))!.Cursor);
                Assert.Equal("paused", (await first.Get<Harvester>().HarvestAsync("ieee", new HarvestRequest(), null, default)).Status);
            }
            await using var second = TestHost.Create(settings: Settings(5), prefix: prefix);
            var resumed = await second.Get<Harvester>().HarvestAsync("ieee", new HarvestRequest(), null, default);
            Assert.Equal("complete", resumed.Status);
            Assert.Equal(5, resumed.Retrieved);
            Assert.Equal(5, resumed.Reported);
            Assert.Equal(2, resumed.New);
            Assert.NotNull(await second.Get<StateStore>().GetWatermarkAsync("ieee", default));
            Assert.Null(await second.Get<StateStore>().GetOpenWindowAsync("ieee", default));
            Assert.Equal(2, server.Of("ieee").Count(r => r.Status == 200)); // page 1 on the first day, page 2 on resumption
        }
        finally
        {
            replay.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Arxiv_OnePerThreeSeconds_NeverTrips429EvenWithRetries()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        server.Faults.Enqueue(new SourceServer.Fault("query", null, 503, "busy", Source: "arxiv"));
        var settings = AllSources(server);
        foreach (var off in new[] { "Ieee", "EuropePmc", "OpenAlex", "PubMed" }) settings[$"{off}:Enabled"] = "false";
        await using var host = TestHost.Create(settings: settings);
        var s = await host.Get<Harvester>().HarvestAsync("arxiv", Window, null, default);
        Assert.Equal("complete", s.Status);
        Assert.Equal(0, server.RateViolations);
        var calls = server.Of("arxiv").ToList();
        Assert.Equal([503, 200], calls.Select(c => c.Status));
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(2.9), "retry spaced by the 3 s limit");
    }

    [Fact]
    public async Task EuropePmc_SlowAndFailingPages_RetriedWithoutLosingARecord()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        server.Faults.Enqueue(new SourceServer.Fault("search", null, 500, "oops", Source: "europepmc"));
        // A slow answer: held past the attempt timeout, so the resilience handler abandons it and asks again.
        server.Faults.Enqueue(new SourceServer.Fault("search", null, 200, "{}", Source: "europepmc", Delay: TimeSpan.FromSeconds(3)));
        server.Faults.Enqueue(new SourceServer.Fault("search", null, 502, "oops", Source: "europepmc"));
        server.Faults.Enqueue(new SourceServer.Fault("search", null, 200, "{\"version\":\"6.9\",\"hitCount\":24,\"resultList\":{\"result\":[{\"id\":", Source: "europepmc"));
        var settings = AllSources(server);
        settings["EuropePmc:TimeoutSeconds"] = "1";
        await using var host = TestHost.Create(settings: settings);
        var s = await host.Get<Harvester>().HarvestAsync("europepmc", Window, null, default);
        Assert.Equal("complete", s.Status);
        Assert.Equal(24, s.Retrieved);
        Assert.Equal(24, s.New);
        Assert.True(s.Calls >= 7, $"{s.Calls} calls for 3 pages and 4 faults");
    }

    [Fact]
    public async Task Harvest_Incremental_SearchesFromTheWatermarkLessTheOverlap()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        var harvester = host.Get<Harvester>();
        var first = await harvester.HarvestAsync("pubmed", new HarvestRequest(), null, default);
        Assert.Equal(new DateOnly(2012, 1, 1), first.From);
        var watermark = await host.Get<StateStore>().GetWatermarkAsync("pubmed", default);
        Assert.Equal(first.To, watermark);
        var second = await harvester.HarvestAsync("pubmed", new HarvestRequest(), null, default);
        Assert.Equal(watermark!.Value.AddDays(-Harvester.OverlapDays), second.From);
        Assert.Equal(0, second.New);
        Assert.Equal(first.New, second.AlreadyStored);
    }

    [Fact]
    public async Task Harvest_WindowThatSkipsAhead_LeavesTheWatermarkWhereItWas()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        var harvester = host.Get<Harvester>();
        await harvester.HarvestAsync("pubmed", new HarvestRequest(new DateOnly(2012, 1, 1), new DateOnly(2020, 1, 1)), null, default);
        var ahead = await harvester.HarvestAsync("pubmed", new HarvestRequest(new DateOnly(2023, 1, 1), new DateOnly(2024, 1, 1)), null, default);
        Assert.Equal(new DateOnly(2020, 1, 1), await host.Get<StateStore>().GetWatermarkAsync("pubmed", default));
        Assert.Contains("does not join the watermark", ahead.Message, StringComparison.Ordinal);
    }
}
