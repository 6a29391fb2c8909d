using Azure.Core;
using Azure.Core.Pipeline;

namespace SpineReview.Storage;

/// <summary>
/// On every storage client, outside the client's own retries: a call that got no answer from the service surfaces as
/// <see cref="StorageUnavailableException"/> naming the endpoint, wherever it was made (start-up, a stage, a drain).
/// </summary>
internal sealed class StorageReachPolicy : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception e) when (StorageUnavailableException.IsTransportFailure(e, message.CancellationToken))
        {
            throw StorageUnavailableException.Unreachable(Endpoint(message), e);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline);
        }
        catch (Exception e) when (StorageUnavailableException.IsTransportFailure(e, message.CancellationToken))
        {
            throw StorageUnavailableException.Unreachable(Endpoint(message), e);
        }
    }

    // Scheme, host and port only: a request URI can carry a SAS token in its query.
    private static string Endpoint(HttpMessage message) => message.Request.Uri.ToUri().GetLeftPart(UriPartial.Authority);
}
