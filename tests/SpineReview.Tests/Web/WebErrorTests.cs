using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Tests.Support;
using SpineReview.Web;
using Xunit;

namespace SpineReview.Tests.Web;

/// <summary>What a page says when something goes wrong or went right: only what was written for a person reaches the page.</summary>
public sealed partial class WebErrorTests
{
    [Theory]
    [InlineData("argument")]
    [InlineData("operation")]
    [InlineData("missing")]
    public async Task Run_InternalExceptionInAHandler_GenericPageWithAReference_DetailsOnlyInTheLog(string kind)
    {
        const string secret = "table t42records partition pubmed row 9 returned InvalidUri at https://acct.table.core.windows.net";
        var logs = new LogCapture();
        await using var host = TestHost.Create(configure: s => s.AddSingleton<ILoggerProvider>(logs));
        var route = new WebRoute("Broken", "GET", "/broken", WebAccess.Public, _ => throw (kind switch
        {
            "argument" => (Exception)new ArgumentException(secret),
            "operation" => new InvalidOperationException(secret),
            _ => new KeyNotFoundException(secret),
        }));
        var http = new DefaultHttpContext { RequestServices = host.Services };
        http.Request.Method = "GET";
        http.Request.Path = "/broken";
        http.Response.Body = new MemoryStream();

        await WebApp.RunAsync(http, route, host.Services);

        var page = Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
        Assert.Equal(500, http.Response.StatusCode);
        Assert.DoesNotContain("t42records", page, StringComparison.Ordinal);
        Assert.DoesNotContain("windows.net", page, StringComparison.Ordinal);
        var reference = Reference().Match(page);
        Assert.True(reference.Success, page);
        var logged = Assert.Single(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(reference.Groups[1].Value, StringComparison.Ordinal));
        Assert.Contains(secret, logged.Exception!.Message, StringComparison.Ordinal);
        Assert.Contains("/broken", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_DoneOrSettledOrCorrectedFreeTextInTheAddress_NotShown_KnownKeysShowTheirMessage()
    {
        await using var web = await WebServer.StartAsync();
        var key = await web.SeedAsync("915001", "Deep learning for lumbar spine MRI");
        var ana = await web.SignedInAsync("ana");
        const string lure = "Your session expired: call +1 555 0100 or visit evil.example to keep your account";
        foreach (var path in new[] { "/duplicates?done=", "/conflicts?settled=", "/conflicts?done=", "/charting/study?key=" + Uri.EscapeDataString(key) + "&corrected=",
                     "/charting/study?key=" + Uri.EscapeDataString(key) + "&done=" })
        {
            var html = await ana.GetStringAsync(path + Uri.EscapeDataString(lure));
            Assert.DoesNotContain("evil.example", html, StringComparison.Ordinal);
            Assert.DoesNotContain("class=\"done\"", html, StringComparison.Ordinal);
        }
        var merged = await ana.GetStringAsync("/duplicates?done=merged");
        Assert.Contains("The two records are merged into one study.", merged, StringComparison.Ordinal);
        var settled = await ana.GetStringAsync("/conflicts?done=settled");
        Assert.Contains("The conflict is settled.", settled, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AntiforgeryCookie_SecureAlwaysInTheFunctionApp_FollowsTheRequestOnlyForServeOnLoopback()
    {
        await using var host = TestHost.Create();
        Assert.Equal(CookieSecurePolicy.Always, host.Get<IOptions<AntiforgeryOptions>>().Value.Cookie.SecurePolicy);
        await using var web = await WebServer.StartAsync();
        Assert.Equal(CookieSecurePolicy.SameAsRequest, web.App.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.SecurePolicy);
        // Over http on loopback the form still works: the cookie is sent back without https.
        var ana = await web.SignedInAsync("ana");
        Assert.Equal(HttpStatusCode.OK, (await ana.GetAsync("/screening")).StatusCode);
    }

    [GeneratedRegex("reference <code>([A-Za-z0-9]{8,})</code>")]
    private static partial Regex Reference();
}
