using Microsoft.AspNetCore.Http;

namespace SpineReview.Functions.Http;

/// <summary>
/// Who is calling, as the platform's authentication (App Service "Easy Auth") states it in headers that it sets itself and strips
/// from incoming requests: X-MS-CLIENT-PRINCIPAL (base64 JSON with the claims) or X-MS-CLIENT-PRINCIPAL-NAME. Never from the body.
/// </summary>
public static class PlatformIdentity
{
    public const string PrincipalHeader = SpineReview.Web.PlatformPrincipal.PrincipalHeader;
    public const string NameHeader = SpineReview.Web.PlatformPrincipal.NameHeader;

    /// <summary>App Service sets this to "True" when its authentication is on (and then strips forged principal headers).</summary>
    public const string AuthEnabledVariable = SpineReview.Web.PlatformPrincipal.AuthEnabledVariable;

    /// <summary>
    /// Whether the principal headers can be believed: only when App Service authentication is on, or when setting
    /// Screening:TrustIdentityHeaders says a trusted proxy in front of the app sets them (local testing). Otherwise anyone
    /// could name themselves in a header.
    /// </summary>
    public static bool Trusted(bool trustSetting) => SpineReview.Web.PlatformPrincipal.Trusted(trustSetting);

    /// <summary>The signed-in person's name, or null when the request carries no platform identity.</summary>
    public static string? Reviewer(IHeaderDictionary headers) => SpineReview.Web.PlatformPrincipal.Read(headers)?.Name;
}
