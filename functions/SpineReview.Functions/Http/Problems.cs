using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SpineReview.Web;

namespace SpineReview.Functions.Http;

/// <summary>Error answers of the HTTP routes: RFC 7807 problem details with a title per status and a detail that says what to do.</summary>
public static class Problems
{
    public static ObjectResult Of(int status, string detail) =>
        new(new ProblemDetails { Status = status, Title = Title(status), Detail = detail }) { StatusCode = status };

    private static string Title(int status) => status switch
    {
        401 => "Not signed in",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict",
        410 => "Expired",
        412 => "Changed meanwhile",
        503 => "Not available",
        _ => "Bad request",
    };

    /// <summary>
    /// 415 unless the body is declared JSON (Content-Type application/json). A browser posts another site's form only as
    /// form data or text/plain without asking; JSON needs a CORS preflight this app never grants, so a state change by JSON
    /// cannot be forged from another site with the reviewer's platform cookie.
    /// </summary>
    public static ObjectResult? NotJson(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            ? null
            : Of(415, "Send the body as JSON with the header Content-Type: application/json; nothing was stored.");
    }

    /// <summary>
    /// The signed-in reviewer, or the answer to send: 401 when App Service authentication is off (the headers could be anyone's)
    /// or the request carries no platform identity, 403 when the person signed in is not a reviewer (setting Web:Reviewers or
    /// the group in Web:ReviewerGroup), the same rule the pages follow. <paramref name="what"/> names the action ("Screening").
    /// </summary>
    public static (string? Reviewer, ObjectResult? Refusal) Reviewer(HttpRequest request, WebIdentity identity, bool trustHeaders, string what)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identity);
        if (!PlatformPrincipal.Trusted(trustHeaders))
            return (null, Of(401, $"{what} needs App Service authentication, which is switched off for this app: turn it on (Authentication in the portal, or the infrastructure template), so that the platform names the reviewer."));
        var user = identity.Current(request.HttpContext);
        if (user is null)
            return (null, Of(401, $"Sign in first: {what.ToLowerInvariant()} needs the platform's sign-in (App Service authentication), which names the reviewer."));
        return user.Reviewer
            ? (user.Name, null)
            : (null, Of(403, $"{user.Name} is signed in but is not a reviewer: {what.ToLowerInvariant()} is for reviewers (setting Web__Reviewers or the group in Web__ReviewerGroup). Ask the review's admin to add you."));
    }

    /// <summary>
    /// The signed-in reviewer, or the 401 to send: when App Service authentication is off (the headers could be anyone's)
    /// or the request carries no platform identity. <paramref name="what"/> names the action for the message ("Screening").
    /// </summary>
    public static (string? Reviewer, ObjectResult? Refusal) SignedIn(HttpRequest request, bool trustHeaders, string what)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!PlatformPrincipal.Trusted(trustHeaders))
            return (null, Of(401, $"{what} needs App Service authentication, which is switched off for this app: turn it on (Authentication in the portal, or the infrastructure template), so that the platform names the reviewer."));
        return PlatformPrincipal.Read(request.Headers)?.Name is { } reviewer
            ? (reviewer, null)
            : (null, Of(401, $"Sign in first: {what.ToLowerInvariant()} needs the platform's sign-in (App Service authentication), which names the reviewer."));
    }
}
