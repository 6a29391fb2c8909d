using System.Globalization;
using Microsoft.Playwright;
using SpineReview.Screening;
using SpineReview.Screening.People;
using Xunit;

namespace SpineReview.Tests.Web.Browser;

/// <summary>People screening in a real headless chromium against the web app on Azurite: keyboard only, blind, conflicts settled by a third.</summary>
[Collection(SharedBrowser.Name)]
public class ScreeningBrowserTests(BrowserFixture browser)
{
    private const int Records = 20;
    // The record the two reviewers disagree on; every fourth record both exclude; the rest both include.
    private const int Disputed = 5;
    private static bool BothExclude(int i) => i % 4 == 3;

    [Fact]
    public async Task Screening_TwoReviewersByKeyboardThenAThirdSettlesTheConflict_PublicPrismaCountsEqualTheStoredCounts()
    {
        await using var site = await WebSite.StartAsync(browser.Browser);
        var keys = await site.SeedAsync(Enumerable.Range(0, Records).Select(i => WebSite.Study(i)));
        var index = keys.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        var one = await site.SessionAsync(WebSite.Reviewer1);
        var two = await site.SessionAsync(WebSite.Reviewer2);
        foreach (var page in new[] { one, two })
        {
            await page.GotoAsync("/screening");
            // Survives only if every later record arrives without a page load.
            await page.EvaluateAsync("() => { window.sameDocument = true; }");
        }
        await WebSite.ScreenshotAsync(one, "screening-first-record");

        var seen = new Dictionary<IPage, List<string>> { [one] = [], [two] = [] };
        for (var round = 0; round < Records; round++)
        {
            foreach (var page in new[] { one, two })
            {
                var key = await CurrentRecordAsync(page);
                Assert.False(seen[page].Contains(key), $"{key} was served twice to the same reviewer");
                seen[page].Add(key);
                var i = index[key];
                if (i == Disputed && page == two || i != Disputed && BothExclude(i))
                {
                    // Reason 1 (or 2), then exclude: both keys, no mouse.
                    await page.Keyboard.PressAsync(i == Disputed ? "1" : "2");
                    await page.Keyboard.PressAsync("e");
                }
                else await page.Keyboard.PressAsync("i");
                await page.WaitForFunctionAsync("k => { const a = document.querySelector('#screen-item article'); return !a || a.dataset.record !== k; }", key);
            }
        }
        foreach (var page in new[] { one, two })
        {
            Assert.Equal("Nothing waits for you", await page.Locator("#item-title").InnerTextAsync());
            Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "a decision reloaded the whole page");
            Assert.Equal(keys.Order(StringComparer.Ordinal), seen[page].Order(StringComparer.Ordinal));
        }

        // The stored decisions are the ones typed, each reviewer's own, and the disputed record waits for a third reviewer.
        var store = site.Get<ScreeningStore>();
        var reasons = ScreeningRules.PeopleReasons;
        foreach (var (key, i) in index)
        {
            var decisions = (await store.DecisionsAsync(key, default)).Select(d => d.Decision).ToDictionary(d => d.Reviewer);
            Assert.Equal([WebSite.Reviewer1, WebSite.Reviewer2], decisions.Keys.Order(StringComparer.Ordinal));
            var expectTwo = i == Disputed || BothExclude(i) ? Verdict.Exclude : Verdict.Include;
            Assert.Equal(BothExclude(i) && i != Disputed ? Verdict.Exclude : Verdict.Include, decisions[WebSite.Reviewer1].Verdict);
            Assert.Equal(expectTwo, decisions[WebSite.Reviewer2].Verdict);
            Assert.Equal(i == Disputed ? reasons[0] : BothExclude(i) ? reasons[1] : null, decisions[WebSite.Reviewer2].Reason);
        }
        Assert.Equal(ScreeningStatus.Conflict, (await store.GetQueueEntryAsync(keys[Disputed], default))!.Status);

        // A reviewer who screened it is not offered the settling form; the third reviewer settles it on the conflicts page.
        await one.GotoAsync("/conflicts");
        Assert.Equal(0, await one.Locator("form.resolve").CountAsync());
        var three = await site.SessionAsync(WebSite.Reviewer3);
        await three.GotoAsync("/conflicts");
        var conflict = three.Locator("article.conflict");
        Assert.Equal(1, await conflict.CountAsync());
        Assert.Contains(keys[Disputed], await conflict.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(ReasonCodes.Describe(reasons[0]), await conflict.InnerTextAsync(), StringComparison.Ordinal);
        await WebSite.ScreenshotAsync(three, "conflicts-third-reviewer");
        await conflict.GetByLabel("Include", new LocatorGetByLabelOptions { Exact = true }).CheckAsync();
        await conflict.GetByLabel("Why (kept with the decision)").FillAsync("The abstract reports an imaging model of the spine.");
        await WebSite.ClickAndArriveAsync(three, conflict.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Settle this conflict" }),
            u => u.Contains("done=settled", StringComparison.Ordinal), "settling the conflict");
        Assert.Equal(0, await three.Locator("article.conflict").CountAsync());

        // What is stored now, counted from the queue itself ...
        var queue = (await store.ListQueueAsync(null, default)).Where(q => index.ContainsKey(q.RecordKey)).ToList();
        Assert.All(queue, q => Assert.Equal(ScreeningStatus.Final, q.Status));
        var settled = (await store.DecisionsAsync(keys[Disputed], default)).Select(d => d.Decision).Single(d => d.Role == DecisionRole.Resolve);
        Assert.Equal((WebSite.Reviewer3, Verdict.Include), (settled.Reviewer, settled.Verdict));
        var stored = new Dictionary<string, int>
        {
            ["identified"] = Records,
            ["passed-rules"] = queue.Count,
            ["included"] = queue.Count(q => q.Included == true),
            ["excluded-reviewers"] = queue.Count(q => q.Included == false && !q.AutoExcluded),
            ["conflicts"] = queue.Count(q => q.Status == ScreeningStatus.Conflict),
            ["awaiting-reviewers"] = queue.Count(q => q.Status == ScreeningStatus.Pending),
        };
        Assert.Equal(Records - Enumerable.Range(0, Records).Count(i => i != Disputed && BothExclude(i)), stored["included"]);

        // ... is what anyone sees in the public page's PRISMA flow, and each count links to its records.
        var anyone = await site.SessionAsync(null);
        await anyone.GotoAsync("/");
        foreach (var (box, n) in stored)
            Assert.True(n == await BoxCountAsync(anyone, box), $"PRISMA box {box}: the page says {await BoxCountAsync(anyone, box)}, storage {n}");
        await WebSite.ScreenshotAsync(anyone, "living-review-after-screening");
        await WebSite.ClickAndArriveAsync(anyone, anyone.Locator("a.box[data-box='included']"),
            u => u.Contains("/records?box=included", StringComparison.Ordinal), "opening the included studies");
        Assert.Equal(stored["included"], await anyone.Locator("tbody tr").CountAsync());
        await WebSite.ScreenshotAsync(anyone, "records-included");
        Assert.True(site.PageErrors.Count == 0, string.Join("\n", site.PageErrors));
    }

    [Fact]
    public async Task Pages_StoredTitleHoldingAScript_ShowTheCharactersAndRunNothing()
    {
        const string title = "<script>alert('stored')</script> Deep learning of lumbar spine MRI <img src=x onerror=alert('img')>";
        await using var site = await WebSite.StartAsync(browser.Browser);
        var key = (await site.SeedAsync([WebSite.Study(100, title)]))[0];
        var page = await site.SessionAsync(WebSite.Reviewer1);

        await page.GotoAsync("/screening");
        var heading = page.Locator("#item-title");
        Assert.Equal(key, await page.Locator("#screen-item article").GetAttributeAsync("data-record"));
        Assert.Equal(title, await heading.InnerTextAsync());
        Assert.Equal(0, await page.Locator("#screen-item script, #screen-item img").CountAsync());
        await WebSite.ScreenshotAsync(page, "screening-script-title");

        // The same title where anyone can see it: the list behind a PRISMA count.
        var anyone = await site.SessionAsync(null);
        await anyone.GotoAsync("/records?box=passed-rules");
        Assert.Equal(title, await anyone.Locator("tbody tr td").First.InnerTextAsync());
        Assert.Equal(0, await anyone.Locator("main script, main img").CountAsync());
        // Give a script that slipped through the time to run before looking for its dialog.
        await anyone.WaitForTimeoutAsync(300);
        Assert.Empty(site.Dialogs);
        Assert.True(site.PageErrors.Count == 0, string.Join("\n", site.PageErrors));
    }

    [Fact]
    public async Task Decide_PostWithoutTheAntiForgeryToken_IsRefusedAndNothingIsStored()
    {
        await using var site = await WebSite.StartAsync(browser.Browser);
        var key = (await site.SeedAsync([WebSite.Study(200)]))[0];
        var page = await site.SessionAsync(WebSite.Reviewer1);
        await page.GotoAsync("/screening");
        var form = page.Locator("form#decide");
        var tokenField = form.Locator("input[type=hidden]:not([name=recordKey]):not([name=etag])");
        var tokenName = await tokenField.GetAttributeAsync("name");
        var token = await tokenField.InputValueAsync();

        // The signed-in person's own cookies, the form's fields, only the token left out: refused, and nothing stored.
        var forged = await page.APIRequest.PostAsync("/screening/decide", Post(("recordKey", key), ("decision", "include")));
        Assert.Equal(400, forged.Status);
        Assert.Empty(await site.Get<ScreeningStore>().DecisionsAsync(key, default));

        // A token from another person's form is refused too (it is bound to who asked for it).
        var other = await site.SessionAsync(WebSite.Reviewer2);
        var stolen = await other.APIRequest.PostAsync("/screening/decide", Post(("recordKey", key), ("decision", "include"), (tokenName!, token)));
        Assert.Equal(400, stolen.Status);
        Assert.Empty(await site.Get<ScreeningStore>().DecisionsAsync(key, default));

        // The same request with its own token is accepted: the refusal was the token's.
        var honest = await page.APIRequest.PostAsync("/screening/decide", Post(("recordKey", key), ("decision", "include"), (tokenName!, token)));
        Assert.Equal(303, honest.Status);
        var stored = Assert.Single(await site.Get<ScreeningStore>().DecisionsAsync(key, default));
        Assert.Equal((WebSite.Reviewer1, Verdict.Include), (stored.Decision.Reviewer, stored.Decision.Verdict));
    }

    /// <summary>A POST as the page's form would send it (urlencoded), with the fields given.</summary>
    private static APIRequestContextOptions Post(params (string Name, string Value)[] fields) => new()
    {
        DataString = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value))),
        Headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" },
        MaxRedirects = 0,
    };

    private static async Task<string> CurrentRecordAsync(IPage page)
    {
        var article = page.Locator("#screen-item article");
        await article.WaitForAsync();
        return await article.GetAttributeAsync("data-record") ?? throw new InvalidOperationException("the record shown has no data-record");
    }

    private static async Task<int> BoxCountAsync(IPage page, string box)
    {
        var text = await page.Locator($"a.box[data-box='{box}'] .n").InnerTextAsync();
        return int.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }
}
