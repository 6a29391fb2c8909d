using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

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
    /// The signed-in reviewer, or the 401 to send: when App Service authentication is off (the headers could be anyone's)
    /// or the request carries no platform identity. <paramref name="what"/> names the action for the message ("Screening").
    /// </summary>
    public static (string? Reviewer, ObjectResult? Refusal) SignedIn(HttpRequest request, bool trustHeaders, string what)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!PlatformIdentity.Trusted(trustHeaders))
            return (null, Of(401, $"{what} needs App Service authentication, which is switched off for this app: turn it on (Authentication in the portal, or the infrastructure template), so that the platform names the reviewer."));
        return PlatformIdentity.Reviewer(request.Headers) is { } reviewer
            ? (reviewer, null)
            : (null, Of(401, $"Sign in first: {what.ToLowerInvariant()} needs the platform's sign-in (App Service authentication), which names the reviewer."));
    }
}
