using Microsoft.Playwright;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Screening.People;
using Xunit;

namespace SpineReview.Tests.Web.Browser;

/// <summary>Charting in a real headless chromium: a person's correction made on the page outlives the machine's re-extraction.</summary>
[Collection(SharedBrowser.Name)]
public class ChartingBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Correct_ModalityOnTheStudyPage_SurvivesReextraction()
    {
        await using var site = await WebSite.StartAsync(browser.Browser);
        var key = (await site.SeedAsync([WebSite.Study(300)]))[0];
        // Included by two reviewers (through the service), so the study is on the charting list.
        var people = site.Get<ReviewService>();
        await people.DecideAsync(WebSite.Reviewer1, key, "include", null, null, null, default);
        await people.DecideAsync(WebSite.Reviewer2, key, "include", null, null, null, default);
        Assert.Equal(["MRI"], (await site.Get<ExtractionStore>().GetAsync(key, default))["modality"].Effective);

        var page = await site.SessionAsync(WebSite.Reviewer3);
        await page.GotoAsync("/charting");
        await WebSite.ScreenshotAsync(page, "charting-list-one-study");
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = WebSite.Study(300).Title }).ClickAsync();
        var modality = Field(page, "modality");
        Assert.Contains("In use: MRI (automatic)", await modality.InnerTextAsync(), StringComparison.Ordinal);
        // The evidence for the automatic value is marked in the text it came from.
        Assert.Equal("MRI", await modality.Locator("mark.evidence").First.InnerTextAsync());

        // The person read the full text: the images were CT, not MRI.
        await modality.GetByLabel("MRI", new LocatorGetByLabelOptions { Exact = true }).UncheckAsync();
        await modality.GetByLabel("CT", new LocatorGetByLabelOptions { Exact = true }).CheckAsync();
        await modality.GetByLabel("Note").FillAsync("methods section: CT, not MRI");
        await WebSite.ClickAndArriveAsync(page, modality.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Save the correction of modality" }),
            u => u.Contains("done=corrected", StringComparison.Ordinal), "saving the correction");
        Assert.Contains("In use: CT (corrected by reviewer3", await Field(page, "modality").InnerTextAsync(), StringComparison.Ordinal);
        await WebSite.ScreenshotAsync(page, "charting-corrected");

        // The machine extracts the study again (a new extractor version re-extracts every study the same way).
        var extraction = site.Get<ExtractionService>();
        var again = await extraction.ExtractAsync(new RecordMessage(key), default);
        Assert.Equal(["MRI"], again.Single(f => f.Field == "modality").Distinct);

        var stored = (await site.Get<ExtractionStore>().GetAsync(key, default))["modality"];
        Assert.Equal(["MRI"], stored.Automatic.Distinct);
        Assert.Equal(["CT"], stored.Effective);
        Assert.Equal((WebSite.Reviewer3, "methods section: CT, not MRI"), (stored.Correction!.By, stored.Correction.Note));
        await page.ReloadAsync();
        var shown = await Field(page, "modality").InnerTextAsync();
        Assert.Contains("In use: CT (corrected by reviewer3", shown, StringComparison.Ordinal);
        Assert.Contains("methods section: CT, not MRI", shown, StringComparison.Ordinal);
        Assert.True(site.PageErrors.Count == 0, string.Join("\n", site.PageErrors));
    }

    private static ILocator Field(IPage page, string name) =>
        page.Locator("section.field").Filter(new LocatorFilterOptions { Has = page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = name, Exact = true }) });
}
