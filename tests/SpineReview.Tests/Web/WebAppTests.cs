using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SpineReview.Alerts;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Web;
using Xunit;

namespace SpineReview.Tests.Web;

/// <summary>The web app over real Kestrel and Azurite: roles on every route, anti-forgery, encoding, the security headers, and
/// the people's work through the pages (screening, conflicts, charting) ending in the public page's counts.</summary>
public sealed class WebAppTests
{
    private static readonly string[] ReviewerPages = ["/screening", "/screening/next", "/conflicts", "/charting", "/duplicates"];

    [Fact]
    public async Task Routes_AnonymousOrWrongRole_SentToSignInOrRefused()
    {
        await using var web = await WebServer.StartAsync();
        var anonymous = web.Browser();
        foreach (var route in WebApp.Routes.Where(r => r.Access != WebAccess.Public))
        {
            var path = route.Path == "/charting/study" ? "/charting/study?key=pubmed:1" : route.Path == "/screening/change" ? "/screening/change?key=pubmed:1" : route.Path;
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), path) { Content = route.Method == "POST" ? WebServer.Form(null) : null };
            var answer = await anonymous.SendAsync(request);
            if (route.Method == "GET")
            {
                Assert.True(answer.StatusCode == HttpStatusCode.SeeOther, $"GET {path} anonymous: {answer.StatusCode}");
                Assert.StartsWith("/signin?return=", answer.Headers.Location!.OriginalString, StringComparison.Ordinal);
            }
            else Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"POST {path} anonymous: {answer.StatusCode}");
        }

        var ana = await web.SignedInAsync("ana");
        Assert.Equal(HttpStatusCode.Forbidden, (await ana.GetAsync("/manage")).StatusCode);
        foreach (var page in ReviewerPages) Assert.True((await ana.GetAsync(page)).StatusCode == HttpStatusCode.OK, page);

        var root = await web.SignedInAsync("root");
        Assert.Equal(HttpStatusCode.OK, (await root.GetAsync("/manage")).StatusCode);
        // An admin is not a reviewer unless named as one.
        Assert.Equal(HttpStatusCode.Forbidden, (await root.GetAsync("/screening")).StatusCode);
    }

    [Fact]
    public async Task SignIn_NameNotConfigured_RefusedAndNotSignedIn()
    {
        await using var web = await WebServer.StartAsync();
        var mallory = web.Browser();
        var token = await WebServer.TokenAsync(mallory, "/signin");
        var answer = await mallory.PostAsync("/signin", WebServer.Form(token, ("who", "mallory")));
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await mallory.GetAsync("/screening")).StatusCode);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_RefusedAndNothingStored()
    {
        await using var web = await WebServer.StartAsync();
        var key = await web.SeedAsync("910001", "Deep learning for lumbar spine MRI");
        var ana = await web.SignedInAsync("ana");

        var decide = await ana.PostAsync("/screening/decide", WebServer.Form(null, ("recordKey", key), ("decision", "include")));
        Assert.Equal(HttpStatusCode.BadRequest, decide.StatusCode);
        Assert.Contains("anti-forgery", await decide.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await web.Host.Get<ScreeningStore>().DecisionsAsync(key, default));

        // A token from another person's session is no token for this one.
        var ben = await web.SignedInAsync("ben");
        var bensToken = await WebServer.TokenAsync(ben, "/screening");
        var forged = await ana.PostAsync("/screening/decide", WebServer.Form(bensToken, ("recordKey", key), ("decision", "include")));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Empty(await web.Host.Get<ScreeningStore>().DecisionsAsync(key, default));

        var subscribe = await web.Browser().PostAsync("/subscribe", WebServer.Form(null, ("email", "jane@example.org"), ("frequency", "weekly")));
        Assert.Equal(HttpStatusCode.BadRequest, subscribe.StatusCode);
        Assert.Empty(await web.Host.Get<SubscriptionService>().ListAsync(default));

        // The same decision with the token is stored: the refusal above was the token's.
        var token = await WebServer.TokenAsync(ana, "/screening");
        Assert.Equal(HttpStatusCode.SeeOther, (await ana.PostAsync("/screening/decide", WebServer.Form(token, ("recordKey", key), ("decision", "include")))).StatusCode);
        Assert.Single(await web.Host.Get<ScreeningStore>().DecisionsAsync(key, default));
    }

    [Fact]
    public async Task Pages_StoredScriptInATitle_ShownAsText()
    {
        await using var web = await WebServer.StartAsync();
        const string title = "<script>alert('x')</script> Deep learning <b>lumbar</b> spine MRI";
        await web.SeedAsync("910002", title, abstractText: "Vertebrae \"segmented\" by a U-Net on CT <img src=x onerror=alert(1)>.");
        var ana = await web.SignedInAsync("ana");
        foreach (var page in new[] { "/screening", "/records?box=identified" })
        {
            var html = await (page == "/screening" ? ana : web.Browser()).GetStringAsync(page);
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>lumbar", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryPage_CarriesTheSecurityHeaders_CspWithoutInlineScriptOrStyle()
    {
        await using var web = await WebServer.StartAsync();
        await web.SeedAsync("910003", "Deep learning for cervical spine CT");
        var ana = await web.SignedInAsync("ana");
        var root = await web.SignedInAsync("root");
        var pages = new List<(HttpClient Browser, string Path)> { (web.Browser(), "/"), (web.Browser(), "/signin"), (web.Browser(), "/records?box=included"), (web.Browser(), "/nope"), (root, "/manage") };
        pages.AddRange(ReviewerPages.Select(p => (ana, p)));
        foreach (var (browser, path) in pages)
        {
            var answer = await browser.GetAsync(path);
            var csp = string.Join(";", answer.Headers.GetValues("Content-Security-Policy"));
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
            var html = await answer.Content.ReadAsStringAsync();
            // Nothing the policy would block is in the page: no inline script, no style attribute or element.
            Assert.DoesNotMatch(new Regex("<script(?![^>]*\\bsrc=)|\\sstyle=|<style|\\son[a-z]+=", RegexOptions.IgnoreCase), html);
        }
    }

    [Fact]
    public async Task TwoReviewersDisagree_ThirdSettles_PublicPrismaCountsEqualTheStoredCounts()
    {
        await using var web = await WebServer.StartAsync();
        var agreedIn = await web.SeedAsync("910011", "Deep learning grading of lumbar stenosis on MRI", 0.9);
        var agreedOut = await web.SeedAsync("910012", "Radiomics of vertebral fractures on CT", 0.6);
        var disputed = await web.SeedAsync("910013", "A U-Net for spinal cord segmentation on MRI", 0.7);
        await web.SeedAsync("910014", "Deep learning for knee radiographs", passes: false);
        var ana = await web.SignedInAsync("ana");
        var ben = await web.SignedInAsync("ben");
        var carl = await web.SignedInAsync("carl");

        async Task DecideAsync(HttpClient who, string key, string decision, string? reason = null)
        {
            var token = await WebServer.TokenAsync(who, "/screening");
            var fields = new List<(string, string)> { ("recordKey", key), ("decision", decision) };
            if (reason is not null) fields.Add(("reason", reason));
            var answer = await who.PostAsync("/screening/decide", WebServer.Form(token, [.. fields]));
            Assert.True(answer.StatusCode == HttpStatusCode.SeeOther, $"{key} {decision}: {answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }
        await DecideAsync(ana, agreedIn, "include");
        await DecideAsync(ben, agreedIn, "include");
        await DecideAsync(ana, agreedOut, "exclude", "not_deep_learning");
        await DecideAsync(ben, agreedOut, "exclude", "not_deep_learning");
        await DecideAsync(ana, disputed, "include");
        await DecideAsync(ben, disputed, "exclude", "technical_only");

        var conflicts = await carl.GetStringAsync("/conflicts");
        Assert.Contains(disputed, conflicts, StringComparison.Ordinal);
        Assert.Contains("technical", conflicts, StringComparison.OrdinalIgnoreCase);

        // Ana screened it: she cannot settle it, whatever her browser sends.
        var anaToken = await WebServer.TokenAsync(ana, "/conflicts");
        var refused = await ana.PostAsync("/conflicts/resolve", WebServer.Form(anaToken, ("recordKey", disputed), ("decision", "include")));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(ScreeningStatus.Conflict, (await web.Host.Get<ScreeningStore>().GetQueueEntryAsync(disputed, default))!.Status);

        var carlToken = await WebServer.TokenAsync(carl, "/conflicts");
        var settled = await carl.PostAsync("/conflicts/resolve", WebServer.Form(carlToken, ("recordKey", disputed), ("decision", "include"), ("note", "clinical segmentation")));
        Assert.Equal(HttpStatusCode.SeeOther, settled.StatusCode);

        var queue = await web.Host.Get<ScreeningStore>().ListQueueAsync(null, default);
        var included = queue.Count(q => q is { Status: ScreeningStatus.Final, Included: true });
        Assert.Equal(2, included);
        var flow = (await web.Host.Get<ReportService>().FlowAsync(default)).Counts;
        var page = await web.Browser().GetStringAsync("/");
        int Shown(string box)
        {
            var m = Regex.Match(page, $"data-box=\"{box}\"><span class=\"label\">[^<]*</span> <span class=\"n\">([0-9,]+)</span>");
            Assert.True(m.Success, $"the public page shows no box {box}");
            return int.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        }
        Assert.Equal(included, Shown("included"));
        Assert.Equal(flow.IncludedConfirmed, Shown("included"));
        Assert.Equal(flow.Identified, Shown("identified"));
        Assert.Equal(4, Shown("identified"));
        Assert.Equal(flow.ExcludedByRulesTotal, Shown("excluded-rules"));
        Assert.Equal(flow.PassedRules, Shown("passed-rules"));
        Assert.Equal(flow.ExcludedByPeopleTotal, Shown("excluded-reviewers"));
        Assert.Equal(1, Shown("excluded-reviewers"));
        Assert.Equal(flow.Conflicts, Shown("conflicts"));
        Assert.Equal(0, Shown("conflicts"));
        Assert.Equal(flow.AwaitingPeople, Shown("awaiting-reviewers"));

        // Each count links to the records behind it.
        var behind = await web.Browser().GetStringAsync("/records?box=included");
        Assert.Contains(agreedIn, behind, StringComparison.Ordinal);
        Assert.Contains(disputed, behind, StringComparison.Ordinal);
        Assert.DoesNotContain(agreedOut, behind, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_FromTheScript_AnswersWithTheNextRecordOnly_AndTheLastDecisionCanBeChanged()
    {
        await using var web = await WebServer.StartAsync();
        var first = await web.SeedAsync("910021", "Deep learning for scoliosis radiographs", 0.95);
        var second = await web.SeedAsync("910022", "Transformer segmentation of lumbar vertebrae on CT", 0.5);
        var ana = await web.SignedInAsync("ana");
        var page = await ana.GetStringAsync("/screening");
        Assert.Contains($"data-record=\"{first}\"", page, StringComparison.Ordinal);
        Assert.Contains("<mark class=\"cue-in\"", page, StringComparison.Ordinal);
        var token = await WebServer.TokenAsync(ana, "/screening");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/screening/decide") { Content = WebServer.Form(token, ("recordKey", first), ("decision", "include")) };
        request.Headers.Add("X-Fragment", "1");
        var answer = await ana.SendAsync(request);
        var fragment = await answer.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.StartsWith("<div id=\"screen-item\">", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", fragment, StringComparison.Ordinal);
        Assert.Contains($"data-record=\"{second}\"", fragment, StringComparison.Ordinal);

        // Change it: the page shows the decision with its ETag; deciding again with it replaces the decision.
        var change = await ana.GetStringAsync($"/screening/change?key={Uri.EscapeDataString(first)}");
        var etag = WebUtility.HtmlDecode(Regex.Match(change, "name=\"etag\" value=\"([^\"]+)\"").Groups[1].Value);
        Assert.NotEmpty(etag);
        var changed = await ana.PostAsync("/screening/decide", WebServer.Form(token, ("recordKey", first), ("decision", "exclude"), ("reason", "review"), ("etag", etag)));
        Assert.Equal(HttpStatusCode.SeeOther, changed.StatusCode);
        var stored = Assert.Single(await web.Host.Get<ScreeningStore>().DecisionsAsync(first, default));
        Assert.Equal(Verdict.Exclude, stored.Decision.Verdict);
        // The old ETag is spent: a second change from the same page is refused, not applied twice.
        var stale = await ana.PostAsync("/screening/decide", WebServer.Form(token, ("recordKey", first), ("decision", "include"), ("etag", etag)));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Fact]
    public async Task Decide_SamePersonTwiceAtOnce_OneDecisionStored()
    {
        await using var web = await WebServer.StartAsync();
        var keys = new List<string>();
        for (var i = 0; i < 20; i++) keys.Add(await web.SeedAsync((910100 + i).ToString(CultureInfo.InvariantCulture), $"Deep learning for lumbar spine MRI {i}"));
        var ana = await web.SignedInAsync("ana");
        var token = await WebServer.TokenAsync(ana, "/screening");
        foreach (var key in keys)
        {
            // Two tabs sending a decision on the same record at the same moment: one is stored, the other is told.
            var answers = await Task.WhenAll(
                ana.PostAsync("/screening/decide", WebServer.Form(token, ("recordKey", key), ("decision", "include"))),
                ana.PostAsync("/screening/decide", WebServer.Form(token, ("recordKey", key), ("decision", "exclude"), ("reason", "animal"))));
            Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            Assert.Single(await web.Host.Get<ScreeningStore>().DecisionsAsync(key, default));
        }
    }

    [Fact]
    public async Task Charting_CorrectionMadeInThePage_SurvivesReextraction()
    {
        await using var web = await WebServer.StartAsync();
        var key = await web.SeedAsync("910031", "Deep learning detection of lumbar disc herniation on MRI",
            abstractText: "A ResNet-50 classified herniation on T2-weighted sagittal MRI of 1,200 patients.");
        var extraction = web.Host.Get<ExtractionService>();
        await extraction.ExtractAsync(new RecordMessage(key), default);
        var ana = await web.SignedInAsync("ana");
        var form = await ana.GetStringAsync($"/charting/study?key={Uri.EscapeDataString(key)}");
        Assert.Contains("<mark class=\"evidence\">", form, StringComparison.Ordinal);
        var token = await WebServer.TokenAsync(ana, $"/charting/study?key={Uri.EscapeDataString(key)}");

        var answer = await ana.PostAsync("/charting/correct", WebServer.Form(token, ("key", key), ("field", "modality"), ("value", "CT"), ("value", "MRI"), ("note", "CT in the methods")));
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        await extraction.ExtractAsync(new RecordMessage(key), default);

        var field = (await extraction.FormAsync(key, default)).Single(f => f.Field == "modality");
        Assert.Equal(["CT", "MRI"], field.Values.Order(StringComparer.Ordinal));
        Assert.Equal("ana", field.Correction!.By);
        var again = await ana.GetStringAsync($"/charting/study?key={Uri.EscapeDataString(key)}");
        Assert.Contains("corrected by ana", again, StringComparison.Ordinal);

        // A value outside the form's vocabulary is refused with what the field takes.
        var bad = await ana.PostAsync("/charting/correct", WebServer.Form(token, ("key", key), ("field", "modality"), ("value", "PET-MRI")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("its values are", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    [InlineData("::")]
    public void Build_NonLoopbackAddress_Refused(string address)
    {
        var e = Assert.Throws<ArgumentException>(() => LocalWebApp.Build(new ConfigurationBuilder().Build(), 0, address));
        Assert.Contains("not a loopback address", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NonLoopbackAddress_BadUsage()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SpineReview.Cli.CommandLine.RunAsync(["serve", "--address", "10.0.0.5"], output, error);
        Assert.Equal(2, code);
        Assert.Contains("10.0.0.5 is not a loopback address", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/ /evil.example")]
    [InlineData("https://evil.example/")]
    public void SignIn_ReturnAddressThatBrowsersReadAsAnotherSite_GoesToScreeningInstead(string address)
    {
        Assert.Equal("/screening", SpineReview.Web.Pages.SignInPage.SafeReturn(address));
        Assert.Equal("/conflicts?x=1", SpineReview.Web.Pages.SignInPage.SafeReturn("/conflicts?x=1"));
    }

    [Fact]
    public async Task AnyPage_HostHeaderNotThisMachine_Refused_LoopbackNamesAnswered()
    {
        await using var web = await WebServer.StartAsync();
        using var client = web.Browser();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/signin");
        rebound.Headers.Host = "rebind.attacker.example";
        var refused = await client.SendAsync(rebound);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("ana", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var port = new Uri(web.Url).Port;
        foreach (var name in new[] { "localhost", "127.0.0.1" })
        {
            using var local = new HttpRequestMessage(HttpMethod.Get, "/signin");
            local.Headers.Host = $"{name}:{port}";
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.SendAsync(local)).StatusCode);
        }
    }

    [Fact]
    public async Task AlertLinks_ServedByServeAtTheEmailsAddresses_PostTakesTheLinksTokenNotAnAntiforgeryToken()
    {
        await using var web = await WebServer.StartAsync();
        var browser = web.Browser();
        var token = AlertTokens.Token(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), AlertTokens.NewSecret());
        foreach (var path in new[] { "/api/alerts/confirm", "/api/alerts/unsubscribe" })
        {
            var page = await browser.GetAsync($"{path}?token={Uri.EscapeDataString(token)}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));
            Assert.Contains($"<form method=\"post\" action=\"?token={Uri.EscapeDataString(token)}\">", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"{path}?token=nonsense")).StatusCode);
            // No anti-forgery token (a mail provider's one-click POST has none): the link's token is judged, here unknown.
            var post = await browser.PostAsync($"{path}?token={Uri.EscapeDataString(token)}", WebServer.Form(null, ("List-Unsubscribe", "One-Click")));
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
            Assert.Contains("Link not valid", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
