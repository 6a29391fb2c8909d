using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SpineReview.Alerts;
using SpineReview.Functions.Http;
using static SpineReview.Functions.Http.LinkPages;
using SpineReview.Screening;

namespace SpineReview.Functions.Functions;

/// <summary>
/// HTTP: email alerts. Subscribing is public and answers the same whatever the address (no enumeration); confirming and
/// unsubscribing take the token from the email's link, and change something only on POST (a mail scanner that follows links with
/// GET changes nothing; RFC 8058 one-click unsubscribe POSTs "List-Unsubscribe=One-Click"); listing subscribers is for admins.
/// </summary>
public sealed class AlertsApi(SubscriptionService subscriptions, IOptions<ScreeningOptions> screeningOptions)
{
    /// <summary>The answer to every accepted subscribe request, sent or not, new address or known.</summary>
    public const string Accepted = "Thank you. If this address can receive email, a confirmation email is on its way; nothing is sent until the link in it is followed.";

    /// <summary>POST /api/alerts/subscriptions {"email", "name", "modality": [...], "region": [...], "condition": [...], "task": [...], "frequency": "immediate|daily|weekly"}.</summary>
    [Function("AlertsSubscribe")]
    public async Task<IActionResult> Subscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/alerts/subscriptions")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            await subscriptions.SubscribeAsync(await SubscriptionRequest.ReadJsonAsync(request.Body, request.ContentLength, ct), ct);
            return new ObjectResult(new { message = Accepted }) { StatusCode = StatusCodes.Status202Accepted };
        }
        catch (AlertRejectedException e)
        {
            return Problems.Of(e.Status, Web.Html.Sentence(e.Message));
        }
    }

    /// <summary>GET /api/alerts/confirm?token=...: a page with a button that confirms (no change on GET).</summary>
    [Function("AlertsConfirmPage")]
    public IActionResult ConfirmPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/alerts/confirm")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.Query["token"].ToString();
        if (!AlertTokens.TryParse(token, out _, out _))
            return Page(request, 404, "Link not valid", "This confirmation link is not valid. Copy the whole link from the latest email, or subscribe again.");
        return Page(request, 200, "Confirm your alert subscription",
            "Press the button to start receiving email alerts of newly eligible studies.", Form(token, "Confirm the subscription", null));
    }

    /// <summary>POST /api/alerts/confirm?token=...: confirms the subscription.</summary>
    [Function("AlertsConfirm")]
    public async Task<IActionResult> Confirm([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/alerts/confirm")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var result = await subscriptions.ConfirmAsync(request.Query["token"].ToString(), ct);
            return Page(request, 200, result.AlreadyDone ? "Already confirmed" : "Subscription confirmed", Receives(result.Subscriber.Preferences));
        }
        catch (AlertRejectedException e)
        {
            return Page(request, e.Status, e.Status == 410 ? "Link expired" : "Link not valid", Web.Html.Sentence(e.Message));
        }
    }

    /// <summary>GET /api/alerts/unsubscribe?token=...: a page with a button that unsubscribes (no change on GET).</summary>
    [Function("AlertsUnsubscribePage")]
    public IActionResult UnsubscribePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/alerts/unsubscribe")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.Query["token"].ToString();
        if (!AlertTokens.TryParse(token, out _, out _))
            return Page(request, 404, "Link not valid", "This unsubscribe link is not valid. Use the whole link from the latest alert email.");
        return Page(request, 200, "Unsubscribe", "Press the button to stop all email alerts to this address.", Form(token, "Unsubscribe", MessageBuilder.OneClick));
    }

    /// <summary>POST /api/alerts/unsubscribe?token=... (RFC 8058 one-click, body List-Unsubscribe=One-Click): unsubscribes.</summary>
    [Function("AlertsUnsubscribe")]
    public async Task<IActionResult> Unsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/alerts/unsubscribe")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var result = await subscriptions.UnsubscribeAsync(request.Query["token"].ToString(), ct);
            return Page(request, 200, result.AlreadyDone ? "Already unsubscribed" : "Unsubscribed",
                "No more alerts will be sent to this address, and it has been removed from the list.");
        }
        catch (AlertRejectedException e)
        {
            return Page(request, e.Status, "Link not valid", Web.Html.Sentence(e.Message));
        }
    }

    /// <summary>GET /api/alerts/subscriptions: every subscriber (admins named in Alerts:Admins, signed in through the platform).</summary>
    [Function("AlertsSubscribers")]
    public async Task<IActionResult> Subscribers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/alerts/subscriptions")] HttpRequest request, CancellationToken ct)
    {
        var (who, refusal) = Problems.SignedIn(request, screeningOptions.Value.TrustIdentityHeaders, "Listing subscribers");
        if (refusal is not null) return refusal;
        try
        {
            return new OkObjectResult(await subscriptions.ListForAdminAsync(who!, ct));
        }
        catch (AlertRejectedException e)
        {
            return Problems.Of(e.Status, e.Message);
        }
    }
}
