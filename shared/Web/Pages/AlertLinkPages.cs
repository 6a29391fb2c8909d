using SpineReview.Alerts;
using static SpineReview.Web.Html;

namespace SpineReview.Web.Pages;

/// <summary>
/// The pages people reach from a link in an alert email (confirm, unsubscribe), at the addresses the emails carry
/// (/api/alerts/...), in both hosts. Nothing changes on GET, so a mail scanner following the link changes nothing; the page's
/// button POSTs. The secret token in the address is the proof a forger does not have, which is why these POSTs need no
/// anti-forgery token: RFC 8058's one-click unsubscribe is a POST from the mail provider, which has none.
/// </summary>
internal static class AlertLinkPages
{
    public static Task ConfirmPageAsync(WebContext context)
    {
        var token = Token(context);
        if (!AlertTokens.TryParse(token, out _, out _))
            return ShowAsync(context, 404, "Link not valid", "This confirmation link is not valid. Copy the whole link from the latest email, or subscribe again.");
        return ShowAsync(context, 200, "Confirm your alert subscription", "Press the button to start receiving email alerts of newly eligible studies.",
            Form(token, "Confirm the subscription", oneClick: false));
    }

    public static async Task ConfirmAsync(WebContext context)
    {
        try
        {
            var result = await context.Get<SubscriptionService>().ConfirmAsync(Token(context), context.Cancellation);
            await ShowAsync(context, 200, result.AlreadyDone ? "Already confirmed" : "Subscription confirmed", Receives(result.Subscriber.Preferences));
        }
        catch (AlertRejectedException e)
        {
            await ShowAsync(context, e.Status, e.Status == 410 ? "Link expired" : "Link not valid", Sentence(e.Message));
        }
    }

    public static Task UnsubscribePageAsync(WebContext context)
    {
        var token = Token(context);
        if (!AlertTokens.TryParse(token, out _, out _))
            return ShowAsync(context, 404, "Link not valid", "This unsubscribe link is not valid. Use the whole link from the latest alert email.");
        return ShowAsync(context, 200, "Unsubscribe", "Press the button to stop all email alerts to this address.", Form(token, "Unsubscribe", oneClick: true));
    }

    public static async Task UnsubscribeAsync(WebContext context)
    {
        try
        {
            var result = await context.Get<SubscriptionService>().UnsubscribeAsync(Token(context), context.Cancellation);
            await ShowAsync(context, 200, result.AlreadyDone ? "Already unsubscribed" : "Unsubscribed",
                "No more alerts will be sent to this address, and it has been removed from the list.");
        }
        catch (AlertRejectedException e)
        {
            await ShowAsync(context, e.Status, "Link not valid", Sentence(e.Message));
        }
    }

    private static string Token(WebContext context) => context.Query("token") ?? "";

    private static Task ShowAsync(WebContext context, int status, string title, string text, string? form = null)
    {
        // The address holds a token: it goes to no other site, not even as a Referer.
        context.Http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return context.HtmlAsync(Page(context, title, $"<p>{E(text)}</p>{form}"), status);
    }

    /// <summary>A form that POSTs the token back to the same address; the unsubscribe form says RFC 8058's List-Unsubscribe=One-Click.</summary>
    private static string Form(string token, string button, bool oneClick) =>
        $"<form method=\"post\" action=\"?token={E(Q(token))}\">" +
        (oneClick ? "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">" : "") +
        $"<button type=\"submit\">{E(button)}</button></form>";

    /// <summary>What a confirmed subscriber will receive, in words.</summary>
    private static string Receives(AlertPreferences p) =>
        $"You will receive {p.Filters.Describe()}, {Frequency(p.Frequency)}, from studies that become eligible from now on. Every email has a link to unsubscribe in one click.";

    private static string Frequency(AlertFrequency f) => f switch
    {
        AlertFrequency.Daily => "in a daily digest",
        AlertFrequency.Weekly => "in a weekly digest",
        _ => "as soon as they are found",
    };
}
