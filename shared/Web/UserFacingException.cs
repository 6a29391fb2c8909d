namespace SpineReview.Web;

/// <summary>
/// A refusal written for the person using the page: the pipeline shows its message as it is, with its status. Any other
/// exception is the app's own failure, shown as a generic page with a reference and logged with its details.
/// </summary>
public sealed class UserFacingException : Exception
{
    /// <summary>A refusal with the HTTP status to answer (400 unless said: 404 for something not there, 409 for a state that forbids it).</summary>
    public UserFacingException(string message, int status = 400) : base(message) => Status = status;

    /// <summary>A refusal with its status, keeping the exception it translates for the log.</summary>
    public UserFacingException(string message, int status, Exception inner) : base(message, inner) => Status = status;

    /// <summary>The HTTP status to answer with.</summary>
    public int Status { get; }
}
