using Microsoft.Extensions.Logging;

namespace SpineReview.Extraction;

/// <summary>The charting stage's log lines (source-generated).</summary>
internal static partial class ExtractionLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Extract: record {RecordKey} is not stored; message dropped")]
    public static partial void NotStored(ILogger logger, string recordKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extract: a batch of {Count} records failed ({Reason}); split in two messages, each tried on its own")]
    public static partial void BatchSplit(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Extract: {RecordKey} modality {Modality}, region {Region}")]
    public static partial void Extracted(ILogger logger, string recordKey, string modality, string region);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-extracted {Count} stored studies with {Version}")]
    public static partial void Reextracted(ILogger logger, int count, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extract: the full text of {RecordKey} could not be fetched ({Reason}); charted from its abstract, asked again on the next extraction")]
    public static partial void FullTextFailed(ILogger logger, string recordKey, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extract: the full text of {RecordKey} is not readable JATS ({Reason}); charted from its abstract")]
    public static partial void FullTextUnreadable(ILogger logger, string recordKey, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Extract: the full text of {RecordKey} at {Url} carries no open licence; not kept, charted from its abstract")]
    public static partial void FullTextNotOpen(ILogger logger, string recordKey, string url);
}
