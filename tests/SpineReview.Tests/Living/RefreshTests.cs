using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using SpineReview.Alerts;
using SpineReview.Extraction;
using SpineReview.Functions.Functions;
using SpineReview.Living;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Alerts;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Living;

/// <summary>The refresh against the local source server and the real Azurite, each source from a recorded answer in its real format
/// (samples/refresh): Crossref's "updated-by" with a correction and a Retraction Watch retraction, PubMed's efetch with a RetractionIn and
/// an ErratumIn, OpenAlex's work with is_retracted. The changes are kept with their dates, once, also across sources; the retracted
/// study is flagged in the next report's "what is new" and in its table of studies; a source switched off is not asked.</summary>
public sealed class RefreshTests : IDisposable
{
    private const string Study = "pubmed:40647478";
    private readonly string _replay = Path.Combine(Path.GetTempPath(), "refresh-" + Guid.NewGuid().ToString("N")[..8]);

    public RefreshTests()
    {
        // The recorded PubMed sample, and Crossref as it answers for the study's DOI after the retraction.
        Directory.CreateDirectory(Path.Combine(_replay, "pubmed"));
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Replay, "pubmed"))) File.Copy(file, Path.Combine(_replay, "pubmed", Path.GetFileName(file)));
        Directory.CreateDirectory(Path.Combine(_replay, "crossref", "works"));
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "samples", "refresh", "crossref", "works")))
            File.Copy(file, Path.Combine(_replay, "crossref", "works", Path.GetFileName(file)));
        // PubMed's record of the study as it reads after the retraction, served for an efetch by its PMID.
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "samples", "refresh", "pubmed")))
            File.Copy(file, Path.Combine(_replay, "pubmed", Path.GetFileName(file)));
        // OpenAlex's answer to the filter by the study's DOI, where the replay keeps answers to filters by identifier.
        Directory.CreateDirectory(Path.Combine(_replay, "openalex"));
        Directory.CreateDirectory(Path.Combine(_replay, "citations"));
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "samples", "refresh", "openalex")))
            File.Copy(file, Path.Combine(_replay, "citations", Path.GetFileName(file)));
    }

    public void Dispose() => Directory.Delete(_replay, recursive: true);

    [Fact]
    public async Task Refresh_IncludedStudyRetracted_ChangesKeptWithTheirDates_FlaggedInTheNextReport_FoundOnce()
    {
        await using var server = await SourceServer.StartAsync(_replay);
        var prefix = await IncludedStudyAsync(server);
        var pubmedBefore = server.Of("pubmed").Count();
        // Crossref alone: PubMed and OpenAlex switched off are not asked.
        await using var host = TestHost.Create(settings: Settings(server, crossref: true, pubmed: false, openAlex: false), prefix: prefix);
        var reports = host.Get<ReportService>();
        var before = await reports.GenerateAsync(default);
        Assert.Contains(Study, before.Manifest.Included);
        Assert.DoesNotContain(Study, before.Manifest.Retracted ?? []);

        var refresher = host.Get<RecordRefresher>();
        var result = await refresher.RefreshAsync(null, default);

        Assert.Equal(1, result.Studies);
        Assert.Equal([new SourceAsked("crossref", 1, 0)], result.Sources);
        Assert.Equal(pubmedBefore, server.Of("pubmed").Count());
        Assert.Empty(server.Of("openalex"));
        Assert.Equal(
            [
                (Study, "correction", "10.3390/cancers18040611", (DateOnly?)new DateOnly(2026, 2, 11), "publisher", true),
                (Study, "retraction", "10.3390/cancers18221977", new DateOnly(2026, 11, 3), "retraction-watch", true),
            ],
            result.New.Select(c => (c.RecordKey, c.Kind, c.Doi, c.Issued, c.By, c.Included)));
        Assert.Equal("retraction 10.3390/cancers18221977 (2026-11-03, retraction-watch)", result.New[1].Describe());
        var stored = await host.Get<RecordStore>().GetAsync(Study, default);
        Assert.Contains("Retracted Publication", stored!.Record.PublicationTypes);
        Assert.Equal("Exploring the Potential of a Deep Learning Model for Early CT Detection of High-Grade Metastatic Epidural Spinal Cord Compression and Its Impact on Treatment Delays.",
            stored.Record.Title);

        // The next report: flagged in the table (the manifest's retracted studies) and listed in "what is new".
        var after = await reports.GenerateAsync(default);
        Assert.Equal([Study], after.Manifest.Retracted);
        var text = string.Join(" ", Pdf.PageTexts(after.Pdf));
        Assert.Contains("1 newly retracted study among those shown", text, StringComparison.Ordinal);
        Assert.Matches(@"Newly retracted \(marked by the source\) \(1\) • Hallinan J[^•]*still counted as included until reviewers decide", text);
        // The correction: listed in "what is new" with its notice, marked ‡ in the table, and the version says why it was made.
        Assert.Contains("1 newly retracted study among those shown; 1 correction or other notice found for studies shown", text, StringComparison.Ordinal);
        Assert.Matches(@"Corrections, errata, expressions of concern and journal versions found \(1\) • Hallinan J[^•]*correction 10\.3390/cancers18040611 \(2026-02-11, publisher\)", text);
        Assert.Contains("⚠ ‡ Hallinan J", text, StringComparison.Ordinal);
        Assert.Equal("same studies; the refresh found 1 newly retracted and 1 notice (corrections, errata, expressions of concern, journal versions)", after.Manifest.Change);
        Assert.Equal([$"{Study}|correction 10.3390/cancers18040611 (2026-02-11, publisher)"], after.Manifest.Notices);
        // The exports carry every notice.
        var csv = Exports.Csv(await host.Get<ExportService>().StudiesAsync(withProvisional: false, default));
        var header = csv.Split("\r\n")[0].Split(',');
        Assert.Equal("notices", header[^1]);
        Assert.EndsWith(",\"correction 10.3390/cancers18040611 (2026-02-11, publisher); retraction 10.3390/cancers18221977 (2026-11-03, retraction-watch)\"",
            csv.Split("\r\n")[1], StringComparison.Ordinal);

        // Run again, as the weekly timer runs it: nothing found twice, the record marked once.
        await NewTimer(host).RefreshStudies(new TimerInfo(), default);
        var again = await refresher.RefreshAsync(null, default);
        Assert.Empty(again.New);
        Assert.Equal(2, (await refresher.ListAsync(default)).Count);
        Assert.Single((await host.Get<RecordStore>().GetAsync(Study, default))!.Record.PublicationTypes, t => t == "Retracted Publication");
    }

    [Fact]
    public async Task Refresh_RetractionOfAStudySentToSubscribers_EachOfThemGetsOneNotice_OverRealSmtp()
    {
        await using var server = await SourceServer.StartAsync(_replay);
        var settings = TestHost.PubMedOnly();
        settings["PubMed:BaseUrl"] = server.BaseUrl("pubmed");
        settings["Crossref:Enabled"] = "true";
        settings["Crossref:BaseUrl"] = server.BaseUrl("crossref");
        settings["Crossref:Email"] = "team@example.org";
        // The harvest and Crossref keep to their rate limits with the host's clock: this test runs on real time, not the kit's fake clock.
        var (host, _) = AlertTestKit.Create(settings, configure: s => s.AddSingleton(TimeProvider.System));
        await using var __ = host;
        // Three subscribers: one who will get the study, one whose filter leaves it out, one who gets it and then unsubscribes.
        var (told, filtered, gone) = (MailDev.NewAddress("told"), MailDev.NewAddress("mri"), MailDev.NewAddress("gone"));
        await AlertTestKit.SubscribeAndConfirmAsync(host, told, name: "Ana Told");
        await AlertTestKit.SubscribeAndConfirmAsync(host, filtered, modality: "MRI");
        await AlertTestKit.SubscribeAndConfirmAsync(host, gone);
        var clock = host.Get<TimeProvider>();

        await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default);
        Assert.False((await host.Get<ScreeningService>().ScreenAsync(new RecordMessage(Study), default))!.Excluded);
        var stored = await host.Get<RecordStore>().GetAsync(Study, default);
        await host.Get<ExtractionStore>().SaveAsync(Study, ExtractionService.Extract(stored!), clock.GetUtcNow(), default);
        await host.Get<ScreeningStore>().UpdateQueueAsync(Study, q => Task.FromResult(q with
        {
            Status = ScreeningStatus.Final, Included = true, How = "2 reviewers agreed", Reviewers = ["ana", "ben"], SettledAt = clock.GetUtcNow(),
        }), default);
        // A second included study (a cervical CT one, without a Crossref record), sent in the same emails.
        var cervical = await AlertTestKit.SeedStudyAsync(host, AlertTestKit.CervicalCt("880001"), clock.GetUtcNow());
        var alerts = host.Get<AlertService>();
        var first = await alerts.RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((2, 4, 2), (first.Planned, first.PlannedStudies, first.Sent));
        Assert.Equal(2, (await MailDev.WaitForAsync(told, 2)).Count);
        var goneMail = await MailDev.WaitForAsync(gone, 2);
        Assert.Equal(2, goneMail.Count);
        Assert.True((await host.Get<SubscriptionService>().UnsubscribeAsync(AlertTestKit.UnsubscribeToken(goneMail[1]), default)).Subscriber.Status == SubscriberStatus.Unsubscribed);
        await host.Get<AlertService>().DrainNudgesAsync(default);

        // Later the refresh finds the retraction, and leaves one nudge on the alerts queue: the message the alert function takes.
        var found = await host.Get<RecordRefresher>().RefreshAsync(null, default);
        Assert.Contains(found.New, c => c.Kind == "retraction");
        var nudges = (await host.Get<WorkQueues>().Alerts.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), default)).Value;
        var nudge = Assert.Single(nudges);
        var run = await alerts.RunForMessageAsync(nudge.Body.ToString(), default);
        // Two confirmed immediate subscribers were due; one email, to the one the study was sent to.
        Assert.Equal((2, 1, 1, 1), (run.Subscribers, run.Planned, run.PlannedStudies, run.Sent));

        var mail = await MailDev.WaitForAsync(told, 3);
        Assert.Equal(3, mail.Count);
        var notice = mail[2];
        Assert.Equal("[SpineReview] Retracted: a study you were alerted to: Exploring the Potential of a Deep Learning Model for Early CT Detection of High…",
            notice.Subject);
        foreach (var part in new[] { notice.TextBody!, notice.HtmlBody! })
        {
            foreach (var expected in new[]
            {
                "Hello Ana Told", "A study an earlier alert from the review", "has been retracted", "Retraction:",
                "retraction 10.3390/cancers18221977 (2026-11-03, retraction-watch), found by the review", "Hallinan J",
                "stays counted among the included studies until reviewers decide again",
            })
                Assert.Contains(expected, part, StringComparison.Ordinal);
        }
        Assert.Contains("[RETRACTED] Exploring the Potential", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Why included:", notice.TextBody, StringComparison.Ordinal);
        Assert.Single(await MailDev.SettledAsync(filtered)); // the confirmation only: the study never went to them
        Assert.Equal(2, (await MailDev.SettledAsync(gone)).Count); // unsubscribed: told nothing more

        // The refresh and every alert pass again: nobody is told twice.
        Assert.Empty((await host.Get<RecordRefresher>().RefreshAsync(null, default)).New);
        var again = await alerts.RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0), (again.Planned, again.Sent));
        Assert.Equal(3, (await MailDev.SettledAsync(told)).Count);
        var subscriber = (await host.Get<SubscriptionService>().ListAsync(default)).Single(s => s.Address == told);
        Assert.Equal([Study], await host.Get<DeliveryStore>().NoticesToldAsync(subscriber.Id, AlertLabel.Retracted, default));

        // Expressions of concern kept (as a refresh keeps them): none for the retracted study (the retraction supersedes it), one notice
        // for the other study, once, to the subscriber it was sent to.
        var changes = host.Get<RecordChangeStore>();
        Assert.True(await changes.TryAddAsync(new RecordChange(Study, RecordChange.ExpressionOfConcern, "10.3390/cancers18990001",
            new DateOnly(2026, 11, 20), "publisher", clock.GetUtcNow(), true), default));
        Assert.True(await changes.TryAddAsync(new RecordChange(cervical, RecordChange.ExpressionOfConcern, "10.5555/eoc.880001",
            new DateOnly(2026, 11, 25), "publisher", clock.GetUtcNow(), true), default));
        var concern = await alerts.RunAsync(AlertScope.All, null, default);
        Assert.Equal((1, 1, 1), (concern.Planned, concern.PlannedStudies, concern.Sent));
        mail = await MailDev.WaitForAsync(told, 4);
        Assert.Equal(4, mail.Count);
        Assert.Equal("[SpineReview] Expression of concern: a study you were alerted to: Detection of cervical spine fractures on CT with a deep convolutional…", mail[3].Subject);
        var text = mail[3].TextBody!;
        Assert.Contains("[EXPRESSION OF CONCERN] Detection of cervical spine fractures", text, StringComparison.Ordinal);
        Assert.Contains("Notice: expression of concern 10.5555/eoc.880001 (2026-11-25, publisher), found by the review's refresh: the journal has concerns " +
            "about its results. It stays among the included studies", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exploring the Potential", text, StringComparison.Ordinal);
        Assert.Contains("is the subject of an expression of concern by its journal", mail[3].HtmlBody, StringComparison.Ordinal);
        Assert.Equal(0, (await alerts.RunAsync(AlertScope.All, null, default)).Planned);
        Assert.Equal(4, (await MailDev.SettledAsync(told)).Count);
        Assert.Single(await MailDev.SettledAsync(filtered));
        Assert.Equal([cervical], await host.Get<DeliveryStore>().NoticesToldAsync(subscriber.Id, AlertLabel.Concern, default));
    }

    [Fact]
    public async Task Refresh_PubMedLinksRetractionAndErratum_EachKeptOnce_RecordMarked_CrossrefAndOpenAlexNotAsked()
    {
        await using var server = await SourceServer.StartAsync(_replay);
        var prefix = await IncludedStudyAsync(server);
        await using var host = TestHost.Create(settings: Settings(server, crossref: false, pubmed: true, openAlex: false), prefix: prefix);
        var refresher = host.Get<RecordRefresher>();
        var pubmedBefore = server.Of("pubmed").Count();
        var progress = new List<string>();

        var result = await refresher.RefreshAsync(new SyncProgress(progress.Add), default);

        Assert.Equal([new SourceAsked("pubmed", 1, 0)], result.Sources);
        // The erratum PubMed cites without a DOI is known by the DOI of its own article (asked of PubMed by its PMID); the retraction
        // notice by the DOI its citation gives.
        Assert.Equal(
            [
                (Study, "erratum", "10.3390/cancers18040611", (DateOnly?)null, "pubmed", true),
                (Study, "retraction", "10.3390/cancers18221977", null, "pubmed", true),
            ],
            result.New.Select(c => (c.RecordKey, c.Kind, c.Doi, c.Issued, c.By, c.Included)));
        // Counted are the requests PubMed answered: the harvest before came from another host (its own limiter), so a refusal
        // (429) and the client's retry after it can come between, and are not a second question. Two: the study, then the one
        // notice cited without a DOI (the retraction's citation gives its DOI, so it is not asked).
        var fetches = server.Of("pubmed").Skip(pubmedBefore).Where(r => r.Status == 200).ToList();
        Assert.Equal(2, fetches.Count);
        Assert.All(fetches, f => Assert.Contains("efetch.fcgi?", f.PathAndQuery, StringComparison.Ordinal));
        Assert.Contains("id=40647478&", fetches[0].PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("id=41702315&", fetches[1].PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("refresh: PubMed: looking up the DOI of 1 notices cited without one", progress);
        Assert.Empty(server.Of("crossref"));
        Assert.Empty(server.Of("openalex"));
        Assert.Contains("refresh: PubMed: asking about 1 studies with a PMID (0 without)", progress);
        Assert.Contains($"refresh: {Study}: retraction 10.3390/cancers18221977 (pubmed)", progress);
        Assert.Single((await host.Get<RecordStore>().GetAsync(Study, default))!.Record.PublicationTypes, t => t == "Retracted Publication");
        Assert.Equal([Study], await AlertNudgesAsync(host));

        // Run again: PubMed is asked again and nothing is kept, marked or nudged twice.
        var again = await refresher.RefreshAsync(null, default);
        Assert.Empty(again.New);
        Assert.Equal(4, server.Of("pubmed").Skip(pubmedBefore).Count(r => r.Status == 200));
        Assert.All(server.Of("pubmed").Skip(pubmedBefore), r => Assert.True(r.Status is 200 or 429, $"PubMed answered {r.Status}"));
        Assert.Equal(2, (await refresher.ListAsync(default)).Count);
        Assert.Single((await host.Get<RecordStore>().GetAsync(Study, default))!.Record.PublicationTypes, t => t == "Retracted Publication");
        Assert.Empty(await AlertNudgesAsync(host));
    }

    [Fact]
    public async Task Refresh_OpenAlexSaysRetracted_KeptOnce_RecordMarked_CrossrefAndPubMedNotAsked()
    {
        await using var server = await SourceServer.StartAsync(_replay);
        var prefix = await IncludedStudyAsync(server);
        await using var host = TestHost.Create(settings: Settings(server, crossref: false, pubmed: false, openAlex: true), prefix: prefix);
        var refresher = host.Get<RecordRefresher>();
        var pubmedBefore = server.Of("pubmed").Count();

        var result = await refresher.RefreshAsync(null, default);

        Assert.Equal([new SourceAsked("openalex", 1, 0)], result.Sources);
        // OpenAlex names no notice: the retraction is known by the study's own work there.
        var change = Assert.Single(result.New);
        Assert.Equal((Study, "retraction", "openalex:W4411762183", (DateOnly?)null, "openalex", true),
            (change.RecordKey, change.Kind, change.Doi, change.Issued, change.By, change.Included));
        var ask = Assert.Single(server.Of("openalex"));
        Assert.Contains("filter=doi%3A10.3390%2Fcancers17132180", ask.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("is_retracted", ask.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(pubmedBefore, server.Of("pubmed").Count());
        Assert.Empty(server.Of("crossref"));
        Assert.Contains("Retracted Publication", (await host.Get<RecordStore>().GetAsync(Study, default))!.Record.PublicationTypes);
        Assert.Equal([Study], await AlertNudgesAsync(host));

        var again = await refresher.RefreshAsync(null, default);
        Assert.Empty(again.New);
        Assert.Equal(2, server.Of("openalex").Count());
        Assert.Single(await refresher.ListAsync(default));
        Assert.Empty(await AlertNudgesAsync(host));
    }

    [Fact]
    public async Task Refresh_EverySourceOn_ANoticeTwoSourcesGiveIsKeptOnce_WithinEachSourcesLimit()
    {
        await using var server = await SourceServer.StartAsync(_replay);
        var prefix = await IncludedStudyAsync(server);
        await using var host = TestHost.Create(settings: Settings(server, crossref: true, pubmed: true, openAlex: true), prefix: prefix);
        var refresher = host.Get<RecordRefresher>();

        var result = await refresher.RefreshAsync(null, default);

        Assert.Equal([new SourceAsked("crossref", 1, 0), new SourceAsked("pubmed", 1, 0), new SourceAsked("openalex", 1, 0)], result.Sources);
        // PubMed's retraction notice is Crossref's (the same DOI), and OpenAlex's flag adds nothing to a retraction kept with its
        // notice: neither is kept again. PubMed cites its erratum without a DOI, but the erratum's own article gives it: it is
        // Crossref's correction, and is not kept again either.
        Assert.Equal(
            [
                ("correction", "10.3390/cancers18040611", "publisher"),
                ("retraction", "10.3390/cancers18221977", "retraction-watch"),
            ],
            result.New.Select(c => (c.Kind, c.Doi, c.By!)));
        Assert.Single(server.Of("openalex"));
        Assert.Equal(0, server.RateViolations);
        Assert.Equal([Study], await AlertNudgesAsync(host));

        Assert.Empty((await refresher.RefreshAsync(null, default)).New);
        Assert.Equal(2, (await refresher.ListAsync(default)).Count);
        Assert.Empty(await AlertNudgesAsync(host));
    }

    [Fact]
    public async Task Refresh_ErratumKeptByItsPmidByAnEarlierVersion_NotKeptAgainByPubMedOrCrossref_ANoticePubMedHasNoDoiForKeepsItsPmid()
    {
        // An earlier version named a notice PubMed cites without a DOI by its PMID, and kept it so.
        await using var server = await SourceServer.StartAsync(_replay);
        var prefix = await IncludedStudyAsync(server);
        await using (var earlier = TestHost.Create(prefix: prefix, cleanup: false))
        {
            Assert.True(await earlier.Get<RecordChangeStore>().TryAddAsync(
                new RecordChange(Study, "erratum", "pmid:41702315", null, "pubmed", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), true), default));
        }

        await using (var pubmedOnly = TestHost.Create(settings: Settings(server, crossref: false, pubmed: true, openAlex: false), prefix: prefix, cleanup: false))
        {
            // PubMed now gives the erratum's DOI: the same notice, under the name it was kept by, is not new.
            var found = await pubmedOnly.Get<RecordRefresher>().RefreshAsync(null, default);
            Assert.Equal([("retraction", "10.3390/cancers18221977", "pubmed")], found.New.Select(c => (c.Kind, c.Doi, c.By!)));
            Assert.Equal(2, (await pubmedOnly.Get<RecordRefresher>().ListAsync(default)).Count);
        }

        // Crossref switched on now: it is asked first, and its correction is the erratum kept by its PMID (its retraction the one
        // PubMed named): nothing new.
        await using (var both = TestHost.Create(settings: Settings(server, crossref: true, pubmed: true, openAlex: false), prefix: prefix, cleanup: false))
        {
            var found = await both.Get<RecordRefresher>().RefreshAsync(null, default);
            Assert.Empty(found.New);
            Assert.DoesNotContain(await both.Get<RecordRefresher>().ListAsync(default), c => c.Doi == "10.3390/cancers18040611");
        }

        // A notice whose own article PubMed does not return (or returns without a DOI) keeps its PMID as its name, as before.
        File.Delete(Path.Combine(_replay, "pubmed", "efetch_id_41702315.xml"));
        await using var again = TestHost.Create(settings: Settings(server, crossref: false, pubmed: true, openAlex: false), prefix: prefix);
        Assert.Empty((await again.Get<RecordRefresher>().RefreshAsync(null, default)).New);
        Assert.Equal(["10.3390/cancers18221977", "pmid:41702315"], (await again.Get<RecordRefresher>().ListAsync(default)).Select(c => c.Doi).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Refresh_PubMedMarksRetractedWithoutNotice_KeptByTheStudysPmid_CrossrefsCorrectionSameAsPubMedsErratum_NotKeptAgain()
    {
        // PubMed's record as it may read: the publication type without a linked retraction notice, and an erratum cited with its DOI.
        var sample = Path.Combine(_replay, "pubmed", "efetch_id_40647478.xml");
        var xml = File.ReadAllText(sample);
        var retractionIn = xml.IndexOf("<CommentsCorrections RefType=\"RetractionIn\">", StringComparison.Ordinal);
        xml = xml.Remove(retractionIn, xml.IndexOf("</CommentsCorrections>", retractionIn, StringComparison.Ordinal) + "</CommentsCorrections>".Length - retractionIn)
            .Replace("<RefSource>Cancers (Basel). 2026 Feb 11;18(4):611</RefSource>", "<RefSource>Cancers (Basel). 2026 Feb 11;18(4):611. doi: 10.3390/cancers18040611.</RefSource>",
                StringComparison.Ordinal);
        Assert.DoesNotContain("RetractionIn", xml, StringComparison.Ordinal);
        File.WriteAllText(sample, xml);
        await using var server = await SourceServer.StartAsync(_replay);
        var prefix = await IncludedStudyAsync(server);

        await using (var pubmedOnly = TestHost.Create(settings: Settings(server, crossref: false, pubmed: true, openAlex: false), prefix: prefix, cleanup: false))
        {
            var first = await pubmedOnly.Get<RecordRefresher>().RefreshAsync(null, default);
            Assert.Equal([("erratum", "10.3390/cancers18040611", "pubmed"), ("retraction", "pmid:40647478#retracted", "pubmed")], first.New.Select(c => (c.Kind, c.Doi, c.By!)));
            Assert.Contains("Retracted Publication", (await pubmedOnly.Get<RecordStore>().GetAsync(Study, default))!.Record.PublicationTypes);
        }

        // Crossref switched on later: its correction is PubMed's erratum (the same DOI), not kept again; its retraction names the
        // notice PubMed did not, and is kept beside PubMed's word.
        await using var both = TestHost.Create(settings: Settings(server, crossref: true, pubmed: true, openAlex: false), prefix: prefix);
        var second = await both.Get<RecordRefresher>().RefreshAsync(null, default);
        Assert.Equal([("retraction", "10.3390/cancers18221977", "retraction-watch")], second.New.Select(c => (c.Kind, c.Doi, c.By!)));
        Assert.Equal(3, (await both.Get<RecordRefresher>().ListAsync(default)).Count);
    }

    [Fact]
    public async Task Refresh_NoticesWithoutIdentifiersKeptApart_ARetractionIsKeptWhereAnotherSourceGaveItsDoiAnotherKind()
    {
        // PubMed cites the erratum by its citation alone (no PMID, no DOI) and marks the study retracted by its publication type;
        // Crossref lists the retraction notice's DOI as a mere "correction", while PubMed links the same DOI as RetractionIn.
        var sample = Path.Combine(_replay, "pubmed", "efetch_id_40647478.xml");
        var xml = File.ReadAllText(sample).Replace("""
                <RefSource>Cancers (Basel). 2026 Feb 11;18(4):611</RefSource>
                <PMID Version="1">41702315</PMID>
""", """
                <RefSource>Cancers (Basel). 2026 Feb 11;18(4):611</RefSource>
""", StringComparison.Ordinal);
        Assert.DoesNotContain("41702315", xml, StringComparison.Ordinal);
        File.WriteAllText(sample, xml);
        var crossref = Directory.GetFiles(Path.Combine(_replay, "crossref", "works")).Single();
        File.WriteAllText(crossref, File.ReadAllText(crossref).Replace("\"type\": \"retraction\"", "\"type\": \"correction\"", StringComparison.Ordinal)
            .Replace("\"type\":\"retraction\"", "\"type\":\"correction\"", StringComparison.Ordinal));
        Assert.DoesNotContain("\"retraction\"", File.ReadAllText(crossref), StringComparison.Ordinal);
        await using var server = await SourceServer.StartAsync(_replay);
        var prefix = await IncludedStudyAsync(server);
        await using var host = TestHost.Create(settings: Settings(server, crossref: true, pubmed: true, openAlex: false), prefix: prefix);

        var found = await host.Get<RecordRefresher>().RefreshAsync(null, default);

        Assert.Equal(
            [
                ("correction", "10.3390/cancers18040611", "publisher"), ("correction", "10.3390/cancers18221977", "retraction-watch"),
                ("erratum", "pmid:40647478#erratum", "pubmed"), ("retraction", "10.3390/cancers18221977", "pubmed"),
            ],
            found.New.Select(c => (c.Kind, c.Doi, c.By!)));
        // The retraction reaches the record and the alerts (one nudge), though Crossref called its notice a correction.
        Assert.Contains("Retracted Publication", (await host.Get<RecordStore>().GetAsync(Study, default))!.Record.PublicationTypes);
        Assert.Equal([Study], await AlertNudgesAsync(host));
        Assert.Empty((await host.Get<RecordRefresher>().RefreshAsync(null, default)).New);
    }

    [Fact]
    public async Task Refresh_EverySourceSwitchedOff_SaysWhichSettingsAndWhatToDo()
    {
        await using var host = TestHost.Create(settings: new Dictionary<string, string?>
        {
            ["Crossref:Enabled"] = "false", ["PubMed:Enabled"] = "false", ["OpenAlex:Enabled"] = "false",
        });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Get<RecordRefresher>().RefreshAsync(null, default));
        Assert.Equal("Every source the refresh asks is switched off (settings Crossref__Enabled, PubMed__Enabled and OpenAlex__Enabled are all false). " +
                     "Switch at least one on and run again.", e.Message);
        // The weekly timer does not fail every week over a choice the team made: it does nothing.
        await NewTimer(host).RefreshStudies(new TimerInfo(), default);
        Assert.Empty(await host.Get<RecordRefresher>().ListAsync(default));
    }

    [Fact]
    public async Task RefreshCommand_CrossrefOff_AsksTheOthers_SummarySaysHowManyStudiesEachSourceWasAsked_AllOff_FailsNamingTheSettings()
    {
        await using var server = await SourceServer.StartAsync(_replay);
        var prefix = await IncludedStudyAsync(server);
        await using var host = TestHost.Create(prefix: prefix); // cleans up what the command stored
        var settings = Settings(server, crossref: false, pubmed: true, openAlex: true);
        settings["Storage:Prefix"] = prefix;
        var (output, error) = (new StringWriter(), new StringWriter());

        var code = await SpineReview.Cli.CommandLine.RunAsync(["refresh"], output, error, settings);

        Assert.True(code == 0, error.ToString());
        Assert.Equal(
            [
                $"{Study,-24} included erratum 10.3390/cancers18040611 (pubmed)",
                $"{Study,-24} included retraction 10.3390/cancers18221977 (pubmed)",
                "refresh done: 2 new changes (1 retractions) for 1 studies; asked PubMed about 1, OpenAlex about 1",
            ],
            output.ToString().TrimEnd().Split(Environment.NewLine));
        Assert.Contains("asking PubMed, OpenAlex", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Crossref:", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.Of("crossref"));

        settings["PubMed:Enabled"] = settings["OpenAlex:Enabled"] = "false";
        var (output2, error2) = (new StringWriter(), new StringWriter());
        Assert.Equal(1, await SpineReview.Cli.CommandLine.RunAsync(["refresh"], output2, error2, settings));
        Assert.Contains("settings Crossref__Enabled, PubMed__Enabled and OpenAlex__Enabled are all false", error2.ToString(), StringComparison.Ordinal);
    }

    // The study harvested from the recorded PubMed sample, passed by the rules and included by two reviewers; its storage is kept
    // for the host that refreshes it (with the sources the test switches on), which cleans up.
    private static async Task<string> IncludedStudyAsync(SourceServer server)
    {
        var settings = TestHost.PubMedOnly();
        settings["PubMed:BaseUrl"] = server.BaseUrl("pubmed");
        await using var host = TestHost.Create(settings: settings, cleanup: false);
        await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default);
        Assert.False((await host.Get<ScreeningService>().ScreenAsync(new RecordMessage(Study), default))!.Excluded);
        var at = host.Get<TimeProvider>().GetUtcNow();
        await host.Get<ScreeningStore>().UpdateQueueAsync(Study, q => Task.FromResult(q with
        {
            Status = ScreeningStatus.Final, Included = true, How = "2 reviewers agreed", Reviewers = ["ana", "ben"], SettledAt = at,
        }), default);
        return host.Prefix;
    }

    private static Dictionary<string, string?> Settings(SourceServer server, bool crossref, bool pubmed, bool openAlex)
    {
        var settings = TestHost.PubMedOnly();
        settings["PubMed:Enabled"] = pubmed ? "true" : "false";
        settings["PubMed:BaseUrl"] = server.BaseUrl("pubmed");
        settings["Crossref:Enabled"] = crossref ? "true" : "false";
        settings["Crossref:BaseUrl"] = server.BaseUrl("crossref");
        settings["Crossref:Email"] = "team@example.org";
        settings["OpenAlex:Enabled"] = openAlex ? "true" : "false";
        settings["OpenAlex:BaseUrl"] = server.BaseUrl("openalex");
        settings["OpenAlex:Email"] = "team@example.org";
        return settings;
    }

    // The studies nudged on the alerts queue since the last look (the messages are taken off it).
    private static async Task<List<string>> AlertNudgesAsync(TestHost host)
    {
        var messages = (await host.Get<WorkQueues>().Alerts.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), default)).Value;
        return messages.Select(m =>
        {
            using var body = System.Text.Json.JsonDocument.Parse(m.Body.ToString());
            return body.RootElement.GetProperty("recordKey").GetString()!;
        }).ToList();
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    private static LivingChecks NewTimer(TestHost host) => new(host.Get<Harvester>(), host.Get<RecordRefresher>());
}
