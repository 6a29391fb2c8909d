using System.Diagnostics.Tracing;
using Azure.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>
/// The next-record query orders the queue as recently read instead of reading it whole on every call (10,000 rows take about
/// half a second), and still never serves what another process settled meanwhile.
/// </summary>
public class NextRecordReadTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static async Task<List<string>> SeedAsync(TestHost host, int from, int count)
    {
        var keys = new List<string>();
        for (var i = from; i < from + count; i++)
        {
            var pmid = (820_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var r = new BibRecord
            {
                Source = "pubmed", SourceId = pmid, Pmid = pmid, Doi = $"10.5555/next.{pmid}", Year = 2023, Title = $"Deep learning for cervical spine CT {pmid}",
                Abstract = "A convolutional neural network detected cervical spine fractures on CT.",
            };
            await host.Get<DedupService>().RegisterAsync(r, "run1", T0, default);
            await host.Get<ScreeningStore>().EnqueueAsync(r.Key, 0.9 - i * 0.01, T0, default);
            keys.Add(r.Key);
        }
        return keys;
    }

    [Fact]
    public async Task Next_AfterTheFirstCall_ServesDecisionsWithoutQueryingTheWholeQueue()
    {
        await using var host = TestHost.Create();
        await SeedAsync(host, 0, 12);
        var people = host.Get<ReviewService>();
        await host.Get<RankingService>().RankAsync(force: true, default);
        var item = await people.NextAsync("ana", default);
        var queueTable = "/" + host.Get<StorageClients>().Names.ScreeningQueueTable + "()";
        var queries = new List<string>();
        using (new AzureEventSourceListener((e, message) =>
               {
                   if (e.EventName == "Request" && message.Contains(queueTable, StringComparison.Ordinal)) lock (queries) queries.Add(message);
               }, EventLevel.Informational))
        {
            for (var i = 0; i < 5; i++)
            {
                await people.DecideAsync("ana", item!.RecordKey, "include", null, null, null, default);
                item = await people.NextAsync("ana", default);
            }
        }
        // Before, each next record read the whole queue twice (the model's up-to-date check, then the order).
        Assert.Empty(queries);
        Assert.Equal(5, (await host.Get<ScreeningStore>().ListQueueAsync(null, default)).Count(q => q.Reviewers.Contains("ana")));
    }

    [Fact]
    public async Task Next_AnotherProcessSettledTheRecord_IsNotServedAndNewRecordsShowUpWithinTheViewAge()
    {
        var prefix = TestHost.NewPrefix();
        var clock = new FakeTimeProvider(T0);
        await using var web = TestHost.Create(prefix: prefix, cleanup: false, configure: s => s.AddSingleton<TimeProvider>(clock));
        var keys = await SeedAsync(web, 0, 3);
        await web.Get<RankingService>().RankAsync(force: true, default);
        Assert.Equal(keys[0], (await web.Get<ReviewService>().NextAsync("ana", default))!.RecordKey);

        // Another process (the Functions host beside `serve`): two people settle the first record, one more record is queued.
        await using (var other = TestHost.Create(prefix: prefix))
        {
            await other.Get<ReviewService>().DecideAsync("ben", keys[0], "include", null, null, null, default);
            await other.Get<ReviewService>().DecideAsync("cleo", keys[0], "include", null, null, null, default);
            var later = await SeedAsync(other, 10, 1);

            // The view this process read still lists the first record as waiting: it is read again, and skipped.
            var people = web.Get<ReviewService>();
            Assert.Equal(keys[1], (await people.NextAsync("ana", default))!.RecordKey);
            await people.DecideAsync("ana", keys[1], "include", null, null, null, default);
            Assert.Equal(keys[2], (await people.NextAsync("ana", default))!.RecordKey);
            await people.DecideAsync("ana", keys[2], "include", null, null, null, default);
            // Past the view's age the queue is read again: the record queued elsewhere is served.
            clock.Advance(ScreeningStore.RecentQueueAge + TimeSpan.FromSeconds(1));
            Assert.Equal(later[0], (await people.NextAsync("ana", default))!.RecordKey);
        }
    }
}
