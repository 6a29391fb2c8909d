using System.Globalization;
using System.Net;
using System.Text;
using System.Web;
using System.Xml;
using System.Xml.Linq;

namespace SpineReview.Sources.Replay;

/// <summary>Answers source requests from a recorded folder (samples/replay): the real connector code runs, only the bytes come from files.</summary>
public sealed partial class ReplayResponder
{
    private const string EFetchHeader =
        "<?xml version=\"1.0\" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, 1st January 2025//EN\" \"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\">\n<PubmedArticleSet>\n";

    private readonly string _directory;
    private readonly Lazy<List<string>> _articles;

    public ReplayResponder(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Replay folder '{directory}' does not exist. Pass the folder of recorded responses (the project ships samples/replay).");
        _directory = directory;
        _articles = new Lazy<List<string>>(LoadRecordedArticles);
    }

    /// <summary>Whether the folder holds recordings of a source.</summary>
    public bool Has(string source) => Directory.Exists(Path.Combine(_directory, source));

    /// <summary>The HTTP status and body a source would give for one request.</summary>
    public (HttpStatusCode Status, string ContentType, byte[] Body) Respond(string source, Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var query = HttpUtility.ParseQueryString(uri.Query);
        var folder = Path.Combine(_directory, source);
        if (source != "pubmed" && !Directory.Exists(folder))
            return (HttpStatusCode.NotFound, "text/plain", Encoding.UTF8.GetBytes($"No recorded responses for {source} in {_directory}."));
        switch (source)
        {
            case "pubmed":
                return RespondPubMed(uri, query);
            case "europepmc" when uri.AbsolutePath.EndsWith("/fullTextXML", StringComparison.Ordinal):
            {
                // A recorded full text is served by its id (europepmc/fulltext/PMC123.xml); any other is not open: 404, as Europe PMC answers.
                var id = uri.AbsolutePath.Split('/')[^2];
                var file = Path.Combine(folder, "fulltext", Path.GetFileName(id) + ".xml");
                return File.Exists(file)
                    ? (HttpStatusCode.OK, "application/xml", Recorded(file))
                    : (HttpStatusCode.NotFound, "text/plain", Encoding.UTF8.GetBytes($"No open-access full text for {id}."));
            }
            case "europepmc":
                return Cursor(folder, "search_*.json", query["cursorMark"], "nextCursorMark", "application/json");
            case "openalex" when CitationFilter(query["filter"]):
            case "citations":
                return Citations(Path.Combine(_directory, "citations"), query);
            case "openalex":
                return Cursor(folder, "works_*.json", query["cursor"], "next_cursor", "application/json");
            case "arxiv" when uri.AbsolutePath.EndsWith("/oai", StringComparison.Ordinal):
            {
                // arXiv's metadata of one paper (OAI-PMH GetRecord, format arXiv), recorded as arxiv/oai/ID.xml; an id nothing was
                // recorded for gets OAI-PMH's own answer for an unknown id, which arXiv sends with HTTP 200.
                var id = (query["identifier"] ?? "").Replace("oai:arXiv.org:", "", StringComparison.Ordinal);
                var file = Path.Combine(folder, "oai", Path.GetFileName(id) + ".xml");
                return File.Exists(file)
                    ? (HttpStatusCode.OK, "text/xml", Recorded(file))
                    : (HttpStatusCode.OK, "text/xml", Encoding.UTF8.GetBytes(UnknownArxivId(id)));
            }
            case "arxiv" when uri.AbsolutePath.Contains("/pdf/", StringComparison.Ordinal):
            {
                var id = uri.AbsolutePath[(uri.AbsolutePath.IndexOf("/pdf/", StringComparison.Ordinal) + 5)..];
                var file = Path.Combine(folder, "pdf", Path.GetFileName(Uri.UnescapeDataString(id)) + ".pdf");
                return File.Exists(file)
                    ? (HttpStatusCode.OK, "application/pdf", Recorded(file))
                    : (HttpStatusCode.NotFound, "text/plain", Encoding.UTF8.GetBytes($"No PDF recorded for {id}."));
            }
            case "arxiv":
            {
                var start = int.Parse(query["start"] ?? "0", CultureInfo.InvariantCulture);
                var file = Path.Combine(folder, $"query_start_{start}.atom.xml");
                return File.Exists(file)
                    ? (HttpStatusCode.OK, "application/atom+xml", Recorded(file))
                    : (HttpStatusCode.OK, "application/atom+xml", Encoding.UTF8.GetBytes(EmptyArxivFeed(folder, start)));
            }
            case "ieee":
            {
                var start = int.Parse(query["start_record"] ?? "1", CultureInfo.InvariantCulture);
                var file = Path.Combine(folder, $"search_start_{start}.json");
                return File.Exists(file)
                    ? (HttpStatusCode.OK, "application/json", Recorded(file))
                    : (HttpStatusCode.OK, "application/json", Encoding.UTF8.GetBytes($"{{\"total_records\":{IeeeTotal(folder)},\"total_searched\":0,\"articles\":[]}}"));
            }
            case "crossref":
            {
                var doi = Uri.UnescapeDataString(uri.AbsolutePath[(uri.AbsolutePath.IndexOf("/works/", StringComparison.Ordinal) + 7)..]);
                // DOIs are case-insensitive: the recording keeps the publisher's case, the request may not.
                var wanted = doi.Replace('/', '_') + ".json";
                var file = Directory.Exists(Path.Combine(folder, "works"))
                    ? Directory.GetFiles(Path.Combine(folder, "works")).FirstOrDefault(f => string.Equals(Path.GetFileName(f), wanted, StringComparison.OrdinalIgnoreCase)) ?? ""
                    : "";
                return File.Exists(file)
                    ? (HttpStatusCode.OK, "application/json", Recorded(file))
                    : (HttpStatusCode.NotFound, "text/plain", Encoding.UTF8.GetBytes("Resource not found."));
            }
            default:
                return (HttpStatusCode.NotFound, "text/plain", Encoding.UTF8.GetBytes($"No recorded responses for {source}."));
        }
    }

    private static string UnknownArxivId(string id) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><responseDate>2026-03-31T06:00:00Z</responseDate>"
        + $"<request verb=\"GetRecord\" metadataPrefix=\"arXiv\">https://oaipmh.arxiv.org/oai</request><error code=\"idDoesNotExist\">{System.Security.SecurityElement.Escape(id)} is not a valid identifier</error></OAI-PMH>\n";

    /// <summary>The PubMed answer for one request path and query.</summary>
    public (HttpStatusCode Status, string ContentType, byte[] Body) Respond(Uri uri) => Respond("pubmed", uri);

    private (HttpStatusCode, string, byte[]) RespondPubMed(Uri uri, System.Collections.Specialized.NameValueCollection query)
    {
        var endpoint = uri.AbsolutePath.Split('/').Last();
        switch (endpoint)
        {
            case "esearch.fcgi":
                return (HttpStatusCode.OK, "text/xml", Recorded(Path.Combine(_directory, "pubmed", "esearch.xml")));
            case "efetch.fcgi" when !string.IsNullOrEmpty(query["id"]):
                return (HttpStatusCode.OK, "text/xml", Encoding.UTF8.GetBytes(ById(query["id"]!)));
            case "efetch.fcgi":
                var start = int.Parse(query["retstart"] ?? "0", CultureInfo.InvariantCulture);
                var max = int.Parse(query["retmax"] ?? "20", CultureInfo.InvariantCulture);
                var slice = _articles.Value.Skip(start).Take(max);
                var body = new StringBuilder(EFetchHeader);
                foreach (var a in slice) body.Append(a).Append('\n');
                body.Append("</PubmedArticleSet>\n");
                return (HttpStatusCode.OK, "text/xml", Encoding.UTF8.GetBytes(body.ToString()));
            default:
                return (HttpStatusCode.NotFound, "text/plain", Encoding.UTF8.GetBytes($"No recorded response for {uri.AbsolutePath} in {_directory}."));
        }
    }

    // Citation searching asks OpenAlex for works by id, DOI or PMID, and for the works citing some: each filter's answers are
    // recorded as citations/FILTER_PAGE.json, the filter written with '-' for ':', '+' for '|' and '_' for '/', in lower case.
    private static bool CitationFilter(string? filter) =>
        filter is not null && (filter.StartsWith("cites:", StringComparison.Ordinal) || filter.StartsWith("openalex:", StringComparison.Ordinal)
                               || filter.StartsWith("doi:", StringComparison.Ordinal) || filter.StartsWith("pmid:", StringComparison.Ordinal));

    /// <summary>The recorded file name (without the page) of a citation-searching filter.</summary>
    public static string CitationFileName(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.ToLowerInvariant().Replace(':', '-').Replace('|', '+').Replace('/', '_');
    }

    private static (HttpStatusCode, string, byte[]) Citations(string folder, System.Collections.Specialized.NameValueCollection query)
    {
        var name = CitationFileName(query["filter"] ?? "");
        // A filter nothing was recorded for matches no work, as OpenAlex answers then.
        if (!Directory.Exists(folder) || Directory.GetFiles(folder, name + "_*.json").Length == 0)
            return (HttpStatusCode.OK, "application/json", Encoding.UTF8.GetBytes(
                "{\"meta\":{\"count\":0,\"db_response_time_ms\":3,\"page\":null,\"per_page\":50,\"next_cursor\":null,\"groups_count\":null},\"results\":[],\"group_by\":[]}"));
        return Cursor(folder, name + "_*.json", query["cursor"], "next_cursor", "application/json");
    }

    // Cursor-paged sources: "*" is the first page; each later page answers the cursor its predecessor carried.
    private static (HttpStatusCode, string, byte[]) Cursor(string folder, string pattern, string? cursor, string nextField, string type)
    {
        var pages = Directory.GetFiles(folder, pattern).OrderBy(PageNumber).ToList();
        if (pages.Count == 0) return (HttpStatusCode.NotFound, "text/plain", Encoding.UTF8.GetBytes($"No recorded pages in {folder}."));
        if (cursor is null or "*") return (HttpStatusCode.OK, type, Recorded(pages[0]));
        for (var i = 0; i < pages.Count - 1; i++)
        {
            var next = Read(pages[i], bytes =>
            {
                using var doc = System.Text.Json.JsonDocument.Parse(bytes);
                var e = doc.RootElement.TryGetProperty(nextField, out var n) ? n : doc.RootElement.TryGetProperty("meta", out var meta) && meta.TryGetProperty(nextField, out var m) ? m : default;
                return e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : null;
            });
            if (next == cursor) return (HttpStatusCode.OK, type, Recorded(pages[i + 1]));
        }
        // Past the last page a cursor API answers an empty page.
        return (HttpStatusCode.OK, type, Recorded(pages[^1]));
    }

    private static string EmptyArxivFeed(string folder, int start)
    {
        var total = 0;
        var first = Path.Combine(folder, "query_start_0.atom.xml");
        if (File.Exists(first))
        {
            total = Read(first, bytes =>
            {
                using var stream = new MemoryStream(bytes);
                using var reader = XmlReader.Create(stream, SafeXml);
                return (int?)XDocument.Load(reader).Root?.Element(XName.Get("totalResults", "http://a9.com/-/spec/opensearch/1.1/")) ?? 0;
            });
        }
        return $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\"><title>arXiv Query</title>" +
               $"<opensearch:totalResults>{total}</opensearch:totalResults><opensearch:startIndex>{start}</opensearch:startIndex><opensearch:itemsPerPage>0</opensearch:itemsPerPage></feed>";
    }

    private static int IeeeTotal(string folder)
    {
        var first = Path.Combine(folder, "search_start_1.json");
        if (!File.Exists(first)) return 0;
        return Read(first, bytes =>
        {
            using var doc = System.Text.Json.JsonDocument.Parse(bytes);
            return doc.RootElement.TryGetProperty("total_records", out var t) ? t.GetInt32() : 0;
        });
    }

    // efetch by PMID (the refresh): an article recorded as it reads later (pubmed/efetch_id_PMID.xml) is served as recorded there,
    // any other as the harvest recorded it; a PMID recorded nowhere is left out, as PubMed leaves out one it does not have.
    private string ById(string ids)
    {
        var body = new StringBuilder(EFetchHeader);
        foreach (var pmid in ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var later = Path.Combine(_directory, "pubmed", $"efetch_id_{Path.GetFileName(pmid)}.xml");
            var articles = File.Exists(later)
                ? Read(later, bytes => ArticlesOf(bytes))
                : _articles.Value.Where(a => ArticlePmid().Match(a) is { Success: true } m && m.Groups[1].Value == pmid).Take(1).ToList();
            foreach (var a in articles) body.Append(a).Append('\n');
        }
        return body.Append("</PubmedArticleSet>\n").ToString();
    }

    // The article's own PMID, the first in its MedlineCitation (the ones in CommentsCorrections name other articles).
    [System.Text.RegularExpressions.GeneratedRegex(@"<MedlineCitation\b[^>]*>\s*<PMID\b[^>]*>\s*(\d+)\s*</PMID>")]
    private static partial System.Text.RegularExpressions.Regex ArticlePmid();

    private static List<string> ArticlesOf(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var reader = XmlReader.Create(stream, SafeXml);
        var doc = XDocument.Load(reader);
        return doc.Root!.Elements().Select(e => e.ToString(SaveOptions.DisableFormatting)).ToList();
    }

    // The recorded efetch files in retstart order; a request may ask for any batch size.
    private List<string> LoadRecordedArticles()
    {
        var files = Directory.GetFiles(Path.Combine(_directory, "pubmed"), "efetch_retstart_*.xml").OrderBy(PageNumber);
        var list = new List<string>();
        foreach (var f in files)
            list.AddRange(Read(f, ArticlesOf));
        return list;
    }

    private static readonly XmlReaderSettings SafeXml = new() { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };

    // The page number in a recorded file's name (search_2.json, efetch_retstart_20.xml): pages are served in its order.
    private static int PageNumber(string file)
    {
        var digits = new string(Path.GetFileNameWithoutExtension(file).Split('_').Last().Where(char.IsDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new ReplayFileException(file, "its name ends without a page number (for example search_2.json)");
    }

    /// <summary>A recorded answer as it will be served, checked to be well-formed JSON or XML first: a file cut short or edited by
    /// mistake fails the source that asked for it, named, instead of reaching the parser as an anonymous bad answer.</summary>
    private static byte[] Recorded(string file) => Read(file, bytes =>
    {
        if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            using var _ = System.Text.Json.JsonDocument.Parse(bytes);
        }
        else if (file.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
        {
            using var stream = new MemoryStream(bytes);
            using var reader = XmlReader.Create(stream, SafeXml);
            while (reader.Read()) { }
        }
        return bytes;
    });

    // Reads a recorded file and makes something of it; whatever goes wrong is reported with the file's path.
    private static T Read<T>(string file, Func<byte[], T> use)
    {
        try
        {
            return use(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            throw new ReplayFileException(file, e.Message);
        }
    }
}

/// <summary>A recorded answer in the replay folder cannot be read or is not well-formed; names the file.</summary>
public sealed class ReplayFileException : Exception
{
    public ReplayFileException() { }
    public ReplayFileException(string message) : base(message) { }
    public ReplayFileException(string message, Exception inner) : base(message, inner) { }

    public ReplayFileException(string file, string reason)
        : base($"the recorded response {file} cannot be used ({reason.TrimEnd('.')}); fix the file or put the recorded one back (samples/replay comes with the project), then run again.") =>
        FilePath = file;

    /// <summary>The recorded file at fault.</summary>
    public string? FilePath { get; }
}

/// <summary>Primary HTTP handler that serves requests from a <see cref="ReplayResponder"/> instead of the network.</summary>
public sealed class ReplayHandler(ReplayResponder responder, string source = "pubmed") : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (status, type, body) = responder.Respond(source, request.RequestUri!);
        var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        return Task.FromResult(response);
    }
}
