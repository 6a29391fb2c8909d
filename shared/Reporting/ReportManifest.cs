using System.Text.Json.Serialization;

namespace SpineReview.Reporting;

/// <summary>The counts a version reports, as kept in its manifest.</summary>
public sealed record ReportCounts(int Identified, int Duplicates, int ExcludedByRules, int PassedRules, int ExcludedByReviewers, int ExcludedByModel,
    int AwaitingReviewers, int Conflicts, int Included, int Provisional, int NewInThisVersion);

/// <summary>Records still waiting in the stage queues (in flight included) when a version's data was read.</summary>
/// <param name="Screening">Waiting for the rule pre-screen.</param>
/// <param name="Extraction">Waiting for the charting form.</param>
public sealed record PendingWork(int Screening, int Extraction)
{
    [JsonIgnore]
    public int Total => Screening + Extraction;
}

/// <summary>What is kept about one report version beside its PDF (versions/{version}/manifest.json).</summary>
/// <param name="Pdf">The PDF's blob name in the reports container.</param>
/// <param name="Change">Why this version has the number it has.</param>
/// <param name="Studies">Keys of the studies the version shows; <paramref name="Included"/> those included by reviewers;
/// <paramref name="Retracted"/> those its sources mark retracted.</param>
/// <param name="Pending">Work the stages had not finished when the data was read (null: none, or a version made before this was kept).</param>
/// <param name="Notices">The notices (corrections, errata, expressions of concern, journal versions) of the studies shown, as
/// "key|notice": the next version lists as new those not in it. Null in a version made before they were kept (then a notice
/// is new when found after that version's data).</param>
/// <param name="Fingerprint">What the version shows (<see cref="ReportFingerprint"/>); null in a version made before fingerprints were kept,
/// and then not written, so such a manifest reads and writes as it was.</param>
public sealed record ReportManifest(ReportVersion Version, DateTimeOffset Created, DateOnly DataCutoff, string Sha256, long Size, int Pages, string Pdf,
    ReportCounts Counts, string Eligibility, string Extractor, string Change, ReportVersion? PreviousVersion, string? LastHarvestRun,
    IReadOnlyList<string> Studies, IReadOnlyList<string> Included, IReadOnlyList<string>? Retracted = null, PendingWork? Pending = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Fingerprint = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Notices = null);

/// <summary>One version as listed (from the manifest blob's metadata: no manifest is downloaded to list them).</summary>
public sealed record ReportSummary(string Version, DateTimeOffset Created, DateOnly DataCutoff, string Sha256, long Size, int Pages,
    int Identified, int Included, int Provisional, int NewInThisVersion);

/// <summary>A stored PDF, for download: its version, strong ETag (the SHA-256 of its bytes) and a way to stream it.</summary>
public sealed record StoredReport(ReportVersion Version, string ETag, long Size, Func<CancellationToken, Task<Stream>> OpenAsync)
{
    public string FileName => $"living-review-v{Version}.pdf";
}
