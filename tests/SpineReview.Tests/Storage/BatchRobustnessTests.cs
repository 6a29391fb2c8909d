using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SpineReview.Cycle;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Screening;
using SpineReview.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SpineReview.Tests.Storage;

/// <summary>Batches in the queue drain against Azurite: a batch back from a run that never finished is split (one record that ends
/// every run it is in cannot take 99 good ones to the poison queue), and a server error is tried again whole once before splitting.</summary>
public class BatchRobustnessTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> NoCrossref = BatchStagesTests.NoCrossref;

    // The stages' batch tests' records (every third one a review the rules exclude), stored and handed over in one screen message.
    private static async Task<List<string>> StoreAndHandOverAsync(TestHost host, string prefix, int count)
    {
        var keys = (await BatchStagesTests.StoreAsync(host, prefix, count)).Select(r => r.Key).ToList();
        await host.Get<ScreeningHandover>().HandOverManyAsync(keys, default);
        return keys;
    }

    private static Task<List<string>> BodiesAsync(Azure.Storage.Queues.QueueClient queue) => BatchStagesTests.BodiesAsync(queue);

    [Fact]
    public async Task DrainScreen_BatchBackFromARunThatNeverFinished_ScreenedAsTwoHalvesAndTheOriginalDeleted()
    {
        await using var host = TestHost.Create(settings: NoCrossref);
        await StoreAndHandOverAsync(host, "96100", 30);
        var queues = host.Get<WorkQueues>();
        // In the message's order (the keys of a Records partition together): the halves are its first and last 15.
        var keys = RecordBatch.Parse(Assert.Single(await BodiesAsync(queues.Screen))).RecordKeys;
        // A run that took the message and ended (a process killed, a time-out) before it finished: the message comes back into sight.
        var taken = Assert.Single((await queues.Screen.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1))).Value);
        Assert.Equal(1, taken.DequeueCount);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var said = new List<string>();
        var result = await host.Get<CycleService>().DrainScreenAsync(new SyncProgress(said.Add), default);

        Assert.Equal((30, 0, 0), (result.Done, result.Failed, result.Poisoned));
        Assert.Contains("screen: a batch of 30 records came back from a run that did not finish; queued again as two halves", said);
        Assert.Empty(await BodiesAsync(queues.Screen));
        // Each half screened on its own: one extract message each, together every record that passed, each once.
        var extract = (await BodiesAsync(queues.Extract)).Select(b => RecordBatch.Parse(b).RecordKeys).ToList();
        Assert.Equal(2, extract.Count);
        var passed = (await host.Get<ScreeningStore>().ListRuleDecisionsAsync(default)).Where(d => !d.Excluded).Select(d => d.RecordKey).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(20, passed.Count);
        Assert.Equal(passed, extract.SelectMany(k => k).Order(StringComparer.Ordinal));
        Assert.All(extract, k => Assert.True(k.All(keys.Take(15).Contains) || k.All(keys.Skip(15).Contains), string.Join(" ", k)));
    }

    [Fact]
    public async Task DrainBatches_ARecordThatEndsEveryRunItIsIn_EndsAloneInThePoisonQueueAndTheOthersAreHandledOnce()
    {
        await using var host = TestHost.Create();
        // Short hiding, so that a message of a run that ended comes back within a second.
        var queues = new WorkQueues(host.Get<StorageClients>(), TimeProvider.System)
        {
            Visibility = TimeSpan.FromSeconds(1), WaitForHidden = TimeSpan.FromSeconds(5), PollHidden = TimeSpan.FromMilliseconds(200),
        };
        var keys = Enumerable.Range(0, 16).Select(i => $"pubmed:97{i:D3}").ToList();
        const string Bad = "pubmed:97011";
        await queues.EnqueueManyAsync(queues.Screen, keys, default);

        var handled = new List<string>();
        var runs = 0;
        while ((await queues.Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && runs < 40)
        {
            runs++;
            // Each run as a Functions invocation: the one that meets the bad record is timed out (cancelled) and never finishes.
            using var run = new CancellationTokenSource();
            try
            {
                await queues.DrainBatchesAsync(queues.Screen, (body, ct) =>
                {
                    var batch = RecordBatch.Parse(body).RecordKeys;
                    if (batch.Contains(Bad))
                    {
                        run.Cancel();
                        ct.ThrowIfCancellationRequested();
                    }
                    handled.AddRange(batch);
                    return Task.FromResult(batch.Count);
                }, null, run.Token, split: RecordBatch.Halves);
            }
            catch (OperationCanceledException) when (run.IsCancellationRequested) { }
        }

        var poisoned = (await host.Get<StorageClients>().Queue(StorageNames.PoisonQueue(queues.Screen.Name)).PeekMessagesAsync(32)).Value;
        var alone = Assert.Single(poisoned);
        Assert.Equal([Bad], RecordBatch.Parse(alone.Body.ToString()).RecordKeys);
        Assert.Equal(keys.Where(k => k != Bad), handled.Order(StringComparer.Ordinal));
        Assert.Equal(0, (await queues.Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    /// <summary>Sends chosen requests' attempts to a server that answers 503 Server Busy, as Azure Storage does under load; every
    /// other request (and every later attempt) goes to Azurite.</summary>
    private sealed class ServerBusy : HttpPipelinePolicy, IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Func<HttpMessage, bool> _which;
        private int _left;
        public int Sent;
        public int Refused;

        private ServerBusy(WebApplication app, Func<HttpMessage, bool> which) => (_app, _which) = (app, which);

        /// <summary>The next <paramref name="attempts"/> attempts of the chosen requests are answered 503.</summary>
        public void Refuse(int attempts) => Volatile.Write(ref _left, attempts);

        public static async Task<ServerBusy> StartAsync(Func<HttpMessage, bool> which)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.Run(async context =>
            {
                context.Response.StatusCode = 503;
                context.Response.Headers["x-ms-error-code"] = "ServerBusy";
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"odata.error\":{\"code\":\"ServerBusy\",\"message\":{\"lang\":\"en-US\",\"value\":\"The server is busy.\"}}}");
            });
            await app.StartAsync();
            return new ServerBusy(app, which);
        }

        private int Port => new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref Sent);
            if (!_which(message) || Interlocked.Decrement(ref _left) < 0)
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }
            Interlocked.Increment(ref Refused);
            // This attempt only: the client's next attempt of the same request starts from the Azurite address again.
            var port = message.Request.Uri.Port;
            message.Request.Uri.Port = Port;
            try { await ProcessNextAsync(message, pipeline); }
            finally { message.Request.Uri.Port = port; }
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [Fact]
    public async Task ScreenMessage_ServerBusyPastTheClientsRetries_BatchTriedAgainWholeNotSplit()
    {
        await using var busy = await ServerBusy.StartAsync(m => m.Request.Method == RequestMethod.Post && m.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));
        await using var host = TestHost.Create(settings: NoCrossref, configure: s =>
        {
            s.RemoveAll<StorageClients>();
            s.AddSingleton(sp => new StorageClients(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<StorageNames>(), [busy]));
        });
        await StoreAndHandOverAsync(host, "98100", 30);
        var queues = host.Get<WorkQueues>();
        var sentBefore = busy.Sent;
        // Every attempt of the drain's first entity-group transaction (the rule decisions): the client's first try and its three retries.
        busy.Refuse(4);

        var said = new List<string>();
        var result = await host.Get<CycleService>().DrainScreenAsync(new SyncProgress(said.Add), default);
        output.WriteLine($"storage requests of the drain: {busy.Sent - sentBefore} ({busy.Refused} answered 503)");

        Assert.Equal(4, busy.Refused);
        Assert.Equal((30, 0, 0), (result.Done, result.Failed, result.Poisoned));
        Assert.Empty(await BodiesAsync(queues.Screen));
        // Whole: one extract message naming the 20 records that passed, as without the error.
        var extract = Assert.Single(await BodiesAsync(queues.Extract));
        Assert.Equal(20, RecordBatch.Parse(extract).RecordKeys.Count);
        Assert.Equal(20, (await host.Get<ScreeningStore>().ListQueueAsync(null, default)).Count);
    }

    /// <summary>Reports at once on the caller's thread (Progress&lt;T&gt; posts to the thread pool, after the drain may have returned).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    // Fails the first deletes of queue messages with 503 (past the client's retries: the policy sits after them).
    private sealed class FailMessageDeletes : HttpPipelinePolicy
    {
        private int _left;
        public FailMessageDeletes(int count) => _left = count;
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == RequestMethod.Delete && message.Request.Uri.Path.Contains("/messages/", StringComparison.Ordinal)
                && Interlocked.Decrement(ref _left) >= 0)
                throw new Azure.RequestFailedException(503, "the delete was refused (test)");
            await ProcessNextAsync(message, pipeline);
        }
    }

    [Fact]
    public async Task DrainBatches_SplitWhoseDeleteFails_HalvesTakenBackMessageFailedNotTheDrain_LaterEachRecordOnce()
    {
        await using var host = TestHost.Create();
        WorkQueues Queues(StorageClients s) => new(s, TimeProvider.System)
        {
            Visibility = TimeSpan.FromSeconds(1), WaitForHidden = TimeSpan.FromSeconds(4), PollHidden = TimeSpan.FromMilliseconds(200),
            RetryFailedAfter = TimeSpan.FromSeconds(1),
        };
        var queues = Queues(host.Get<StorageClients>());
        var keys = Enumerable.Range(0, 10).Select(i => $"pubmed:96500{i}").ToList();
        await queues.EnqueueManyAsync(queues.Screen, keys, default);
        // A run took the batch and never finished.
        Assert.Single((await queues.Screen.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1))).Value);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var handled = new List<string>();
        Task<int> Handle(string body, CancellationToken ct)
        {
            var batch = RecordBatch.Parse(body).RecordKeys;
            lock (handled) handled.AddRange(batch);
            return Task.FromResult(batch.Count);
        }
        var failing = Queues(new StorageClients(host.Get<IConfiguration>(), host.Get<StorageClients>().Names, [new FailMessageDeletes(1)]));
        var failures = new List<Exception>();

        // The halves are sent, the delete of the batch is refused: the drain goes on, the batch counts as failed, the halves are gone.
        var first = await failing.DrainBatchesAsync(failing.Screen, Handle, null, default, (_, e) => failures.Add(e), split: RecordBatch.Halves);

        Assert.Equal((0, 1), (first.Done, first.Failed));
        Assert.Contains("refused (test)", Assert.Single(failures).Message, StringComparison.Ordinal);
        Assert.Empty(handled);
        Assert.Equal(1, (await queues.Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        // A later run splits it and handles each record once.
        var second = await queues.DrainBatchesAsync(queues.Screen, Handle, null, default, split: RecordBatch.Halves);

        Assert.Equal((10, 0), (second.Done, second.Failed));
        Assert.Equal(keys, handled.Order(StringComparer.Ordinal));
        Assert.Equal(0, (await queues.Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        output.WriteLine($"first {first}, second {second}");
    }
}
