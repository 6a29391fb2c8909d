using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.Learning;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>The model retrains beside the reviewers' requests, never inside one: a decision is answered with the next record
/// without a training, and the refresher trains when decisions arrived.</summary>
public class RankingRefresherTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static async Task<List<string>> SeedAsync(TestHost host, int count)
    {
        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var pmid = (820000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var r = new BibRecord
            {
                Source = "pubmed", SourceId = pmid, Pmid = pmid, Doi = $"10.5555/refresh.{pmid}", Year = 2023, PublicationTypes = ["Journal Article"],
                Title = $"Deep learning for lumbar spine MRI {pmid}", Abstract = "A convolutional neural network graded lumbar disc degeneration on MRI.",
            };
            await host.Get<DedupService>().RegisterAsync(r, "run1", T0, default);
            await host.Get<ScreeningStore>().EnqueueAsync(r.Key, 0.5, T0, default);
            keys.Add(r.Key);
        }
        return keys;
    }

    [Fact]
    public async Task Rank_SameLabelsButTheLatestTrainedByAnotherVersionsModel_TrainsAgainWithThisVersions()
    {
        await using var host = TestHost.Create();
        await SeedAsync(host, 4);
        var ranking = host.Get<RankingService>();
        var first = await ranking.RankAsync(force: true, default);
        Assert.Equal(ModelSpec.Project.Name, first.Model);
        Assert.Equal(first.Version, (await ranking.RankAsync(force: false, default)).Version);

        // The summary as an earlier version's model left it, on the same labels and queue.
        var storage = host.Get<StorageClients>();
        var blob = storage.Container(storage.Names.ModelsContainer).GetBlobClient(RankingService.LatestBlob);
        await blob.UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(first with { Model = "an earlier version's model" }, ScreeningJson.Default.ModelSummary)), overwrite: true);

        var again = await ranking.RankAsync(force: false, default);

        Assert.Equal((first.Version + 1, ModelSpec.Project.Name), (again.Version, again.Model));
    }

    [Fact]
    public async Task Next_AfterDecisions_ServesWithoutTraining_TheRefresherTrainsOnce()
    {
        await using var host = TestHost.Create(settings: new Dictionary<string, string?> { ["Screening:ReviewersPerRecord"] = "1" });
        var keys = await SeedAsync(host, 4);
        var ranking = host.Get<RankingService>();
        var first = await ranking.RankAsync(force: true, default);
        var people = host.Get<ReviewService>();
        await people.DecideAsync("ana", keys[0], "include", null, null, null, default);
        await people.DecideAsync("ana", keys[1], "exclude", "not_imaging", null, null, default);

        var next = await people.NextAsync("ana", default);

        Assert.NotNull(next);
        Assert.DoesNotContain(next!.RecordKey, keys.Take(2));
        Assert.Equal(first.Version, (await ranking.LatestAsync(default))!.Version);

        // The refresher's first round trains on the two decisions; nothing new after that, so no second training.
        var refresher = new RankingRefresher(ranking, Options.Create(new ScreeningOptions { RetrainEverySeconds = 1 }), TimeProvider.System,
            NullLogger<RankingRefresher>.Instance);
        await refresher.StartAsync(default);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await ranking.LatestAsync(default))!.Version == first.Version && DateTime.UtcNow < deadline) await Task.Delay(200);
            var trained = (await ranking.LatestAsync(default))!;
            Assert.Equal(first.Version + 1, trained.Version);
            Assert.Equal(1, trained.Includes);
            await Task.Delay(2500);
            Assert.Equal(trained.Version, (await ranking.LatestAsync(default))!.Version);
        }
        finally
        {
            await refresher.StopAsync(default);
        }
    }
}
