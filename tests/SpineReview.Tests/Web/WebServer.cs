using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using SpineReview.Web;
using Xunit;

namespace SpineReview.Tests.Web;

/// <summary>The web app as spine-review serve runs it: real Kestrel on 127.0.0.1 and a free port, over Azurite under a test prefix,
/// with ana, ben and carl as reviewers and root as admin. Browsers are HttpClients with their own cookies.</summary>
internal sealed partial class WebServer : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly string _keys;
    private readonly List<HttpClient> _clients = [];

    private WebServer(TestHost host, WebApplication app, string url, string keys)
    {
        Host = host;
        App = app;
        Url = url;
        _keys = keys;
    }

    public TestHost Host { get; }
    public WebApplication App { get; }
    public string Url { get; }

    public static async Task<WebServer> StartAsync()
    {
        var prefix = TestHost.NewPrefix();
        var keys = Directory.CreateTempSubdirectory("spine-web-keys").FullName;
        var settings = new Dictionary<string, string?>
        {
            [StorageClients.Setting] = TestHost.Azurite,
            ["Storage:Prefix"] = prefix,
            ["Web:Reviewers"] = "ana,ben,carl",
            ["Web:Admins"] = "root",
            ["Web:KeysDirectory"] = keys,
        };
        var host = TestHost.Create(settings: settings, prefix: prefix);
        var app = LocalWebApp.Build(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), 0, logging: _ => { });
        await app.StartAsync();
        return new WebServer(host, app, LocalWebApp.Url(app), keys);
    }

    /// <summary>A browser of its own: cookies kept, redirects not followed (the tests look at them).</summary>
    public HttpClient Browser()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(Url) };
        _clients.Add(client);
        return client;
    }

    /// <summary>A browser signed in as <paramref name="who"/> through the local sign-in page.</summary>
    public async Task<HttpClient> SignedInAsync(string who)
    {
        var browser = Browser();
        var token = await TokenAsync(browser, "/signin");
        var answer = await browser.PostAsync("/signin", Form(token, ("who", who), ("return", "/screening")));
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        return browser;
    }

    /// <summary>The anti-forgery token of the first form on the page at <paramref name="path"/>.</summary>
    public static async Task<string> TokenAsync(HttpClient browser, string path)
    {
        var page = await browser.GetStringAsync(path);
        var match = TokenField().Match(page);
        Assert.True(match.Success, $"{path} has no form with an anti-forgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>A form body; <paramref name="token"/> null leaves the anti-forgery token out.</summary>
    public static FormUrlEncodedContent Form(string? token, params (string Name, string Value)[] fields) =>
        new((token is null ? fields : fields.Prepend((Name: "__RequestVerificationToken", Value: token))).Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>Stores a record that passed the rules and puts it in the people's queue.</summary>
    public async Task<string> SeedAsync(string pmid, string title, double probability = 0.8, string? abstractText = null, bool passes = true)
    {
        var record = new BibRecord
        {
            Source = "pubmed", SourceId = pmid, Pmid = pmid, Doi = $"10.5555/web.{pmid}", Year = 2023, PublicationTypes = ["Journal Article"], Mesh = ["Humans"],
            Title = title, Abstract = abstractText ?? "A convolutional neural network graded lumbar disc degeneration on MRI of 400 patients.",
        };
        var (_, duplicateOf) = await Host.Get<DedupService>().RegisterAsync(record, "run1", T0, default);
        Assert.Null(duplicateOf);
        await Host.Get<ScreeningStore>().SaveRuleDecisionAsync(
            new RuleDecision(record.Key, !passes, passes ? null : ReasonCodes.NotSpine, passes ? "none" : "concept", RuleVerdict.Version, "", T0), default);
        if (passes) await Host.Get<ScreeningStore>().EnqueueAsync(record.Key, probability, T0, default);
        return record.Key;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients) c.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Host.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }
}
