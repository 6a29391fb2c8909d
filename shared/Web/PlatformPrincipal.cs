using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace SpineReview.Web;

/// <summary>The person App Service authentication signed in: their sign-in name and the Entra groups the token lists.</summary>
public sealed record PlatformUser(string Name, IReadOnlyList<string> Groups);

/// <summary>
/// Reads the headers the platform's authentication (App Service "Easy Auth") sets itself and strips from incoming requests:
/// X-MS-CLIENT-PRINCIPAL (base64 JSON with the claims) or X-MS-CLIENT-PRINCIPAL-NAME. Whether to believe them is the caller's decision.
/// </summary>
public static class PlatformPrincipal
{
    /// <summary>The claims header.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    /// <summary>The plain name header.</summary>
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

    /// <summary>The signed-in person, or null when the request carries no platform identity.</summary>
    public static PlatformUser? Read(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.TryGetValue(PrincipalHeader, out var encoded) && !string.IsNullOrWhiteSpace(encoded))
        {
            try
            {
                var principal = JsonSerializer.Deserialize(Convert.FromBase64String(encoded.ToString()), PlatformJson.Default.ClientPrincipal);
                if (principal?.Claims is { } claims)
                {
                    var valid = claims.Where(c => c is not null && !string.IsNullOrWhiteSpace(c.Value)).ToList();
                    string? Claim(string? type) => type is null ? null : valid.Where(c => c.Type == type).Select(c => c.Value).FirstOrDefault();
                    // Sign-in names first: unique per person, unlike a display name.
                    var name = Claim("preferred_username") ?? Claim("upn") ?? Claim("email")
                               ?? Claim("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn")
                               ?? Claim("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")
                               ?? Claim(principal.NameType) ?? Claim("name");
                    var groups = valid.Where(c => c.Type is "groups" or "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups")
                        .Select(c => c.Value!.Trim()).ToList();
                    if (name is not null) return new PlatformUser(name.Trim(), groups);
                }
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                // A malformed principal is no identity; the name header may still carry one.
            }
        }
        return headers.TryGetValue(NameHeader, out var plain) && !string.IsNullOrWhiteSpace(plain) ? new PlatformUser(plain.ToString().Trim(), []) : null;
    }
}

/// <summary>The JSON in X-MS-CLIENT-PRINCIPAL: the sign-in's claims, and which claim type holds the person's name.</summary>
internal sealed record ClientPrincipal(
    [property: JsonPropertyName("auth_typ")] string? AuthType,
    [property: JsonPropertyName("name_typ")] string? NameType,
    [property: JsonPropertyName("claims")] IReadOnlyList<PrincipalClaim>? Claims);

/// <summary>One claim of a <see cref="ClientPrincipal"/>.</summary>
internal sealed record PrincipalClaim([property: JsonPropertyName("typ")] string? Type, [property: JsonPropertyName("val")] string? Value);

/// <summary>The platform's identity header as JSON, generated at compile time (its names as App Service writes them).</summary>
[JsonSerializable(typeof(ClientPrincipal))]
internal sealed partial class PlatformJson : JsonSerializerContext;
