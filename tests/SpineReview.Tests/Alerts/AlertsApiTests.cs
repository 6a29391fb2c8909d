using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SpineReview.Alerts;
using SpineReview.Functions.Functions;
using SpineReview.Tests.Support;
using Xunit;
using static SpineReview.Tests.Alerts.AlertTestKit;
using SpineReview.Screening;

namespace SpineReview.Tests.Alerts;

/// <summary>The alert routes called directly, with services from the composition root, against Azurite and maildev.</summary>
public class AlertsApiTests
{
    private static AlertsApi Api(TestHost host) =>
        new(host.Get<SubscriptionService>(), host.Get<IOptions<ScreeningOptions>>());

    private static HttpRequest Json(string body, string method = "POST")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request;
    }

    private static HttpRequest WithToken(string token, string method)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.QueryString = new QueryString("?token=" + Uri.EscapeDataString(token));
        return context.Request;
    }

    private static string Body(string email, string extra = "") => $$"""{"email": {{JsonSerializer.Serialize(email)}}{{extra}}}""";

    [Theory]
    [InlineData("not-an-address", "", "(jane.doe@example.org)", "needs one @")]
    [InlineData("{ADDRESS}\r\nBcc: everyone@example.org", "", "Remove the line break", "The email address contains a line break (CR)")]
    [InlineData("{ADDRESS}", ", \"name\": \"Jane\\r\\nBcc: everyone@example.org\"", "Remove the line break", "The name contains a line break (CR) at character 5")]
    [InlineData("{ADDRESS}", ", \"name\": \"Jane\\nSubject: win\"", "header injection", "The name contains a line break (LF)")]
    [InlineData("{ADDRESS}", ", \"modality\": [\"PET\"]", "use one of MRI, CT", "Modality \"PET\" is not a value of the charting form")]
    [InlineData("{ADDRESS}", ", \"frequency\": \"hourly\"", "immediate, daily, weekly", "Frequency \"hourly\"")]
    [InlineData("{ADDRESS}", ", \"modalities\": [\"MRI\"]", "the fields are email, name", "\"modalities\" is not a subscription field")]
    [InlineData("{ADDRESS}", ", \"region\": 7", "at most 20 strings", "\"region\" must be a list")]
    public async Task Subscribe_BadInput_400ProblemSaysWhatWasWrongAndWhatToDo_NothingSent(string email, string extra, string what, string wrong)
    {
        var (host, _) = Create();
        await using var _ = host;
        var address = MailDev.NewAddress();
        var result = Assert.IsType<ObjectResult>(await Api(host).Subscribe(Json(Body(email.Replace("{ADDRESS}", address, StringComparison.Ordinal), extra)), default));
        Assert.Equal(400, result.StatusCode);
        var problem = Assert.IsType<ProblemDetails>(result.Value);
        Assert.Equal("Bad request", problem.Title);
        Assert.Contains(wrong, problem.Detail, StringComparison.Ordinal);
        Assert.Contains(what, problem.Detail, StringComparison.Ordinal);
        Assert.Empty(await MailDev.SettledAsync(address, 0.5));
        Assert.Empty(await host.Get<SubscriberStore>().ListAsync(null, default));
    }

    [Fact]
    public async Task Subscribe_NotJson_400()
    {
        var (host, _) = Create();
        await using var _ = host;
        var result = Assert.IsType<ObjectResult>(await Api(host).Subscribe(Json("email=jane@example.org"), default));
        Assert.Equal(400, result.StatusCode);
        Assert.Contains("The body is not JSON", ((ProblemDetails)result.Value!).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_NewKnownOrConfirmedAddress_SameAnswer_ConfirmedFiltersChangeOnlyWithTheNewLink()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var api = Api(host);
        var address = MailDev.NewAddress();
        async Task<(int, string)> Subscribe(string extra)
        {
            var r = Assert.IsType<ObjectResult>(await api.Subscribe(Json(Body(address, extra)), default));
            return (r.StatusCode!.Value, JsonSerializer.Serialize(r.Value));
        }

        var first = await Subscribe(", \"modality\": \"MRI\", \"frequency\": \"weekly\"");
        Assert.Equal(202, first.Item1);
        Assert.Contains(AlertsApi.Accepted, first.Item2, StringComparison.Ordinal);
        var confirmation = (await MailDev.WaitForAsync(address, 1))[0];
        await new LinkPages(host).Confirm(WithToken(ConfirmToken(confirmation), "POST"), default);

        // Someone types the same address with other filters: the same answer, and nothing changes until the new link is followed.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(first, await Subscribe(", \"modality\": [\"CT\"], \"frequency\": \"immediate\""));
        var mail = await MailDev.WaitForAsync(address, 2);
        var stored = (await host.Get<SubscriberStore>().ListAsync(null, default)).Single();
        Assert.Equal((SubscriberStatus.Confirmed, AlertFrequency.Weekly), (stored.Status, stored.Preferences.Frequency));
        Assert.Equal(["MRI"], stored.Preferences.Filters.Modality);
        Assert.Equal(["CT"], stored.Requested!.Filters.Modality);
        var page = Assert.IsType<ContentResult>(await new LinkPages(host).Confirm(WithToken(ConfirmToken(mail[1]), "POST"), default));
        Assert.Contains("modality CT, as soon as they are found", page.Content, StringComparison.Ordinal);
        stored = (await host.Get<SubscriberStore>().ListAsync(null, default)).Single();
        Assert.Equal((AlertFrequency.Immediate, "CT"), (stored.Preferences.Frequency, stored.Preferences.Filters.Modality.Single()));
        // The first link was replaced by the second.
        var old = Assert.IsType<ContentResult>(await new LinkPages(host).Confirm(WithToken(ConfirmToken(confirmation), "POST"), default));
        Assert.Equal(404, old.StatusCode);
    }

    [Fact]
    public async Task Subscribe_AgainWithinTheInterval_SameAnswer_OneConfirmationEmail()
    {
        var (host, clock) = Create(new Dictionary<string, string?> { ["Alerts:ConfirmationIntervalMinutes"] = "10" });
        await using var _ = host;
        var address = MailDev.NewAddress();
        var service = host.Get<SubscriptionService>();
        var request = new SubscriptionRequest(address, null, null, null, null, null, null);
        Assert.Equal(SubscribeOutcome.ConfirmationSent, await service.SubscribeAsync(request, default));
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(SubscribeOutcome.ConfirmationRecentlySent, await service.SubscribeAsync(request, default));
        var r = Assert.IsType<ObjectResult>(await Api(host).Subscribe(Json(Body(address)), default));
        Assert.Equal(202, r.StatusCode);
        Assert.Single(await MailDev.SettledAsync(address));
        clock.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(SubscribeOutcome.ConfirmationSent, await service.SubscribeAsync(request, default));
        Assert.Equal(2, (await MailDev.WaitForAsync(address, 2)).Count);
    }

    [Fact]
    public async Task Subscribe_EmailNotSetUp_503WithoutStoringAnything()
    {
        var (host, _) = Create(new Dictionary<string, string?> { ["Smtp:Host"] = "" });
        await using var _ = host;
        var result = Assert.IsType<ObjectResult>(await Api(host).Subscribe(Json(Body(MailDev.NewAddress())), default));
        Assert.Equal(503, result.StatusCode);
        Assert.Contains("email is not set up (setting Smtp:Host)", ((ProblemDetails)result.Value!).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_GetShowsAButtonAndChangesNothing_PostConfirms_AnExpiredLinkIs410()
    {
        var (host, clock) = Create(new Dictionary<string, string?> { ["Alerts:ConfirmationValidHours"] = "48" });
        await using var _ = host;
        var api = Api(host);
        var address = MailDev.NewAddress();
        Assert.Equal(202, Assert.IsType<ObjectResult>(await api.Subscribe(Json(Body(address)), default)).StatusCode);
        var token = ConfirmToken((await MailDev.WaitForAsync(address, 1))[0]);

        var page = Assert.IsType<ContentResult>(await new LinkPages(host).ConfirmPage(WithToken(token, "GET")));
        Assert.Equal((200, "text/html; charset=utf-8"), (page.StatusCode, page.ContentType));
        Assert.Contains($"<form method=\"post\" action=\"?token={Uri.EscapeDataString(token)}\">", page.Content, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Pending, (await host.Get<SubscriberStore>().ListAsync(null, default)).Single().Status);
        Assert.Equal(404, Assert.IsType<ContentResult>(await new LinkPages(host).ConfirmPage(WithToken("nonsense", "GET"))).StatusCode);

        clock.Advance(TimeSpan.FromHours(49));
        var expired = Assert.IsType<ContentResult>(await new LinkPages(host).Confirm(WithToken(token, "POST"), default));
        Assert.Equal(410, expired.StatusCode);
        Assert.Contains("has expired (links are valid for 48 hours): subscribe again", expired.Content, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Pending, (await host.Get<SubscriberStore>().ListAsync(null, default)).Single().Status);

        Assert.Equal(202, Assert.IsType<ObjectResult>(await api.Subscribe(Json(Body(address)), default)).StatusCode);
        var fresh = ConfirmToken((await MailDev.WaitForAsync(address, 2))[1]);
        var done = Assert.IsType<ContentResult>(await new LinkPages(host).Confirm(WithToken(fresh, "POST"), default));
        Assert.Equal(200, done.StatusCode);
        Assert.Contains("Subscription confirmed", done.Content, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Confirmed, (await host.Get<SubscriberStore>().ListAsync(null, default)).Single().Status);
        // A wrong secret for a real subscriber is as unknown as any other token.
        var forged = fresh[..33] + AlertTokens.NewSecret();
        Assert.Equal(404, Assert.IsType<ContentResult>(await new LinkPages(host).Confirm(WithToken(forged, "POST"), default)).StatusCode);
    }

    private static HttpRequest SignedIn(string? who)
    {
        var context = new DefaultHttpContext();
        if (who is not null) context.Request.Headers[SpineReview.Web.PlatformPrincipal.NameHeader] = who;
        return context.Request;
    }

    [Fact]
    public async Task Subscribers_AdminsOnly_NoTokensInTheAnswer()
    {
        var (untrusted, _) = Create(new Dictionary<string, string?> { ["Alerts:Admins"] = "admin@example.org" });
        await using (untrusted)
        {
            var refused = Assert.IsType<ObjectResult>(await Api(untrusted).Subscribers(SignedIn("admin@example.org"), default));
            Assert.Equal(401, refused.StatusCode);
        }

        var (host, _) = Create(new Dictionary<string, string?> { ["Alerts:Admins"] = "lead@example.org; admin@example.org", ["Screening:TrustIdentityHeaders"] = "true" });
        await using var _ = host;
        var address = MailDev.NewAddress();
        var subscriber = await SubscribeAndConfirmAsync(host, address, modality: "MRI");
        var api = Api(host);
        Assert.Equal(401, Assert.IsType<ObjectResult>(await api.Subscribers(SignedIn(null), default)).StatusCode);
        var forbidden = Assert.IsType<ObjectResult>(await api.Subscribers(SignedIn("reader@example.org"), default));
        Assert.Equal(403, forbidden.StatusCode);
        Assert.Contains("not an alerts admin", ((ProblemDetails)forbidden.Value!).Detail, StringComparison.Ordinal);

        var ok = Assert.IsType<OkObjectResult>(await api.Subscribers(SignedIn("Admin@Example.org"), default));
        var json = JsonSerializer.Serialize(ok.Value);
        Assert.Contains(address, json, StringComparison.Ordinal);
        Assert.Contains("\"Status\":\"Confirmed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Modality\":[\"MRI\"]", json, StringComparison.Ordinal);
        Assert.DoesNotContain(subscriber.UnsubscribeSecret, json, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Hash", json, StringComparison.Ordinal);
    }
}
