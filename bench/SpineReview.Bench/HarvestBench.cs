using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpineReview.Sources;
using SpineReview.Storage;

namespace SpineReview.Bench;

/// <summary>A PubMed harvest of N generated records through the real connector against a local E-utilities server that
/// answers 429 past NCBI's limit (10 requests per second with a key), storing into Azurite.</summary>
public static class HarvestBench
{
    public static async Task<int> RunAsync(string replay, int records, int batch, TextWriter output)
    {
        var articles = EFetchGenerator.Articles(replay, records);
        var expectedRequests = 1 + (records + batch - 1) / batch;
        var starts = new ConcurrentQueue<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var tooMany = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.Run(async context =>
        {
            var now = clock.Elapsed;
            if (starts.Count(s => now - s < TimeSpan.FromSeconds(1)) >= 10)
            {
                Interlocked.Increment(ref tooMany);
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsync("{\"error\":\"API rate limit exceeded\"}");
                return;
            }
            starts.Enqueue(now);
            if (starts.Count == expectedRequests)
            {
                // Every request of the harvest has been answered: the pace is known now, whatever storing still takes.
                var t = starts.OrderBy(x => x).ToList();
                var rate = (t.Count - 1) / (t[^1] - t[0]).TotalSeconds;
                output.WriteLine($"fetch: {t.Count} requests answered in {(t[^1] - t[0]).TotalSeconds:0.00} s, {tooMany} answered 429; " +
                    $"request rate {rate:0.00}/s of 10/s allowed = {rate / 10:P1}");
                output.Flush();
            }
            context.Response.ContentType = "text/xml";
            if (context.Request.Path.Value!.EndsWith("esearch.fcgi", StringComparison.Ordinal))
            {
                await context.Response.WriteAsync($"<?xml version=\"1.0\"?>\n<eSearchResult><Count>{records}</Count><RetMax>0</RetMax><RetStart>0</RetStart><QueryKey>1</QueryKey><WebEnv>MCID_bench</WebEnv><IdList/></eSearchResult>\n");
                return;
            }
            var start = int.Parse(context.Request.Query["retstart"]!, CultureInfo.InvariantCulture);
            var max = int.Parse(context.Request.Query["retmax"]!, CultureInfo.InvariantCulture);
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(EFetchGenerator.Document(articles.Skip(start).Take(max))));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageClients.Setting] = Environment.GetEnvironmentVariable("AzureWebJobsStorage") ?? "UseDevelopmentStorage=true",
            ["Storage:Prefix"] = prefix,
            ["PubMed:BaseUrl"] = address + "/entrez/eutils/",
            ["PubMed:ApiKey"] = "bench-key",
            ["PubMed:BatchSize"] = batch.ToString(CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddSpineReview(configuration).BuildServiceProvider();
        var storage = services.GetRequiredService<StorageClients>();
        await services.GetRequiredService<StorageInitializer>().CreateAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            var summary = await services.GetRequiredService<Harvester>().HarvestAsync("pubmed", new HarvestRequest(new DateOnly(2012, 1, 1), new DateOnly(2025, 12, 31)), null, CancellationToken.None);
            watch.Stop();
            var times = starts.OrderBy(t => t).ToList();
            var span = (times[^1] - times[0]).TotalSeconds;
            // n request starts at the allowed pace take (n - 1) / rate seconds: the achieved share of that rate.
            var achieved = span > 0 ? (times.Count - 1) / span : 0;
            output.WriteLine($"harvest: {summary.Retrieved} of {summary.Reported} records in {watch.Elapsed.TotalSeconds:0.00} s, status {summary.Status}");
            output.WriteLine($"requests: {times.Count} answered, {tooMany} answered 429; request rate {achieved:0.00}/s of 10/s allowed = {achieved / 10:P1}");
            output.WriteLine($"records stored per second: {summary.Retrieved / watch.Elapsed.TotalSeconds:0}");
            return summary.Status == "complete" && tooMany == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var t in storage.Names.Tables) await storage.Tables.DeleteTableAsync(t);
            foreach (var q in storage.Names.Queues.Concat(storage.Names.PoisonQueues)) await storage.Queue(q).DeleteIfExistsAsync();
            foreach (var c in storage.Names.Containers) await storage.Container(c).DeleteIfExistsAsync();
            await services.DisposeAsync();
            await app.StopAsync();
        }
    }
}
