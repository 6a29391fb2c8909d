using System.Globalization;
using System.Text;
using SpineReview.Alerts;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Reporting;
using static SpineReview.Web.Html;

namespace SpineReview.Web.Pages;

/// <summary>The living review for anyone: the latest version, what is new, the PRISMA flow with its records, the versions, downloads, and alerts.</summary>
internal static class LivingReviewPage
{
    public static async Task HomeAsync(WebContext context)
    {
        var reports = context.Get<ReportService>();
        var ct = context.Cancellation;
        var latest = await reports.LatestManifestAsync(ct);
        var versions = await reports.ListAsync(ct);
        var flow = await reports.FlowAsync(ct);
        var sourceName = await SourceNames.ForAsync(context, flow.Boxes.Where(b => b.Id.StartsWith(IdentifiedIn, StringComparison.Ordinal)).Select(b => b.Id[IdentifiedIn.Length..]));
        var body = new StringBuilder();

        body.Append("<section aria-labelledby=\"latest-h\"><h2 id=\"latest-h\">Latest version</h2>");
        if (latest is null)
            body.Append("<p>No version has been published yet: the first appears after the first cycle (<code>spine-review cycle</code>, or the daily timer).</p>");
        else
        {
            var c = latest.Counts;
            body.Append("<p>Version <strong>").Append(E(latest.Version.ToString())).Append("</strong>, made ").Append(E(latest.Created.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)))
                .Append(", sources searched up to ").Append(E(latest.DataCutoff.ToString("d MMMM yyyy", CultureInfo.InvariantCulture))).Append(". ").Append(E(Html.Sentence(latest.Change))).Append("</p>")
                .Append("<dl class=\"counts\">")
                .Append(Count("Records identified", c.Identified)).Append(Count("Included by reviewers", c.Included))
                .Append(Count("Provisionally eligible", c.Provisional)).Append(Count("New in this version", c.NewInThisVersion)).Append("</dl>")
                .Append("<p><a href=\"/report?version=").Append(Q(latest.Version.ToString())).Append("\">Download the report (PDF, version ")
                .Append(E(latest.Version.ToString())).Append(")</a> <span class=\"hash\">SHA-256 <code>").Append(E(latest.Sha256)).Append("</code></span></p>");
            body.Append(await WhatIsNewAsync(context, latest, versions, sourceName));
        }
        body.Append("</section>");

        body.Append(Flow(flow, sourceName));

        body.Append("<section aria-labelledby=\"versions-h\"><h2 id=\"versions-h\">Version history</h2>");
        if (versions.Count == 0) body.Append("<p>No versions yet.</p>");
        else
        {
            body.Append("<table><caption>Every published version, newest first, with the SHA-256 of its PDF</caption><thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Made</th>")
                .Append("<th scope=\"col\">Data cut-off</th><th scope=\"col\">Included</th><th scope=\"col\">PDF</th><th scope=\"col\">SHA-256</th></tr></thead><tbody>");
            foreach (var v in versions.AsEnumerable().Reverse())
                body.Append("<tr><th scope=\"row\">").Append(E(v.Version)).Append("</th><td>").Append(E(v.Created.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
                    .Append("</td><td>").Append(E(v.DataCutoff.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Append("</td><td>").Append(N(v.Included))
                    .Append("</td><td><a href=\"/report?version=").Append(Q(v.Version)).Append("\">PDF of version ").Append(E(v.Version)).Append("</a></td><td><code class=\"hash\">")
                    .Append(E(v.Sha256)).Append("</code></td></tr>");
            body.Append("</tbody></table>");
        }
        body.Append("</section>");

        body.Append("<section aria-labelledby=\"downloads-h\"><h2 id=\"downloads-h\">Downloads</h2><ul>")
            .Append("<li><a href=\"/downloads/included.csv\">Included studies with their charted values (CSV)</a></li>")
            .Append("<li><a href=\"/downloads/included.ris\">Included studies for a reference manager (RIS)</a></li></ul></section>");

        body.Append(SubscribeForm(context));
        await context.HtmlAsync(Page(context, "Living review", body.ToString(), "Deep learning in spine imaging: the living review"));
    }

    private static string Count(string label, int n) => $"<div><dt>{E(label)}</dt><dd>{N(n)}</dd></div>";

    private static async Task<string> WhatIsNewAsync(WebContext context, ReportManifest latest, List<ReportSummary> versions, Func<string, string> sourceName)
    {
        var reports = context.Get<ReportService>();
        var before = latest.PreviousVersion is { } p ? await reports.GetManifestAsync(p, context.Cancellation) : null;
        var newly = latest.Included.Except(before?.Included ?? [], StringComparer.Ordinal).ToList();
        var sb = new StringBuilder("<h3>What is new</h3>");
        if (newly.Count == 0)
        {
            sb.Append("<p>No study was newly included in this version").Append(latest.Counts.NewInThisVersion > 0 ? $"; {N(latest.Counts.NewInThisVersion)} studies are newly shown as provisionally eligible." : ".").Append("</p>");
            return sb.ToString();
        }
        sb.Append("<p>").Append(N(newly.Count)).Append(newly.Count == 1 ? " study" : " studies").Append(" newly included").Append(before is null ? " (the first version)" : $" since version {E(before.Version.ToString())}").Append(":</p><ul>");
        foreach (var r in await reports.RecordsAsync(newly.Take(50), context.Cancellation)) sb.Append("<li>").Append(Citation(r, sourceName)).Append("</li>");
        if (newly.Count > 50) sb.Append("<li>and ").Append(N(newly.Count - 50)).Append(" more (see the report)</li>");
        return sb.Append("</ul>").ToString();
    }

    private static string Citation(StoredRecord r, Func<string, string> sourceName) =>
        $"{E(r.Record.Title)} <span class=\"meta\">({E(r.Record.Year?.ToString(CultureInfo.InvariantCulture) ?? "n.d.")}, {E(r.Record.Journal ?? sourceName(r.Record.Source))})</span>";

    // The flow's boxes per source ("identified-embase-ovid"), whose words name the source.
    private const string IdentifiedIn = "identified-";

    /// <summary>A box's words, an imported source's box naming the database as the report does.</summary>
    private static string Label(PrismaBox box, Func<string, string> sourceName) =>
        box.Id.StartsWith(IdentifiedIn, StringComparison.Ordinal) ? $"Identified in {sourceName(box.Id[IdentifiedIn.Length..])}" : box.Label;

    /// <summary>The PRISMA 2020 flow as nested lists of linked boxes, in reading order (an accessible figure without a picture).</summary>
    private static string Flow(PrismaFlow flow, Func<string, string> sourceName)
    {
        var sb = new StringBuilder("<section aria-labelledby=\"flow-h\"><h2 id=\"flow-h\">PRISMA flow, as stored now</h2>")
            .Append("<figure class=\"flow\"><figcaption>How records move from the searches to the included studies. Each count links to the records behind it.</figcaption><ol class=\"flow-steps\">");
        string Box(string id, string? css = null)
        {
            var b = flow.Box(id);
            if (b is null) return "";
            return $"<a class=\"box{(css is null ? "" : " " + css)}\" href=\"/records?box={Q(id)}\" data-box=\"{E(id)}\"><span class=\"label\">{E(Label(b, sourceName))}</span> <span class=\"n\">{N(b.Keys.Count)}</span></a>";
        }
        string Sub(string prefix) => string.Concat(flow.Boxes.Where(b => b.Id.StartsWith(prefix, StringComparison.Ordinal)).Select(b => $"<li>{Box(b.Id, "sub")}</li>"));
        sb.Append("<li class=\"step\"><h3>Identification</h3>").Append(Box("identified")).Append("<ul>").Append(Sub("identified-")).Append("</ul>")
            .Append("<ul class=\"aside\"><li>").Append(Box("duplicates", "out")).Append("</li></ul></li>");
        sb.Append("<li class=\"step\"><h3>Screening by the rules</h3>").Append(Box("screened")).Append("<ul class=\"aside\"><li>").Append(Box("awaiting-screening", "wait"))
            .Append("</li><li>").Append(Box("excluded-rules", "out")).Append("<ul>").Append(Sub("excluded-rules-")).Append("</ul></li></ul></li>");
        sb.Append("<li class=\"step\"><h3>Screening by reviewers</h3>").Append(Box("passed-rules")).Append("<ul class=\"aside\"><li>").Append(Box("awaiting-reviewers", "wait"))
            .Append("</li><li>").Append(Box("conflicts", "wait")).Append("</li><li>").Append(Box("excluded-reviewers", "out")).Append("<ul>").Append(Sub("excluded-reviewers-"))
            .Append("</ul></li><li>").Append(Box("excluded-model", "out")).Append("</li></ul></li>");
        sb.Append("<li class=\"step\"><h3>Included</h3>").Append(Box("included", "in")).Append("</li>");
        return sb.Append("</ol></figure></section>").ToString();
    }

    private static string SubscribeForm(WebContext context)
    {
        var sb = new StringBuilder("<section aria-labelledby=\"alerts-h\"><h2 id=\"alerts-h\">Email alerts</h2>")
            .Append("<p>Get an email when a study that matches your interests is included. We send a link to confirm your address first; every email has a one-click unsubscribe link.</p>")
            .Append("<form method=\"post\" action=\"/subscribe\" class=\"subscribe\">").Append(Token(context))
            .Append("<div><label for=\"sub-email\">Email address</label><input id=\"sub-email\" name=\"email\" type=\"email\" required autocomplete=\"email\"></div>")
            .Append("<div><label for=\"sub-name\">Name (optional)</label><input id=\"sub-name\" name=\"name\" type=\"text\" autocomplete=\"name\"></div>")
            .Append("<div><label for=\"sub-frequency\">How often</label><select id=\"sub-frequency\" name=\"frequency\"><option value=\"immediate\">As soon as a study is included</option>")
            .Append("<option value=\"daily\">Daily digest</option><option value=\"weekly\" selected>Weekly digest</option></select></div>")
            .Append("<fieldset><legend>Imaging modality (none ticked: all)</legend>");
        foreach (var m in FormExtractor.Vocabulary["modality"].Allowed!)
            sb.Append("<span class=\"check\"><input type=\"checkbox\" name=\"modality\" id=\"sub-m-").Append(E(m)).Append("\" value=\"").Append(E(m)).Append("\"><label for=\"sub-m-")
                .Append(E(m)).Append("\">").Append(E(m)).Append("</label></span>");
        return sb.Append("</fieldset><button type=\"submit\">Subscribe</button></form></section>").ToString();
    }

    public static async Task SubscribeAsync(WebContext context)
    {
        var request = new SubscriptionRequest(await context.FormAsync("email"), await context.FormAsync("name"), await context.FormValuesAsync("modality"), null, null, null,
            await context.FormAsync("frequency"));
        await context.Get<SubscriptionService>().SubscribeAsync(request, context.Cancellation);
        // The same answer whether the address was new, known or confirmed already: the page never tells who subscribes.
        await context.HtmlAsync(Message(context, "Check your inbox",
            "If the address can receive email, a message with a link to confirm the subscription is on its way. Nothing is sent until you confirm.", "/", "Back to the living review"));
    }

    public static async Task RecordsAsync(WebContext context)
    {
        var id = context.Query("box") ?? "";
        var reports = context.Get<ReportService>();
        var flow = await reports.FlowAsync(context.Cancellation);
        var box = flow.Box(id) ?? throw new UserFacingException($"\"{id}\" is not a box of the PRISMA flow; follow a count on the living review's page", 404);
        const int most = 500;
        IReadOnlyList<StoredRecord> records = box.Keys.Count == 0 ? [] : await reports.RecordsAsync(box.Keys.Take(most), context.Cancellation);
        var sources = records.Select(r => r.Record.Source);
        var sourceName = await SourceNames.ForAsync(context, id.StartsWith(IdentifiedIn, StringComparison.Ordinal) ? sources.Append(id[IdentifiedIn.Length..]) : sources);
        var label = Label(box, sourceName);
        var sb = new StringBuilder("<p>").Append(N(box.Keys.Count)).Append(box.Keys.Count == 1 ? " record" : " records").Append(" as stored now.")
            .Append(box.Keys.Count > most ? $" The first {N(most)} by key are listed." : "").Append("</p>");
        if (records.Count > 0)
        {
            sb.Append("<table><caption>").Append(E(label)).Append("</caption><thead><tr><th scope=\"col\">Title</th><th scope=\"col\">Year</th><th scope=\"col\">Source</th><th scope=\"col\">Key</th></tr></thead><tbody>");
            foreach (var r in records)
                sb.Append("<tr><td>").Append(E(r.Record.Title)).Append("</td><td>").Append(E(r.Record.Year?.ToString(CultureInfo.InvariantCulture) ?? ""))
                    .Append("</td><td>").Append(E(sourceName(r.Record.Source))).Append("</td><td><code>").Append(E(r.Key)).Append("</code></td></tr>");
            sb.Append("</tbody></table>");
        }
        sb.Append("<p><a href=\"/\">Back to the living review</a></p>");
        await context.HtmlAsync(Page(context, label, sb.ToString()));
    }

    public static async Task ReportAsync(WebContext context)
    {
        var reports = context.Get<ReportService>();
        var asked = context.Query("version");
        StoredReport? report;
        if (asked is null or "latest") report = await reports.GetLatestAsync(context.Cancellation);
        else if (ReportVersion.TryParse(asked, out var v)) report = await reports.GetVersionAsync(v, context.Cancellation);
        else throw new UserFacingException($"\"{asked}\" is not a report version: ask for MAJOR.MINOR.PATCH, as the version history lists them");
        if (report is null) throw new UserFacingException($"there is no report version {asked ?? "yet"}; the version history lists those there are", 404);
        context.Http.Response.ContentType = "application/pdf";
        context.Http.Response.Headers.ETag = report.ETag;
        context.Http.Response.Headers.ContentDisposition = $"attachment; filename=\"{report.FileName}\"";
        await using var stream = await report.OpenAsync(context.Cancellation);
        await stream.CopyToAsync(context.Http.Response.Body, context.Cancellation);
    }

    public static async Task DownloadAsync(WebContext context, string format)
    {
        var studies = await context.Get<ExportService>().StudiesAsync(withProvisional: false, context.Cancellation);
        var text = format == "csv" ? Exports.Csv(studies) : Exports.Ris(studies);
        await context.FileAsync(new UTF8Encoding(false).GetBytes(text), format == "csv" ? "text/csv; charset=utf-8" : "application/x-research-info-systems",
            $"spine-review-included.{format}");
    }
}
