using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SpineReview.Storage;

namespace SpineReview.Bench;

/// <summary>A benchmark's own storage prefix, removed when it is done.</summary>
internal static class BenchStorage
{
    /// <summary>The services on a new prefix of the storage in AzureWebJobsStorage (Azurite when unset).</summary>
    public static ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageClients.Setting] = Environment.GetEnvironmentVariable("AzureWebJobsStorage") ?? "UseDevelopmentStorage=true",
            ["Storage:Prefix"] = "bench" + Guid.NewGuid().ToString("N")[..8],
        }).Build();
        return new ServiceCollection().AddLogging().AddSpineReview(configuration).BuildServiceProvider();
    }

    public static async Task DeleteAsync(StorageClients storage)
    {
        foreach (var t in storage.Names.Tables) await storage.Tables.DeleteTableAsync(t);
        foreach (var q in storage.Names.Queues.Concat(storage.Names.PoisonQueues)) await storage.Queue(q).DeleteIfExistsAsync();
        foreach (var c in storage.Names.Containers) await storage.Container(c).DeleteIfExistsAsync();
    }
}
