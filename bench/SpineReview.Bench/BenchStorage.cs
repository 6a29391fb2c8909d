using SpineReview.Storage;

namespace SpineReview.Bench;

/// <summary>A benchmark's own storage prefix, removed when it is done.</summary>
internal static class BenchStorage
{
    public static async Task DeleteAsync(StorageClients storage)
    {
        foreach (var t in storage.Names.Tables) await storage.Tables.DeleteTableAsync(t);
        foreach (var q in storage.Names.Queues) await storage.Queue(q).DeleteIfExistsAsync();
        foreach (var c in storage.Names.Containers) await storage.Container(c).DeleteIfExistsAsync();
    }
}
