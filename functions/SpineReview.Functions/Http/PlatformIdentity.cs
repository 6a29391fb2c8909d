using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SpineReview.Functions.Http;

/// <summary>
/// Who is calling, as the platform's authentication (App Service "Easy Auth") states it in headers that it sets itself and strips
/// from incoming requests: X-MS-CLIENT-PRINCIPAL (base64 JSON with the claims) or X-MS-CLIENT-PRINCIPAL-NAME. Never from the body.
/// </summary>
public static class PlatformIdentity
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string NameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    /// <summary>App Service sets this to "True" when its authentication is on (and then strips forged principal headers).</summary>
    public const string AuthEnabledVariable = "WEBSITE_AUTH_ENABLED";

    /// <summary>
    /// Whether the principal headers can be believed: only when App Service authentication is on, or when setting
    /// Screening:TrustIdentityHeaders says a trusted proxy in front of the app sets them (local testing). Otherwise anyone
    /// could name themselves in a header.
    /// </summary>
    public static bool Trusted(bool trustSetting) =>
        trustSetting || string.Equals(Environment.GetEnvironmentVariable(AuthEnabledVariable), "True", StringComparison.OrdinalIgnoreCase);

    /// <summary>The signed-in person's name, or null when the request carries no platform identity.</summary>
    public static string? Reviewer(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.TryGetValue(PrincipalHeader, out var encoded) && !string.IsNullOrWhiteSpace(encoded))
        {
            try
            {
                using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(encoded.ToString())));
                var root = doc.RootElement;
                var nameType = root.TryGetProperty("name_typ", out var nt) ? nt.GetString() : null;
                if (root.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array)
                {
                    string? Claim(string? type) => type is null ? null : claims.EnumerateArray()
                        .Where(c => c.TryGetProperty("typ", out var t) && t.GetString() == type)
                        .Select(c => c.TryGetProperty("val", out var v) ? v.GetString() : null).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
                    // Sign-in names first: unique per person, unlike a display name.
                    var name = Claim("preferred_username") ?? Claim("upn") ?? Claim("email")
                               ?? Claim("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn")
                               ?? Claim("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")
                               ?? Claim(nameType) ?? Claim("name");
                    if (name is not null) return name.Trim();
                }
            }
            catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
            {
                // A malformed principal is no identity; the name header may still carry one.
            }
        }
        return headers.TryGetValue(NameHeader, out var plain) && !string.IsNullOrWhiteSpace(plain) ? plain.ToString().Trim() : null;
    }
}
