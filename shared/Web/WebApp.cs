using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpineReview.Alerts;
using SpineReview.Screening.People;
using SpineReview.Web.Pages;

namespace SpineReview.Web;

/// <summary>Who may use a route.</summary>
public enum WebAccess
{
    /// <summary>Anyone, signed in or not.</summary>
    Public,
    /// <summary>Configured reviewers (setting Web:Reviewers or Web:ReviewerGroup).</summary>
    Reviewer,
    /// <summary>Configured admins (setting Web:Admins or Web:AdminGroup).</summary>
    Admin,
}

/// <summary>One page or action of the web app: its method, path, who may use it, and the handler both hosts call.</summary>
/// <param name="Name">A stable name (the Functions host's function is Web + this).</param>
/// <param name="Path">The path, starting with "/"; values travel in the query string or the form, never in the path.</param>
/// <param name="MaxBodyBytes">The largest request body the route takes (an upload); null: the host's limit.</param>
/// <param name="LinkToken">A POST whose proof is the secret token in its address (an alert email's link), so it takes no
/// anti-forgery token: RFC 8058's one-click unsubscribe is posted by the mail provider, which has none.</param>
public sealed record WebRoute(string Name, string Method, string Path, WebAccess Access, Func<WebContext, Task> Handle, long? MaxBodyBytes = null, bool LinkToken = false);

/// <summary>
/// The web app: every route, and the one pipeline each request goes through in either host (Kestrel for spine-review serve,
/// the Functions host's HTTP adapters): security headers, the person and their role, anti-forgery on every POST, the handler,
/// and errors as pages that say what to do.
/// </summary>
public static partial class WebApp
{
    /// <summary>The Content-Security-Policy of every answer: the app's own script and style files only, nothing inline, no frames.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Every route of the web app.</summary>
    public static IReadOnlyList<WebRoute> Routes { get; } =
    [
        new("Home", "GET", "/", WebAccess.Public, LivingReviewPage.HomeAsync),
        new("Records", "GET", "/records", WebAccess.Public, LivingReviewPage.RecordsAsync),
        new("Report", "GET", "/report", WebAccess.Public, LivingReviewPage.ReportAsync),
        new("DownloadCsv", "GET", "/downloads/included.csv", WebAccess.Public, ctx => LivingReviewPage.DownloadAsync(ctx, "csv")),
        new("DownloadRis", "GET", "/downloads/included.ris", WebAccess.Public, ctx => LivingReviewPage.DownloadAsync(ctx, "ris")),
        new("Subscribe", "POST", "/subscribe", WebAccess.Public, LivingReviewPage.SubscribeAsync),
        new("Css", "GET", "/static/app.css", WebAccess.Public, ctx => StaticFiles.ServeAsync(ctx, "app.css", "text/css; charset=utf-8")),
        new("Js", "GET", "/static/app.js", WebAccess.Public, ctx => StaticFiles.ServeAsync(ctx, "app.js", "text/javascript; charset=utf-8")),
        new("SignInPage", "GET", "/signin", WebAccess.Public, SignInPage.ShowAsync),
        new("SignIn", "POST", "/signin", WebAccess.Public, SignInPage.SignInAsync),
        new("SignOut", "POST", "/signout", WebAccess.Public, SignInPage.SignOutAsync),
        // At the addresses the alert emails carry (Alerts:PublicBaseUrl + /api/alerts/...), served by both hosts.
        new("AlertsConfirmPage", "GET", "/api/alerts/confirm", WebAccess.Public, AlertLinkPages.ConfirmPageAsync),
        new("AlertsConfirm", "POST", "/api/alerts/confirm", WebAccess.Public, AlertLinkPages.ConfirmAsync, LinkToken: true),
        new("AlertsUnsubscribePage", "GET", "/api/alerts/unsubscribe", WebAccess.Public, AlertLinkPages.UnsubscribePageAsync),
        new("AlertsUnsubscribe", "POST", "/api/alerts/unsubscribe", WebAccess.Public, AlertLinkPages.UnsubscribeAsync, LinkToken: true),
        new("Screening", "GET", "/screening", WebAccess.Reviewer, ScreeningPage.ShowAsync),
        new("ScreeningNext", "GET", "/screening/next", WebAccess.Reviewer, ScreeningPage.NextAsync),
        new("ScreeningChange", "GET", "/screening/change", WebAccess.Reviewer, ScreeningPage.ChangeAsync),
        new("ScreeningDecide", "POST", "/screening/decide", WebAccess.Reviewer, ScreeningPage.DecideAsync),
        new("Conflicts", "GET", "/conflicts", WebAccess.Reviewer, ConflictsPage.ShowAsync),
        new("ConflictsResolve", "POST", "/conflicts/resolve", WebAccess.Reviewer, ConflictsPage.ResolveAsync),
        new("Charting", "GET", "/charting", WebAccess.Reviewer, ChartingPage.ListAsync),
        new("ChartingStudy", "GET", "/charting/study", WebAccess.Reviewer, ChartingPage.StudyAsync),
        new("ChartingCorrect", "POST", "/charting/correct", WebAccess.Reviewer, ChartingPage.CorrectAsync),
        new("Duplicates", "GET", "/duplicates", WebAccess.Reviewer, DuplicatesPage.ShowAsync),
        new("DuplicatesVerdict", "POST", "/duplicates/verdict", WebAccess.Reviewer, DuplicatesPage.VerdictAsync),
        new("Admin", "GET", "/manage", WebAccess.Admin, AdminPage.ShowAsync),
        new("AdminImportPage", "GET", "/manage/import", WebAccess.Admin, ImportPage.ShowAsync),
        new("AdminImport", "POST", "/manage/import", WebAccess.Admin, ImportPage.ImportAsync, ImportPage.MaxBytes),
    ];

    /// <summary>The route called <paramref name="name"/>.</summary>
    public static WebRoute Route(string name) => Routes.First(r => r.Name == name);

    /// <summary>Runs one request through the pipeline. <paramref name="services"/> are the host's.</summary>
    public static async Task RunAsync(HttpContext http, WebRoute route, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(services);
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (!route.Path.StartsWith("/static/", StringComparison.Ordinal)) headers.CacheControl = "no-store";

        var identity = services.GetRequiredService<WebIdentity>();
        // In Azure the platform ends TLS and forwards over http, saying the browser's scheme in X-Forwarded-Proto: the Secure
        // cookies and the anti-forgery check go by it. serve listens on loopback http and believes no such header.
        if (!identity.Local && !http.Request.IsHttps && string.Equals(http.Request.Headers["X-Forwarded-Proto"], "https", StringComparison.OrdinalIgnoreCase))
            http.Request.Scheme = "https";
        var user = identity.Current(http);
        // The anti-forgery token is bound to the person: a token issued to one is refused for another.
        if (user is not null) http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Name)], "SpineReview"));
        var context = new WebContext(http, services, user, identity.Local);
        try
        {
            if (!string.Equals(http.Request.Method, route.Method, StringComparison.OrdinalIgnoreCase))
            {
                headers.Allow = route.Method;
                await FailAsync(context, 405, "Not this way", $"{route.Path} answers {route.Method} only.");
                return;
            }
            if (route.Access != WebAccess.Public)
            {
                if (user is null)
                {
                    if (route.Method == "GET" && !context.Fragment)
                    {
                        var back = http.Request.Path + http.Request.QueryString;
                        await context.RedirectAsync(identity.Local ? $"/signin?return={Html.Q(back)}" : $"/.auth/login/aad?post_login_redirect_uri={Html.Q(back)}");
                        return;
                    }
                    await FailAsync(context, 401, "Sign in first", "This page is for signed-in reviewers: sign in, then try again.");
                    return;
                }
                if (route.Access == WebAccess.Reviewer && !user.Reviewer || route.Access == WebAccess.Admin && !user.Admin)
                {
                    var role = route.Access == WebAccess.Admin ? "admins (setting Web__Admins or the group in Web__AdminGroup)" : "reviewers (setting Web__Reviewers or the group in Web__ReviewerGroup)";
                    await FailAsync(context, 403, "Not allowed", $"{user.Name} may not use this page: it is for {role}. Ask the review's admin to add you.");
                    return;
                }
            }
            if (route.MaxBodyBytes is { } max)
            {
                // Refused before anything is read (the anti-forgery check reads the form); a body without a length stops at the limit.
                if (http.Request.ContentLength > max)
                {
                    await FailAsync(context, 413, "Too large", TooLarge(max));
                    return;
                }
                if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = max;
            }
            if (route.Method == "POST" && !route.LinkToken && !await services.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            {
                await FailAsync(context, 400, "Form expired or forged",
                    "The form did not carry a valid anti-forgery token, so nothing was changed. Reload the page and send it again.");
                return;
            }
            await route.Handle(context);
        }
        catch (Exception caught) when (Unread(caught) is { } e && !http.Response.HasStarted)
        {
            // The server stopped reading the body (the form reader or the anti-forgery check may wrap it): over the route's limit
            // (sent without a length), or cut off by the sender.
            if (e.StatusCode == 413) await FailAsync(context, 413, "Too large", TooLarge(route.MaxBodyBytes ?? 0));
            else await FailAsync(context, 400, "Not accepted", "The request could not be read to its end, so nothing was stored. Send it again.");
        }
        catch (Exception e) when (Refusal(e) is { } refusal && !http.Response.HasStarted)
        {
            await FailAsync(context, refusal.Status, refusal.Title, Html.Sentence(e.Message));
        }
        catch (Exception e) when (e is not OperationCanceledException && !http.Response.HasStarted)
        {
            // The details stay in the log; the person gets a reference that finds them there.
            var reference = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
            LogFailure(services.GetRequiredService<ILoggerFactory>().CreateLogger("SpineReview.Web"), e, route.Path, reference);
            await FailAsync(context, 500, "Something went wrong",
                "The page could not be made; nothing you sent was half-stored. Try again in a moment; if it keeps failing, tell the review's admin the reference below.", reference);
        }
    }

    private static Microsoft.AspNetCore.Http.BadHttpRequestException? Unread(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is Microsoft.AspNetCore.Http.BadHttpRequestException bad) return bad;
        return null;
    }

    private static string TooLarge(long max) =>
        $"This takes at most {max / (1024 * 1024)} MB and nothing was stored. Send a smaller file: export the results in parts and send each.";

    [LoggerMessage(Level = LogLevel.Error, Message = "Web page {Path} failed (reference {Reference})")]
    private static partial void LogFailure(ILogger logger, Exception exception, string path, string reference);

    // Only refusals written for a person show their message; an ArgumentException or InvalidOperationException from deeper
    // down may name storage, keys or code, so it is a failure with a reference instead.
    private static (int Status, string Title)? Refusal(Exception e) => e switch
    {
        DecisionRejectedException d => (d.Status, d.Status switch { 403 => "Not allowed", 404 => "Not found", 409 => "Already decided", 412 => "Changed meanwhile", _ => "Not accepted" }),
        AlertRejectedException a => (a.Status, a.Status == 503 ? "Not available" : "Not accepted"),
        UserFacingException u => (u.Status, u.Status switch { 404 => "Not found", 409 => "Not possible", 413 => "Too large", _ => "Not accepted" }),
        _ => null,
    };

    /// <summary>An error as a page, or as plain text to the small script (which shows it in the page's status line).</summary>
    private static Task FailAsync(WebContext context, int status, string title, string text, string? reference = null)
    {
        if (!context.Fragment)
            return context.HtmlAsync(reference is null
                ? Html.Message(context, title, text, "/", "Back to the living review")
                : Html.Page(context, title, $"<p>{Html.E(text)}</p><p>Your reference <code>{Html.E(reference)}</code> finds the details in the app's log.</p><p><a href=\"/\">Back to the living review</a></p>"), status);
        context.Http.Response.StatusCode = status;
        context.Http.Response.ContentType = "text/plain; charset=utf-8";
        return context.Http.Response.WriteAsync(reference is null ? text : $"{text} (reference {reference})", context.Cancellation);
    }
}
