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

/// <summary>The refresh against the local source server (Crossref's recorded answer for an included study, with a correction and a
/// Retraction Watch retraction in its "updated-by") and the real Azurite: the changes are kept with their dates, once; the retracted
/// study is flagged in the next report's "what is new" and in its table of studies.</summary>
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
    }

    public void Dispose() => Directory.Delete(_replay, recursive: true);

    [Fact]
    public async Task Refresh_IncludedStudyRetracted_ChangesKeptWithTheirDates_FlaggedInTheNextReport_FoundOnce()
    {
        await using var server = await SourceServer.StartAsync(_replay);
        var settings = TestHost.PubMedOnly();
        settings["PubMed:BaseUrl"] = server.BaseUrl("pubmed");
        settings["Crossref:Enabled"] = "true";
        settings["Crossref:BaseUrl"] = server.BaseUrl("crossref");
        settings["Crossref:Email"] = "team@example.org";
        await using var host = TestHost.Create(settings: settings);
        await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default);
        // The rules pass it to the reviewers (a study the report shows), who include it.
        var rule = await host.Get<ScreeningService>().ScreenAsync(new RecordMessage(Study), default);
        Assert.False(rule!.Excluded);
        var screening = host.Get<ScreeningStore>();
        var at = host.Get<TimeProvider>().GetUtcNow();
        await screening.UpdateQueueAsync(Study, q => Task.FromResult(q with
        {
            Status = ScreeningStatus.Final, Included = true, How = "2 reviewers agreed", Reviewers = ["ana", "ben"], SettledAt = at,
        }), default);
        var reports = host.Get<ReportService>();
        var before = await reports.GenerateAsync(default);
        Assert.Contains(Study, before.Manifest.Included);
        Assert.DoesNotContain(Study, before.Manifest.Retracted ?? []);

        var refresher = host.Get<RecordRefresher>();
        var result = await refresher.RefreshAsync(null, default);

        Assert.Equal((1, 1, 0), (result.Studies, result.Asked, result.WithoutDoi));
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
    public async Task Refresh_CrossrefSwitchedOff_SaysWhichSettingAndWhatToDo()
    {
        await using var host = TestHost.Create(settings: new Dictionary<string, string?> { ["Crossref:Enabled"] = "false" });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Get<RecordRefresher>().RefreshAsync(null, default));
        Assert.Equal("Crossref is switched off (setting Crossref__Enabled is false); the refresh asks Crossref about each study's DOI. Switch it on and run again.", e.Message);
        // The weekly timer does not fail every week over a choice the team made: it does nothing.
        await NewTimer(host).RefreshStudies(new TimerInfo(), default);
        Assert.Empty(await host.Get<RecordRefresher>().ListAsync(default));
    }

    private static LivingChecks NewTimer(TestHost host) => new(host.Get<Harvester>(), host.Get<RecordRefresher>(),
        host.Get<Microsoft.Extensions.Options.IOptionsMonitor<SourceOptions>>());
}
