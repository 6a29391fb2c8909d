namespace SpineReview.Sources;

/// <summary>A source answered with something that is not a usable result (an error document, truncated XML, a fault after retries).</summary>
public sealed class SourceException : Exception
{
    public SourceException() { }
    public SourceException(string message) : base(message) { }
    public SourceException(string message, Exception inner) : base(message, inner) { }
    public SourceException(string message, Exception? inner, bool transient) : base(message, inner) => Transient = transient;

    /// <summary>True when calling again may well succeed (the connection dropped while the body was read); HTTP errors that
    /// outlived the resilience handler's retries are not retried again.</summary>
    public bool Transient { get; }

    /// <summary>The request that failed, with secrets as ***: for the log and the search log, kept out of the short message a person reads.</summary>
    public string? RequestUrl { get; init; }
}
