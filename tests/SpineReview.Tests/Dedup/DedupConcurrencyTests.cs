using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Dedup;

/// <summary>Two processes storing the same works at once (two imports, an import and a harvest, two Functions instances):
/// two hosts with their own containers on one storage prefix, so nothing but the storage writes keeps them apart.</summary>
public class DedupConcurrencyTests
{
    private const int Rounds = 20;
    private const int Works = 40;
    private static readonly DateTimeOffset At = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    // A copy that arrives after the study was indexed may be linked by the matcher before it ever sees the identifier index.
    private static readonly string[] IdentifierKinds = ["pmid", "doi", DedupService.ByFingerprint];
    private static readonly Dictionary<string, string?> NoCrossref = new() { ["Crossref:Enabled"] = "false" };

    private static string Title(int round, int i) =>
        $"Deep learning {Words[i % Words.Length]} of {Parts[round % Parts.Length]} {Regions[i / Words.Length % Regions.Length]} on MRI in cohort {round} number {i}";

    private static readonly string[] Words = ["segmentation", "classification", "detection", "grading", "registration"];
    private static readonly string[] Parts = ["lumbar", "cervical", "thoracic", "sacral"];
    private static readonly string[] Regions = ["discs", "vertebrae", "canals", "facets", "endplates", "muscles", "nerves", "ligaments"];

    private static BibRecord PubMed(int round, int i) => new()
    {
        Source = "pubmed", SourceId = $"37{round:D2}{i:D4}", Pmid = $"37{round:D2}{i:D4}", Doi = $"10.1007/s00586-023-{round:D2}{i:D4}",
        Title = Title(round, i), Year = 2023, Journal = "European Spine Journal", Volume = "32", Pages = $"{1000 * (round + 1) + i * 20}-{1000 * (round + 1) + i * 20 + 10}",
        Authors = [new Author("Smith JA", []), new Author("Lee K", [])],
    };

    private static async Task<(StoredCounts A, StoredCounts B)> StoreAtOnce(TestHost one, TestHost two, IReadOnlyList<BibRecord> a, IReadOnlyList<BibRecord> b, int round)
    {
        // Task.Run on both sides: each host's registration starts on its own thread, and they overlap in storage.
        var stored = await Task.WhenAll(
            Task.Run(() => one.Get<Harvester>().StoreRecordsAsync(a, $"runA{round}", default)),
            Task.Run(() => two.Get<Harvester>().StoreRecordsAsync(b, $"runB{round}", default)));
        return (stored[0], stored[1]);
    }

    // Every record stored for the round, and the screening messages the round queued (removed, so the next round counts its own).
    private static async Task<(List<StoredRecord> Records, List<string> Queued)> Outcome(TestHost host, IEnumerable<string> keys)
    {
        var store = host.Get<RecordStore>();
        var records = new List<StoredRecord>();
        foreach (var k in keys) records.Add(await store.GetAsync(k, default) ?? throw new InvalidOperationException($"{k} was not stored"));
        var queued = new List<string>();
        var screen = host.Get<WorkQueues>().Screen;
        while ((await screen.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
            foreach (var m in batch)
            {
                queued.AddRange(RecordBatch.Parse(m.Body.ToString()).RecordKeys);
                await screen.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        return (records, queued);
    }

    private static void AssertOneStudyPerWork(List<StoredRecord> records, List<string> queued, (StoredCounts A, StoredCounts B) counts, int round)
    {
        var studies = records.Where(r => r.DuplicateOf is null).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        Assert.True(Works == counts.A.New + counts.B.New, $"round {round}: {counts.A.New} + {counts.B.New} new, expected {Works} in all");
        Assert.Equal(Works, counts.A.Duplicates + counts.B.Duplicates);
        Assert.Equal(0, counts.A.AlreadyStored + counts.B.AlreadyStored);
        Assert.Equal(Works, studies.Count);
        // Every link leads to a study (no chain, no cycle), and only studies were handed over to screening, each once.
        Assert.All(records.Where(r => r.DuplicateOf is not null), r => Assert.Contains(r.DuplicateOf!, studies));
        Assert.Equal(studies.Order(StringComparer.Ordinal), queued.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StoreRecords_TwoHostsStoreTheSameWorksFromTwoSourcesAtOnce_EachWorkOneStudyAndOneDuplicate()
    {
        var prefix = TestHost.NewPrefix();
        await using var one = TestHost.Create(settings: NoCrossref, prefix: prefix);
        await using var two = TestHost.Create(settings: NoCrossref, prefix: prefix, cleanup: false);
        for (var round = 0; round < Rounds; round++)
        {
            var pubmed = Enumerable.Range(0, Works).Select(i => PubMed(round, i)).ToList();
            // Europe PMC's copy of each: its own source id, the same PMID and DOI.
            var europe = pubmed.Select(r => r with { Source = "europepmc", SourceId = "MED:" + r.Pmid, Title = r.Title.ToUpperInvariant() }).ToList();
            var counts = await StoreAtOnce(one, two, pubmed, europe, round);
            var (records, queued) = await Outcome(one, pubmed.Concat(europe).Select(r => r.Key));
            AssertOneStudyPerWork(records, queued, counts, round);
            Assert.All(records.Where(r => r.DuplicateOf is not null), r => Assert.Contains(r.DuplicateBy, IdentifierKinds));
        }
    }

    [Fact]
    public async Task StoreRecords_TwoHostsStoreTheSameWorksOneSourceWithoutIdentifiers_EachWorkOneStudyAndOneDuplicate()
    {
        var prefix = TestHost.NewPrefix();
        await using var one = TestHost.Create(settings: NoCrossref, prefix: prefix);
        await using var two = TestHost.Create(settings: NoCrossref, prefix: prefix, cleanup: false);
        for (var round = 0; round < Rounds; round++)
        {
            var pubmed = Enumerable.Range(0, Works).Select(i => PubMed(round, i)).ToList();
            // OpenAlex's copy without any identifier: only the title, authors and bibliographic details say it is the same work.
            var openAlex = pubmed.Select((r, i) => r with
            {
                Source = "openalex", SourceId = $"W{round:D2}{i:D4}", Pmid = null, Doi = null, Title = r.Title.ToUpperInvariant() + ".",
                Authors = [new Author("John A. Smith", []), new Author("Kim Lee", [])],
            }).ToList();
            var counts = await StoreAtOnce(one, two, pubmed, openAlex, round);
            var (records, queued) = await Outcome(one, pubmed.Concat(openAlex).Select(r => r.Key));
            AssertOneStudyPerWork(records, queued, counts, round);
        }
    }

    [Fact]
    public async Task StoreRecords_TwoHostsStoreOverlappingPagesAtOnce_EachWorkOneStudy_CopiesWithinAndAcrossPagesLinked()
    {
        var prefix = TestHost.NewPrefix();
        await using var one = TestHost.Create(settings: NoCrossref, prefix: prefix);
        await using var two = TestHost.Create(settings: NoCrossref, prefix: prefix, cleanup: false);
        for (var round = 0; round < Rounds; round++)
        {
            // Works 0-59 from PubMed on one host; Europe PMC's copies of works 20-79 on the other, with OpenAlex's copies (no
            // identifier) of works 50-59 on the same page: 80 works, 40 copies across the pages and 10 within one.
            var pubmed = Enumerable.Range(0, 60).Select(i => PubMed(round, i)).ToList();
            var all = Enumerable.Range(0, 80).Select(i => PubMed(round, i)).ToList();
            var europe = all.Skip(20).Select(r => r with { Source = "europepmc", SourceId = "MED:" + r.Pmid }).ToList();
            var openAlex = all.Skip(50).Take(10).Select((r, i) => r with
            {
                Source = "openalex", SourceId = $"W{round:D2}{i:D4}", Pmid = null, Doi = null, Title = r.Title.ToUpperInvariant() + ".",
                Authors = [new Author("John A. Smith", []), new Author("Kim Lee", [])],
            }).ToList();
            var page = europe.Concat(openAlex).ToList();
            var counts = await StoreAtOnce(one, two, pubmed, page, round);
            var (records, queued) = await Outcome(one, pubmed.Concat(page).Select(r => r.Key));

            var studies = records.Where(r => r.DuplicateOf is null).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
            Assert.True(80 == counts.A.New + counts.B.New, $"round {round}: {counts.A.New} + {counts.B.New} new, expected 80 in all");
            Assert.Equal(50, counts.A.Duplicates + counts.B.Duplicates);
            Assert.Equal(0, counts.A.AlreadyStored + counts.B.AlreadyStored);
            Assert.Equal(80, studies.Count);
            Assert.All(records.Where(r => r.DuplicateOf is not null), r => Assert.Contains(r.DuplicateOf!, studies));
            Assert.Equal(studies.Order(StringComparer.Ordinal), queued.Order(StringComparer.Ordinal));
            // Each work's records lead to one study: no work became two.
            Assert.All(records.GroupBy(r => r.Record.Pages), g => Assert.Single(g.Select(r => r.DuplicateOf ?? r.Key).Distinct()));
        }
    }

    [Fact]
    public async Task Merge_TwoPeopleMergeTwoRecordsIntoEachOtherAtOnce_NoCycle_OneIsToldToLookAgain()
    {
        var prefix = TestHost.NewPrefix();
        await using var one = TestHost.Create(settings: NoCrossref, prefix: prefix);
        await using var two = TestHost.Create(settings: NoCrossref, prefix: prefix, cleanup: false);
        for (var round = 0; round < Rounds; round++)
        {
            // Two different works (other titles and pages): a person's merge is the only thing linking them.
            var a = PubMed(round, 0);
            var b = PubMed(round, 1);
            Assert.Equal(RecordOutcome.New, (await one.Get<DedupService>().RegisterAsync(a, "run", At, default)).Outcome);
            Assert.Equal(RecordOutcome.New, (await one.Get<DedupService>().RegisterAsync(b, "run", At, default)).Outcome);
            var attempts = await Task.WhenAll(
                Task.Run(() => Attempt(one, a.Key, b.Key)),
                Task.Run(() => Attempt(two, b.Key, a.Key)));
            var stored = new[] { await Get(one, a.Key), await Get(one, b.Key) };
            // At most one merge stands (both may be refused when each sees the other's write), and the records show exactly that.
            var merged = attempts.Count(m => m is null);
            Assert.True(merged <= 1, $"round {round}: both merges stood; links {stored[0].DuplicateOf ?? "none"} and {stored[1].DuplicateOf ?? "none"}");
            Assert.Equal(2 - merged, stored.Count(r => r.DuplicateOf is null));
            Assert.All(attempts.OfType<string>(), m => Assert.Contains("meanwhile", m, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Merge_ARecordIntoOneThatIsMergedElsewhereAtOnce_EveryLinkLeadsToAStudy()
    {
        var prefix = TestHost.NewPrefix();
        await using var one = TestHost.Create(settings: NoCrossref, prefix: prefix);
        await using var two = TestHost.Create(settings: NoCrossref, prefix: prefix, cleanup: false);
        for (var round = 0; round < Rounds; round++)
        {
            var works = Enumerable.Range(0, 3).Select(i => PubMed(round, i)).ToList();
            foreach (var w in works) await one.Get<DedupService>().RegisterAsync(w, "run", At, default);
            // One person merges the first into the second while another merges the second into the third.
            await Task.WhenAll(
                Task.Run(() => Attempt(one, works[0].Key, works[1].Key)),
                Task.Run(() => Attempt(two, works[1].Key, works[2].Key)));
            var stored = new List<StoredRecord>();
            foreach (var w in works) stored.Add(await Get(one, w.Key));
            var studies = stored.Where(r => r.DuplicateOf is null).Select(r => r.Key).ToList();
            Assert.NotEmpty(studies);
            Assert.All(stored.Where(r => r.DuplicateOf is not null), r => Assert.True(studies.Contains(r.DuplicateOf!),
                $"round {round}: {r.Key} is linked to {r.DuplicateOf}, which is not a study"));
        }
    }

    private static async Task<StoredRecord> Get(TestHost host, string key) => (await host.Get<RecordStore>().GetAsync(key, default))!;

    private static async Task<string?> Attempt(TestHost host, string key, string into)
    {
        try
        {
            await host.Get<DedupService>().MergeAsync(key, into, "Reviewer", At, default);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }
}
