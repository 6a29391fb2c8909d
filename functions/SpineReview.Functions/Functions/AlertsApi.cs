using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SpineReview.Alerts;
using SpineReview.Configuration;
using SpineReview.Functions.Http;

namespace SpineReview.Functions.Functions;

/// <summary>
/// HTTP: email alerts. Subscribing is public and answers the same whatever the address (no enumeration); confirming and
/// unsubscribing take the token from the email's link, and change something only on POST (a mail scanner that follows links with
/// GET changes nothing; RFC 8058 one-click unsubscribe POSTs "List-Unsubscribe=One-Click"); listing subscribers is for admins.
/// </summary>
public sealed class AlertsApi(SubscriptionService subscriptions, IOptions<AlertOptions> alertOptions, IOptions<ScreeningOptions> screeningOptions)
{
    private const int MaxBody = 16 * 1024;

    /// <summary>The answer to every accepted subscribe request, sent or not, new address or known.</summary>
    public const string Accepted = "Thank you. If this address can receive email, a confirmation email is on its way; nothing is sent until the link in it is followed.";

    /// <summary>POST /api/alerts/subscriptions {"email", "name", "modality": [...], "region": [...], "condition": [...], "task": [...], "frequency": "immediate|daily|weekly"}.</summary>
    [Function("AlertsSubscribe")]
    public async Task<IActionResult> Subscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/subscriptions")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var body = await ReadSubscriptionAsync(request, ct);
            await subscriptions.SubscribeAsync(body, ct);
            return new ObjectResult(new { message = Accepted }) { StatusCode = StatusCodes.Status202Accepted };
        }
        catch (AlertRejectedException e)
        {
            return Problems.Of(e.Status, Sentence(e.Message));
        }
    }

    /// <summary>GET /api/alerts/confirm?token=...: a page with a button that confirms (no change on GET).</summary>
    [Function("AlertsConfirmPage")]
    public IActionResult ConfirmPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/confirm")] HttpRequest request)
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
    public async Task<IActionResult> Confirm([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/confirm")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var result = await subscriptions.ConfirmAsync(request.Query["token"].ToString(), ct);
            var p = result.Subscriber.Preferences;
            return Page(request, 200, result.AlreadyDone ? "Already confirmed" : "Subscription confirmed",
                $"You will receive {p.Filters.Describe()}, {Frequency(p.Frequency)}, from studies that become eligible from now on. Every email has a link to unsubscribe in one click.");
        }
        catch (AlertRejectedException e)
        {
            return Page(request, e.Status, e.Status == 410 ? "Link expired" : "Link not valid", Sentence(e.Message));
        }
    }

    /// <summary>GET /api/alerts/unsubscribe?token=...: a page with a button that unsubscribes (no change on GET).</summary>
    [Function("AlertsUnsubscribePage")]
    public IActionResult UnsubscribePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/unsubscribe")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.Query["token"].ToString();
        if (!AlertTokens.TryParse(token, out _, out _))
            return Page(request, 404, "Link not valid", "This unsubscribe link is not valid. Use the whole link from the latest alert email.");
        return Page(request, 200, "Unsubscribe", "Press the button to stop all email alerts to this address.", Form(token, "Unsubscribe", MessageBuilder.OneClick));
    }

    /// <summary>POST /api/alerts/unsubscribe?token=... (RFC 8058 one-click, body List-Unsubscribe=One-Click): unsubscribes.</summary>
    [Function("AlertsUnsubscribe")]
    public async Task<IActionResult> Unsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/unsubscribe")] HttpRequest request, CancellationToken ct)
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
            return Page(request, e.Status, "Link not valid", Sentence(e.Message));
        }
    }

    /// <summary>GET /api/alerts/subscriptions: every subscriber (admins named in Alerts:Admins, signed in through the platform).</summary>
    [Function("AlertsSubscribers")]
    public async Task<IActionResult> Subscribers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/subscriptions")] HttpRequest request, CancellationToken ct)
    {
        var (who, refusal) = Problems.SignedIn(request, screeningOptions.Value.TrustIdentityHeaders, "Listing subscribers");
        if (refusal is not null) return refusal;
        if (!alertOptions.Value.AdminList().Contains(who!, StringComparer.OrdinalIgnoreCase))
            return Problems.Of(403, $"{who} is not an alerts admin: the admins are named in setting Alerts:Admins.");
        var list = await subscriptions.ListAsync(ct);
        return new OkObjectResult(list.Select(s => new
        {
            s.Id,
            Address = s.Status == SubscriberStatus.Unsubscribed ? null : s.Address,
            s.Name,
            Status = s.Status.ToString(),
            Frequency = s.Preferences.Frequency.ToString(),
            s.Preferences.Filters.Modality,
            s.Preferences.Filters.Region,
            s.Preferences.Filters.Condition,
            s.Preferences.Filters.Task,
            ChangeWaitingForConfirmation = s.Status == SubscriberStatus.Confirmed && s.Requested is not null,
            s.SubscribedAt,
            s.ConfirmedAt,
            s.UnsubscribedAt,
            LastDigest = s.Preferences.Frequency == AlertFrequency.Immediate ? null : s.DigestCursor,
        }));
    }

    private static async Task<SubscriptionRequest> ReadSubscriptionAsync(HttpRequest request, CancellationToken ct)
    {
        const string Shape = "send {\"email\": \"jane.doe@example.org\", \"name\": \"Jane Doe\", \"modality\": [\"MRI\"], \"region\": [], \"condition\": [], \"task\": [], \"frequency\": \"immediate|daily|weekly\"}";
        if (request.ContentLength is > MaxBody) throw new AlertRejectedException($"the body has {request.ContentLength} bytes; a subscription fits in {MaxBody}");
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBody) throw new AlertRejectedException($"the body is larger than {MaxBody} bytes; a subscription fits in much less");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException)
        {
            throw new AlertRejectedException($"the body is not JSON; {Shape}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new AlertRejectedException($"the body must be one JSON object; {Shape}");
            string[] known = ["email", "name", "modality", "region", "condition", "task", "frequency"];
            foreach (var p in root.EnumerateObject())
                if (!known.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                    throw new AlertRejectedException($"\"{MailRules.Flatten(p.Name, 40)}\" is not a subscription field; the fields are {string.Join(", ", known)}");
            JsonElement? Get(string name) => root.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault();
            string? Text(string name) => Get(name) switch
            {
                null => null,
                { ValueKind: JsonValueKind.Null } => null,
                { ValueKind: JsonValueKind.String } v => v.GetString(),
                _ => throw new AlertRejectedException($"\"{name}\" must be a string"),
            };
            List<string>? Values(string name) => Get(name) switch
            {
                null => null,
                { ValueKind: JsonValueKind.Null } => null,
                { ValueKind: JsonValueKind.String } v => [v.GetString()!],
                { ValueKind: JsonValueKind.Array } v when v.GetArrayLength() <= 20 && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) =>
                    v.EnumerateArray().Select(x => x.GetString()!).ToList(),
                _ => throw new AlertRejectedException($"\"{name}\" must be a list of at most 20 strings, for example [\"MRI\", \"CT\"]"),
            };
            return new SubscriptionRequest(Text("email"), Text("name"), Values("modality"), Values("region"), Values("condition"), Values("task"), Text("frequency"));
        }
    }

    // A small page for people who follow a link from an email. No scripts, nothing from elsewhere, and no Referer (the URL holds a token).
    private static ContentResult Page(HttpRequest request, int status, string title, string text, string? formHtml = null)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Content-Type-Options"] = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>")
            .Append(WebUtility.HtmlEncode(title)).Append(" - SpineReview alerts</title></head>")
            .Append("<body style=\"font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:40px auto;padding:0 16px;line-height:1.5\"><h1 style=\"font-size:22px\">")
            .Append(WebUtility.HtmlEncode(title)).Append("</h1><p>").Append(WebUtility.HtmlEncode(text)).Append("</p>")
            .Append(formHtml ?? "").Append("</body></html>");
        return new ContentResult { StatusCode = status, ContentType = "text/html; charset=utf-8", Content = html.ToString() };
    }

    private static string Form(string token, string button, string? oneClick) =>
        $"<form method=\"post\" action=\"?token={WebUtility.HtmlEncode(Uri.EscapeDataString(token))}\">" +
        (oneClick is null ? "" : $"<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">") +
        $"<button type=\"submit\" style=\"font-size:16px;padding:8px 16px\">{WebUtility.HtmlEncode(button)}</button></form>";

    private static string Frequency(AlertFrequency f) => f switch
    {
        AlertFrequency.Daily => "in a daily digest",
        AlertFrequency.Weekly => "in a weekly digest",
        _ => "as soon as they are found",
    };

    private static string Sentence(string message) => message.Length == 0 ? message : char.ToUpperInvariant(message[0]) + message[1..] + (message.EndsWith('.') ? "" : ".");
}
