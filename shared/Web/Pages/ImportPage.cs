using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using SpineReview.Sources.Imports;
using static SpineReview.Web.Html;

namespace SpineReview.Web.Pages;

/// <summary>
/// Admin: a database's export file (RIS, MEDLINE/.nbib, BibTeX, EndNote XML) uploaded and imported as one search, through the
/// same <see cref="ImportService"/> as <c>spine-review import</c>, with the same checks and messages; the answer shows what it did.
/// </summary>
internal static class ImportPage
{
    /// <summary>The largest upload: well under the Function App's 100 MB request limit, and a few times an Embase export of
    /// 20,000 records in RIS. A larger export is imported in parts (or with <c>spine-review import</c>).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static Task ShowAsync(WebContext context) => context.HtmlAsync(Page(context, "Import a database export", Form(context)));

    private static string Form(WebContext context)
    {
        var today = context.Get<TimeProvider>().GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new StringBuilder("<p>Records a database exported (RIS from Ovid, Web of Science, Scopus and others; MEDLINE <code>.nbib</code> from PubMed; BibTeX; ")
            .Append("EndNote XML) are stored as one search of the source named here, deduplicated against what is stored, and sent to screening, as ")
            .Append("<code>spine-review import</code> does. The same file again under the same source is the same search: nothing is stored twice. ")
            .Append("Files up to ").Append(MaxBytes / (1024 * 1024)).Append(" MB; export a larger result in parts.</p>")
            .Append("<form method=\"post\" action=\"/manage/import\" enctype=\"multipart/form-data\" class=\"import\">").Append(Token(context))
            .Append("<div><label for=\"imp-file\">Export file</label> <input type=\"file\" id=\"imp-file\" name=\"file\" required ")
            .Append("accept=\".ris,.txt,.nbib,.bib,.xml,application/x-research-info-systems,text/plain,application/xml,text/xml\"></div>")
            .Append("<div><label for=\"imp-source\">Source name</label> <input type=\"text\" id=\"imp-source\" name=\"source\" required pattern=\"[a-z][a-z0-9\\-]{0,31}\" ")
            .Append("aria-describedby=\"imp-source-help\" placeholder=\"embase-ovid\"> <span id=\"imp-source-help\" class=\"meta\">lower-case letters, digits and hyphens; ")
            .Append("the same name for every export of that database</span></div>")
            .Append("<div><label for=\"imp-database\">Database searched</label> <input type=\"text\" id=\"imp-database\" name=\"database\" required placeholder=\"Embase\"></div>")
            .Append("<div><label for=\"imp-platform\">Platform</label> <input type=\"text\" id=\"imp-platform\" name=\"platform\" required placeholder=\"Ovid\"></div>")
            .Append("<div><label for=\"imp-searched\">Date the search was run</label> <input type=\"date\" id=\"imp-searched\" name=\"searched\" required max=\"").Append(today)
            .Append("\"></div>")
            .Append("<div><label for=\"imp-query\">The query as run (optional, for the report's methods)</label><textarea id=\"imp-query\" name=\"query\" rows=\"3\" maxlength=\"20000\"></textarea></div>")
            .Append("<button type=\"submit\">Import</button></form>").ToString();
    }

    public static async Task ImportAsync(WebContext context)
    {
        var file = await context.UploadAsync("file") ?? throw new UserFacingException("choose the export file to import");
        if (file.Length == 0) throw new UserFacingException($"{file.FileName} is empty; export the search's results again");
        var source = await Required(context, "source", "the source name is needed: the name the imported database's records are stored under (e.g. embase-ovid)");
        var database = await Required(context, "database", "the database is needed: the database that was searched (e.g. Embase)");
        var platform = await Required(context, "platform", "the platform is needed: the platform it was searched on (e.g. Ovid)");
        var searchedText = await Required(context, "searched", "the search date is needed: the date the search was run (YYYY-MM-DD)");
        if (!DateOnly.TryParseExact(searchedText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var searched))
            throw new UserFacingException($"\"{searchedText}\" is not a date: give the date the search was run as YYYY-MM-DD");
        var request = new ImportRequest(source.Trim(), database.Trim(), platform.Trim(), searched, (await context.FormAsync("query"))?.Trim(), Path.GetFileName(file.FileName));
        var imports = context.Get<ImportService>();
        if (imports.Check(request, DateOnly.FromDateTime(context.Get<TimeProvider>().GetUtcNow().UtcDateTime)) is { } wrong) throw new UserFacingException(wrong);
        ImportResult result;
        try
        {
            await using var stream = file.OpenReadStream();
            result = await imports.ImportAsync(stream, request, null, context.Cancellation);
        }
        // Not an export this reads, no entry readable, or too large: ImportService says which, for the person importing.
        catch (InvalidDataException e)
        {
            throw new UserFacingException(e.Message, 400, e);
        }
        await context.HtmlAsync(Page(context, "Import done", Result(request, result)));
    }

    private static async Task<string> Required(WebContext context, string field, string message) =>
        await context.FormAsync(field) is { } v && !string.IsNullOrWhiteSpace(v) ? v : throw new UserFacingException(message);

    private static string Result(ImportRequest request, ImportResult r)
    {
        var sb = new StringBuilder("<p class=\"done\" role=\"status\">")
            .Append(E(r.Resumed
                ? $"{request.FileName} is imported as a search of {r.DisplayName}: an import of it that began on {r.FirstImported.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC had stopped before its end, and is finished now (the counts are the whole search's)."
                : r.Rerun
                ? $"{request.FileName} was imported before as {r.DisplayName} (on {r.FirstImported.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC): the same search, nothing new stored."
                : $"{request.FileName} is imported as a search of {r.DisplayName}."))
            .Append("</p><dl class=\"counts\">")
            .Append($"<div><dt>New records</dt><dd>{N(r.New)}</dd></div>")
            .Append($"<div><dt>Duplicates of stored records</dt><dd>{N(r.Duplicates)}</dd></div>")
            .Append($"<div><dt>Already stored</dt><dd>{N(r.AlreadyStored)}</dd></div>")
            .Append($"<div><dt>Entries not read</dt><dd>{N(r.Problems.Count)}</dd></div></dl>")
            .Append("<p>").Append(E($"{r.Read} of {r.Entries} entries of {request.FileName} ({ImportService.Describe(r.Format)}, SHA-256 {r.Sha256[..12]}) were read; search run {r.RunId}."))
            .Append("</p>");
        if (r.Problems.Count > 0)
        {
            sb.Append("<h2>Entries not read</h2><p>Each is named by its line in the file; correct them in the export, or leave them out, and import again.</p><ul>");
            foreach (var p in r.Problems.Take(100)) sb.Append("<li>").Append(E(p.ToString())).Append("</li>");
            if (r.Problems.Count > 100) sb.Append("<li>and ").Append(N(r.Problems.Count - 100)).Append(" more</li>");
            sb.Append("</ul>");
        }
        return sb.Append("<p><a href=\"/manage/import\">Import another file</a> · <a href=\"/manage\">Admin</a></p>").ToString();
    }
}
