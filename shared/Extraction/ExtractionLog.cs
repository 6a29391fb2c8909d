using Microsoft.Extensions.Logging;

namespace SpineReview.Extraction;

/// <summary>The charting stage's log lines (source-generated).</summary>
internal static partial class ExtractionLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Extract: record {RecordKey} is not stored; message dropped")]
    public static partial void NotStored(ILogger logger, string recordKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Extract: {RecordKey} modality {Modality}, region {Region}")]
    public static partial void Extracted(ILogger logger, string recordKey, string modality, string region);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-extracted {Count} stored studies with {Version}")]
    public static partial void Reextracted(ILogger logger, int count, string version);
}
