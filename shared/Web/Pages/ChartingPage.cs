using System.Globalization;
using System.Text;
using SpineReview.Extraction;
using SpineReview.Reporting;
using static SpineReview.Web.Html;

namespace SpineReview.Web.Pages;

/// <summary>Charting: one included study's form, each automatic value with its evidence highlighted in the text it came from; a
/// person corrects a value (kept across re-extraction) and sees who corrected what.</summary>
internal static class ChartingPage
{
    public static async Task ListAsync(WebContext context)
    {
        var studies = await context.Get<ExportService>().StudiesAsync(withProvisional: false, context.Cancellation);
        var sb = new StringBuilder("<p>Included studies, each with its charting form. Open one to check its values against the evidence.</p>");
        if (studies.Count == 0) sb.Append("<p>No study is included yet: studies appear here once reviewers include them.</p>");
        else
        {
            sb.Append("<ul class=\"studies\">");
            foreach (var s in studies)
                sb.Append("<li><a href=\"/charting/study?key=").Append(Q(s.Key)).Append("\">").Append(E(s.Record.Title)).Append("</a> <span class=\"meta\">(")
                    .Append(E(s.Record.Year?.ToString(CultureInfo.InvariantCulture) ?? "n.d.")).Append(")</span></li>");
            sb.Append("</ul>");
        }
        await context.HtmlAsync(Page(context, "Charting", sb.ToString()));
    }

    public static async Task StudyAsync(WebContext context)
    {
        var key = context.Query("key") ?? throw new UserFacingException("say which study: /charting/study?key=RECORD");
        var extraction = context.Get<ExtractionService>();
        var record = await context.Get<ReportService>().RecordsAsync([key], context.Cancellation) is [var one] ? one
            : throw new UserFacingException($"record {key} is not stored", 404);
        var form = await extraction.FormAsync(key, context.Cancellation);
        var text = await extraction.TextAsync(record, form, context.Cancellation);
        var sb = new StringBuilder();
        sb.Append(Done(context));
        sb.Append("<section aria-labelledby=\"text-h\"><h2 id=\"text-h\">The text the values come from</h2>")
            .Append("<p>Charted from: <strong>").Append(E(form.Count > 0 ? form[0].Basis : ExtractedField.AbstractBasis)).Append("</strong></p><div class=\"source-text\">")
            .Append(WithEvidence(text, form.SelectMany(f => f.Automatic).Select(v => (v.Start, v.Length))).Replace("\n", "<br>", StringComparison.Ordinal))
            .Append("</div></section>");
        if (form.Count == 0) sb.Append("<p>No charting form is stored for this study yet: it is filled when the study passes the rules.</p>");
        var i = 0;
        foreach (var f in form)
        {
            i++;
            var rule = FormExtractor.Vocabulary[f.Field];
            sb.Append("<section class=\"field\" aria-labelledby=\"f-").Append(i).Append("\"><h2 id=\"f-").Append(i).Append("\">").Append(E(f.Field)).Append("</h2>")
                .Append("<p>In use: <strong>").Append(E(f.Values.Count == 0 ? "not reported" : string.Join(", ", f.Values))).Append("</strong>")
                .Append(f.Correction is { } c ? $" (corrected by {E(c.By)} on {E(c.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))} UTC{(c.Note is null ? "" : $": {E(c.Note)}")})" : " (automatic)")
                .Append("</p>");
            if (f.Automatic.Count > 0)
            {
                sb.Append("<ul class=\"evidence\">");
                foreach (var v in f.Automatic)
                    sb.Append("<li><strong>").Append(E(v.Value)).Append("</strong>: ").Append(Snippet(text, v)).Append("</li>");
                sb.Append("</ul>");
            }
            sb.Append("<form method=\"post\" action=\"/charting/correct\" class=\"correct\">").Append(Token(context))
                .Append("<input type=\"hidden\" name=\"key\" value=\"").Append(E(key)).Append("\"><input type=\"hidden\" name=\"field\" value=\"").Append(E(f.Field)).Append("\">");
            if (rule.Allowed is { } allowed && allowed is not ["number"])
            {
                sb.Append("<fieldset><legend>Correct ").Append(E(f.Field)).Append("</legend>");
                var j = 0;
                foreach (var a in allowed)
                {
                    j++;
                    var id = $"f-{i}-{j}";
                    sb.Append("<span class=\"check\"><input type=\"").Append(rule.Single ? "radio" : "checkbox").Append("\" name=\"value\" id=\"").Append(id).Append("\" value=\"").Append(E(a)).Append('"')
                        .Append(f.Values.Contains(a, StringComparer.Ordinal) ? " checked" : "").Append("><label for=\"").Append(id).Append("\">").Append(E(a)).Append("</label></span>");
                }
                sb.Append("</fieldset>");
            }
            else
                sb.Append("<div><label for=\"f-").Append(i).Append("-v\">Correct ").Append(E(f.Field)).Append(rule.Single ? "" : " (separate values with ;)").Append("</label>")
                    .Append("<input type=\"text\" id=\"f-").Append(i).Append("-v\" name=\"text\" value=\"").Append(E(string.Join("; ", f.Values))).Append("\"></div>");
            sb.Append("<div><label for=\"f-").Append(i).Append("-note\">Note</label><input type=\"text\" id=\"f-").Append(i).Append("-note\" name=\"note\" maxlength=\"4000\"></div>")
                .Append("<button type=\"submit\">Save the correction of ").Append(E(f.Field)).Append("</button></form></section>");
        }
        sb.Append("<p><a href=\"/charting\">All included studies</a></p>");
        await context.HtmlAsync(Page(context, record.Record.Title, sb.ToString(), "Charting: " + record.Record.Title));
    }

    private static string Snippet(string text, ExtractedValue v)
    {
        if (v.Start < 0 || v.Length <= 0 || v.Start + v.Length > text.Length) return $"<q>{E(v.Evidence)}</q>";
        var from = Math.Max(0, v.Start - 80);
        var to = Math.Min(text.Length, v.Start + v.Length + 80);
        return "<q>" + (from > 0 ? "…" : "") + E(text[from..v.Start]) + "<mark class=\"evidence\">" + E(text.Substring(v.Start, v.Length)) + "</mark>"
               + E(text[(v.Start + v.Length)..to]) + (to < text.Length ? "…" : "") + "</q>";
    }

    public static async Task CorrectAsync(WebContext context)
    {
        var key = await context.FormAsync("key") ?? "";
        var field = await context.FormAsync("field") ?? "";
        var values = (await context.FormValuesAsync("value")).ToList();
        if (await context.FormAsync("text") is { } typed) values.AddRange(typed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        try
        {
            await context.Get<ExtractionService>().CorrectAsync(context.Me, key, field, values, await context.FormAsync("note"), context.Cancellation);
        }
        // CorrectAsync's refusals are written for the person correcting (the vocabulary, the record not stored).
        catch (CorrectionRefusedException e)
        {
            throw new UserFacingException(e.Message, 400, e);
        }
        catch (FormNotFoundException e)
        {
            throw new UserFacingException(e.Message, 404, e);
        }
        await context.RedirectAsync($"/charting/study?key={Q(key)}&done=corrected");
    }
}
