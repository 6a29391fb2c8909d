using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SpineReview.Screening;

namespace SpineReview.Web;

/// <summary>The person using a page and what they may do there.</summary>
public sealed record WebUser(string Name, bool Reviewer, bool Admin);

/// <summary>Marks the host as a person's own machine (<c>spine-review serve</c> on loopback): the sign-in page may name the person.</summary>
public sealed class LocalSignIn;

/// <summary>
/// Who is using the web app. In Azure: the platform's sign-in (App Service authentication), believed only when it is on
/// (or setting Screening:TrustIdentityHeaders says a trusted proxy sets the headers). On a person's own machine: a name
/// chosen on the local sign-in page from the configured people, kept in a cookie the app's data-protection keys sign.
/// Roles come from settings Web:Reviewers and Web:Admins, or the Entra groups in Web:ReviewerGroup and Web:AdminGroup.
/// </summary>
public sealed class WebIdentity(IOptions<WebOptions> web, IOptions<ScreeningOptions> screening, IDataProtectionProvider protection, LocalSignIn? local = null)
{
    /// <summary>The cookie that keeps the local sign-in.</summary>
    public const string LocalCookie = "spine-who";

    private readonly IDataProtector _protector = protection.CreateProtector("SpineReview.Web.LocalSignIn");

    /// <summary>Whether this host offers the local sign-in page (only <c>spine-review serve</c>, on loopback).</summary>
    public bool Local => local is not null;

    /// <summary>The people the local sign-in page offers: every configured reviewer and admin.</summary>
    public IReadOnlyList<string> LocalPeople() =>
        web.Value.ReviewerList().Concat(web.Value.AdminList()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>The signed-in person with their roles, or null when nobody is signed in.</summary>
    public WebUser? Current(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (PlatformPrincipal.Trusted(screening.Value.TrustIdentityHeaders) && PlatformPrincipal.Read(context.Request.Headers) is { } platform)
            return WithRoles(platform.Name, platform.Groups);
        if (local is null || !context.Request.Cookies.TryGetValue(LocalCookie, out var cookie) || string.IsNullOrEmpty(cookie)) return null;
        try
        {
            var name = _protector.Unprotect(cookie);
            // Someone taken off the list since signing in is signed out.
            return LocalPeople().Contains(name, StringComparer.OrdinalIgnoreCase) ? WithRoles(name, []) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Signs <paramref name="name"/> in on this machine; false when the name is not one of the configured people.</summary>
    public bool SignInLocally(HttpContext context, string? name)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (local is null) throw new InvalidOperationException("The local sign-in exists only in spine-review serve on loopback.");
        var person = LocalPeople().FirstOrDefault(p => string.Equals(p, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (person is null) return false;
        context.Response.Cookies.Append(LocalCookie, _protector.Protect(person),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true, Secure = context.Request.IsHttps });
        return true;
    }

    /// <summary>Ends the local sign-in.</summary>
    public static void SignOutLocally(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(LocalCookie, new CookieOptions { Path = "/" });
    }

    private WebUser WithRoles(string name, IReadOnlyList<string> groups)
    {
        var o = web.Value;
        bool InGroup(string? group) => !string.IsNullOrWhiteSpace(group) && groups.Contains(group.Trim(), StringComparer.OrdinalIgnoreCase);
        return new WebUser(name,
            o.ReviewerList().Contains(name, StringComparer.OrdinalIgnoreCase) || InGroup(o.ReviewerGroup),
            o.AdminList().Contains(name, StringComparer.OrdinalIgnoreCase) || InGroup(o.AdminGroup));
    }
}
