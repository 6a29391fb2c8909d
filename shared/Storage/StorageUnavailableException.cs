namespace SpineReview.Storage;

/// <summary>Azure Storage (or Azurite) cannot be reached with the configured connection.</summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException() { }
    public StorageUnavailableException(string message) : base(message) { }
    public StorageUnavailableException(string message, Exception inner) : base(message, inner) { }
}
