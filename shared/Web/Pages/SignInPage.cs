using System.Text;
using static SpineReview.Web.Html;

namespace SpineReview.Web.Pages;

/// <summary>The local sign-in (spine-review serve only): choose who you are from the configured reviewers and admins.</summary>
internal static class SignInPage
{
    public static Task ShowAsync(WebContext context)
    {
        var identity = context.Get<WebIdentity>();
        if (!identity.Local)
            return context.RedirectAsync($"/.auth/login/aad?post_login_redirect_uri={Q(SafeReturn(context.Query("return")))}");
        var people = identity.LocalPeople();
        var body = new StringBuilder()
            .Append("<p class=\"notice\">This is the <strong>local</strong> sign-in of <code>spine-review serve</code>: it listens on this machine only and believes ")
            .Append("whoever you say you are. In Azure the platform's sign-in (Microsoft Entra ID) names you instead.</p>");
        if (people.Count == 0)
            body.Append("<p>No reviewers or admins are configured. Set <code>Web__Reviewers</code> (for example <code>reviewer1,reviewer2,reviewer3</code>) and ")
                .Append("<code>Web__Admins</code> in local.settings.json or the environment, then start <code>spine-review serve</code> again.</p>");
        else
        {
            body.Append("<form method=\"post\" action=\"/signin\">").Append(Token(context))
                .Append("<input type=\"hidden\" name=\"return\" value=\"").Append(E(SafeReturn(context.Query("return")))).Append("\">")
                .Append("<fieldset><legend>Who are you?</legend>");
            for (var i = 0; i < people.Count; i++)
                body.Append("<div><input type=\"radio\" name=\"who\" id=\"who-").Append(i).Append("\" value=\"").Append(E(people[i])).Append('"')
                    .Append(i == 0 ? " checked" : "").Append("><label for=\"who-").Append(i).Append("\">").Append(E(people[i])).Append("</label></div>");
            body.Append("</fieldset><button type=\"submit\">Sign in</button></form>");
        }
        return context.HtmlAsync(Page(context, "Sign in", body.ToString()));
    }

    public static async Task SignInAsync(WebContext context)
    {
        var identity = context.Get<WebIdentity>();
        if (!identity.Local)
        {
            await context.HtmlAsync(Message(context, "No local sign-in here", "This app signs people in through the platform (Microsoft Entra ID).", "/.auth/login/aad", "Sign in"), 404);
            return;
        }
        var who = await context.FormAsync("who");
        if (!identity.SignInLocally(context.Http, who))
        {
            await context.HtmlAsync(Message(context, "Not a configured person",
                $"\"{who}\" is not one of the configured reviewers or admins ({string.Join(", ", identity.LocalPeople())}); choose one of them.", "/signin", "Back to sign-in"), 400);
            return;
        }
        await context.RedirectAsync(SafeReturn(await context.FormAsync("return")));
    }

    public static Task SignOutAsync(WebContext context)
    {
        WebIdentity.SignOutLocally(context.Http);
        return context.RedirectAsync("/");
    }

    /// <summary>Only a path on this site: a return address elsewhere would make the sign-in an open redirect. Browsers drop
    /// tabs and line breaks from an address ("/\t/evil.example" becomes "//evil.example"), so any control character, space
    /// or backslash refuses it, as does "//".</summary>
    internal static string SafeReturn(string? path) =>
        path is { Length: > 0 } p && p[0] == '/' && !p.StartsWith("//", StringComparison.Ordinal)
            && !p.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\') ? p : "/screening";
}
