using System.Globalization;
using System.Net;
using System.Text;
using System.Web;
using System.Xml;
using System.Xml.Linq;

namespace SpineReview.Sources.Replay;

/// <summary>Answers source requests from a recorded folder (samples/replay): the real connector code runs, only the bytes come from files.</summary>
public sealed class ReplayResponder
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

    /// <summary>The HTTP status and body for one request path and query.</summary>
    public (HttpStatusCode Status, string ContentType, byte[] Body) Respond(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var endpoint = uri.AbsolutePath.Split('/').Last();
        var query = HttpUtility.ParseQueryString(uri.Query);
        switch (endpoint)
        {
            case "esearch.fcgi":
                return (HttpStatusCode.OK, "text/xml", File.ReadAllBytes(Path.Combine(_directory, "pubmed", "esearch.xml")));
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

    // The recorded efetch files in retstart order; a request may ask for any batch size.
    private List<string> LoadRecordedArticles()
    {
        var files = Directory.GetFiles(Path.Combine(_directory, "pubmed"), "efetch_retstart_*.xml")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f).Split('_').Last(), CultureInfo.InvariantCulture));
        var list = new List<string>();
        foreach (var f in files)
        {
            using var reader = XmlReader.Create(f, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            var doc = XDocument.Load(reader);
            list.AddRange(doc.Root!.Elements().Select(e => e.ToString(SaveOptions.DisableFormatting)));
        }
        return list;
    }
}

/// <summary>Primary HTTP handler that serves requests from a <see cref="ReplayResponder"/> instead of the network.</summary>
public sealed class ReplayHandler(ReplayResponder responder) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (status, type, body) = responder.Respond(request.RequestUri!);
        var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        return Task.FromResult(response);
    }
}
