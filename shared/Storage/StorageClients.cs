using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace SpineReview.Storage;

/// <summary>The three storage service clients, created once per process from setting AzureWebJobsStorage.</summary>
public sealed class StorageClients
{
    /// <summary>The setting both hosts read: a connection string, or (managed identity) AzureWebJobsStorage__blobServiceUri etc.</summary>
    public const string Setting = "AzureWebJobsStorage";

    /// <param name="policies">Policies added to every client's pipeline per request sent (a benchmark's request counter).</param>
    public StorageClients(IConfiguration configuration, StorageNames names, IReadOnlyList<HttpPipelinePolicy>? policies = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Names = names;
        var connection = configuration[Setting];
        var section = configuration.GetSection(Setting);
        var retry = new Action<Azure.Core.RetryOptions>(r =>
        {
            // Fail fast enough that a person sees "start Azurite" within seconds, not minutes.
            r.MaxRetries = 3;
            r.Delay = TimeSpan.FromMilliseconds(400);
            r.NetworkTimeout = TimeSpan.FromSeconds(100);
        });
        var tableOptions = new TableClientOptions(); retry(tableOptions.Retry);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }; retry(queueOptions.Retry);
        var blobOptions = new BlobClientOptions(); retry(blobOptions.Retry);
        // Per call, so it sees what is left after the retries: storage that stopped answering is said once, in the project's words.
        var reach = new StorageReachPolicy();
        foreach (var options in new ClientOptions[] { tableOptions, queueOptions, blobOptions }) options.AddPolicy(reach, HttpPipelinePosition.PerCall);
        foreach (var options in new ClientOptions[] { tableOptions, queueOptions, blobOptions })
            foreach (var policy in policies ?? []) options.AddPolicy(policy, HttpPipelinePosition.PerRetry);

        if (!string.IsNullOrWhiteSpace(connection))
        {
            Tables = new TableServiceClient(connection, tableOptions);
            Queues = new QueueServiceClient(connection, queueOptions);
            Blobs = new BlobServiceClient(connection, blobOptions);
            Endpoint = Blobs.Uri.GetLeftPart(UriPartial.Authority);
        }
        else if (section["blobServiceUri"] is { Length: > 0 } blobUri && section["queueServiceUri"] is { Length: > 0 } queueUri && section["tableServiceUri"] is { Length: > 0 } tableUri)
        {
            // Managed identity in Azure: no shared key anywhere.
            TokenCredential credential = section["clientId"] is { Length: > 0 } clientId
                ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
                : new DefaultAzureCredential();
            Tables = new TableServiceClient(new Uri(tableUri), credential, tableOptions);
            Queues = new QueueServiceClient(new Uri(queueUri), credential, queueOptions);
            Blobs = new BlobServiceClient(new Uri(blobUri), credential, blobOptions);
            Endpoint = Blobs.Uri.GetLeftPart(UriPartial.Authority);
        }
        else
        {
            throw new StorageUnavailableException(
                $"Setting {Setting} is not set. Locally use \"UseDevelopmentStorage=true\" (Azurite; scripts/run.sh starts it); " +
                $"in Azure set {Setting}__blobServiceUri, __queueServiceUri and __tableServiceUri (managed identity).");
        }
    }

    public StorageNames Names { get; }
    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }
    public BlobServiceClient Blobs { get; }
    /// <summary>Scheme, host and port of the blob endpoint, for messages (never a key).</summary>
    public string Endpoint { get; }

    public TableClient Table(string name) => Tables.GetTableClient(name);
    public QueueClient Queue(string name) => Queues.GetQueueClient(name);
    public BlobContainerClient Container(string name) => Blobs.GetBlobContainerClient(name);
}
