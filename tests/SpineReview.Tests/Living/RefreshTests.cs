using Microsoft.Azure.Functions.Worker;
using SpineReview.Functions.Functions;
using SpineReview.Living;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Sources;
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
        Assert.Equal("retraction 10.3390/cancers18221977 (2026-11-03, retraction-watch)", RecordRefresher.Describe(result.New[1]));
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

        // Run again, as the weekly timer runs it: nothing found twice, the record marked once.
        await NewTimer(host).RefreshStudies(new TimerInfo(), default);
        var again = await refresher.RefreshAsync(null, default);
        Assert.Empty(again.New);
        Assert.Equal(2, (await refresher.ListAsync(default)).Count);
        Assert.Single((await host.Get<RecordStore>().GetAsync(Study, default))!.Record.PublicationTypes, t => t == "Retracted Publication");
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
