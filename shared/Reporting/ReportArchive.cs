using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SpineReview.Storage;

namespace SpineReview.Reporting;

/// <summary>
/// The report's blobs in the reports container: every version under versions/{version}/ (its PDF, named by content, and its
/// manifest, whose blob metadata summarises it) and latest.pdf, a copy of the newest. Plumbing only: what is published, when,
/// and in which order the writes happen is <see cref="ReportService"/>'s.
/// </summary>
public sealed class ReportArchive(StorageClients storage)
{
    /// <summary>The newest version's PDF, replaced by each new version.</summary>
    public const string LatestBlob = "latest.pdf";
    private const string VersionsPrefix = "versions/";
    private const string ManifestName = "/manifest.json";
    private BlobContainerClient Container => storage.Container(storage.Names.ReportsContainer);

    /// <summary>A version's PDF blob, named by content: a run that loses the race for a number never overwrites the winner's bytes.</summary>
    public static string PdfBlob(ReportVersion version, string sha256) => $"{VersionsPrefix}{version}/living-review-v{version}-{sha256[..12]}.pdf";

    private static string ManifestBlob(ReportVersion v) => $"{VersionsPrefix}{v}{ManifestName}";

    private static ReportVersion? ParseManifestName(string name) =>
        name.EndsWith(ManifestName, StringComparison.Ordinal) && ReportVersion.TryParse(name[VersionsPrefix.Length..^ManifestName.Length], out var v) ? v : null;

    /// <summary>The stored versions, oldest first, from blob names alone (one listing call, nothing downloaded).</summary>
    public async Task<List<ReportVersion>> VersionsAsync(CancellationToken ct)
    {
        var versions = new List<ReportVersion>();
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = VersionsPrefix }, ct))
            if (ParseManifestName(item.Name) is { } v) versions.Add(v);
        versions.Sort();
        return versions;
    }

    /// <summary>One version's manifest, or null when there is no such version.</summary>
    public async Task<ReportManifest?> ReadManifestAsync(ReportVersion version, CancellationToken ct)
    {
        try
        {
            var content = await Container.GetBlobClient(ManifestBlob(version)).DownloadContentAsync(ct);
            return JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, ReportingJson.Default.ReportManifest);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes every PDF under versions/ that no manifest names: what a run that died between its PDF and its manifest left
    /// (and what two runs at once left before publishing took a lease). Call it only under the publishing lease.
    /// </summary>
    /// <returns>The blobs removed.</returns>
    public async Task<List<string>> RemoveUnnamedPdfsAsync(CancellationToken ct)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        var pdfs = new List<string>();
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = VersionsPrefix, Traits = BlobTraits.Metadata }, ct))
        {
            if (ParseManifestName(item.Name) is { } v)
            {
                // The manifest's metadata gives its PDF's name; a manifest without it is read.
                if (item.Metadata.TryGetValue("sha256", out var sha) && sha.Length >= 12) named.Add(PdfBlob(v, sha));
                else if (await ReadManifestAsync(v, ct) is { } m) named.Add(m.Pdf);
            }
            // Only a numbered version's folder is judged: anything else under versions/ was not written by this code.
            else if (item.Name.EndsWith(".pdf", StringComparison.Ordinal) && item.Name.IndexOf('/', VersionsPrefix.Length) is > 0 and var slash
                     && ReportVersion.TryParse(item.Name[VersionsPrefix.Length..slash], out _))
                pdfs.Add(item.Name);
        }
        var orphans = pdfs.Where(p => !named.Contains(p)).ToList();
        foreach (var orphan in orphans) await Container.GetBlobClient(orphan).DeleteIfExistsAsync(cancellationToken: ct);
        return orphans;
    }

    /// <summary>Writes a version's PDF under the name its manifest gives it (<see cref="ReportManifest.Pdf"/>); the version is not yet committed.</summary>
    public async Task WritePdfAsync(ReportManifest manifest, byte[] pdf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await Container.GetBlobClient(manifest.Pdf).UploadAsync(new BinaryData(pdf), PdfOptions(manifest), ct);
    }

    /// <summary>
    /// Commits the version: writes its manifest only if no manifest has that number yet (If-None-Match: *). False when another
    /// run has the number; this run's PDF is then removed unless the winner's manifest names the same bytes.
    /// </summary>
    public async Task<bool> TryCommitAsync(ReportManifest manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        try
        {
            await Container.GetBlobClient(ManifestBlob(manifest.Version)).UploadAsync(
                new BinaryData(JsonSerializer.SerializeToUtf8Bytes(manifest, ReportingJson.Default.ReportManifest)),
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Metadata = SummaryMetadata(manifest),
                }, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            if ((await ReadManifestAsync(manifest.Version, ct))?.Pdf != manifest.Pdf) await Container.GetBlobClient(manifest.Pdf).DeleteIfExistsAsync(cancellationToken: ct);
            return false;
        }
    }

    /// <summary>
    /// Makes <paramref name="manifest"/>'s PDF latest.pdf unless a newer version is there already: two runs finishing out of
    /// order never move latest.pdf back. Also completes a run that stopped between committing a version and this copy.
    /// </summary>
    public async Task PromoteLatestAsync(ReportManifest manifest, byte[] pdf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var blob = Container.GetBlobClient(LatestBlob);
        while (true)
        {
            BlobProperties? current = null;
            try { current = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value; }
            catch (RequestFailedException e) when (e.Status == 404) { }
            if (current is not null && current.Metadata.TryGetValue("version", out var v) && ReportVersion.TryParse(v, out var stored)
                && (stored > manifest.Version || (stored == manifest.Version && current.Metadata.TryGetValue("sha256", out var sha) && sha == manifest.Sha256)))
                return;
            var options = PdfOptions(manifest);
            options.Conditions = current is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = current.ETag };
            try
            {
                await blob.UploadAsync(new BinaryData(pdf), options, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another run wrote latest.pdf meanwhile: look again.
            }
        }
    }

    private static BlobUploadOptions PdfOptions(ReportManifest m) => new()
    {
        HttpHeaders = new BlobHttpHeaders { ContentType = "application/pdf", ContentDisposition = $"attachment; filename=\"living-review-v{m.Version}.pdf\"" },
        Metadata = new Dictionary<string, string> { ["version"] = m.Version.ToString(), ["sha256"] = m.Sha256 },
    };

    private static Dictionary<string, string> SummaryMetadata(ReportManifest m)
    {
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["version"] = m.Version.ToString(), ["created"] = m.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["datacutoff"] = m.DataCutoff.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["sha256"] = m.Sha256, ["size"] = I(m.Size), ["pages"] = I(m.Pages),
            ["identified"] = I(m.Counts.Identified), ["included"] = I(m.Counts.Included), ["provisional"] = I(m.Counts.Provisional), ["new"] = I(m.Counts.NewInThisVersion),
        };
    }

    /// <summary>Every stored version, oldest first, with its counts and hash, from the manifests' metadata (one listing call).</summary>
    public async Task<List<ReportSummary>> ListAsync(CancellationToken ct)
    {
        var list = new List<(ReportVersion V, ReportSummary S)>();
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = VersionsPrefix, Traits = BlobTraits.Metadata }, ct))
        {
            if (ParseManifestName(item.Name) is not { } v) continue;
            var m = item.Metadata;
            string Get(string k) => m.TryGetValue(k, out var s) ? s : "";
            int Int(string k) => int.TryParse(Get(k), NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) ? x : 0;
            list.Add((v, new ReportSummary(v.ToString(),
                DateTimeOffset.TryParse(Get("created"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : default,
                DateOnly.TryParseExact(Get("datacutoff"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var cutoff) ? cutoff : default,
                Get("sha256"), long.TryParse(Get("size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : 0, Int("pages"),
                Int("identified"), Int("included"), Int("provisional"), Int("new"))));
        }
        return list.OrderBy(x => x.V).Select(x => x.S).ToList();
    }

    /// <summary>A version's PDF bytes, or null when its blob is missing or no longer holds the bytes its manifest hashed.</summary>
    public async Task<byte[]?> ReadPdfAsync(ReportManifest manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        try
        {
            var bytes = (await Container.GetBlobClient(manifest.Pdf).DownloadContentAsync(ct)).Value.Content.ToArray();
            return Convert.ToHexStringLower(SHA256.HashData(bytes)) == manifest.Sha256 ? bytes : null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The latest PDF with its ETag (the SHA-256 of its bytes), or null when no report exists yet.</summary>
    public async Task<StoredReport?> GetLatestAsync(CancellationToken ct)
    {
        var blob = Container.GetBlobClient(LatestBlob);
        BlobProperties props;
        try
        {
            props = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        props.Metadata.TryGetValue("version", out var v);
        props.Metadata.TryGetValue("sha256", out var sha);
        var version = ReportVersion.TryParse(v, out var parsed) ? parsed : default;
        // Streamed from the numbered version's own blob, which never changes: a new version replacing latest.pdf while a
        // download runs cannot cut it short or send other bytes under this ETag. latest.pdf itself is the fallback.
        if (sha is { Length: >= 12 } && parsed != default)
        {
            var numbered = Container.GetBlobClient(PdfBlob(version, sha));
            return new StoredReport(version, Quote(sha), props.ContentLength, async token => await numbered.OpenReadAsync(cancellationToken: token));
        }
        return new StoredReport(version, Quote(sha ?? ""), props.ContentLength,
            async token => await blob.OpenReadAsync(new BlobOpenReadOptions(false) { Conditions = new BlobRequestConditions { IfMatch = props.ETag } }, token));
    }

    /// <summary>One version's PDF, or null when there is no such version. Read from the manifest blob's metadata: nothing is downloaded before the PDF.</summary>
    public async Task<StoredReport?> GetVersionAsync(ReportVersion version, CancellationToken ct)
    {
        BlobProperties props;
        try
        {
            props = (await Container.GetBlobClient(ManifestBlob(version)).GetPropertiesAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        if (!props.Metadata.TryGetValue("sha256", out var sha) || sha.Length < 12)
            return (await ReadManifestAsync(version, ct)) is { } manifest
                ? new StoredReport(version, Quote(manifest.Sha256), manifest.Size, async token => await Container.GetBlobClient(manifest.Pdf).OpenReadAsync(cancellationToken: token))
                : null;
        var size = props.Metadata.TryGetValue("size", out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var blob = Container.GetBlobClient(PdfBlob(version, sha));
        return new StoredReport(version, Quote(sha), size, async token => await blob.OpenReadAsync(cancellationToken: token));
    }

    private static string Quote(string sha) => $"\"{sha}\"";
}
