using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SpineReview.Alerts;

namespace SpineReview.Functions.Http;

/// <summary>
/// The small pages people reach from a link in an alert email: no scripts, nothing from elsewhere, no Referer (the URL holds a
/// token), and a button that POSTs, so that a mail scanner following the link with GET changes nothing.
/// </summary>
internal static class LinkPages
{
    public static ContentResult Page(HttpRequest request, int status, string title, string text, string? formHtml = null)
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

    /// <summary>A form that POSTs the token back to the same route; <paramref name="oneClick"/> adds RFC 8058's List-Unsubscribe=One-Click.</summary>
    public static string Form(string token, string button, string? oneClick) =>
        $"<form method=\"post\" action=\"?token={WebUtility.HtmlEncode(Uri.EscapeDataString(token))}\">" +
        (oneClick is null ? "" : $"<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">") +
        $"<button type=\"submit\" style=\"font-size:16px;padding:8px 16px\">{WebUtility.HtmlEncode(button)}</button></form>";

    /// <summary>What a confirmed subscriber will receive, in words.</summary>
    public static string Receives(AlertPreferences p) =>
        $"You will receive {p.Filters.Describe()}, {Frequency(p.Frequency)}, from studies that become eligible from now on. Every email has a link to unsubscribe in one click.";

    private static string Frequency(AlertFrequency f) => f switch
    {
        AlertFrequency.Daily => "in a daily digest",
        AlertFrequency.Weekly => "in a weekly digest",
        _ => "as soon as they are found",
    };
}
