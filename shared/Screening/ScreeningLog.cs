using Microsoft.Extensions.Logging;

namespace SpineReview.Screening;

/// <summary>Screening's log lines, source-generated.</summary>
internal static partial class ScreeningLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Screen: record {RecordKey} is not stored; message dropped")]
    public static partial void NotStored(ILogger logger, string recordKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Screen: a batch of {Count} records failed ({Reason}); split in two messages, each tried on its own")]
    public static partial void BatchSplit(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Screen: {RecordKey} {Outcome} ({Reason})")]
    public static partial void Screened(ILogger logger, string recordKey, string outcome, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Screening model {Version}: {Includes} includes, {Exclusions} exclusions, {Ranked} ranked, " +
        "low threshold {Low}, {AutoExcluded} excluded automatically, {Audit} to the audit")]
    public static partial void Trained(ILogger logger, int version, int includes, int exclusions, int ranked, double? low, int autoExcluded, int audit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Screening model: retraining failed; the queue keeps the last model's order and the next round tries again")]
    public static partial void RetrainFailed(ILogger logger, Exception error);
}
