using SpineReview.Cli;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Dedup;

/// <summary>Duplicate detection as the harvest uses it: records matched against everything stored through the fingerprint
/// index in Azurite, the three bands, a person's merge and split, and the report's count.</summary>
public class DedupStorageTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Title = "Deep learning segmentation of lumbar intervertebral discs on MRI: a multicentre study";

    private static BibRecord PubMed(string pmid, string title, string pages = "100-110", string volume = "31") => new()
    {
        Source = "pubmed", SourceId = pmid, Pmid = pmid, Doi = $"10.1007/s00586-022-{pmid}", Title = title, Year = 2022,
        Journal = "European Spine Journal", Volume = volume, Pages = pages, Authors = [new Author("Smith JA", []), new Author("Lee K", [])],
    };

    private static BibRecord OpenAlex(string id, string title, string pages = "100-110", string volume = "31") => new()
    {
        Source = "openalex", SourceId = id, Title = title, Year = 2022, Journal = "European spine journal", Volume = volume, Pages = pages,
        Authors = [new Author("John A. Smith", []), new Author("Kim Lee", [])],
    };

    private static async Task<List<StoredRecord>> All(TestHost host)
    {
        var list = new List<StoredRecord>();
        await foreach (var r in host.Get<RecordStore>().ListAsync(default)) list.Add(r);
        return list;
    }

    [Fact]
    public async Task SameStudyWithoutASharedIdentifier_LinkedThroughTheFingerprintIndex_AndCountedOnce()
    {
        await using var host = TestHost.Create();
        var store = host.Get<DedupService>();

        Assert.Equal(RecordOutcome.New, (await store.RegisterAsync(PubMed("36000001", Title), "run1", At, default)).Outcome);
        // Another source: no DOI, no PMID, the title in other case and punctuation, the author written "First Last".
        var (outcome, of) = await store.RegisterAsync(OpenAlex("W100", "Deep Learning Segmentation of Lumbar Intervertebral Discs on MRI - A Multicentre Study."), "run1", At, default);
        Assert.Equal((RecordOutcome.Duplicate, "pubmed:36000001"), (outcome, of));
        // A different study in the same journal issue stays apart.
        Assert.Equal(RecordOutcome.New, (await store.RegisterAsync(OpenAlex("W101", "Radiomics of vertebral fractures on CT", "200-210"), "run1", At, default)).Outcome);
        // Run again: nothing new, nothing counted twice.
        Assert.Equal(RecordOutcome.AlreadyStored, (await store.RegisterAsync(OpenAlex("W100", "Deep Learning Segmentation of Lumbar Intervertebral Discs on MRI - A Multicentre Study."), "run2", At, default)).Outcome);

        var records = await All(host);
        var linked = records.Single(r => r.Key == "openalex:W100");
        Assert.Equal(("pubmed:36000001", DedupService.ByFingerprint), (linked.DuplicateOf, linked.DuplicateBy));
        var model = ReportModelBuilder.Build(ReportVersion.First, At, records, [], new Dictionary<string, List<SpineReview.Extraction.ExtractedField>>(), [], null);
        Assert.Equal(3, model.Cumulative.Identified);
        Assert.Equal(records.Count(r => r.DuplicateOf is not null), model.Cumulative.Duplicates);
        Assert.Equal(1, model.Cumulative.Duplicates);
    }

    [Fact]
    public async Task ErratumPrintedWithItsArticle_LinkedAsANoticeNamedErratum_LaterOneAndArticleAfterItGoToAPerson()
    {
        await using var host = TestHost.Create();
        var store = host.Get<DedupService>();
        Assert.Equal(RecordOutcome.New, (await store.RegisterAsync(PubMed("36000011", Title), "run1", At, default)).Outcome);
        // Printed in the same volume: counted with the article, and named for what it is.
        var erratum = OpenAlex("W200", "Erratum to: " + Title, "111");
        Assert.Equal((RecordOutcome.Duplicate, "pubmed:36000011"), await store.RegisterAsync(erratum, "run1", At, default));
        // A correction printed a year later is a record of its own; the pair waits for a person.
        var later = OpenAlex("W201", "Correction: " + Title, "9", "32") with { Year = 2023 };
        Assert.Equal(RecordOutcome.New, (await store.RegisterAsync(later, "run1", At, default)).Outcome);
        // An article that arrives after a notice about it is never linked to the notice: it is a study, and the pair is listed.
        var notice = OpenAlex("W300", "Retraction note: Radiomics of vertebral fractures on CT in older adults", "300");
        var work = PubMed("36000012", "Radiomics of vertebral fractures on CT in older adults", "290-299");
        Assert.Equal(RecordOutcome.New, (await store.RegisterAsync(notice, "run1", At, default)).Outcome);
        Assert.Equal(RecordOutcome.New, (await store.RegisterAsync(work, "run1", At, default)).Outcome);

        var records = await All(host);
        var linked = records.Single(r => r.Key == "openalex:W200");
        Assert.Equal(("pubmed:36000011", "notice:erratum"), (linked.DuplicateOf, linked.DuplicateBy));
        var review = await store.ReviewListAsync(default);
        Assert.Contains(review, p => new[] { p.Pair.RecordKey, p.Pair.OtherKey }.Order().SequenceEqual(["openalex:W201", "pubmed:36000011"]));
        Assert.Contains(review, p => new[] { p.Pair.RecordKey, p.Pair.OtherKey }.Order().SequenceEqual(["openalex:W300", "pubmed:36000012"]));
    }

    [Fact]
    public async Task PreprintThenPublishedArticle_LinkedAsOneStudy_BothRecordsKept()
    {
        await using var host = TestHost.Create();
        var store = host.Get<DedupService>();
        var preprint = new BibRecord
        {
            Source = "arxiv", SourceId = "2101.01234", ArxivId = "2101.01234", Title = "Automated Cobb angle measurement on spine radiographs with deep learning",
            Year = 2021, Authors = [new Author("Wei Zhang", [])], Doi = "10.48550/arXiv.2101.01234",
        };
        var article = PubMed("35000002", "Automated Cobb angle measurement on spinal radiographs with deep learning") with
        {
            Authors = [new Author("Zhang W", [])], Year = 2022,
        };
        Assert.Equal(RecordOutcome.New, (await store.RegisterAsync(preprint, "run1", At, default)).Outcome);
        Assert.Equal((RecordOutcome.Duplicate, "arxiv:2101.01234"), await store.RegisterAsync(article, "run1", At, default));
        var records = await All(host);
        Assert.Equal(2, records.Count);
        Assert.Equal(DedupService.ByVersion, records.Single(r => r.Key == article.Key).DuplicateBy);
        // The same preprint again, as version 2 from another harvest: its arXiv id without version finds the study.
        Assert.Equal(RecordOutcome.Duplicate, (await store.RegisterAsync(preprint with { Source = "europepmc", SourceId = "PPR:1", ArxivId = "2101.01234v2", Doi = null }, "run2", At, default)).Outcome);
    }

    [Fact]
    public async Task UnsurePair_ListedForAPerson_MergeAndSplitAreKeptOnLaterRuns()
    {
        var prefix = TestHost.NewPrefix();
        await using var host = TestHost.Create(prefix: prefix);
        var store = host.Get<DedupService>();
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = prefix };
        // Same title and authors, but other pages and volume: a conference abstract and the article? A person decides.
        var article = PubMed("36000010", Title);
        var abstractRecord = OpenAlex("W200", Title, pages: "S12", volume: "29");
        Assert.Equal(RecordOutcome.New, (await store.RegisterAsync(article, "run1", At, default)).Outcome);
        Assert.Equal(RecordOutcome.New, (await store.RegisterAsync(abstractRecord, "run1", At, default)).Outcome);

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["dedup", "review"], output, error, settings));
        Assert.Contains("openalex:W200  pubmed:36000010", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 possible duplicate pair(s)", error.ToString(), StringComparison.Ordinal);

        Assert.Equal(2, await CommandLine.RunAsync(["dedup", "merge", "openalex:W200", "--into", "pubmed:36000010"], output, error, settings));
        Assert.Equal(0, await CommandLine.RunAsync(["dedup", "merge", "openalex:W200", "--into", "pubmed:36000010", "--by", "Reviewer A"], output, error, settings));
        var merged = (await All(host)).Single(r => r.Key == "openalex:W200");
        Assert.Equal(("pubmed:36000010", DedupService.ByPerson), (merged.DuplicateOf, merged.DuplicateBy));
        var pairs = await host.Get<DedupStore>().ListAsync(DedupStore.Same, default);
        Assert.Equal("Reviewer A", Assert.Single(pairs).DecidedBy);

        // The person changes their mind: split. The record is a study again and goes to screening.
        error = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["dedup", "split", "openalex:W200", "--by", "Reviewer B"], output, error, settings));
        Assert.Contains("queued for screening", error.ToString(), StringComparison.Ordinal);
        Assert.Null((await All(host)).Single(r => r.Key == "openalex:W200").DuplicateOf);
        var queued = await host.Get<WorkQueues>().Screen.ReceiveMessageAsync();
        Assert.Equal("openalex:W200", RecordMessage.Parse(queued.Value.Body.ToString()).RecordKey);

        // Later runs keep the split: the same record again changes nothing, and a third copy of the abstract joins it,
        // not the article the person kept apart.
        Assert.Equal(RecordOutcome.AlreadyStored, (await store.RegisterAsync(abstractRecord, "run2", At, default)).Outcome);
        Assert.Null((await All(host)).Single(r => r.Key == "openalex:W200").DuplicateOf);
        var copy = abstractRecord with { Source = "europepmc", SourceId = "ABS:1" };
        Assert.Equal((RecordOutcome.Duplicate, "openalex:W200"), await store.RegisterAsync(copy, "run2", At, default));

        // Splitting a record that is not linked is a clear error.
        error = new StringWriter();
        Assert.Equal(1, await CommandLine.RunAsync(["dedup", "split", "pubmed:36000010", "--by", "Reviewer B"], output, error, settings));
        Assert.Contains("not linked", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonMergesAKeptRecord_ItsIdentifiersThenLeadToTheStudy()
    {
        await using var host = TestHost.Create();
        var store = host.Get<DedupService>();
        var article = PubMed("36000020", Title);
        var other = OpenAlex("W300", "Lumbar disc segmentation with deep learning in a multicentre cohort") with { Doi = "10.1016/j.other.2022.1" };
        await store.RegisterAsync(article, "run1", At, default);
        await store.RegisterAsync(other, "run1", At, default);

        Assert.Equal("openalex:W300", await store.MergeAsync(article.Key, other.Key, "Reviewer A", At, default));
        // A later record carrying the merged record's DOI is linked to the study, never to a record that is itself linked.
        var later = new BibRecord { Source = "europepmc", SourceId = "MED:36000020", Doi = article.Doi, Title = "Something else entirely", Year = 2022 };
        Assert.Equal((RecordOutcome.Duplicate, "openalex:W300"), await store.RegisterAsync(later, "run2", At, default));
    }

    [Fact]
    public async Task ListedPair_PersonSaysDistinct_LeavesTheReviewList()
    {
        var prefix = TestHost.NewPrefix();
        await using var host = TestHost.Create(prefix: prefix);
        var store = host.Get<DedupService>();
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = prefix };
        await store.RegisterAsync(PubMed("36000030", Title), "run1", At, default);
        await store.RegisterAsync(OpenAlex("W400", Title, pages: "S12", volume: "29"), "run1", At, default);
        Assert.Single(await host.Get<DedupStore>().ListAsync(DedupStore.Review, default));

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["dedup", "distinct", "openalex:W400", "--from", "pubmed:36000030", "--by", "Reviewer A"], output, error, settings));
        Assert.Empty(await host.Get<DedupStore>().ListAsync(DedupStore.Review, default));
        var verdict = Assert.Single(await host.Get<DedupStore>().ListAsync(DedupStore.Distinct, default));
        Assert.Equal("Reviewer A", verdict.DecidedBy);
        Assert.True(verdict.TitleSimilarity > 0.99, "the matcher's similarity is kept with the verdict");
        Assert.All(await All(host), r => Assert.Null(r.DuplicateOf));
    }

    [Fact]
    public async Task Split_ByTheService_TheRecordIsQueuedForScreening_WithoutTheCommandLine()
    {
        await using var host = TestHost.Create();
        var dedup = host.Get<DedupService>();
        var article = PubMed("36000040", Title);
        var copy = OpenAlex("W500", "Another title altogether") with { Doi = article.Doi };
        await dedup.RegisterAsync(article, "run1", At, default);
        Assert.Equal((RecordOutcome.Duplicate, article.Key), await dedup.RegisterAsync(copy, "run1", At, default));

        Assert.Equal(article.Key, await dedup.SplitAsync(copy.Key, "Reviewer A", At, default));
        var queued = await host.Get<WorkQueues>().Screen.ReceiveMessagesAsync(32);
        Assert.Equal([copy.Key], queued.Value.Select(m => RecordMessage.Parse(m.Body.ToString()).RecordKey));
    }

    [Theory]
    [InlineData("36000041", "W501", true)]
    [InlineData("36000042", "W502", false)]
    public async Task Split_TheSameSourceRecordHarvestedAgain_TheSplitStands(string pmid, string openAlexId, bool sharesTheDoi)
    {
        // Linked by a shared DOI (a different title), or by the matcher on title and authors (no identifier shared): a person
        // split them, and the next harvest, citation search or import brings the same source record again.
        await using var host = TestHost.Create();
        var dedup = host.Get<DedupService>();
        var article = PubMed(pmid, Title);
        var copy = sharesTheDoi ? OpenAlex(openAlexId, "Another title altogether") with { Doi = article.Doi } : OpenAlex(openAlexId, Title);
        await dedup.RegisterAsync(article, "run1", At, default);
        Assert.Equal((RecordOutcome.Duplicate, article.Key), await dedup.RegisterAsync(copy, "run1", At, default));
        await dedup.SplitAsync(copy.Key, "Reviewer A", At, default);

        Assert.Equal((RecordOutcome.AlreadyStored, (string?)null), await dedup.RegisterAsync(copy, "run2", At, default));
        var stored = await host.Get<RecordStore>().GetAsync(copy.Key, default);
        Assert.True(stored!.DuplicateOf is null, $"linked again to {stored.DuplicateOf} by {stored.DuplicateBy} after the split");
        Assert.Null((await host.Get<RecordStore>().GetAsync(article.Key, default))!.DuplicateOf);
    }

    [Fact]
    public async Task Merge_ByTheService_TheRecordLeavesTheReviewersQueue_TheStudyStays()
    {
        await using var host = TestHost.Create();
        var dedup = host.Get<DedupService>();
        var screening = host.Get<ScreeningStore>();
        var article = PubMed("36000050", Title);
        var other = OpenAlex("W600", "Radiomics of vertebral fractures on CT", "200-210");
        await dedup.RegisterAsync(article, "run1", At, default);
        await dedup.RegisterAsync(other, "run1", At, default);
        await screening.EnqueueAsync(article.Key, 0.5, At, default);
        await screening.EnqueueAsync(other.Key, 0.5, At, default);

        Assert.Equal(article.Key, await dedup.MergeAsync(other.Key, article.Key, "Reviewer A", At, default));
        Assert.Null(await screening.GetQueueEntryAsync(other.Key, default));
        Assert.NotNull(await screening.GetQueueEntryAsync(article.Key, default));
    }

    private static readonly string[] TwoReviewers = ["Reviewer A", "Reviewer B"];

    [Fact]
    public async Task Split_TwoPeopleAtOnce_SplitOnce_QueuedOnce_TheOtherIsTold()
    {
        await using var host = TestHost.Create();
        var dedup = host.Get<DedupService>();
        const int Rounds = 20;
        var copies = new List<string>();
        for (var i = 0; i < Rounds; i++)
        {
            // Other pages each round: the articles stay studies of their own, never merged with each other.
            var article = PubMed($"3600{i:D4}", $"{Title} {i}", pages: $"{200 + i * 10}-{205 + i * 10}");
            var copy = OpenAlex($"W7{i:D3}", $"Unrelated title {i}") with { Doi = article.Doi };
            await dedup.RegisterAsync(article, "run1", At, default);
            Assert.Equal((RecordOutcome.Duplicate, article.Key), await dedup.RegisterAsync(copy, "run1", At, default));
            var attempts = await Task.WhenAll(TwoReviewers.Select(async by =>
            {
                try
                {
                    await dedup.SplitAsync(copy.Key, by, At, default);
                    return null;
                }
                catch (InvalidOperationException e)
                {
                    return e.Message;
                }
            }));
            var refused = Assert.Single(attempts, a => a is not null);
            Assert.Contains(copy.Key, refused, StringComparison.Ordinal);
            Assert.Null((await host.Get<RecordStore>().GetAsync(copy.Key, default))!.DuplicateOf);
            copies.Add(copy.Key);
        }
        var queued = new List<string>();
        while ((await host.Get<WorkQueues>().Screen.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
            queued.AddRange(batch.Select(m => RecordMessage.Parse(m.Body.ToString()).RecordKey));
        Assert.Equal(copies.Order(), queued.Order());
    }

    [Fact]
    public void SurnamesWithParticles_SameWhicheverWayTheSourceWritesThem()
    {
        static string First(string name) => Normalise.FirstSurname(DedupRecord.From(new BibRecord { Source = "x", SourceId = "1", Authors = [new Author(name, [])] }).Authors);
        Assert.Equal(First("van der Berg J"), First("Jan van der Berg"));
        Assert.Equal(First("De Luca M"), First("Maria De Luca"));
        Assert.Equal(First("Smith JA"), First("John A. Smith"));
        Assert.NotEqual(First("Smith JA"), First("John Smithson"));
    }

    [Fact]
    public void Judge_Bands()
    {
        var o = new DedupOptions();
        static Fingerprint F(string id, string title, string authors, int year, string venue, string pages, string? doi = null, string volume = "12") =>
            Fingerprint.Of(new DedupRecord(id, title, authors, year, venue, volume, "", pages, doi, ""));
        var article = F("a", Title, "Smith JA", 2022, "Eur Spine J", "100-110", "10.1007/x1");
        Assert.Equal(DedupBand.Merge, Deduplicator.Judge(article, F("b", Title.ToUpperInvariant(), "Smith J", 2022, "Eur Spine J", "100-110"), o).Band);
        Assert.Equal(DedupBand.Link, Deduplicator.Judge(article, F("c", Title, "Smith John", 2021, "medRxiv", "", "10.1101/2021.01.01.1"), o).Band);
        Assert.Equal(DedupBand.Review, Deduplicator.Judge(article, F("d", Title, "Smith JA", 2022, "Eur Spine J", "S12", volume: "29"), o).Band);
        // An erratum printed with the article is counted with it as a notice; one printed later goes to a person; another work with its own DOI is distinct.
        Assert.Equal(DedupBand.Notice, Deduplicator.Judge(article, F("e", "Correction: " + Title, "Smith JA", 2022, "Eur Spine J", "111"), o).Band);
        Assert.Equal(DedupBand.Review, Deduplicator.Judge(article, F("e2", "Correction: " + Title, "Smith JA", 2023, "Eur Spine J", "9", volume: "13"), o).Band);
        Assert.Equal(DedupBand.Distinct, Deduplicator.Judge(article, F("f", Title, "Smith JA", 2022, "Eur Spine J", "S12", "10.1007/x2"), o).Band);
        Assert.Equal(DedupBand.Distinct, Deduplicator.Judge(article, F("g", "Radiomics of vertebral fractures on CT", "Smith JA", 2022, "Eur Spine J", "100-110"), o).Band);
    }
}
