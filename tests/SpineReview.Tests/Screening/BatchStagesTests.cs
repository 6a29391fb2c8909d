using Azure.Data.Tables;
using SpineReview.Cycle;
using Microsoft.Extensions.DependencyInjection;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>The screening and extraction stages on batch messages (one message per handed-over page), against Azurite: handled
/// twice, with a record that fails, in the older one-key shape, and by two drains at once.</summary>
public class BatchStagesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    internal static readonly Dictionary<string, string?> NoCrossref = new() { ["Crossref:Enabled"] = "false" };

    // Every third record is a review, which the rules exclude; the others pass.
    private static BibRecord Record(string pmid, int i) => new()
    {
        Source = "pubmed", SourceId = pmid, Pmid = pmid, Year = 2022, Mesh = ["Humans"],
        PublicationTypes = i % 3 == 0 ? ["Review"] : ["Journal Article"],
        Title = $"Deep learning detection of vertebral fractures on CT in cohort {pmid}",
        Abstract = "A convolutional neural network detected thoracolumbar vertebral fractures on 1,200 CT scans.",
    };

    internal static async Task<List<BibRecord>> StoreAsync(TestHost host, string prefix, int count)
    {
        // Stored as studies of their own: these tests are about the stages after dedup, whose matcher would link records this alike.
        var records = Enumerable.Range(0, count).Select(i => Record($"{prefix}{i:D3}", i)).ToList();
        foreach (var r in records) Assert.True(await host.Get<RecordStore>().TryAddAsync(r, "run1", At, null, null, default));
        return records;
    }

    internal static async Task<List<string>> BodiesAsync(Azure.Storage.Queues.QueueClient queue)
    {
        var bodies = new List<string>();
        foreach (var m in (await queue.PeekMessagesAsync(32)).Value) bodies.Add(m.Body.ToString());
        return bodies;
    }

    [Fact]
    public async Task ScreenMessage_BatchHandledTwice_SameDecisionsAndEachRecordQueuedAndExtractedOnce()
    {
        await using var host = TestHost.Create(settings: NoCrossref);
        var records = await StoreAsync(host, "95100", 30);
        var keys = records.Select(r => r.Key).ToList();
        await host.Get<ScreeningHandover>().HandOverManyAsync(keys, default);
        var queues = host.Get<WorkQueues>();
        var body = Assert.Single(await BodiesAsync(queues.Screen));
        // Every key once, those of a Records partition together, as the stage reads them (a query per partition and 12 keys).
        var sent = RecordBatch.Parse(body).RecordKeys;
        Assert.Equal(keys.Order(StringComparer.Ordinal), sent.Order(StringComparer.Ordinal));
        var partitions = sent.Select(k => RecordPartitions.Of(k).Partition).ToList();
        Assert.Equal(partitions.Distinct().Count(), partitions.Where((p, i) => i == 0 || p != partitions[i - 1]).Count());

        var screening = host.Get<ScreeningService>();
        var store = host.Get<ScreeningStore>();
        Assert.Equal(30, await screening.ScreenMessageAsync(body, default));
        // The time of the decision is when it was made; everything else must be the same.
        var first = (await store.ListRuleDecisionsAsync(default)).Select(d => d with { DecidedAt = default }).OrderBy(d => d.RecordKey, StringComparer.Ordinal).ToList();
        var passed = first.Where(d => !d.Excluded).Select(d => d.RecordKey).ToList();
        Assert.Equal(30, first.Count);
        Assert.Equal(20, passed.Count);
        // Someone's work on a queued record meanwhile (the model's priority) must survive the batch coming again.
        await store.SetProbabilitiesAsync([(passed[0], 0.93)], default);

        Assert.Equal(30, await screening.ScreenMessageAsync(body, default));
        var second = (await store.ListRuleDecisionsAsync(default)).Select(d => d with { DecidedAt = default }).OrderBy(d => d.RecordKey, StringComparer.Ordinal).ToList();
        Assert.Equal(first, second);
        var queue = await store.ListQueueAsync(null, default);
        Assert.Equal(passed, queue.Select(q => q.RecordKey).Order(StringComparer.Ordinal));
        Assert.Equal(0.93, queue.Single(q => q.RecordKey == passed[0]).Probability);
        // One extract message per screening of the batch, each naming the records that passed.
        var extractBodies = await BodiesAsync(queues.Extract);
        Assert.Equal(2, extractBodies.Count);
        Assert.All(extractBodies, b => Assert.Equal(passed, RecordBatch.Parse(b).RecordKeys.Order(StringComparer.Ordinal)));

        var extracted = await host.Get<CycleService>().DrainExtractAsync(null, default);
        Assert.Equal((40, 0, 0), (extracted.Done, extracted.Failed, extracted.Poisoned));
        var forms = await host.Get<ExtractionStore>().ListStoredAsync(default);
        Assert.Equal(passed, forms.Keys.Order(StringComparer.Ordinal));
        Assert.All(forms.Values, f => Assert.Equal(FormExtractor.Fields.Count, f.Count));
    }

    [Fact]
    public async Task DrainScreen_ARecordThatFailsInABatch_IsSplitOffAloneAndPoisonQueuedAndTheOthersAreScreened()
    {
        // A failed message comes back at once, so one drain goes through its retries to the poison queue.
        await using var host = TestHost.Create(settings: NoCrossref, configure: s => s.AddSingleton(sp =>
            new WorkQueues(sp.GetRequiredService<StorageClients>(), TimeProvider.System) { RetryFailedAfter = TimeSpan.Zero }));
        var records = await StoreAsync(host, "95200", 9);
        // A stored row whose record cannot be read: the batch reading it fails, as any failure of one record would.
        var storage = host.Get<StorageClients>();
        var (partition, row) = RecordPartitions.Of("pubmed:95200999");
        await storage.Table(storage.Names.RecordsTable).AddEntityAsync(new TableEntity(partition, row)
        {
            ["Key"] = "pubmed:95200999", ["Title"] = "Unreadable", ["Json"] = "{not json", ["HarvestRun"] = "run1", ["StoredAt"] = At,
        });
        var keys = records.Select(r => r.Key).Append("pubmed:95200999").ToList();
        await host.Get<ScreeningHandover>().HandOverManyAsync(keys, default);

        var drained = await host.Get<CycleService>().DrainScreenAsync(null, default);
        // Split in halves until the failing record is alone; that message fails on each of its attempts, then is moved aside.
        Assert.Equal((9, WorkQueues.MaxDequeueCount, 1, 0), (drained.Done, drained.Failed, drained.Poisoned, drained.Pending));
        var decided = (await host.Get<ScreeningStore>().ListRuleDecisionsAsync(default)).Select(d => d.RecordKey).Order(StringComparer.Ordinal);
        Assert.Equal(records.Select(r => r.Key).Order(StringComparer.Ordinal), decided);
        var poison = storage.Queue(StorageNames.PoisonQueue(storage.Names.ScreenQueue));
        var poisoned = Assert.Single(await BodiesAsync(poison));
        Assert.Equal(["pubmed:95200999"], RecordBatch.Parse(poisoned).RecordKeys);
        Assert.Equal(0, (await host.Get<WorkQueues>().Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task HandOverIfNotYetMany_SomeSentBefore_QueuesOnlyTheOthersInOneMessage()
    {
        await using var host = TestHost.Create(settings: NoCrossref);
        var keys = Enumerable.Range(0, 30).Select(i => $"pubmed:95400{i:D3}").ToList();
        var handover = host.Get<ScreeningHandover>();
        await handover.HandOverAsync(keys[3], default);
        await handover.HandOverManyAsync(keys[10..20], default);
        var screen = host.Get<WorkQueues>().Screen;
        await screen.ClearMessagesAsync();

        await handover.HandOverIfNotYetManyAsync(keys, default);
        var body = Assert.Single(await BodiesAsync(screen));
        Assert.Equal(keys.Where((_, i) => i != 3 && i is < 10 or >= 20).Order(StringComparer.Ordinal), RecordBatch.Parse(body).RecordKeys.Order(StringComparer.Ordinal));
        // Now every one is marked sent: a run that stops and starts again queues nothing more.
        await handover.HandOverIfNotYetManyAsync(keys, default);
        Assert.Single(await BodiesAsync(screen));
    }

    [Fact]
    public async Task Drains_OldSingleKeyMessages_AreScreenedAndExtracted()
    {
        await using var host = TestHost.Create(settings: NoCrossref);
        var records = await StoreAsync(host, "95300", 3);
        var queues = host.Get<WorkQueues>();
        // As a deployment before batching left them: one message per record, in the one-key shape, on both queues.
        await queues.SendAsync(queues.Screen, new RecordMessage(records[1].Key).ToJson(), default);
        await queues.SendAsync(queues.Extract, new RecordMessage(records[2].Key).ToJson(), default);

        var cycle = host.Get<CycleService>();
        Assert.Equal(1, (await cycle.DrainScreenAsync(null, default)).Done);
        var decision = await host.Get<ScreeningStore>().GetRuleDecisionAsync(records[1].Key, default);
        Assert.False(decision!.Excluded);
        var sent = Assert.Single(await BodiesAsync(queues.Extract), b => b.Contains("recordKeys", StringComparison.Ordinal));
        Assert.Equal([records[1].Key], RecordBatch.Parse(sent).RecordKeys);

        Assert.Equal(2, (await cycle.DrainExtractAsync(null, default)).Done);
        var forms = await host.Get<ExtractionStore>().ListStoredAsync(default);
        Assert.Equal([records[1].Key, records[2].Key], forms.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DrainScreenAndExtract_TwoHostsDrainOverlappingBatchesAtOnce_EachRecordDecidedQueuedAndExtractedOnce()
    {
        var prefix = TestHost.NewPrefix();
        await using var one = TestHost.Create(settings: NoCrossref, prefix: prefix);
        await using var two = TestHost.Create(settings: NoCrossref, prefix: prefix, cleanup: false);
        var queues = one.Get<WorkQueues>();
        for (var round = 0; round < 20; round++)
        {
            var records = await StoreAsync(one, $"96{round:D2}", 60);
            var keys = records.Select(r => r.Key).ToList();
            // Overlapping work: two pages that share 20 records, and the same records again in the one-key shape.
            await queues.EnqueueManyAsync(queues.Screen, keys[..40], default);
            await queues.EnqueueManyAsync(queues.Screen, keys[20..], default);
            foreach (var k in keys[15..25]) await queues.SendAsync(queues.Screen, new RecordMessage(k).ToJson(), default);

            var screened = await Task.WhenAll(
                Task.Run(() => one.Get<CycleService>().DrainScreenAsync(null, default)),
                Task.Run(() => two.Get<CycleService>().DrainScreenAsync(null, default)));
            Assert.True(screened.All(s => s.Failed == 0 && s.Pending == 0), $"round {round}: a drain failed or left work: {string.Join(", ", screened.Select(s => s.ToString()))}");
            Assert.Equal(40 + 40 + 10, screened.Sum(s => s.Done));

            var mine = keys.ToHashSet(StringComparer.Ordinal);
            var decisions = (await one.Get<ScreeningStore>().ListRuleDecisionsAsync(default)).Where(d => mine.Contains(d.RecordKey)).ToList();
            Assert.Equal(keys.Order(StringComparer.Ordinal), decisions.Select(d => d.RecordKey).Order(StringComparer.Ordinal));
            var passed = decisions.Where(d => !d.Excluded).Select(d => d.RecordKey).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(40, passed.Count);
            var queued = (await one.Get<ScreeningStore>().ListQueueAsync(null, default)).Where(q => mine.Contains(q.RecordKey)).Select(q => q.RecordKey);
            Assert.Equal(passed, queued.Order(StringComparer.Ordinal));

            var extracted = await Task.WhenAll(
                Task.Run(() => one.Get<CycleService>().DrainExtractAsync(null, default)),
                Task.Run(() => two.Get<CycleService>().DrainExtractAsync(null, default)));
            Assert.True(extracted.All(s => s.Failed == 0 && s.Pending == 0), $"round {round}: an extraction drain failed or left work");
            var forms = (await one.Get<ExtractionStore>().ListStoredAsync(default)).Where(f => mine.Contains(f.Key)).ToList();
            Assert.Equal(passed, forms.Select(f => f.Key).Order(StringComparer.Ordinal));
            Assert.All(forms, f => Assert.Equal(FormExtractor.Fields.Count, f.Value.Count));
        }
    }
}
