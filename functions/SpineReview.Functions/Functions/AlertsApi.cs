using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SpineReview.Alerts;
using SpineReview.Functions.Http;
using SpineReview.Screening;

namespace SpineReview.Functions.Functions;

/// <summary>
/// HTTP: email alerts. Subscribing is public and answers the same whatever the address (no enumeration); listing subscribers is
/// for admins. The confirm and unsubscribe pages the emails link to are the web app's (WebPages, shared/Web/Pages/AlertLinkPages.cs).
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
