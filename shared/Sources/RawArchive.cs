using Azure.Storage.Blobs;
using SpineReview.Storage;

namespace SpineReview.Sources;

/// <summary>Raw source responses as received, so every record can be traced to the bytes it came from.</summary>
public sealed class RawArchive(StorageClients storage)
{
    private BlobContainerClient Container => storage.Container(storage.Names.RawContainer);

    /// <summary>Stores one response; the name is "source/run/part".</summary>
    public async Task<string> SaveAsync(string source, string runId, string part, byte[] body, CancellationToken ct)
    {
        var name = $"{source}/{runId}/{part}";
        await Container.GetBlobClient(name).UploadAsync(new BinaryData(body), overwrite: true, ct);
        return name;
    }
}
