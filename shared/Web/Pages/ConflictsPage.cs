using System.Globalization;
using System.Text;
using SpineReview.Screening;
using SpineReview.Screening.People;
using static SpineReview.Web.Html;

namespace SpineReview.Web.Pages;

/// <summary>Conflicts: both screening decisions with their reasons and notes; a third reviewer (one who did not screen the record) settles it.</summary>
internal static class ConflictsPage
{
    public static async Task ShowAsync(WebContext context)
    {
        var conflicts = await context.Get<ReviewService>().ConflictsAsync(context.Cancellation);
        var sb = new StringBuilder();
        sb.Append(Done(context));
        if (conflicts.Count == 0) sb.Append("<p>No conflict waits for a third reviewer.</p>");
        var n = 0;
        foreach (var c in conflicts)
        {
            n++;
            var mine = c.Decisions.Any(d => string.Equals(d.Reviewer, context.Me, StringComparison.Ordinal));
            sb.Append("<article class=\"conflict\" aria-labelledby=\"c-").Append(n).Append("\"><h2 id=\"c-").Append(n).Append("\">").Append(E(c.Title))
                .Append("</h2><p class=\"meta\">").Append(E(c.Year?.ToString(CultureInfo.InvariantCulture) ?? "n.d.")).Append(" · <code>").Append(E(c.RecordKey)).Append("</code></p>")
                .Append("<table><caption>The two screening decisions</caption><thead><tr><th scope=\"col\">Reviewer</th><th scope=\"col\">Decision</th><th scope=\"col\">Reason</th><th scope=\"col\">Note</th></tr></thead><tbody>");
            foreach (var d in c.Decisions)
                sb.Append("<tr><th scope=\"row\">").Append(E(d.Reviewer)).Append("</th><td>").Append(E(d.Verdict.ToString().ToLowerInvariant())).Append("</td><td>")
                    .Append(E(d.Reason is null ? "" : ReasonCodes.Describe(d.Reason))).Append("</td><td>").Append(E(d.Note)).Append("</td></tr>");
            sb.Append("</tbody></table>");
            if (mine)
            {
                sb.Append("<p>You screened this record, so a third reviewer settles it.</p></article>");
                continue;
            }
            sb.Append("<form method=\"post\" action=\"/conflicts/resolve\" class=\"resolve\">").Append(Token(context))
                .Append("<input type=\"hidden\" name=\"recordKey\" value=\"").Append(E(c.RecordKey)).Append("\">")
                .Append("<fieldset><legend>Settle it</legend>")
                .Append($"<div><input type=\"radio\" name=\"decision\" value=\"include\" id=\"c-{n}-in\" required><label for=\"c-{n}-in\">Include</label></div>")
                .Append($"<div><input type=\"radio\" name=\"decision\" value=\"exclude\" id=\"c-{n}-out\"><label for=\"c-{n}-out\">Exclude</label></div></fieldset>")
                .Append($"<div><label for=\"c-{n}-reason\">Reason, for an exclusion</label><select id=\"c-{n}-reason\" name=\"reason\"><option value=\"\">(none: include)</option>");
            foreach (var r in ScreeningRules.PeopleReasons) sb.Append("<option value=\"").Append(E(r)).Append("\">").Append(E(ReasonCodes.Describe(r))).Append("</option>");
            sb.Append("</select></div>")
                .Append($"<div><label for=\"c-{n}-note\">Why (kept with the decision)</label><textarea id=\"c-{n}-note\" name=\"note\" rows=\"2\" maxlength=\"4000\"></textarea></div>")
                .Append("<button type=\"submit\">Settle this conflict</button></form></article>");
        }
        await context.HtmlAsync(Page(context, "Conflicts", sb.ToString()));
    }

    public static async Task ResolveAsync(WebContext context)
    {
        var key = await context.FormAsync("recordKey") ?? "";
        var decision = await context.FormAsync("decision") ?? "";
        // An "include" with a reason left selected would be refused; the reason goes with an exclusion only.
        var reason = decision == "include" ? null : await context.FormAsync("reason");
        await context.Get<ReviewService>().ResolveAsync(context.Me, key, decision, reason, await context.FormAsync("note"), null, context.Cancellation);
        await context.RedirectAsync("/conflicts?done=settled");
    }
}
