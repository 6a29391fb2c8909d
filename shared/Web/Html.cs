using System.Globalization;
using System.Net;
using System.Text;
using SpineReview.Screening;

namespace SpineReview.Web;

/// <summary>
/// HTML as text with every stored value encoded on the way in: pages are built from these helpers only, so a title holding
/// &lt;script&gt; is shown as characters. No inline script or style anywhere (the CSP forbids both): behaviour is in app.js, looks in app.css.
/// </summary>
public static class Html
{
    /// <summary>Text encoded for an element's content or a quoted attribute value.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A number as people read it here (invariant: 1,234).</summary>
    public static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A query-string value.</summary>
    public static string Q(string? value) => Uri.EscapeDataString(value ?? "");

    /// <summary>
    /// <paramref name="text"/> encoded, with the protocol's terms marked: &lt;mark class="cue-in"&gt; for a concept block,
    /// &lt;mark class="cue-out"&gt; for a reason code's cue, each with a title saying what it stands for.
    /// </summary>
    public static string Highlighted(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder();
        var at = 0;
        foreach (var cue in ScreeningCues.Find(text))
        {
            sb.Append(E(text[at..cue.Start]));
            var kind = cue.Kind == CueKind.Include ? "in" : "out";
            sb.Append("<mark class=\"cue-").Append(kind).Append("\" title=\"").Append(cue.Kind == CueKind.Include ? "include term: " : "exclude cue: ")
                .Append(E(cue.Label)).Append("\">").Append(E(text.Substring(cue.Start, cue.Length))).Append("</mark>");
            at = cue.Start + cue.Length;
        }
        return sb.Append(E(text[at..])).ToString();
    }

    /// <summary>
    /// <paramref name="text"/> encoded with the spans given marked as evidence (&lt;mark class="evidence"&gt;); spans that overlap an
    /// earlier one are merged into it.
    /// </summary>
    public static string WithEvidence(string text, IEnumerable<(int Start, int Length)> spans)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder();
        var at = 0;
        foreach (var (start, length) in spans.Where(s => s.Start >= 0 && s.Length > 0 && s.Start + s.Length <= text.Length).OrderBy(s => s.Start))
        {
            var from = Math.Max(start, at);
            var to = start + length;
            if (to <= from) continue;
            sb.Append(E(text[at..from])).Append("<mark class=\"evidence\">").Append(E(text[from..to])).Append("</mark>");
            at = to;
        }
        return sb.Append(E(text[at..])).ToString();
    }

    /// <summary>The hidden field that carries the anti-forgery token in every form that changes something.</summary>
    public static string Token(WebContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (field, value) = context.AntiforgeryToken();
        return $"<input type=\"hidden\" name=\"{E(field)}\" value=\"{E(value)}\">";
    }

    /// <summary>A whole page: the layout with navigation for what the signed-in person may use, and <paramref name="body"/> as the main content.</summary>
    public static string Page(WebContext context, string title, string body, string? heading = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var sb = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" - SpineReview</title>")
            .Append("<link rel=\"stylesheet\" href=\"/static/app.css\"><script src=\"/static/app.js\" defer></script></head><body>")
            .Append("<a class=\"skip\" href=\"#main\">Skip to content</a><header><nav aria-label=\"Main\"><ul>")
            .Append(NavLink(context, "/", "Living review"));
        if (user?.Reviewer == true)
            sb.Append(NavLink(context, "/screening", "Screening")).Append(NavLink(context, "/conflicts", "Conflicts"))
                .Append(NavLink(context, "/charting", "Charting")).Append(NavLink(context, "/duplicates", "Duplicates"));
        if (user?.Admin == true) sb.Append(NavLink(context, "/manage", "Admin"));
        sb.Append("</ul></nav><div class=\"who\">");
        if (user is null)
            sb.Append(context.LocalSignIn ? "<a href=\"/signin\">Sign in (local)</a>" : "<a href=\"/.auth/login/aad\">Sign in</a>");
        else
        {
            sb.Append("Signed in as <strong>").Append(E(user.Name)).Append("</strong>").Append(context.LocalSignIn ? " (local sign-in)" : "");
            sb.Append(context.LocalSignIn
                ? $"<form method=\"post\" action=\"/signout\" class=\"inline\">{Token(context)}<button type=\"submit\">Sign out</button></form>"
                : " <a href=\"/.auth/logout\">Sign out</a>");
        }
        sb.Append("</div></header><main id=\"main\" tabindex=\"-1\"><h1>").Append(E(heading ?? title)).Append("</h1>")
            .Append(body).Append("</main><footer><p>SpineReview: a living scoping review of deep learning in spine imaging.</p></footer></body></html>");
        return sb.ToString();
    }

    private static string NavLink(WebContext context, string path, string text) =>
        context.Path == path ? $"<li><a href=\"{path}\" aria-current=\"page\">{E(text)}</a></li>" : $"<li><a href=\"{path}\">{E(text)}</a></li>";

    /// <summary>A short page that says what happened and what to do.</summary>
    public static string Message(WebContext context, string title, string text, string? link = null, string? linkText = null) =>
        Page(context, title, $"<p>{E(text)}</p>" + (link is null ? "" : $"<p><a href=\"{E(link)}\">{E(linkText ?? link)}</a></p>"));

    /// <summary>
    /// The status line after a form was sent, from ?done=KEY: a fixed message per key, nothing for a key not listed, so that an
    /// address someone else made cannot put words of theirs in the app's page.
    /// </summary>
    public static string Done(WebContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Query("done") is { } key && DoneMessages.TryGetValue(key, out var message) ? $"<p class=\"done\" role=\"status\">{E(message)}</p>" : "";
    }

    /// <summary>The keys ?done= may carry, and what each says.</summary>
    public static IReadOnlyDictionary<string, string> DoneMessages { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["merged"] = "The two records are merged into one study.",
        ["apart"] = "The two records are kept apart as different works.",
        ["split"] = "The record is split from the study it was linked to and goes to screening as a study of its own.",
        ["settled"] = "The conflict is settled.",
        ["corrected"] = "Your correction is stored.",
    };

    /// <summary>A message or note as a sentence of its own: capital first letter, full stop at the end.</summary>
    public static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? "" : ".");
}
