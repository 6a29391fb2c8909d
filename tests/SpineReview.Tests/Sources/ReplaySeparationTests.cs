using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;
using SpineReview.Records;

namespace SpineReview.Tests.Sources;

/// <summary>The recorded sample and the live review never share storage: replayed runs default to a prefix of their own, and
/// a harvest refuses storage that holds the other kind (real HTTP against the local server, Azurite).</summary>
public class ReplaySeparationTests
{
    private static string PrefixOf(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSpineReview(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<StorageNames>().Prefix;
    }

    [Fact]
    public void AddSpineReview_ReplayedWithoutAPrefix_UsesTheDemoPrefix()
    {
        Assert.Equal("spinedemo", PrefixOf(new Dictionary<string, string?> { ["Replay:Directory"] = TestPaths.Replay }));
        Assert.Equal("spine", PrefixOf(new Dictionary<string, string?>()));
        // A prefix set on purpose is used as it is, replayed or not.
        Assert.Equal("mydemo", PrefixOf(new Dictionary<string, string?> { ["Replay:Directory"] = TestPaths.Replay, ["Storage:Prefix"] = "mydemo" }));
    }

    private static Dictionary<string, string?> Live(SourceServer server) => new(TestHost.PubMedOnly()) { ["PubMed:BaseUrl"] = server.BaseUrl("pubmed") };

    [Fact]
    public async Task HarvestAll_LiveOnStorageHoldingTheReplayedSample_RefusesBeforeAskingAnySourceAndSaysWhatToDo()
    {
        var prefix = TestHost.NewPrefix();
        DateOnly? watermark;
        await using (var demo = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly(), prefix: prefix, cleanup: false))
        {
            Assert.Equal("complete", (await demo.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default)).Status);
            watermark = await demo.Get<StateStore>().GetWatermarkAsync("pubmed", default);
        }
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        await using var live = TestHost.Create(settings: Live(server), prefix: prefix);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => live.Get<Harvester>().HarvestAllAsync(new HarvestRequest(), null, default));

        Assert.Contains($"'{prefix}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("replayed", e.Message, StringComparison.Ordinal);
        Assert.Contains("Storage__Prefix", e.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        Assert.Equal(watermark, await live.Get<StateStore>().GetWatermarkAsync("pubmed", default));
        Assert.Single(await live.Get<SearchLog>().ListAsync(default));
    }

    [Fact]
    public async Task Harvest_ReplayOnStorageHoldingALiveReview_Refuses()
    {
        var prefix = TestHost.NewPrefix();
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        await using (var live = TestHost.Create(settings: Live(server), prefix: prefix, cleanup: false))
        {
            var first = await live.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default);
            Assert.Equal(("complete", new DateOnly(2012, 1, 1)), (first.Status, first.From));
        }
        await using var demo = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly(), prefix: prefix);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => demo.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default));

        Assert.Contains("live", e.Message, StringComparison.Ordinal);
        Assert.Contains("Storage__Prefix", e.Message, StringComparison.Ordinal);
        Assert.Single(await demo.Get<SearchLog>().ListAsync(default));
    }

    [Fact]
    public async Task Harvest_ReplayAndLiveAtOnceOnFreshStorage_OnlyOneStores()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        server.Limit("pubmed", 1000, TimeSpan.FromSeconds(1));
        var settings = Live(server);
        settings["PubMed:ApiKey"] = "k"; // ten a second: the two harvests reach their first page at about the same time
        for (var round = 0; round < 20; round++)
        {
            var prefix = TestHost.NewPrefix();
            await using var demo = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly(), prefix: prefix, cleanup: false);
            await using var live = TestHost.Create(settings: settings, prefix: prefix);
            var runs = new[] { demo, live }.Select(h => Task.Run(() => h.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default))).ToArray();
            try
            {
                await Task.WhenAll(runs);
            }
            catch (InvalidOperationException)
            {
                // One of the two is expected to refuse; which, the checks below say.
            }

            Assert.True(runs.Count(r => r.IsCompletedSuccessfully) == 1, $"round {round}: {string.Join(", ", runs.Select(r => r.Status))}");
            var loser = runs.Single(r => !r.IsCompletedSuccessfully);
            Assert.IsType<InvalidOperationException>(loser.Exception!.InnerException);
            var origin = await live.Get<StateStore>().GetHarvestOriginAsync(default);
            Assert.Equal(runs[0].IsCompletedSuccessfully, origin!.Replayed);
            var log = await live.Get<SearchLog>().ListAsync(default);
            // Refused at the start, the loser logs no search; refused at its first page (the race lost), a failed one.
            Assert.Single(log, e => e.Status == "complete");
            Assert.All(log.Where(e => e.Status != "complete"), e => Assert.Equal("failed", e.Status));
            // The refused harvest archived nothing: every raw answer stored belongs to the one that completed.
            var completed = log.Single(e => e.Status == "complete").RunId;
            var storage = live.Get<StorageClients>();
            await foreach (var blob in storage.Container(storage.Names.RawContainer).GetBlobsAsync())
                Assert.Contains(completed, blob.Name, StringComparison.Ordinal);
        }
    }
}
