using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using SpineReview.Web;
using Xunit;

namespace SpineReview.Tests.Web.Browser;

/// <summary>
/// The web app as <c>spine-review serve</c> runs it (Kestrel on 127.0.0.1, a free port, the local sign-in) against the real
/// Azurite under a storage prefix of its own, with records seeded through the app's own services; and people at it, each in a
/// browser context of their own. Removes its storage when disposed.
/// </summary>
internal sealed class WebSite : IAsyncDisposable
{
    public const string Reviewer1 = "reviewer1", Reviewer2 = "reviewer2", Reviewer3 = "reviewer3", Admin = "admin";
    private static readonly DateTimeOffset Harvested = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly WebApplication _app;
    private readonly IBrowser _browser;
    private readonly string _keys;
    private readonly List<IBrowserContext> _contexts = [];

    private WebSite(WebApplication app, IBrowser browser, string keys)
    {
        _app = app;
        _browser = browser;
        _keys = keys;
    }

    public string Url { get; private set; } = "";
    public IServiceProvider Services => _app.Services;
    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>Every JavaScript dialog any page opened (alert, confirm, prompt): a stored script that ran would show here.</summary>
    public List<string> Dialogs { get; } = [];

    /// <summary>Console errors and uncaught page errors (a CSP violation is one): the pages must have none.</summary>
    public List<string> PageErrors { get; } = [];

    /// <param name="replay">The recorded sample set as the sources (for a whole cycle), or null.</param>
    public static async Task<WebSite> StartAsync(IBrowser browser, string? replay = null)
    {
        TestHost.RequireAzurite();
        var keys = Directory.CreateTempSubdirectory("spine-web-keys-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageClients.Setting] = TestHost.Azurite,
            ["Storage:Prefix"] = TestHost.NewPrefix(),
            ["Replay:Directory"] = replay,
            ["Web:Reviewers"] = $"{Reviewer1},{Reviewer2},{Reviewer3}",
            ["Web:Admins"] = Admin,
            ["Web:KeysDirectory"] = keys,
        }).Build();
        var app = LocalWebApp.Build(configuration, 0, logging: l => { });
        var site = new WebSite(app, browser, keys);
        await app.StartAsync();
        site.Url = LocalWebApp.Url(app);
        return site;
    }

    /// <summary>A person's own browser session: a new context (own cookies), signed in through the local sign-in page when named.</summary>
    public async Task<IPage> SessionAsync(string? who)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Url, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        _contexts.Add(context);
        // The machine may be shared with other builds and one storage emulator: give a slow answer a minute, not Playwright's 30 s.
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        page.Dialog += async (_, dialog) =>
        {
            lock (Dialogs) Dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
        page.Console += (_, message) =>
        {
            // A failed load is reported below with its address, which the console's line leaves out.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                lock (PageErrors) PageErrors.Add($"{page.Url}: {message.Text}");
        };
        page.PageError += (_, error) => { lock (PageErrors) PageErrors.Add($"{page.Url}: {error}"); };
        page.Response += (_, response) =>
        {
            // The browser asks for /favicon.ico by itself; the pages name no icon.
            if (response.Status >= 400 && !response.Url.EndsWith("/favicon.ico", StringComparison.Ordinal))
                lock (PageErrors) PageErrors.Add($"{page.Url}: {response.Status} from {response.Request.Method} {response.Url}");
        };
        if (who is null) return page;
        // Straight back to the living review: the sign-in's own landing page (screening) is not an admin's.
        await page.GotoAsync("/signin?return=%2F");
        await page.GetByLabel(who, new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await ArrivedAsync(page, u => !u.Contains("/signin", StringComparison.Ordinal), $"signing in as {who}");
        return page;
    }

    /// <summary>
    /// Clicks a control that submits a form or follows a link, and waits until a new document at an address that
    /// <paramref name="arrived"/> accepts has its main landmark. The address is polled, never waited for with WaitForURL:
    /// under load Playwright was seen to wait forever for the load state of a page already there (in WaitForLoadState
    /// inside WaitForURL, with load, with commit, and in CI with networkidle fired). A mark set in the old document tells
    /// a new document at the same address (a form posted back to its own page) from the old one.
    /// </summary>
    public static async Task ClickAndArriveAsync(IPage page, ILocator control, Func<string, bool> arrived, string what)
    {
        await page.EvaluateAsync("() => { window.beforeSubmit = true; }");
        await control.ClickAsync();
        await ArrivedAsync(page, async u => arrived(u) && !await StillOldDocumentAsync(page), what);
    }

    private static Task ArrivedAsync(IPage page, Func<string, bool> arrived, string what) =>
        ArrivedAsync(page, u => Task.FromResult(arrived(u)), what);

    private static async Task ArrivedAsync(IPage page, Func<string, Task<bool>> arrived, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(60);
        // Each look is bounded by what is left of the minute: a question to a page that is going away may not come back.
        while (!await arrived(page.Url).WaitAsync(limit - clock.Elapsed > TimeSpan.Zero ? limit - clock.Elapsed : TimeSpan.Zero))
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"{what}: the page did not arrive within 60 s; it shows {page.Url}");
            await Task.Delay(50);
        }
        await page.Locator("main#main").WaitForAsync();
    }

    private static async Task<bool> StillOldDocumentAsync(IPage page)
    {
        try { return await page.EvaluateAsync<bool>("() => window.beforeSubmit === true"); }
        // The old document went while being asked: the new one is still arriving.
        catch (PlaywrightException) { return true; }
    }

    /// <summary>A record that passes the rules (deep learning, spine, imaging), each with its own identifiers.</summary>
    public static BibRecord Study(int n, string? title = null) => new()
    {
        Source = "pubmed", SourceId = (39_100_000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Pmid = (39_100_000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture), Doi = $"10.5555/web.{n}", Year = 2024, Journal = "European Spine Journal",
        PublicationTypes = ["Journal Article"], Mesh = ["Humans", "Deep Learning", "Lumbar Vertebrae"], Keywords = ["deep learning", "lumbar spine", "MRI"],
        Authors = [new Author("Rossi M", ["Department of Radiology, University of Milan, Milan, Italy"])],
        Title = title ?? $"Deep learning segmentation of lumbar spine MRI: cohort {n}",
        Abstract = $"We trained a convolutional neural network (U-Net) to segment lumbar intervertebral discs on sagittal T2-weighted MRI of {200 + n} patients " +
                   "with low back pain. Dice similarity coefficient was 0.91 on an external validation set from a second hospital.",
    };

    /// <summary>Stores records as a harvest would (dedup), screens them by the rules (into the reviewers' queue) and charts them.</summary>
    public async Task<List<string>> SeedAsync(IEnumerable<BibRecord> records)
    {
        var keys = new List<string>();
        foreach (var r in records)
        {
            var (_, duplicateOf) = await Get<DedupService>().RegisterAsync(r, "web-test", Harvested, default);
            Assert.Null(duplicateOf);
            var rule = await Get<ScreeningService>().ScreenAsync(new RecordMessage(r.Key), default);
            Assert.False(rule!.Excluded, $"the seeded record {r.Key} should pass the rules: {rule.Reason} {rule.Evidence}");
            await Get<SpineReview.Extraction.ExtractionService>().ExtractAsync(new RecordMessage(r.Key), default);
            keys.Add(r.Key);
        }
        return keys;
    }

    /// <summary>The page as a PNG under out/screenshots/ (git-ignored), for people to look at.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(TestPaths.RepoRoot, "out", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
        // A long page shrinks past reading in the whole-page picture: its first screenful too, at full size.
        if (await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight") > 2 * page.ViewportSize!.Height)
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + "-top.png") });
    }

    /// <summary>axe-core on the page as it is now: fails on any serious or critical violation, naming each with the elements.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"axe-core on {name} ({page.Url}): " + string.Join("; ", bad.Select(Describe)));
    }

    private static string Describe(AxeResultItem v) =>
        $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(5).Select(n => n.Target?.ToString() ?? n.Html))}";

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _contexts) await c.DisposeAsync();
        var storage = _app.Services.GetRequiredService<StorageClients>();
        await _app.StopAsync();
        foreach (var t in storage.Names.Tables) await storage.Tables.DeleteTableAsync(t);
        foreach (var q in storage.Names.Queues) await storage.Queue(q).DeleteIfExistsAsync();
        foreach (var c in storage.Names.Containers) await storage.Container(c).DeleteIfExistsAsync();
        await _app.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }
}
