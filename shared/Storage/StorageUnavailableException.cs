using System.Net.Sockets;
using Azure;

namespace SpineReview.Storage;

/// <summary>Azure Storage (or Azurite) cannot be reached with the configured connection.</summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException() { }
    public StorageUnavailableException(string message) : base(message) { }
    public StorageUnavailableException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The project's one message for storage that does not answer: the endpoint (never a key or a query), why, and what to do.</summary>
    public static StorageUnavailableException Unreachable(string endpoint, Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        return new StorageUnavailableException(
            $"Azure Storage at {endpoint} cannot be reached (setting {StorageClients.Setting}): {Reason(cause)}. " +
            "Nothing stored is lost, and a run cut short can simply be run again once storage answers. " +
            "Locally, start Azurite (scripts/run.sh starts it, or run `npx azurite --location .azurite` in another terminal); " +
            "in Azure, check the storage account and the app's network access to it.", cause);
    }

    /// <summary>Whether a storage call failed without an answer from the service (after the client's own retries), not with one.</summary>
    public static bool IsTransportFailure(Exception e, CancellationToken callerToken) => e switch
    {
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(i => IsTransportFailure(i, callerToken)),
        // Status 0: no response at all (connection refused or reset, name not found).
        RequestFailedException r => r.Status == 0,
        // Azure.Core wraps these in status 0; a bare IOException could be a local file's, so it is not taken for the network.
        HttpRequestException or SocketException => true,
        // The client's network timeout, not the caller giving up.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    // The innermost network error ("Connection refused", "Connection reset by peer"), not the SDK's retry advice or
    // HttpClient's "An error occurred while sending the request".
    private static string Reason(Exception cause)
    {
        string? network = null, timeout = null;
        for (Exception? e = cause; e is not null; e = e is AggregateException a && a.InnerExceptions.Count > 0 ? a.InnerExceptions[0] : e.InnerException)
        {
            if (e is HttpRequestException or IOException or SocketException) network = e.Message;
            else if (e is OperationCanceledException) timeout ??= e.Message;
        }
        var text = (network ?? timeout ?? cause.Message).Split('\n')[0].Trim().TrimEnd('.');
        return text.Length == 0 ? "no answer" : text;
    }
}
