using Microsoft.Playwright;
using SpineReview.Cycle;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Screening.People;
using SpineReview.Sources;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Web.Browser;

/// <summary>Every page after a whole cycle on the recorded sample: axe-core finds nothing serious or critical, and each page is photographed.</summary>
[Collection(SharedBrowser.Name)]
public class AccessibilityBrowserTests(BrowserFixture browser)
{
    private static readonly HarvestRequest Window = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 6, 30));
    private static readonly DateTimeOffset At = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EveryPage_AfterACycle_HasNoSeriousOrCriticalAxeViolation()
    {
        await using var site = await WebSite.StartAsync(browser.Browser, TestPaths.Replay);
        // A published version, searches in the log and records waiting for people, as after scripts/run.sh.
        var cycle = await site.Get<CycleService>().RunAsync(Window, null, default);
        Assert.True(cycle.Screened.Done > 0, "the sample cycle screened nothing");
        // Something on every page: a conflict, an included study with its form, a pair the matcher was unsure of.
        var people = site.Get<ReviewService>();
        var first = await people.NextAsync(WebSite.Reviewer1, default) ?? throw new InvalidOperationException("nothing waits after the sample cycle");
        await people.DecideAsync(WebSite.Reviewer1, first.RecordKey, "include", null, null, null, default);
        await people.DecideAsync(WebSite.Reviewer2, first.RecordKey, "include", null, null, null, default);
        var second = await people.NextAsync(WebSite.Reviewer1, default) ?? throw new InvalidOperationException("only one record waits after the sample cycle");
        await people.DecideAsync(WebSite.Reviewer1, second.RecordKey, "include", null, "a CNN on lumbar MRI", null, default);
        await people.DecideAsync(WebSite.Reviewer2, second.RecordKey, "exclude", "not_imaging", "no images were used", null, default);
        const string title = "Deep learning segmentation of lumbar intervertebral discs on MRI: a multicentre study";
        var dedup = site.Get<DedupService>();
        await dedup.RegisterAsync(new BibRecord
        {
            Source = "pubmed", SourceId = "36900030", Pmid = "36900030", Doi = "10.1007/s00586-022-36900030", Title = title, Year = 2022,
            Journal = "European Spine Journal", Volume = "31", Pages = "100-110", Authors = [new Author("Smith JA", []), new Author("Lee K", [])],
        }, "web-test", At, default);
        await dedup.RegisterAsync(new BibRecord
        {
            Source = "openalex", SourceId = "W36900030", Title = title, Year = 2022, Journal = "European spine journal", Volume = "29", Pages = "S12",
            Authors = [new Author("John A. Smith", []), new Author("Kim Lee", [])],
        }, "web-test", At, default);
        Assert.NotEmpty(await dedup.ReviewListAsync(default));

        var anyone = await site.SessionAsync(null);
        var reviewer = await site.SessionAsync(WebSite.Reviewer3);
        var admin = await site.SessionAsync(WebSite.Admin);
        (IPage Page, string Path, string Name)[] pages =
        [
            (anyone, "/", "living-review"),
            (anyone, "/records?box=identified", "records"),
            (anyone, "/signin", "sign-in"),
            (reviewer, "/screening", "screening"),
            (reviewer, "/conflicts", "conflicts"),
            (reviewer, "/charting", "charting"),
            (reviewer, "/charting/study?key=" + Uri.EscapeDataString(first.RecordKey), "charting-study"),
            (reviewer, "/duplicates", "duplicates"),
            (admin, "/manage", "admin"),
        ];
        var failures = new List<string>();
        foreach (var (page, path, name) in pages)
        {
            var response = await page.GotoAsync(path);
            Assert.True(response is { Status: 200 }, $"{path} answered {response?.Status}");
            await WebSite.ScreenshotAsync(page, name);
            try { await WebSite.AssertAccessibleAsync(page, name); }
            catch (Xunit.Sdk.XunitException e) { failures.Add(e.Message); }
        }
        // The pages have what was seeded, so axe looked at real content, not empty states.
        await reviewer.GotoAsync("/conflicts");
        Assert.Equal(1, await reviewer.Locator("article.conflict").CountAsync());
        await reviewer.GotoAsync("/duplicates");
        Assert.True(await reviewer.Locator("article.pair").CountAsync() >= 1);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(site.PageErrors.Count == 0, string.Join("\n", site.PageErrors));
    }
}
