namespace SpineReview.Sources;

/// <summary>A source answered with something that is not a usable result (an error document, truncated XML, a fault after retries).</summary>
public sealed class SourceException : Exception
{
    public SourceException() { }
    public SourceException(string message) : base(message) { }
    public SourceException(string message, Exception inner) : base(message, inner) { }
}
