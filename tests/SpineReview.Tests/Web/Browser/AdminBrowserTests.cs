using Microsoft.Playwright;
using SpineReview.Records;
using SpineReview.Screening.People;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Web.Browser;

/// <summary>The admin's pages in a real headless chromium: the reviewers' counts, and a database export uploaded and imported.</summary>
[Collection(SharedBrowser.Name)]
public class AdminBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_ReviewerCountsAndAnUploadedExport_ImportedWithItsCountsShown()
    {
        await using var site = await WebSite.StartAsync(browser.Browser);
        var keys = await site.SeedAsync([WebSite.Study(401), WebSite.Study(402), WebSite.Study(403)]);
        var people = site.Get<ReviewService>();
        foreach (var key in keys) await people.DecideAsync(WebSite.Reviewer1, key, "include", null, null, null, default);
        await people.DecideAsync(WebSite.Reviewer2, keys[0], "include", null, null, null, default);
        await people.DecideAsync(WebSite.Reviewer2, keys[1], "exclude", "not_imaging", null, null, default);

        var admin = await site.SessionAsync(WebSite.Admin);
        await admin.GotoAsync("/manage");
        var reviewers = admin.GetByRole(AriaRole.Table, new PageGetByRoleOptions { Name = "Decisions per reviewer" });
        Assert.Equal(["reviewer1", "3", "3", "0", "0", "0"], (await reviewers.GetByRole(AriaRole.Row).Nth(1).Locator("th, td").AllInnerTextsAsync()).Take(6));
        Assert.Equal(["reviewer2", "2", "1", "1", "0", "0"], (await reviewers.GetByRole(AriaRole.Row).Nth(2).Locator("th, td").AllInnerTextsAsync()).Take(6));
        Assert.Contains("Conflicts waiting for a third reviewer 1", (await admin.Locator("#main").InnerTextAsync()).Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        await WebSite.ScreenshotAsync(admin, "admin-reviewers");
        await WebSite.AssertAccessibleAsync(admin, "admin");

        // By keyboard-reachable controls only, found by their labels as a person finds them.
        await WebSite.ClickAndArriveAsync(admin, admin.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Import a database export" }),
            u => u.EndsWith("/manage/import", StringComparison.Ordinal), "opening the import page");
        await WebSite.ScreenshotAsync(admin, "import");
        await WebSite.AssertAccessibleAsync(admin, "import");
        var sample = Path.Combine(TestPaths.RepoRoot, "samples", "import", "embase-ovid.ris");
        async Task UploadAsync(string file)
        {
            await admin.GotoAsync("/manage/import");
            await admin.GetByLabel("Export file").SetInputFilesAsync(file);
            await admin.GetByLabel("Source name").FillAsync("embase-ovid");
            await admin.GetByLabel("Database searched").FillAsync("Embase");
            await admin.GetByLabel("Platform").FillAsync("Ovid");
            await admin.GetByLabel("Date the search was run").FillAsync("2026-10-30");
            await WebSite.ClickAndArriveAsync(admin, admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Import" }),
                u => u.EndsWith("/manage/import", StringComparison.Ordinal), $"importing {Path.GetFileName(file)}");
        }
        await UploadAsync(sample);
        var stored = new List<StoredRecord>();
        await foreach (var r in site.Get<RecordStore>().ListAsync(default)) if (r.Record.Source == "embase-ovid") stored.Add(r);
        Assert.NotEmpty(stored);
        var done = await admin.Locator("#main").InnerTextAsync();
        Assert.Contains("embase-ovid.ris is imported as a search of Embase (Ovid).", done, StringComparison.Ordinal);
        Assert.Contains($"New records\n{stored.Count(r => r.DuplicateOf is null)}", done, StringComparison.Ordinal);
        Assert.Contains("Entries not read\n0", done, StringComparison.Ordinal);
        await WebSite.ScreenshotAsync(admin, "import-done");
        await WebSite.AssertAccessibleAsync(admin, "import-done");

        // The same file again is the same search: nothing new.
        await UploadAsync(sample);
        done = await admin.Locator("#main").InnerTextAsync();
        Assert.Contains("was imported before as Embase (Ovid)", done, StringComparison.Ordinal);
        Assert.Contains("New records\n0", done, StringComparison.Ordinal);
        var again = 0;
        await foreach (var r in site.Get<RecordStore>().ListAsync(default)) if (r.Record.Source == "embase-ovid") again++;
        Assert.Equal(stored.Count, again);

        // A file that is no export: refused with ImportService's words, nothing stored.
        var notAnExport = Path.Combine(Path.GetTempPath(), $"notes-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(notAnExport, "Meeting notes: screen 200 abstracts by Friday.\n");
        try
        {
            site.PageErrors.Clear();
            await UploadAsync(notAnExport);
            var refused = await admin.Locator("#main").InnerTextAsync();
            Assert.Contains("Not accepted", refused, StringComparison.Ordinal);
            Assert.Contains("is not an export this reads", refused, StringComparison.Ordinal);
            await WebSite.ScreenshotAsync(admin, "import-refused");
        }
        finally
        {
            File.Delete(notAnExport);
        }
        Assert.True(site.Dialogs.Count == 0, string.Join("\n", site.Dialogs));
    }
}
