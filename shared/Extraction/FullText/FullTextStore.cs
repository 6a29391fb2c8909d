using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SpineReview.Storage;

namespace SpineReview.Extraction.FullText;

/// <summary>A stored full text: the bytes as received, where from, and the licence it was published under.</summary>
public sealed record StoredFullText(byte[] Body, string Source, string Url, string Licence);

/// <summary>Open-access full texts as received, one blob a study (named by its record key), with source, address and licence as metadata.</summary>
public sealed class FullTextStore(StorageClients storage)
{
    private BlobContainerClient Container => storage.Container(storage.Names.FullTextContainer);

    // JATS as .xml, a PDF (arXiv) as .pdf: a study has one or the other.
    private static string Name(string recordKey, bool pdf = false) => Uri.EscapeDataString(recordKey) + (pdf ? ".pdf" : ".xml");

    /// <summary>Stores a study's full text; a second store of the same study replaces the first (the same answer, fetched again).</summary>
    public async Task SaveAsync(string recordKey, StoredFullText text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pdf = PdfFullText.IsPdf(text.Body);
        var blob = Container.GetBlobClient(Name(recordKey, pdf));
        await blob.UploadAsync(new BinaryData(text.Body), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = pdf ? "application/pdf" : "application/xml" },
            // Metadata is ASCII only: the licence name and address are; the source's URL is escaped by Uri already.
            Metadata = new Dictionary<string, string> { ["source"] = text.Source, ["url"] = text.Url, ["licence"] = Ascii(text.Licence) },
        }, ct);
    }

    /// <summary>A study's stored full text, or null when none is stored.</summary>
    public async Task<StoredFullText?> GetAsync(string recordKey, CancellationToken ct) =>
        await GetBlobAsync(Name(recordKey), ct) ?? await GetBlobAsync(Name(recordKey, pdf: true), ct);

    private async Task<StoredFullText?> GetBlobAsync(string name, CancellationToken ct)
    {
        try
        {
            var result = await Container.GetBlobClient(name).DownloadContentAsync(ct);
            var meta = result.Value.Details.Metadata;
            return new StoredFullText(result.Value.Content.ToArray(), meta.TryGetValue("source", out var s) ? s : "", meta.TryGetValue("url", out var u) ? u : "",
                meta.TryGetValue("licence", out var l) ? l : "");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Which of <paramref name="recordKeys"/> have a stored full text: one listing of the blobs under the common prefix of
    /// each source's names (5,000 names a page), not a read of each study's blob.</summary>
    public async Task<IReadOnlySet<string>> StoredAmongAsync(IEnumerable<string> recordKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordKeys);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var bySource = recordKeys.Distinct(StringComparer.Ordinal).GroupBy(k => k.Split(':', 2)[0], StringComparer.Ordinal);
        foreach (var source in bySource)
        {
            // A study's full text is its JATS (.xml) or, from arXiv, its PDF (.pdf): either name counts.
            var names = source.SelectMany(k => new[] { (Name(k), k), (Name(k, pdf: true), k) }).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
            var prefix = names.Keys.Aggregate((a, b) => a[..a.Zip(b).TakeWhile(p => p.First == p.Second).Count()]);
            await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct))
                if (names.TryGetValue(item.Name, out var key)) found.Add(key);
        }
        return found;
    }

    private static string Ascii(string s) => new(s.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
