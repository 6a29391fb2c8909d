using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using SpineReview.Records;

namespace SpineReview.Sources.Arxiv;

/// <summary>
/// arXiv's PDF of a preprint, asked only for a record with an arXiv id and only when arXiv's own metadata (OAI-PMH, format
/// "arXiv") names a Creative Commons licence: arXiv's default licence lets arXiv distribute a paper, not anyone keep a copy.
/// Shares the arXiv client, so the search's rate gate (one request per 3 s) and retries.
/// </summary>
public sealed class ArxivFullText : HttpSource, IFullTextSource
{
    private static readonly XNamespace Oai = "http://www.openarchives.org/OAI/2.0/";
    private static readonly XNamespace ArxivMeta = "http://arxiv.org/OAI/arXiv/";

    private readonly ILogger<ArxivFullText> _log;

    /// <summary>The full-text fetch over the arXiv client (its rate gate and retries).</summary>
    public ArxivFullText(HttpClient http, SourceOptions options, TimeProvider time, ILogger<ArxivFullText> log) : base(http, options, time, log) => _log = log;

    protected override string Label => "arXiv full text";

    public async Task<FullTextAnswer?> FetchAsync(BibRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!Options.Enabled || Identifiers.NormaliseArxivId(record.ArxivId) is not { Length: > 0 } id) return null;
        var (root, oai) = Endpoints(Options.BaseUrl);
        var (metaUrl, _) = BuildUrl(oai, [("verb", "GetRecord"), ("identifier", "oai:arXiv.org:" + id), ("metadataPrefix", "arXiv")]);
        var licence = await GetParsedAsync(metaUrl, metaUrl, LicenceOf, ct);
        if (licence is null || !OpenLicences.IsCreativeCommons(licence))
        {
            ArxivLog.NotOpen(_log, id, licence ?? "none");
            return null;
        }
        var pdfUrl = $"{root}/pdf/{Uri.EscapeDataString(id)}";
        var body = await GetParsedAsync(pdfUrl, pdfUrl, bytes => bytes, ct, notFoundIsDefault: true);
        return body is null || body.Length == 0 ? null : new FullTextAnswer(SourceName.Arxiv.Name, id, pdfUrl, body) { LicenceUrl = licence };
    }

    // The live service keeps the PDFs on the export host (the one arXiv asks programs to use) and OAI-PMH on its own host;
    // any other address (a local or recorded server) serves both under the search's root.
    private static (string Root, string Oai) Endpoints(string searchUrl)
    {
        var root = searchUrl.Split('?')[0].TrimEnd('/');
        if (root.EndsWith("/api/query", StringComparison.Ordinal)) root = root[..^"/api/query".Length];
        return Uri.TryCreate(root, UriKind.Absolute, out var u) && u.Host.Equals("export.arxiv.org", StringComparison.OrdinalIgnoreCase)
            ? (root, "https://oaipmh.arxiv.org/oai")
            : (root, root + "/oai");
    }

    /// <summary>The licence address of an OAI-PMH GetRecord answer in arXiv's format; null when the record names none or arXiv
    /// does not know the id (its error "idDoesNotExist"). Any other OAI error, or a body that is not OAI-PMH, is unusable.</summary>
    public static string? LicenceOf(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        XDocument doc;
        try
        {
            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new SourceException($"arXiv's metadata answer is not XML ({e.Message}).", e);
        }
        if (doc.Root?.Name != Oai + "OAI-PMH") throw new SourceException($"arXiv's metadata answer is not OAI-PMH (root <{doc.Root?.Name.LocalName}>).");
        if (doc.Root.Element(Oai + "error") is { } error)
        {
            var code = (string?)error.Attribute("code");
            if (code == "idDoesNotExist") return null;
            throw new SourceException($"arXiv's metadata answer is an OAI-PMH error {code}: {error.Value.Trim()}");
        }
        var licence = doc.Root.Descendants(ArxivMeta + "license").FirstOrDefault()?.Value.Trim();
        return string.IsNullOrEmpty(licence) ? null : licence;
    }
}

internal static partial class ArxivLog
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "arXiv {ArxivId}: licence {Licence} is not a Creative Commons licence; its PDF is not fetched and the study is charted from its abstract")]
    public static partial void NotOpen(ILogger logger, string arxivId, string licence);
}
