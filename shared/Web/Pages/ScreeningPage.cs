using System.Globalization;
using System.Text;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using static SpineReview.Web.Html;

namespace SpineReview.Web.Pages;

/// <summary>
/// Screening: the next record for me (ranked by the model, never one I decided, blind to the other reviewer), with the protocol's
/// terms highlighted; include, exclude with a reason, or unsure, with a note; change my last decision (its ETag). The small script
/// sends a decision with fetch and swaps in the next record (#screen-item) without reloading the page.
/// </summary>
internal static class ScreeningPage
{
    public static async Task ShowAsync(WebContext context)
    {
        var people = context.Get<ReviewService>();
        var item = await people.NextAsync(context.Me, context.Cancellation);
        var quality = await people.QualityAsync(null, context.Cancellation);
        var body = new StringBuilder(Progress(quality))
            .Append("<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>")
            .Append(Item(context, item, await SourceOfAsync(context, item), null, Last(context.Query("last"), context.Query("etag"))))
            .Append(Shortcuts());
        await context.HtmlAsync(Page(context, "Screening", body.ToString()));
    }

    /// <summary>The next record alone (#screen-item), for the script.</summary>
    public static async Task NextAsync(WebContext context)
    {
        var item = await context.Get<ReviewService>().NextAsync(context.Me, context.Cancellation);
        await context.HtmlAsync(Item(context, item, await SourceOfAsync(context, item), null, Last(context.Query("last"), context.Query("etag"))));
    }

    /// <summary>A record I decided, shown again with my decision, to change it.</summary>
    public static async Task ChangeAsync(WebContext context)
    {
        var key = context.Query("key") ?? throw new UserFacingException("say which decision to change: /screening/change?key=RECORD");
        var own = await context.Get<ReviewService>().OwnDecisionAsync(context.Me, key, context.Cancellation);
        var html = Item(context, own.Item, await SourceOfAsync(context, own.Item), own, null);
        await context.HtmlAsync(context.Fragment ? html : Page(context, "Change a decision", "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>" + html + Shortcuts()));
    }

    public static async Task DecideAsync(WebContext context)
    {
        var people = context.Get<ReviewService>();
        var key = await context.FormAsync("recordKey") ?? "";
        var result = await people.DecideAsync(context.Me, key, await context.FormAsync("decision") ?? "", await context.FormAsync("reason"),
            await context.FormAsync("note"), await context.FormAsync("etag"), context.Cancellation);
        if (!context.Fragment)
        {
            await context.RedirectAsync($"/screening?last={Q(key)}&etag={Q(result.ETag)}");
            return;
        }
        var next = await people.NextAsync(context.Me, context.Cancellation);
        await context.HtmlAsync(Item(context, next, await SourceOfAsync(context, next), null, Last(key, result.ETag, result.Decision.Verdict, result.Decision.Reason)));
    }

    private static async Task<string?> SourceOfAsync(WebContext context, ScreeningItem? item) =>
        item?.Source is { } source ? (await SourceNames.ForAsync(context, [source]))(source) : null;

    private static (string Key, string? ETag, Verdict? Verdict, string? Reason)? Last(string? key, string? etag, Verdict? verdict = null, string? reason = null) =>
        key is null ? null : (key, etag, verdict, reason);

    private static string Progress(ScreeningQuality q)
    {
        var settled = q.IncludedByPeople + q.ExcludedByPeopleTotal + q.AutoExcluded;
        var total = settled + q.Waiting + q.Conflicts;
        return new StringBuilder("<section aria-labelledby=\"progress-h\" class=\"progress\"><h2 id=\"progress-h\">Progress of the review</h2>")
            .Append("<label for=\"review-progress\">Settled ").Append(N(settled)).Append(" of ").Append(N(total)).Append(" records</label> ")
            .Append("<progress id=\"review-progress\" max=\"").Append(Math.Max(total, 1)).Append("\" value=\"").Append(settled).Append("\">")
            .Append(N(settled)).Append(" of ").Append(N(total)).Append("</progress>")
            .Append("<dl class=\"counts\">").Append($"<div><dt>Waiting for reviewers</dt><dd>{N(q.Waiting)}</dd></div>")
            .Append($"<div><dt>Conflicts</dt><dd><a href=\"/conflicts\">{N(q.Conflicts)}</a></dd></div>")
            .Append($"<div><dt>Included</dt><dd>{N(q.IncludedByPeople)}</dd></div><div><dt>Excluded</dt><dd>{N(q.ExcludedByPeopleTotal + q.AutoExcluded)}</dd></div></dl>")
            .Append("<p>").Append(E(q.RecallSentence())).Append("</p></section>").ToString();
    }

    /// <summary>The record to decide (or the note that none waits), the decision form, and my last decision with a way to change it.</summary>
    private static string Item(WebContext context, ScreeningItem? item, string? sourceName, OwnDecision? own, (string Key, string? ETag, Verdict? Verdict, string? Reason)? last)
    {
        var sb = new StringBuilder("<div id=\"screen-item\">");
        if (last is { } l)
        {
            sb.Append("<p class=\"last\">Your last decision").Append(l.Verdict is { } v ? $": <strong>{E(Word(v))}</strong>{(l.Reason is null ? "" : $" ({E(ReasonCodes.Describe(l.Reason))})")}" : "")
                .Append(" on <code>").Append(E(l.Key)).Append("</code>. <a id=\"change-last\" href=\"/screening/change?key=").Append(Q(l.Key)).Append("\">Change it</a> <kbd>z</kbd></p>");
        }
        if (item is null)
        {
            sb.Append("<h2 id=\"item-title\" tabindex=\"-1\">Nothing waits for you</h2><p>Every record waiting for people has your decision or its two decisions. ")
                .Append("New records arrive with the next harvest; <a href=\"/conflicts\">conflicts</a> may need a third reviewer.</p>");
            return sb.Append("</div>").ToString();
        }
        var details = new List<string>();
        if (item.Year is { } y) details.Add(y.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrWhiteSpace(item.Journal)) details.Add(item.Journal);
        if (sourceName is not null) details.Add(sourceName);
        sb.Append("<article aria-labelledby=\"item-title\" data-record=\"").Append(E(item.RecordKey)).Append("\">")
            .Append("<h2 id=\"item-title\" tabindex=\"-1\">").Append(Highlighted(item.Title)).Append("</h2>")
            .Append("<p class=\"meta\">").Append(E(string.Join(" · ", details))).Append(" · <code>").Append(E(item.RecordKey)).Append("</code>")
            .Append(own is null ? $" · {N(item.WaitingForYou)} waiting for you" : "").Append("</p>");
        if (item.PublicationTypes is { Count: > 0 } types) sb.Append("<p class=\"meta\">Publication types: ").Append(Highlighted(string.Join("; ", types))).Append("</p>");
        sb.Append("<div class=\"abstract\">").Append(string.IsNullOrWhiteSpace(item.Abstract) ? "<p><em>No abstract.</em></p>" : $"<p>{Highlighted(item.Abstract)}</p>").Append("</div>");
        var terms = item.Keywords.Concat(item.Mesh ?? []).ToList();
        if (terms.Count > 0) sb.Append("<p class=\"meta\">Keywords and MeSH: ").Append(Highlighted(string.Join("; ", terms))).Append("</p>");
        sb.Append("<p class=\"legend\"><mark class=\"cue-in\">include term</mark> <mark class=\"cue-out\">exclude cue</mark></p>");

        sb.Append("<form method=\"post\" action=\"/screening/decide\" id=\"decide\" class=\"decide\">").Append(Token(context))
            .Append("<input type=\"hidden\" name=\"recordKey\" value=\"").Append(E(item.RecordKey)).Append("\">");
        if (own is not null)
            sb.Append("<input type=\"hidden\" name=\"etag\" value=\"").Append(E(own.ETag)).Append("\"><p>You decided <strong>").Append(E(Word(own.Decision.Verdict)))
                .Append("</strong>").Append(own.Decision.Reason is { } r ? $" ({E(ReasonCodes.Describe(r))})" : "").Append(". Decide again to change it.</p>");
        sb.Append("<fieldset><legend>Reason, for an exclusion</legend><ol class=\"reasons\">");
        var reasons = ScreeningRules.PeopleReasons;
        for (var i = 0; i < reasons.Count; i++)
            sb.Append("<li><input type=\"radio\" name=\"reason\" id=\"reason-").Append(i + 1).Append("\" value=\"").Append(E(reasons[i])).Append("\" data-key=\"").Append(i + 1).Append('"')
                .Append(own?.Decision.Reason == reasons[i] ? " checked" : "").Append("><label for=\"reason-").Append(i + 1).Append("\"><kbd>").Append(i + 1).Append("</kbd> ")
                .Append(E(ReasonCodes.Describe(reasons[i]))).Append("</label></li>");
        sb.Append("</ol></fieldset>")
            .Append("<div><label for=\"note\">Note <kbd>n</kbd></label><textarea id=\"note\" name=\"note\" rows=\"2\" maxlength=\"4000\">").Append(E(own?.Decision.Note)).Append("</textarea></div>")
            .Append("<div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"include\" data-key=\"i\">Include <kbd>i</kbd></button>")
            .Append("<button type=\"submit\" name=\"decision\" value=\"exclude\" data-key=\"e\">Exclude <kbd>e</kbd></button>")
            .Append("<button type=\"submit\" name=\"decision\" value=\"unsure\" data-key=\"u\">Unsure <kbd>u</kbd></button></div></form></article>");
        return sb.Append("</div>").ToString();
    }

    private static string Word(Verdict v) => v.ToString().ToLowerInvariant();

    private static string Shortcuts() =>
        "<section aria-labelledby=\"keys-h\" class=\"shortcuts\"><h2 id=\"keys-h\">Keyboard shortcuts</h2><dl>" +
        "<div><dt><kbd>i</kbd></dt><dd>include</dd></div><div><dt><kbd>e</kbd></dt><dd>exclude (choose a reason first)</dd></div>" +
        "<div><dt><kbd>u</kbd></dt><dd>unsure</dd></div><div><dt><kbd>1</kbd>-<kbd>8</kbd></dt><dd>choose the exclusion reason</dd></div>" +
        "<div><dt><kbd>n</kbd></dt><dd>write a note (<kbd>Esc</kbd> leaves it)</dd></div><div><dt><kbd>z</kbd></dt><dd>change (undo) my last decision</dd></div></dl>" +
        "<p>Shortcuts work when the focus is not in the note.</p></section>";
}
