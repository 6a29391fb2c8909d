using Microsoft.Extensions.Configuration;
using SpineReview.Storage;
using Xunit;

namespace SpineReview.Tests.Storage;

/// <summary>How StorageClients connects: Azurite's connection string locally, the managed identity in Azure (the names infra/main.bicep sets).</summary>
public class StorageClientsTests
{
    private static StorageClients Create(Dictionary<string, string?> settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), new StorageNames("spine"));

    [Fact]
    public void Constructor_IdentitySettings_UsesTheServiceUrisWithATokenCredential()
    {
        var clients = Create(new()
        {
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
            ["AzureWebJobsStorage:blobServiceUri"] = "https://spineprod.blob.core.windows.net/",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://spineprod.queue.core.windows.net/",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://spineprod.table.core.windows.net/",
        });

        Assert.Equal("https://spineprod.blob.core.windows.net/", clients.Blobs.Uri.ToString());
        Assert.Equal("https://spineprod.queue.core.windows.net/", clients.Queues.Uri.ToString());
        Assert.Equal("https://spineprod.table.core.windows.net/", clients.Tables.Uri.ToString());
        Assert.Equal("https://spineprod.blob.core.windows.net", clients.Endpoint);
        // No account key anywhere: a client holding one could sign SAS URLs.
        Assert.False(clients.Blobs.CanGenerateAccountSasUri);
        Assert.False(clients.Queues.CanGenerateAccountSasUri);
        Assert.Equal("spine-reports", clients.Container(clients.Names.ReportsContainer).Name);
    }

    [Fact]
    public void Constructor_AzuriteConnectionString_StillWorks()
    {
        var clients = Create(new() { [StorageClients.Setting] = "UseDevelopmentStorage=true" });

        Assert.Equal("http://127.0.0.1:10000", clients.Endpoint);
        Assert.Equal("devstoreaccount1", clients.Blobs.AccountName);
    }

    [Fact]
    public void Constructor_IdentitySettingsWithoutTheTableUri_SaysWhatToSet()
    {
        var e = Assert.Throws<StorageUnavailableException>(() => Create(new()
        {
            ["AzureWebJobsStorage:blobServiceUri"] = "https://spineprod.blob.core.windows.net/",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://spineprod.queue.core.windows.net/",
        }));
        Assert.Contains("__tableServiceUri", e.Message, StringComparison.Ordinal);
    }
}
