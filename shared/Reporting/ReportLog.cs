using Microsoft.Extensions.Logging;

namespace SpineReview.Reporting;

/// <summary>The report's log lines (source-generated: no boxing, no template parsing per call).</summary>
internal static partial class ReportLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Blob}: no report version names it (left by a run that stopped before its manifest)")]
    public static partial void RemovedUnnamedPdf(ILogger logger, string blob);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report unchanged since version {Version}: no new version")]
    public static partial void Unchanged(ILogger logger, ReportVersion version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report version {Version} was taken by another run; reading the data and the versions again")]
    public static partial void VersionTaken(ILogger logger, ReportVersion version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report version {Version} made while {Screening} records waited for screening and {Extraction} for charting; the report says so")]
    public static partial void MadeWhileWorkWaited(ILogger logger, ReportVersion version, int screening, int extraction);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report version {Version} ({Why}): {Pages} pages, {Size} bytes, sha256 {Sha}")]
    public static partial void Published(ILogger logger, ReportVersion version, string why, int pages, int size, string sha);
}
