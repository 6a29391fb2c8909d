using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection.Repositories;
using SpineReview.Storage;

namespace SpineReview.Web;

/// <summary>
/// The data-protection key ring in one blob (&lt;prefix&gt;-keys/web-keys.xml), so every instance of the Function App signs and
/// reads cookies and anti-forgery tokens with the same keys. A key is added by an ETag-conditional write: two instances adding
/// one at once both keep theirs.
/// </summary>
public sealed class BlobKeyRepository(StorageClients storage) : IXmlRepository
{
    /// <summary>The blob's name in the keys container.</summary>
    public const string BlobName = "web-keys.xml";

    private BlobClient Blob => storage.Container(storage.Names.KeysContainer).GetBlobClient(BlobName);

    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements() => Read().Root?.Elements().Select(e => new XElement(e)).ToList() ?? [];

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        for (var attempt = 1; ; attempt++)
        {
            var (doc, etag) = ReadWithETag();
            doc.Root!.Add(new XElement(element));
            var conditions = etag is { } e ? new BlobRequestConditions { IfMatch = e } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                Blob.Upload(BinaryData.FromString(doc.ToString(SaveOptions.DisableFormatting)), new BlobUploadOptions { Conditions = conditions });
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Another instance added a key meanwhile: read its ring and add ours to it.
            }
        }
    }

    private XDocument Read() => ReadWithETag().Doc;

    private (XDocument Doc, ETag? ETag) ReadWithETag()
    {
        try
        {
            var content = Blob.DownloadContent().Value;
            return (XDocument.Parse(content.Content.ToString()), content.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (new XDocument(new XElement("keys")), null);
        }
    }
}
