using System.Diagnostics.Tracing;
using Azure.Core.Diagnostics;
using Azure.Data.Tables;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>The rule decisions and the people's queue spread into hash buckets ("rules|source|bb", "queue|bb"), and the one-time
/// move of rows stored before buckets when a host starts: nothing lost, nothing queued twice, a person's state kept.</summary>
public class ScreeningBucketTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<List<TableEntity>> RowsAsync(StorageClients storage, string table)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in storage.Table(table).QueryAsync<TableEntity>()) rows.Add(e);
        return rows;
    }

    private static bool IsBucketedRules(string partition) =>
        partition.StartsWith("rules|", StringComparison.Ordinal) && partition.IndexOf('|', "rules|".Length) > 0;

    // The partition the layout before buckets kept a row in: "rules|pubmed|02" -> "rules|pubmed", "queue|05" -> "queue".
    private static string Unbucketed(string partition) => partition[..partition.LastIndexOf('|')];

    private static string Column(TableEntity row, string name) => row.TryGetValue(name, out var v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";

    // What must survive the move: every rule decision and queue row with the columns that matter, by its logical partition.
    private static async Task<List<string>> ContentAsync(StorageClients storage) =>
    [
        .. (await RowsAsync(storage, storage.Names.ScreeningTable)).Where(r => r.PartitionKey.StartsWith("rules|", StringComparison.Ordinal))
            .Select(r => $"R {(IsBucketedRules(r.PartitionKey) ? Unbucketed(r.PartitionKey) : r.PartitionKey)} {r.RowKey} {Column(r, "RecordKey")} {Column(r, "Excluded")} {Column(r, "Reason")}"),
        .. (await RowsAsync(storage, storage.Names.ScreeningQueueTable))
            .Select(r => $"Q {r.RowKey} {Column(r, "Reviewers").Replace('\n', ',')} {Column(r, "Status")} {Column(r, "Probability")}"),
    ];

    // Rows where the layout before buckets kept them.
    private static async Task<List<string>> OldLayoutAsync(StorageClients storage) =>
    [
        .. (await RowsAsync(storage, storage.Names.ScreeningTable)).Where(r => r.PartitionKey.StartsWith("rules|", StringComparison.Ordinal) && !IsBucketedRules(r.PartitionKey))
            .Select(r => $"{r.PartitionKey}/{r.RowKey}"),
        .. (await RowsAsync(storage, storage.Names.ScreeningQueueTable)).Where(r => r.PartitionKey == "queue").Select(r => $"{r.PartitionKey}/{r.RowKey}"),
    ];

    // Puts every rule decision and queue row back where the earlier code kept them (partitions "rules|pubmed" and "queue"), through
    // the SDK, and removes the mark of upgrades done. The first keepBoth rows of each table keep their bucket copy too (a move that
    // stopped between copy and delete); change, when given, is applied to the old copy of the first of them: written by a process
    // of the earlier version after the copy was made, so the old row must win.
    private static async Task ToLayoutBeforeBucketsAsync(StorageClients storage, int keepBoth, Action<TableEntity>? change = null)
    {
        foreach (var (name, bucketed) in new (string, Func<string, bool>)[]
                 {
                     (storage.Names.ScreeningTable, IsBucketedRules),
                     (storage.Names.ScreeningQueueTable, p => p.StartsWith("queue|", StringComparison.Ordinal)),
                 })
        {
            var table = storage.Table(name);
            var rows = (await RowsAsync(storage, name)).Where(r => bucketed(r.PartitionKey)).OrderBy(r => r.RowKey, StringComparer.Ordinal).ToList();
            Assert.NotEmpty(rows);
            foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            {
                var old = new TableEntity(Unbucketed(row.PartitionKey), row.RowKey);
                foreach (var (column, value) in row)
                    if (column is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")) old[column] = value;
                if (i == 0 && keepBoth > 0) change?.Invoke(old);
                await table.AddEntityAsync(old);
                if (i >= keepBoth) await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }
        }
        await storage.Table(storage.Names.StateTable).DeleteEntityAsync("layout", "upgrades");
    }

    // 30 studies screened (20 pass) and one of them screened by a person, stored through this code, then put back in the
    // layout before buckets.
    private static async Task<(List<string> Keys, string Reviewed)> EarlierAsync(TestHost earlier, string pmids)
    {
        var keys = (await BatchStagesTests.StoreAsync(earlier, pmids, 30)).Select(r => r.Key).ToList();
        var decided = await earlier.Get<ScreeningService>().ScreenManyAsync(keys, default);
        Assert.Equal(20, decided.Count(d => !d.Excluded));
        // The last that passed: the first (by key) is the row the move test has the earlier version change.
        var reviewed = decided.Last(d => !d.Excluded).RecordKey;
        await earlier.Get<ScreeningStore>().UpdateQueueAsync(reviewed, q => Task.FromResult(q with { Reviewers = ["ana"], Probability = 0.8 }), default);
        return (keys, reviewed);
    }

    [Fact]
    public async Task ScreenMany_ThreeHundredStudies_RuleAndQueueRowsSpreadOverBuckets()
    {
        await using var host = TestHost.Create(settings: BatchStagesTests.NoCrossref);
        var keys = (await BatchStagesTests.StoreAsync(host, "95300", 300)).Select(r => r.Key).ToList();
        var decided = await host.Get<ScreeningService>().ScreenManyAsync(keys, default);
        var storage = host.Get<StorageClients>();
        var rules = (await RowsAsync(storage, storage.Names.ScreeningTable)).GroupBy(r => r.PartitionKey).ToList();
        var queue = (await RowsAsync(storage, storage.Names.ScreeningQueueTable)).GroupBy(r => r.PartitionKey).ToList();
        // Before: one partition "rules|pubmed" of 300 rows and one "queue" of 200, which grow with the review.
        Assert.Equal(ScreeningStore.RuleBuckets, rules.Count);
        Assert.All(rules, g => Assert.Matches("^rules\\|pubmed\\|0[0-3]$", g.Key));
        Assert.All(rules, g => Assert.InRange(g.Count(), 40, 110));
        Assert.Equal(ScreeningStore.QueueBuckets, queue.Count);
        Assert.All(queue, g => Assert.InRange(g.Count(), 10, 45));
        // Each read finds its row where the write put it, and the whole reads see every bucket.
        Assert.Equal(200, (await host.Get<ScreeningStore>().ListQueueAsync(ScreeningStatus.Pending, default)).Count);
        Assert.Equal(300, (await host.Get<ScreeningStore>().ListRuleDecisionsAsync(default)).Count);
        foreach (var d in decided.Take(40))
        {
            Assert.Equal(d.Excluded, (await host.Get<ScreeningStore>().GetRuleDecisionAsync(d.RecordKey, default))!.Excluded);
            Assert.Equal(!d.Excluded, await host.Get<ScreeningStore>().GetQueueEntryAsync(d.RecordKey, default) is not null);
        }
        // The model's probabilities land on rows of every bucket (a transaction per bucket).
        var passed = decided.Where(d => !d.Excluded).Select(d => d.RecordKey).ToList();
        await host.Get<ScreeningStore>().SetProbabilitiesAsync(passed.Select((k, i) => (k, i / 1000.0)).ToList(), default);
        var probabilities = (await host.Get<ScreeningStore>().ListQueueAsync(null, default)).ToDictionary(q => q.RecordKey, q => q.Probability);
        Assert.All(passed.Select((k, i) => (k, i)), x => Assert.Equal(x.i / 1000.0, probabilities[x.k]));
    }

    [Fact]
    public async Task DrainScreen_HandOverOf400_EachMessageOneBucketsKeysAndEveryStudyReadOnceInFewerQueries()
    {
        await using var host = TestHost.Create(settings: BatchStagesTests.NoCrossref);
        var keys = (await BatchStagesTests.StoreAsync(host, "95400", 400)).Select(r => r.Key).ToList();
        await host.Get<ScreeningHandover>().HandOverManyAsync(keys, default);
        var queues = host.Get<WorkQueues>();
        var bodies = await BatchStagesTests.BodiesAsync(queues.Screen);
        Assert.Equal(4, bodies.Count);
        var sent = bodies.Select(b => RecordBatch.Parse(b).RecordKeys).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), sent.SelectMany(k => k).Order(StringComparer.Ordinal));

        var records = "/" + host.Get<StorageClients>().Names.RecordsTable + "()";
        var queries = 0;
        var said = new List<string>();
        using (new AzureEventSourceListener((e, message) =>
               {
                   if (e.EventName == "Request" && message.Contains(records, StringComparison.Ordinal)) Interlocked.Increment(ref queries);
               }, EventLevel.Informational))
        {
            Assert.Equal(400, (await host.Get<SpineReview.Cycle.CycleService>().DrainScreenAsync(new SyncProgress(said.Add), default)).Done);
        }
        // Every study decided once, whichever bucket and message it was in.
        var decided = await host.Get<ScreeningStore>().ListRuleDecisionsAsync(default);
        Assert.Equal(keys.Order(StringComparer.Ordinal), decided.Select(d => d.RecordKey).Order(StringComparer.Ordinal));
        // 400 keys over the source's 4 buckets: 34 queries of 12 keys at the least. Messages naming keys of every bucket (before)
        // took about 25 keys a bucket a message, 3 queries each: 48; a message of one or two buckets' keys takes 9 or 10.
        Assert.True(queries is >= 34 and <= 40, $"{queries} Records queries; the messages' keys by partition: " +
            string.Join(" | ", sent.Select(m => string.Join(",", m.GroupBy(k => RecordPartitions.Of(k).Partition).Select(g => $"{g.Key}:{g.Count()}")))));
    }

    [Fact]
    public async Task EnqueueMany_TwoProcessesAtOnceOverlappingAcrossBuckets_EachStudyQueuedOnceAndAPersonsStateKept()
    {
        for (var round = 0; round < 20; round++)
        {
            var prefix = TestHost.NewPrefix();
            await using var one = TestHost.Create(settings: BatchStagesTests.NoCrossref, prefix: prefix, cleanup: false);
            await using var two = TestHost.Create(settings: BatchStagesTests.NoCrossref, prefix: prefix);
            var keys = Enumerable.Range(0, 60).Select(i => $"pubmed:9540{round:D2}{i:D2}").ToList();
            // One study is in the queue already and a person has screened it.
            await one.Get<ScreeningStore>().EnqueueManyAsync([keys[25]], 0.5, At, default);
            await one.Get<ScreeningStore>().UpdateQueueAsync(keys[25], q => Task.FromResult(q with { Reviewers = ["ana"] }), default);

            await Task.WhenAll(
                Task.Run(() => one.Get<ScreeningStore>().EnqueueManyAsync(keys[..40], 0.5, At, default)),
                Task.Run(() => two.Get<ScreeningStore>().EnqueueManyAsync(keys[20..], 0.5, At, default)));

            var storage = one.Get<StorageClients>();
            var rows = await RowsAsync(storage, storage.Names.ScreeningQueueTable);
            Assert.Equal(keys.Order(StringComparer.Ordinal), rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
            Assert.All(rows, r => Assert.Equal(ScreeningStore.QueuePartitionOf(r.RowKey), r.PartitionKey));
            Assert.Equal(["ana"], (await one.Get<ScreeningStore>().GetQueueEntryAsync(keys[25], default))!.Reviewers);
        }
    }

    [Fact]
    public async Task HostStart_RulesAndQueueStoredBeforeBuckets_MovedOnceWithAPersonsStateAndNotQueuedAgain()
    {
        var prefix = TestHost.NewPrefix();
        List<string> keys, before;
        string reviewed;
        await using (var earlier = TestHost.Create(settings: BatchStagesTests.NoCrossref, prefix: prefix, cleanup: false))
        {
            (keys, reviewed) = await EarlierAsync(earlier, "95200");
            var storage = earlier.Get<StorageClients>();
            // The first queue row (by key) was changed by the earlier version after a crashed move had copied it: a second reviewer.
            var first = (await RowsAsync(storage, storage.Names.ScreeningQueueTable)).Select(r => r.RowKey).Order(StringComparer.Ordinal).First();
            await ToLayoutBeforeBucketsAsync(storage, keepBoth: 3, change: row =>
            {
                if (row.PartitionKey == "queue") row["Reviewers"] = "ana\nben";
            });
            // A row left in both places is one row once moved; of the changed one, the old row's content.
            before = (await ContentAsync(storage)).Distinct().ToList();
            before = before.Where(c => !(c.StartsWith($"Q {first} ", StringComparison.Ordinal) && !c.Contains("ana,ben", StringComparison.Ordinal))).ToList();
            // The rows really are where the earlier code put them.
            var old = await OldLayoutAsync(storage);
            Assert.Equal(30 + 20, old.Count);
            Assert.Contains($"rules|pubmed/{KeyEncoding.Encode(keys[1]["pubmed:".Length..])}", old);
            Assert.Contains($"queue/{reviewed}", old);
        }

        // A start of this code on that storage moves every row into its bucket.
        await using var host = TestHost.Create(settings: BatchStagesTests.NoCrossref, prefix: prefix);
        var moved = host.Get<StorageClients>();
        Assert.Empty(await OldLayoutAsync(moved));
        Assert.Equal(before.Order(StringComparer.Ordinal), (await ContentAsync(moved)).Order(StringComparer.Ordinal));
        var store = host.Get<ScreeningStore>();
        Assert.Equal(30, (await store.ListRuleDecisionsAsync(default)).Count);
        Assert.All(keys, k => Assert.NotNull(store.GetRuleDecisionAsync(k, default).Result));
        Assert.Equal(["ana"], (await store.GetQueueEntryAsync(reviewed, default))!.Reviewers);

        // Screened again (a message handled twice): each study still once in the queue, the person's screening kept.
        await host.Get<ScreeningService>().ScreenManyAsync(keys, default);
        var queue = await store.ListQueueAsync(null, default);
        Assert.Equal(20, queue.Count);
        Assert.Equal(20, queue.Select(q => q.RecordKey).Distinct().Count());
        Assert.Equal(["ana"], queue.Single(q => q.RecordKey == reviewed).Reviewers);
        Assert.Equal(0.8, queue.Single(q => q.RecordKey == reviewed).Probability);

        // Run again (the mark of upgrades done removed): nothing moves, nothing is written.
        var etags = (await RowsAsync(moved, moved.Names.ScreeningQueueTable)).Concat(await RowsAsync(moved, moved.Names.ScreeningTable)).Select(r => r.ETag.ToString()).ToList();
        await moved.Table(moved.Names.StateTable).DeleteEntityAsync("layout", "upgrades");
        await host.Get<StorageInitializer>().UpgradeAsync();
        Assert.Equal(etags, (await RowsAsync(moved, moved.Names.ScreeningQueueTable)).Concat(await RowsAsync(moved, moved.Names.ScreeningTable)).Select(r => r.ETag.ToString()).ToList());
    }

    [Fact]
    public async Task HostStart_TwoHostsAtOnceOnQueueStoredBeforeBuckets_EveryRowMovedOnce()
    {
        for (var round = 0; round < 20; round++)
        {
            var prefix = TestHost.NewPrefix();
            List<string> before;
            string reviewed;
            await using (var earlier = TestHost.Create(settings: BatchStagesTests.NoCrossref, prefix: prefix, cleanup: false))
            {
                (_, reviewed) = await EarlierAsync(earlier, $"952{round:D2}");
                await ToLayoutBeforeBucketsAsync(earlier.Get<StorageClients>(), keepBoth: round % 4);
                before = await ContentAsync(earlier.Get<StorageClients>());
                // A row left in both places (keepBoth) is one row once moved.
                before = before.Distinct().ToList();
            }

            // Two processes start on it at the same moment; each moves what it finds.
            var hosts = await Task.WhenAll(
                Task.Run(() => TestHost.Create(settings: BatchStagesTests.NoCrossref, prefix: prefix, cleanup: false)),
                Task.Run(() => TestHost.Create(settings: BatchStagesTests.NoCrossref, prefix: prefix)));
            try
            {
                var storage = hosts[1].Get<StorageClients>();
                Assert.Empty(await OldLayoutAsync(storage));
                Assert.Equal(before.Order(StringComparer.Ordinal), (await ContentAsync(storage)).Order(StringComparer.Ordinal));
                Assert.Equal(["ana"], (await hosts[0].Get<ScreeningStore>().GetQueueEntryAsync(reviewed, default))!.Reviewers);
            }
            finally
            {
                await hosts[0].DisposeAsync();
                await hosts[1].DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task QueueMove_SecondHostOnAStalePage_LeavesAPersonsLaterDecision()
    {
        var prefix = TestHost.NewPrefix();
        string reviewed;
        List<TableEntity> stalePage;
        await using (var earlier = TestHost.Create(settings: BatchStagesTests.NoCrossref, prefix: prefix, cleanup: false))
        {
            var keys = (await BatchStagesTests.StoreAsync(earlier, "97100", 30)).Select(r => r.Key).ToList();
            var decided = await earlier.Get<ScreeningService>().ScreenManyAsync(keys, default);
            reviewed = decided.First(d => !d.Excluded).RecordKey;
            var storage = earlier.Get<StorageClients>();
            var queue = storage.Table(storage.Names.ScreeningQueueTable);
            // Back to the layout before buckets, the move not yet recorded done.
            await ToLayoutBeforeBucketsAsync(storage, keepBoth: 0);
            // Host B starts and reads its first page of old rows ...
            stalePage = [];
            await foreach (var e in queue.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"queue"}"))) stalePage.Add(e);
            Assert.NotEmpty(stalePage);
        }

        // ... host A starts meanwhile, moves every row, records the move done and serves: a person takes a study.
        await using var a = TestHost.Create(settings: BatchStagesTests.NoCrossref, prefix: prefix);
        var store = a.Get<ScreeningStore>();
        await store.UpdateQueueAsync(reviewed, q => Task.FromResult(q with { Reviewers = ["ana"] }), default);
        Assert.Equal(["ana"], (await store.GetQueueEntryAsync(reviewed, default))!.Reviewers);

        // Host B goes on with the page it read, as QueueLayoutUpgrade does.
        var s = a.Get<StorageClients>();
        var moved = await PartitionBuckets.MoveAsync(s.Table(s.Names.ScreeningQueueTable), Stream(stalePage), r => ScreeningStore.QueuePartitionOf(r.RowKey), default);

        Assert.Equal(stalePage.Count, moved);
        Assert.Equal(["ana"], (await store.GetQueueEntryAsync(reviewed, default))!.Reviewers);
        Assert.Equal(stalePage.Count, (await store.ListQueueAsync(null, default)).Count);
    }

    [Fact]
    public async Task RuleDecision_StoredInTheRecordsOwnPartition_StillReadByGetAndList_NotAPersonsDecision_ABucketRowWins()
    {
        await using var host = TestHost.Create(settings: BatchStagesTests.NoCrossref);
        var s = host.Get<StorageClients>();
        // The layout before "rules|source": row "rules" in the record's own partition.
        await s.Table(s.Names.ScreeningTable).AddEntityAsync(new TableEntity("pubmed:97200001", "rules")
        {
            ["RecordKey"] = "pubmed:97200001", ["Excluded"] = true, ["Reason"] = "not-dl", ["Rule"] = "r", ["RuleVersion"] = "rules-1.0",
            ["Evidence"] = "", ["DecidedAt"] = DateTimeOffset.UnixEpoch,
        });
        var store = host.Get<ScreeningStore>();
        Assert.True((await store.GetRuleDecisionAsync("pubmed:97200001", default))!.Excluded);
        Assert.Contains(await store.ListRuleDecisionsAsync(default), d => d.RecordKey == "pubmed:97200001" && d.Excluded);
        Assert.Empty(await store.ListDecisionsAsync(default));
        await store.SaveRuleDecisionsAsync([new RuleDecision("pubmed:97200001", false, null, "r", "rules-1.1", "", DateTimeOffset.UnixEpoch)], default);
        Assert.False((await store.GetRuleDecisionAsync("pubmed:97200001", default))!.Excluded);
        Assert.False((await store.ListRuleDecisionsAsync(default)).Single(d => d.RecordKey == "pubmed:97200001").Excluded);
    }

    private static async IAsyncEnumerable<TableEntity> Stream(IEnumerable<TableEntity> rows)
    {
        foreach (var r in rows)
        {
            await Task.Yield();
            yield return r;
        }
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
