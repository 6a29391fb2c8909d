using System.Globalization;
using System.Text;
using SpineReview.Alerts;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;
using static SpineReview.Web.Html;

namespace SpineReview.Web.Pages;

/// <summary>Admin: each source's last searches and their status, the work queues, alert emails that failed or are unconfirmed, and the subscribers.</summary>
internal static class AdminPage
{
    public static async Task ShowAsync(WebContext context)
    {
        var ct = context.Cancellation;
        var sb = new StringBuilder();
        var searches = await context.Get<SearchLog>().ListAsync(ct);
        sb.Append("<p><a href=\"/manage/import\">Import a database export</a> (RIS, MEDLINE .nbib, BibTeX, EndNote XML) as a search of its own.</p>");
        sb.Append("<section aria-labelledby=\"s-h\"><h2 id=\"s-h\">Last searches per source</h2>");
        if (searches.Count == 0) sb.Append("<p>No search has run yet.</p>");
        else
        {
            sb.Append("<table><caption>The three latest searches of each source</caption><thead><tr><th scope=\"col\">Source</th><th scope=\"col\">Started (UTC)</th><th scope=\"col\">Window</th>")
                .Append("<th scope=\"col\">Status</th><th scope=\"col\">Retrieved</th><th scope=\"col\">New</th><th scope=\"col\">Message</th></tr></thead><tbody>");
            foreach (var s in searches.GroupBy(s => s.Source).OrderBy(g => SourceName.OrderOf(g.Key)).SelectMany(g => g.OrderByDescending(s => s.Started).Take(3)))
                sb.Append("<tr><th scope=\"row\">").Append(E(SourceName.DisplayNameOf(s.Source, searches))).Append("</th><td>").Append(E(s.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)))
                    .Append("</td><td>").Append(E($"{s.From:yyyy-MM-dd} to {s.To:yyyy-MM-dd}")).Append("</td><td class=\"status-").Append(E(s.Status)).Append("\">").Append(E(s.Status))
                    .Append("</td><td>").Append(N(s.Retrieved)).Append("</td><td>").Append(N(s.New)).Append("</td><td>").Append(E(s.Message)).Append("</td></tr>");
            sb.Append("</tbody></table>");
        }
        sb.Append("</section>").Append(await ReviewersAsync(context));
        sb.Append("<section aria-labelledby=\"q-h\"><h2 id=\"q-h\">Work queues</h2><dl class=\"counts\">");
        foreach (var (name, count) in await context.Get<WorkQueues>().DepthsAsync(ct))
            sb.Append("<div><dt>").Append(E(name)).Append("</dt><dd>").Append(N(count)).Append("</dd></div>");
        sb.Append("</dl></section>");

        var deliveries = context.Get<DeliveryStore>();
        var troubled = (await deliveries.ListAsync(DeliveryState.Failed, ct)).Concat(await deliveries.ListAsync(DeliveryState.Unconfirmed, ct)).OrderBy(d => d.CreatedAt).ToList();
        sb.Append("<section aria-labelledby=\"m-h\"><h2 id=\"m-h\">Alert emails that failed or are unconfirmed</h2>");
        if (troubled.Count == 0) sb.Append("<p>None.</p>");
        else
        {
            sb.Append("<table><caption>Retry or close them with <code>spine-review alerts retry</code> / <code>close</code></caption><thead><tr><th scope=\"col\">Email</th><th scope=\"col\">State</th>")
                .Append("<th scope=\"col\">Made (UTC)</th><th scope=\"col\">Attempts</th><th scope=\"col\">Studies</th><th scope=\"col\">Last error</th></tr></thead><tbody>");
            foreach (var d in troubled)
                sb.Append("<tr><th scope=\"row\"><code>").Append(E(d.Id)).Append("</code></th><td>").Append(E(d.State.ToString())).Append("</td><td>")
                    .Append(E(d.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</td><td>").Append(N(d.Attempts)).Append("</td><td>")
                    .Append(N(d.Items.Count)).Append("</td><td>").Append(E(d.LastError)).Append("</td></tr>");
            sb.Append("</tbody></table>");
        }
        sb.Append("</section>");

        var subscribers = (await context.Get<SubscriptionService>().ListAsync(ct)).Select(SubscriberView.Of).ToList();
        sb.Append("<section aria-labelledby=\"sub-h\"><h2 id=\"sub-h\">Subscribers</h2>");
        if (subscribers.Count == 0) sb.Append("<p>Nobody has subscribed yet.</p>");
        else
        {
            sb.Append("<table><caption>").Append(N(subscribers.Count)).Append(" subscribers (no address is shown once someone unsubscribes)</caption><thead><tr><th scope=\"col\">Address</th>")
                .Append("<th scope=\"col\">Status</th><th scope=\"col\">Frequency</th><th scope=\"col\">Filters</th><th scope=\"col\">Subscribed (UTC)</th></tr></thead><tbody>");
            foreach (var s in subscribers)
                sb.Append("<tr><th scope=\"row\">").Append(E(s.Address ?? "(unsubscribed)")).Append("</th><td>").Append(E(s.Status)).Append("</td><td>").Append(E(s.Frequency))
                    .Append("</td><td>").Append(E(string.Join(", ", s.Modality.Concat(s.Region).Concat(s.Condition).Concat(s.Task)) is { Length: > 0 } f ? f : "all")).Append("</td><td>")
                    .Append(E(s.SubscribedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Append("</td></tr>");
            sb.Append("</tbody></table>");
        }
        sb.Append("</section>");
        await context.HtmlAsync(Page(context, "Admin", sb.ToString()));
    }

    /// <summary>Each reviewer's decisions (screening by verdict, conflicts settled, the latest), and the conflicts waiting for a third reviewer.</summary>
    private static async Task<string> ReviewersAsync(WebContext context)
    {
        var store = context.Get<ScreeningStore>();
        var decisions = await store.ListDecisionsAsync(context.Cancellation);
        var conflicts = await store.ListQueueAsync(ScreeningStatus.Conflict, context.Cancellation);
        var sb = new StringBuilder("<section aria-labelledby=\"r-h\"><h2 id=\"r-h\">Reviewers</h2><dl class=\"counts\"><div><dt>Conflicts waiting for a third reviewer</dt><dd><a href=\"/conflicts\">")
            .Append(N(conflicts.Count)).Append("</a></dd></div></dl>");
        if (decisions.Count == 0) return sb.Append("<p>No reviewer has decided a record yet.</p></section>").ToString();
        sb.Append("<table><caption>Decisions per reviewer</caption><thead><tr><th scope=\"col\">Reviewer</th><th scope=\"col\">Screened</th><th scope=\"col\">Included</th>")
            .Append("<th scope=\"col\">Excluded</th><th scope=\"col\">Unsure</th><th scope=\"col\">Conflicts settled</th><th scope=\"col\">Latest decision (UTC)</th></tr></thead><tbody>");
        foreach (var who in decisions.GroupBy(d => d.Reviewer, StringComparer.OrdinalIgnoreCase).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var screened = who.Where(d => d.Role == DecisionRole.Screen).ToList();
            sb.Append("<tr><th scope=\"row\">").Append(E(who.Key)).Append("</th><td>").Append(N(screened.Count)).Append("</td><td>").Append(N(screened.Count(d => d.Verdict == Verdict.Include)))
                .Append("</td><td>").Append(N(screened.Count(d => d.Verdict == Verdict.Exclude))).Append("</td><td>").Append(N(screened.Count(d => d.Verdict == Verdict.Unsure)))
                .Append("</td><td>").Append(N(who.Count(d => d.Role == DecisionRole.Resolve))).Append("</td><td>")
                .Append(E(who.Max(d => d.DecidedAt).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</td></tr>");
        }
        return sb.Append("</tbody></table></section>").ToString();
    }
}
