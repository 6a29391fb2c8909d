using Azure.Data.Tables;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Dedup;

/// <summary>The big partitions spread into hash buckets (Records by source, Identifiers by kind, the handover marks), and the
/// one-time move of rows stored before buckets when a host starts: nothing lost, nothing twice, dedup still links to them.</summary>
public class BucketLayoutTests
{
    private static readonly Dictionary<string, string?> NoCrossref = new() { ["Crossref:Enabled"] = "false" };

    private static BibRecord PubMed(int i) => new()
    {
        Source = "pubmed", SourceId = $"39{i:D6}", Pmid = $"39{i:D6}", Doi = $"10.1016/j.spinee.2025.{i:D5}",
        Title = $"Automated grading of lumbar stenosis number {i} with a convolutional network on sagittal MRI",
        Year = 2025, Journal = "The Spine Journal", Volume = "25", Pages = $"{10 + i * 7}-{16 + i * 7}",
        Authors = [new Author("Garcia M", []), new Author("Chen L", [])],
    };

    // Europe PMC's copy: its own source id, the same PMID and DOI.
    private static BibRecord EuropePmc(int i) => PubMed(i) with { Source = "europepmc", SourceId = "MED:" + PubMed(i).Pmid };

    private static IEnumerable<string> Tables(StorageClients storage) => [storage.Names.RecordsTable, storage.Names.IdentifiersTable, storage.Names.StateTable];

    private static async Task<List<TableEntity>> RowsAsync(StorageClients storage, string table)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in storage.Table(table).QueryAsync<TableEntity>()) rows.Add(e);
        return rows;
    }

    [Fact]
    public void PartitionBuckets_Of_IsTheSameFnvHashInEveryProcess()
    {
        // Stored rows are found by this hash: it may never change (string.GetHashCode would change with every process).
        Assert.Equal(("05", "65"), (PartitionBuckets.Of("12345678", 16), PartitionBuckets.Of("12345678", 256)));
        Assert.Equal("02", PartitionBuckets.Of("10.1007%2Fs00586-024-00008", 16));
        Assert.Equal("09", PartitionBuckets.Of("", 16));
        Assert.Equal("pubmed|01", RecordPartitions.Of("pubmed", "12345678"));
        Assert.Equal(("pubmed|01", "12345678"), RecordPartitions.Of("pubmed:12345678"));
        Assert.Equal("pmid|05", IdentifierPartitions.Of("pmid", "12345678"));
        Assert.Equal(("pmid", true, false), (IdentifierPartitions.KindOf("pmid|0c"), PartitionBuckets.IsUnbucketed("pmid"), PartitionBuckets.IsUnbucketed("pmid|0c")));
        var spread = Enumerable.Range(0, 16_000).GroupBy(i => PartitionBuckets.Of($"3{i:D7}", 16)).Select(g => g.Count()).ToList();
        Assert.Equal(16, spread.Count);
        Assert.All(spread, n => Assert.InRange(n, 800, 1200));
        Assert.Throws<ArgumentOutOfRangeException>(() => PartitionBuckets.Of("x", 12));
    }

    [Fact]
    public async Task StoreRecords_ThousandStudies_NoPartitionHoldsMoreThanABucketsShare()
    {
        await using var host = TestHost.Create(settings: NoCrossref);
        var storage = host.Get<StorageClients>();
        var harvester = host.Get<Harvester>();
        for (var page = 0; page < 5; page++)
            Assert.Equal(new StoredCounts(200, 0, 0), await harvester.StoreRecordsAsync(Enumerable.Range(page * 200, 200).Select(PubMed).ToList(), "run1", default));

        foreach (var (table, most) in new[] { (storage.Names.RecordsTable, 300), (storage.Names.IdentifiersTable, 100), (storage.Names.StateTable, 100) })
        {
            var largest = (await RowsAsync(storage, table)).GroupBy(r => r.PartitionKey).MaxBy(g => g.Count())!;
            // 1,000 rows of one kind spread over 16 buckets (the records over 4): about 63 (250) each. Before buckets each was one
            // partition of 1,000.
            Assert.True(largest.Count() <= most, $"{table}: partition {largest.Key} holds {largest.Count()} rows");
        }
        // Every study is still found by its key and its identifiers link copies to it.
        Assert.Equal(1000, (await host.Get<RecordStore>().GetManyAsync(Enumerable.Range(0, 1000).Select(i => PubMed(i).Key), default)).Count);
        Assert.Equal(new StoredCounts(0, 100, 0), await harvester.StoreRecordsAsync(Enumerable.Range(0, 100).Select(EuropePmc).ToList(), "run2", default));
    }

    // Puts every bucketed row of the three tables back where the layout before buckets kept it (partition = source, kind or
    // "handover"), through the SDK, as a deployment of the earlier code holds them, and removes the mark of upgrades done, which
    // that code never wrote. The first keepBoth rows of each table keep their bucket copy too: a move that stopped between the
    // copy and the delete.
    private static async Task ToLayoutBeforeBucketsAsync(StorageClients storage, int keepBoth)
    {
        foreach (var name in Tables(storage))
        {
            var table = storage.Table(name);
            var rows = (await RowsAsync(storage, name)).Where(r => !PartitionBuckets.IsUnbucketed(r.PartitionKey)
                && (name != storage.Names.StateTable || PartitionBuckets.NameOf(r.PartitionKey) == "handover")).ToList();
            foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            {
                var old = new TableEntity(PartitionBuckets.NameOf(row.PartitionKey), row.RowKey);
                foreach (var (column, value) in row)
                    if (column is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")) old[column] = value;
                await table.AddEntityAsync(old);
                if (i >= keepBoth) await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }
        }
        await storage.Table(storage.Names.StateTable).DeleteEntityAsync("layout", "upgrades");
    }

    // What must survive the move: each table's rows as (partition's logical name, row key, the column that matters).
    private static async Task<List<string>> ContentAsync(StorageClients storage) =>
    [
        .. (await RowsAsync(storage, storage.Names.RecordsTable)).Select(r => $"R {PartitionBuckets.NameOf(r.PartitionKey)} {r.RowKey} {r.GetString("Key")} {r.GetString("DuplicateOf")}"),
        .. (await RowsAsync(storage, storage.Names.IdentifiersTable)).Select(r => $"I {PartitionBuckets.NameOf(r.PartitionKey)} {r.RowKey} {r.GetString("RecordKey")}"),
        .. (await RowsAsync(storage, storage.Names.StateTable)).Where(r => PartitionBuckets.NameOf(r.PartitionKey) == "handover").Select(r => $"H {r.RowKey}"),
    ];

    private static async Task<List<string>> UnbucketedAsync(StorageClients storage) =>
    [
        .. (await RowsAsync(storage, storage.Names.RecordsTable)).Concat(await RowsAsync(storage, storage.Names.IdentifiersTable))
            .Concat((await RowsAsync(storage, storage.Names.StateTable)).Where(r => r.PartitionKey == "handover"))
            .Where(r => PartitionBuckets.IsUnbucketed(r.PartitionKey)).Select(r => $"{r.PartitionKey}/{r.RowKey}"),
    ];

    [Fact]
    public async Task HostStart_RowsStoredBeforeBuckets_MovedOnceAndDedupLinksNewRecordsToThem()
    {
        var prefix = TestHost.NewPrefix();
        List<string> before;
        await using (var earlier = TestHost.Create(settings: NoCrossref, prefix: prefix, cleanup: false))
        {
            Assert.Equal(new StoredCounts(30, 0, 0), await earlier.Get<Harvester>().StoreRecordsAsync(Enumerable.Range(0, 30).Select(PubMed).ToList(), "run1", default));
            before = await ContentAsync(earlier.Get<StorageClients>());
            await ToLayoutBeforeBucketsAsync(earlier.Get<StorageClients>(), keepBoth: 3);
            // The rows really are where the earlier code put them (PartitionKey pmid, pubmed, handover).
            var stored = await UnbucketedAsync(earlier.Get<StorageClients>());
            Assert.Contains($"pmid/{PubMed(0).Pmid}", stored);
            Assert.Contains($"pubmed/{PubMed(0).SourceId}", stored);
            Assert.Contains($"handover/{KeyEncoding.Encode(PubMed(0).Key)}", stored);
        }

        // A start of this code on that storage moves every row into its bucket.
        await using var host = TestHost.Create(settings: NoCrossref, prefix: prefix);
        var storage = host.Get<StorageClients>();
        Assert.Empty(await UnbucketedAsync(storage));
        Assert.Equal(before.Order(StringComparer.Ordinal), (await ContentAsync(storage)).Order(StringComparer.Ordinal));

        // Dedup links new records to the moved ones: the bulk path (index read whole) and the per-record path (point reads).
        Assert.Equal(new StoredCounts(0, 10, 0), await host.Get<Harvester>().StoreRecordsAsync(Enumerable.Range(0, 10).Select(EuropePmc).ToList(), "run2", default));
        var (outcome, study) = await host.Get<DedupService>().RegisterAsync(EuropePmc(20), "run3", DateTimeOffset.UnixEpoch, default);
        Assert.Equal((RecordOutcome.Duplicate, PubMed(20).Key), (outcome, study));
        Assert.Equal(PubMed(5).Key, (await host.Get<RecordStore>().GetAsync(EuropePmc(5).Key, default))!.DuplicateOf);
        // The moved handover marks still say the studies were sent: storing them again queues nothing.
        var queued = (await host.Get<WorkQueues>().Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        Assert.Equal(new StoredCounts(0, 0, 30), await host.Get<Harvester>().StoreRecordsAsync(Enumerable.Range(0, 30).Select(PubMed).ToList(), "run4", default));
        Assert.Equal(queued, (await host.Get<WorkQueues>().Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(41, (await RowsAsync(storage, storage.Names.RecordsTable)).Count);

        // Run again (the mark of upgrades done removed): nothing moves, nothing is written.
        var etags = (await RowsAsync(storage, storage.Names.RecordsTable)).Concat(await RowsAsync(storage, storage.Names.IdentifiersTable)).Select(r => r.ETag.ToString()).ToList();
        await storage.Table(storage.Names.StateTable).DeleteEntityAsync("layout", "upgrades");
        await host.Get<StorageInitializer>().UpgradeAsync();
        Assert.Equal(etags, (await RowsAsync(storage, storage.Names.RecordsTable)).Concat(await RowsAsync(storage, storage.Names.IdentifiersTable)).Select(r => r.ETag.ToString()).ToList());
    }

    [Fact]
    public async Task HostStart_TwoHostsAtOnceOnRowsStoredBeforeBuckets_EveryRowMovedOnceAndNoClaimLost()
    {
        for (var round = 0; round < 20; round++)
        {
            var prefix = TestHost.NewPrefix();
            List<string> before;
            await using (var earlier = TestHost.Create(settings: NoCrossref, prefix: prefix, cleanup: false))
            {
                await earlier.Get<Harvester>().StoreRecordsAsync(Enumerable.Range(0, 12).Select(PubMed).Concat(Enumerable.Range(0, 4).Select(EuropePmc)).ToList(), "run1", default);
                before = await ContentAsync(earlier.Get<StorageClients>());
                await ToLayoutBeforeBucketsAsync(earlier.Get<StorageClients>(), keepBoth: round % 4);
            }

            // Two processes start on it at the same moment; each moves what it finds.
            var hosts = await Task.WhenAll(
                Task.Run(() => TestHost.Create(settings: NoCrossref, prefix: prefix, cleanup: false)),
                Task.Run(() => TestHost.Create(settings: NoCrossref, prefix: prefix)));
            try
            {
                var storage = hosts[1].Get<StorageClients>();
                Assert.Empty(await UnbucketedAsync(storage));
                Assert.Equal(before.Order(StringComparer.Ordinal), (await ContentAsync(storage)).Order(StringComparer.Ordinal));
                // The claims still decide: a copy stored by the first host is a duplicate of its study.
                Assert.Equal(new StoredCounts(0, 1, 0), await hosts[0].Get<Harvester>().StoreRecordsAsync([EuropePmc(4 + round % 8)], "run2", default));
            }
            finally
            {
                await hosts[0].DisposeAsync();
                await hosts[1].DisposeAsync();
            }
        }
    }
}
