using System.Diagnostics;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using SpineReview.Records;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Storage;

/// <summary>Storage that stops answering: every call says so in the project's words, naming the endpoint, and a drain stops at the first such failure.</summary>
public class StorageOutageTests
{
    /// <summary>Clients for an account whose three endpoints are ports nothing listens on (a key made up here: no request ever reaches a server).</summary>
    private static (StorageClients Clients, int Blob, int Queue, int Table) Gone()
    {
        var ports = PrivateAzurite.FreePorts(3);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var connection = $"DefaultEndpointsProtocol=http;AccountName=gone;AccountKey={key};BlobEndpoint=http://127.0.0.1:{ports[0]}/gone;" +
                         $"QueueEndpoint=http://127.0.0.1:{ports[1]}/gone;TableEndpoint=http://127.0.0.1:{ports[2]}/gone;";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [StorageClients.Setting] = connection }).Build();
        return (new StorageClients(configuration, new StorageNames("gone")), ports[0], ports[1], ports[2]);
    }

    private static void AssertSaysWhatAndWhere(StorageUnavailableException e, int port)
    {
        Assert.StartsWith($"Azure Storage at http://127.0.0.1:{port} cannot be reached (setting AzureWebJobsStorage): ", e.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", e.Message, StringComparison.Ordinal);
        Assert.Contains("start Azurite", e.Message, StringComparison.Ordinal);
        Assert.Contains("run again", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Retry failed", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_StorageNotAnswering_ThrowsStorageUnavailableNamingThatServicesEndpoint()
    {
        var (clients, blob, queue, table) = Gone();

        // All at once: each call spends the client's retries (about 3 s) before it gives up.
        var failures = await Task.WhenAll(
            Assert.ThrowsAsync<StorageUnavailableException>(() => clients.Queue("work").SendMessageAsync("{}")),
            Assert.ThrowsAsync<StorageUnavailableException>(() => clients.Table("rows").GetEntityIfExistsAsync<TableEntity>("p", "r")),
            Assert.ThrowsAsync<StorageUnavailableException>(() => clients.Container("files").GetBlobClient("a.pdf").UploadAsync(new BinaryData([1, 2, 3]))),
            Assert.ThrowsAsync<StorageUnavailableException>(() => new StorageInitializer(clients).CreateAsync()));

        AssertSaysWhatAndWhere(failures[0], queue);
        AssertSaysWhatAndWhere(failures[1], table);
        AssertSaysWhatAndWhere(failures[2], blob);
        Assert.Contains(new[] { blob, queue, table }, p => failures[3].Message.StartsWith($"Azure Storage at http://127.0.0.1:{p} cannot be reached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drain_StorageStopsAnsweringTheHandler_StopsAtTheFirstMessageWithTheStorageMessage()
    {
        await using var host = TestHost.Create();
        var queues = host.Get<WorkQueues>();
        for (var i = 0; i < 8; i++) await queues.EnqueueAsync(queues.Screen, $"pubmed:{i}", default);
        var (gone, _, _, table) = Gone();

        var calls = 0;
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => queues.DrainAsync(queues.Screen, async (body, ct) =>
        {
            Interlocked.Increment(ref calls);
            await gone.Table("rows").GetEntityIfExistsAsync<TableEntity>("p", "r", cancellationToken: ct);
        }, null, default));

        // Every other message would meet the same storage: the first failure ends the stage, and the messages stay queued.
        Assert.Equal(1, calls);
        AssertSaysWhatAndWhere(e, table);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the drain took {clock.Elapsed.TotalSeconds:0.0} s to give up");
        Assert.Equal(8, (await queues.Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
