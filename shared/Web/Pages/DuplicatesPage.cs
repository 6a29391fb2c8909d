using System.Globalization;
using System.Text;
using SpineReview.Dedup;
using SpineReview.Records;
using static SpineReview.Web.Html;

namespace SpineReview.Web.Pages;

/// <summary>Possible duplicates: the two records side by side with their differences marked; merge, split, or different works (DedupService's verdicts).</summary>
internal static class DuplicatesPage
{
    public static async Task ShowAsync(WebContext context)
    {
        var dedup = context.Get<DedupService>();
        var pairs = await dedup.ReviewListAsync(context.Cancellation);
        var sb = new StringBuilder();
        sb.Append(Done(context));
        sb.Append("<p>").Append(N(pairs.Count)).Append(pairs.Count == 1 ? " pair" : " pairs").Append(" the matcher was unsure of, most alike first.</p>");
        var n = 0;
        foreach (var p in pairs.Take(20))
        {
            n++;
            var one = await dedup.GetAsync(p.Pair.RecordKey, context.Cancellation);
            var two = await dedup.GetAsync(p.Pair.OtherKey, context.Cancellation);
            if (one is null || two is null) continue;
            sb.Append("<article class=\"pair\" aria-labelledby=\"p-").Append(n).Append("\"><h2 id=\"p-").Append(n).Append("\">Pair ").Append(n).Append(": title similarity ")
                .Append(E(p.Pair.TitleSimilarity.ToString("0.00", CultureInfo.InvariantCulture))).Append("</h2>")
                .Append("<table class=\"side\"><caption>The two records; rows that differ are marked “differs”</caption><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">")
                .Append(E(one.Key)).Append("</th><th scope=\"col\">").Append(E(two.Key)).Append("</th></tr></thead><tbody>");
            foreach (var (label, a, b) in Fields(one, two, await SourceNames.ForAsync(context, [one.Record.Source, two.Record.Source])))
            {
                var differs = !string.Equals(a, b, StringComparison.Ordinal);
                sb.Append(differs ? "<tr class=\"differs\">" : "<tr>").Append("<th scope=\"row\">").Append(E(label)).Append(differs ? " <span class=\"tag\">differs</span>" : "")
                    .Append("</th><td>").Append(E(a)).Append("</td><td>").Append(E(b)).Append("</td></tr>");
            }
            sb.Append("</tbody></table><form method=\"post\" action=\"/duplicates/verdict\" class=\"verdict\">").Append(Token(context))
                .Append("<input type=\"hidden\" name=\"key\" value=\"").Append(E(one.Key)).Append("\"><input type=\"hidden\" name=\"other\" value=\"").Append(E(two.Key)).Append("\">")
                .Append("<button type=\"submit\" name=\"verdict\" value=\"merge\">Same work: merge ").Append(E(one.Key)).Append(" into ").Append(E(two.Key)).Append("</button> ")
                .Append("<button type=\"submit\" name=\"verdict\" value=\"different\">Different works</button></form></article>");
        }
        sb.Append("<section aria-labelledby=\"split-h\"><h2 id=\"split-h\">Split a linked record</h2><p>A record linked to another as its duplicate that is in fact a different work: ")
            .Append("splitting makes it a study of its own and sends it to screening.</p><form method=\"post\" action=\"/duplicates/verdict\">").Append(Token(context))
            .Append("<input type=\"hidden\" name=\"verdict\" value=\"split\"><label for=\"split-key\">Record key</label> <input type=\"text\" id=\"split-key\" name=\"key\" required placeholder=\"pubmed:12345678\"> ")
            .Append("<button type=\"submit\">Split it</button></form></section>");
        await context.HtmlAsync(Page(context, "Possible duplicates", sb.ToString()));
    }

    private static IEnumerable<(string Label, string A, string B)> Fields(StoredRecord one, StoredRecord two, Func<string, string> sourceName)
    {
        var (a, b) = (one.Record, two.Record);
        yield return ("Title", a.Title, b.Title);
        yield return ("Authors", string.Join("; ", a.Authors.Select(x => x.Name)), string.Join("; ", b.Authors.Select(x => x.Name)));
        yield return ("Year", a.Year?.ToString(CultureInfo.InvariantCulture) ?? "", b.Year?.ToString(CultureInfo.InvariantCulture) ?? "");
        yield return ("Venue", a.Journal ?? "", b.Journal ?? "");
        yield return ("Source", sourceName(a.Source), sourceName(b.Source));
        yield return ("DOI", a.Doi ?? "", b.Doi ?? "");
        yield return ("PMID", a.Pmid ?? "", b.Pmid ?? "");
        yield return ("Volume, issue, pages", $"{a.Volume} {a.Issue} {a.Pages}".Trim(), $"{b.Volume} {b.Issue} {b.Pages}".Trim());
        yield return ("Abstract", a.Abstract ?? "", b.Abstract ?? "");
    }

    public static async Task VerdictAsync(WebContext context)
    {
        var dedup = context.Get<DedupService>();
        var now = context.Get<TimeProvider>().GetUtcNow();
        var key = await context.FormAsync("key") ?? throw new UserFacingException("name the record (key)");
        var other = await context.FormAsync("other");
        var verdict = await context.FormAsync("verdict");
        try
        {
            switch (verdict)
            {
                case "merge":
                    await dedup.MergeAsync(key, other ?? throw new UserFacingException("name the record to merge into (other)"), context.Me, now, context.Cancellation);
                    break;
                case "different":
                    await dedup.KeepApartAsync(key, other ?? throw new UserFacingException("name the other record (other)"), context.Me, now, context.Cancellation);
                    break;
                case "split":
                    await dedup.SplitAsync(key.Trim(), context.Me, now, context.Cancellation);
                    break;
                default:
                    throw new UserFacingException("the verdict is one of merge, different, split");
            }
        }
        // DedupService refuses with words for the person deciding (a record not stored, not linked, already linked); any other
        // failure is a fault, shown as a reference only.
        catch (RecordRefusedException e)
        {
            throw new UserFacingException(e.Message, 409, e);
        }
        await context.RedirectAsync(verdict switch { "merge" => "/duplicates?done=merged", "different" => "/duplicates?done=apart", _ => "/duplicates?done=split" });
    }
}
