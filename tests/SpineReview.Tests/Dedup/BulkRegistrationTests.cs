using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Dedup;

/// <summary>The harvest's bulk path: a page matched in memory against a run's index, written in entity-group transactions, with
/// the same outcomes and guarantees as the per-record path.</summary>
public class BulkRegistrationTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string?> NoCrossref = new() { ["Crossref:Enabled"] = "false" };
    private static readonly string[] Topics = ["segmentation", "classification", "detection", "grading", "registration", "reconstruction", "localisation"];
    private static readonly string[] Regions = ["discs", "vertebrae", "canals", "facets", "endplates", "muscles", "nerves", "ligaments", "joints", "roots"];

    private static BibRecord PubMed(int i) => new()
    {
        Source = "pubmed", SourceId = $"38{i:D6}", Pmid = $"38{i:D6}", Doi = $"10.1007/s00586-024-{i:D5}",
        Title = $"Deep learning {Topics[i % Topics.Length]} of lumbar {Regions[i / Topics.Length % Regions.Length]} on MRI in cohort {i}",
        Year = 2024, Journal = "European Spine Journal", Volume = "33", Pages = $"{100 + i * 20}-{110 + i * 20}",
        Authors = [new Author("Smith JA", []), new Author("Lee K", [])],
    };

    // Europe PMC's copy: its own source id, the same PMID and DOI.
    private static BibRecord EuropePmc(int i) => PubMed(i) with { Source = "europepmc", SourceId = "MED:" + PubMed(i).Pmid };

    // OpenAlex's copy without any identifier: only the title, authors and details say it is the same work.
    private static BibRecord OpenAlex(int i) => PubMed(i) with
    {
        Source = "openalex", SourceId = $"W{i:D6}", Pmid = null, Doi = null, Title = PubMed(i).Title.ToUpperInvariant() + ".",
        Authors = [new Author("John A. Smith", []), new Author("Kim Lee", [])],
    };

    /// <summary>Counts every storage request the host's clients send.</summary>
    private sealed class RequestCounter : HttpPipelinePolicy
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref _count);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref _count);
            return ProcessNextAsync(message, pipeline);
        }
    }

    private static TestHost Counted(RequestCounter counter) => TestHost.Create(settings: NoCrossref, configure: s =>
    {
        s.RemoveAll<StorageClients>();
        s.AddSingleton(sp => new StorageClients(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<StorageNames>(), [counter]));
    });

    [Fact]
    public void Plan_AStudyAndItsCopiesOnOnePage_CopiesLinkedInMemoryBeforeAnythingIsWritten()
    {
        var index = new HarvestIndex(new DedupOptions());
        var plan = index.Plan([PubMed(1), EuropePmc(1), OpenAlex(1), PubMed(2)]);

        Assert.Equal([PagePlan.Study, PagePlan.Duplicate, PagePlan.Duplicate, PagePlan.Study], plan.Select(p => p.Plan));
        Assert.Equal(("pubmed:38000001", "pmid"), (plan[1].DuplicateOf, plan[1].DuplicateBy));
        Assert.Equal(("pubmed:38000001", DedupService.ByFingerprint), (plan[2].DuplicateOf, plan[2].DuplicateBy));
        Assert.NotNull(plan[0].TitleClaim);
        // The study's rows are the index's at once; the copies claim nothing.
        Assert.Equal("pubmed:38000001", index.Holder("doi", PubMed(1).Doi!));
        Assert.Equal(4, index.Count);
        Assert.Equal(2 * 3, index.Claims);
    }

    [Fact]
    public void Plan_StoredRecords_NothingToWriteWhenClaimed_PerRecordWhenAClaimIsMissingOrTheKeyComesTwice()
    {
        var index = new HarvestIndex(new DedupOptions());
        index.Plan([PubMed(1)]);
        // A study stored by a run that stopped before its claims: in the index, its rows not.
        index.Put(PubMed(2).Key, Fingerprint.Of(PubMed(2)), null);

        var plan = index.Plan([PubMed(1), PubMed(2), PubMed(3), PubMed(3)]);

        Assert.Equal([PagePlan.Stored, PagePlan.PerRecord, PagePlan.Study, PagePlan.PerRecord], plan.Select(p => p.Plan));
    }

    [Fact]
    public void Plan_TitleHeldByAnotherRecord_LeftToThePerRecordPathToBeJudged()
    {
        var index = new HarvestIndex(new DedupOptions());
        var other = PubMed(5);
        // Another work stored under the same normalised title and year (another writer's, with other details).
        index.Claim(DedupService.TitleKind, DedupService.TitleClaimOf(Fingerprint.Of(other))!, "ieee:99");

        var plan = index.Plan([other]);

        Assert.Equal(PagePlan.PerRecord, plan.Single().Plan);
    }

    [Fact]
    public async Task StoreRecords_PageOf100NewRecordsAndTheirCopies_AHandfulOfRequestsPerPage()
    {
        var counter = new RequestCounter();
        await using var host = Counted(counter);
        var harvester = host.Get<Harvester>();
        await harvester.StoreRecordsAsync([PubMed(0)], "warm", default);
        var works = Enumerable.Range(1, 100).ToList();

        var before = counter.Count;
        var studies = await harvester.StoreRecordsAsync(works.Select(PubMed).ToList(), "run1", default);
        var studyRequests = counter.Count - before;
        before = counter.Count;
        var copies = await harvester.StoreRecordsAsync(works.Select(EuropePmc).Concat(works.Select(OpenAlex)).ToList(), "run2", default);
        var copyRequests = counter.Count - before;

        Assert.Equal(new StoredCounts(100, 0, 0), studies);
        Assert.Equal(new StoredCounts(0, 200, 0), copies);
        // 100 studies: the index read (2), the records (a transaction per bucket), four kinds of claims (a transaction per bucket of
        // each), and the hand-over (one message, a transaction per bucket of marks). The per-record path took about 12 a record.
        Assert.True(studyRequests <= 2 + RecordPartitions.Buckets + 4 * IdentifierPartitions.Buckets + 1 + ScreeningHandover.Buckets + 5, $"{studyRequests} requests for 100 new studies");
        // 200 copies: the index read, the records (a transaction per bucket of each source), and the studies read back, a query per bucket.
        Assert.True(copyRequests <= 2 + 2 * RecordPartitions.Buckets + RecordPartitions.Buckets + 5, $"{copyRequests} requests for 200 copies");
        var stored = host.Get<RecordStore>();
        foreach (var i in works)
        {
            Assert.Equal(PubMed(i).Key, (await stored.GetAsync(EuropePmc(i).Key, default))!.DuplicateOf);
            Assert.Equal(PubMed(i).Key, (await stored.GetAsync(OpenAlex(i).Key, default))!.DuplicateOf);
        }
    }

    [Fact]
    public async Task StoreRecords_RunStoppedAfterTheRecordsBeforeTheClaims_RerunFinishesThemCountsOnceAndHandsOver()
    {
        await using var host = TestHost.Create(settings: NoCrossref);
        var page = Enumerable.Range(1, 30).Select(PubMed).ToList();
        // The first run stored ten records of the page and stopped before claiming their rows or handing them over.
        foreach (var r in page.Take(10)) Assert.True(await host.Get<RecordStore>().TryAddAsync(r, "run1", At, null, null, default));

        var counts = await host.Get<Harvester>().StoreRecordsAsync(page, "run2", default);
        var again = await host.Get<Harvester>().StoreRecordsAsync(page, "run3", default);
        // A copy arriving now finds the rows the rerun claimed for the first ten.
        var copies = await host.Get<Harvester>().StoreRecordsAsync(page.Take(10).Select(r => r with { Source = "europepmc", SourceId = "MED:" + r.Pmid, Title = "Other words" }).ToList(), "run4", default);

        Assert.Equal(new StoredCounts(20, 0, 10), counts);
        Assert.Equal(new StoredCounts(0, 0, 30), again);
        Assert.Equal(new StoredCounts(0, 10, 0), copies);
        var queued = new List<string>();
        var screen = host.Get<WorkQueues>().Screen;
        while ((await screen.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
            foreach (var m in batch)
            {
                queued.AddRange(RecordBatch.Parse(m.Body.ToString()).RecordKeys);
                await screen.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        Assert.Equal(page.Select(r => r.Key).Order(StringComparer.Ordinal), queued.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RegisterPage_StudyMergedElsewhereAfterTheIndexWasRead_CopyLinkedToTheStudyItWasMergedInto()
    {
        await using var host = TestHost.Create(settings: NoCrossref);
        var dedup = host.Get<DedupService>();
        var index = await dedup.LoadIndexAsync(default);
        await dedup.RegisterPageAsync([PubMed(1), PubMed(2)], "run1", At, index, null, default);
        // A person merges the first study into the second while the run goes on with the index it read.
        await dedup.MergeAsync(PubMed(1).Key, PubMed(2).Key, "Reviewer", At, default);

        var outcome = (await dedup.RegisterPageAsync([EuropePmc(1)], "run1", At, index, null, default)).Single();

        Assert.Equal((RecordOutcome.Duplicate, PubMed(2).Key), (outcome.Outcome, outcome.DuplicateOf));
        Assert.Equal(PubMed(2).Key, (await host.Get<RecordStore>().GetAsync(EuropePmc(1).Key, default))!.DuplicateOf);
    }

    [Fact]
    public async Task LoadIndex_RecordStoredBeforeTheCompactColumn_ReadWholeOnceAndTheColumnWritten()
    {
        await using var host = TestHost.Create(settings: NoCrossref);
        var old = PubMed(7);
        // An import's record whose id is its DOI: the id holds '/', which the row key holds encoded.
        var imported = PubMed(8) with { Source = "ris", SourceId = "10.1007/s00586-024-00008", Pmid = null };
        Assert.True(await host.Get<RecordStore>().TryAddAsync(old, "run1", At, null, null, default));
        Assert.True(await host.Get<RecordStore>().TryAddAsync(imported, "run1", At, null, null, default));

        var index = await host.Get<DedupService>().LoadIndexAsync(default);
        var copy = index.Plan([OpenAlex(7)]).Single();

        Assert.Equal((PagePlan.Duplicate, old.Key), (copy.Plan, copy.DuplicateOf));
        var storage = host.Get<StorageClients>();
        var table = storage.Table(storage.Names.RecordsTable);
        var row = await table.GetEntityAsync<TableEntity>(RecordPartitions.Of("pubmed", old.SourceId), old.SourceId);
        Assert.Contains(old.Title, row.Value.GetString("Dedup"), StringComparison.Ordinal);
        var importedRow = await table.GetEntityAsync<TableEntity>(RecordPartitions.Of("ris", KeyEncoding.Encode(imported.SourceId)), KeyEncoding.Encode(imported.SourceId));
        Assert.Contains(imported.Title, importedRow.Value.GetString("Dedup"), StringComparison.Ordinal);
    }
}
