using Microsoft.Extensions.Logging;

namespace SpineReview.Storage;

/// <summary>The storage floor's log lines, source-generated.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Another {Work} is running; this one waits for it ({Blob})")]
    public static partial void Waiting(ILogger logger, string work, string blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Work} lease could not be renewed ({Reason}); another one may start meanwhile")]
    public static partial void NotRenewed(ILogger logger, string work, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Work} lease could not be released ({Reason}); it expires within a minute")]
    public static partial void NotReleased(ILogger logger, string work, string reason);
}
