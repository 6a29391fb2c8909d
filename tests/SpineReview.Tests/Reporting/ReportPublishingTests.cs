using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging.Abstractions;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;
using SpineReview.Dedup;

namespace SpineReview.Tests.Reporting;

/// <summary>
/// Publishing report versions against Azurite when several generations run at once, each through a host of its own on one
/// storage prefix (as separate processes are): one publishes at a time, no PDF is left that no manifest names.
/// </summary>
public class ReportPublishingTests
{
    private const int Rounds = 20;
    private static readonly DateTimeOffset T0 = new(2026, 11, 3, 9, 0, 0, TimeSpan.Zero);

    private static BibRecord Record(int n) => new()
    {
        Source = "pubmed", SourceId = $"93{n:D5}", Pmid = $"93{n:D5}", Doi = $"10.5555/publish.{n}", Year = 2024, PublicationTypes = ["Journal Article"],
        Title = $"Deep learning grades lumbar disc degeneration on MRI, cohort {n}", Abstract = "A convolutional neural network graded lumbar discs on MRI.",
    };

    /// <summary>A new record: the next generation has something to publish.</summary>
    private static async Task AddRecordAsync(TestHost host, int n) =>
        Assert.Equal(RecordOutcome.New, (await host.Get<DedupService>().RegisterAsync(Record(n), $"run{n:D3}", T0.AddMinutes(n), default)).Outcome);

    private static BlobContainerClient Reports(TestHost host) => host.Get<StorageClients>().Container(host.Get<StorageClients>().Names.ReportsContainer);

    /// <summary>What is wrong with the reports container: a PDF no manifest names, a manifest whose PDF is missing, latest.pdf not the highest version.</summary>
    private static async Task<List<string>> ProblemsAsync(TestHost host)
    {
        var container = Reports(host);
        var blobs = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
        await foreach (var b in container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata })) blobs[b.Name] = b;
        var reports = host.Get<ReportService>();
        var manifests = new List<ReportManifest>();
        foreach (var v in await reports.ListAsync(default)) manifests.Add((await reports.GetManifestAsync(ReportVersion.Parse(v.Version), default))!);
        var problems = new List<string>();
        var named = manifests.Select(m => m.Pdf).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(blobs.Keys.Where(n => n.StartsWith("versions/", StringComparison.Ordinal) && n.EndsWith(".pdf", StringComparison.Ordinal) && !named.Contains(n))
            .Select(n => $"{n}: no manifest names it"));
        problems.AddRange(manifests.Where(m => !blobs.ContainsKey(m.Pdf)).Select(m => $"{m.Version}: its PDF {m.Pdf} is missing"));
        if (manifests.Count > 0)
        {
            var highest = manifests.MaxBy(m => m.Version)!;
            var latest = (await container.GetBlobClient(ReportArchive.LatestBlob).DownloadContentAsync()).Value.Content.ToArray();
            if (Convert.ToHexStringLower(SHA256.HashData(latest)) != highest.Sha256) problems.Add($"latest.pdf is not version {highest.Version}");
        }
        return problems;
    }

    [Fact]
    public async Task Generate_SeveralAtOnceWhileDataChanges_NoUnnamedPdf_EveryVersionItsOwn_LatestIsTheHighest()
    {
        var prefix = TestHost.NewPrefix();
        var hosts = Enumerable.Range(0, 4).Select(i => TestHost.Create(prefix: prefix, cleanup: i == 0)).ToArray();
        try
        {
            var wrong = new List<string>();
            var published = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var round = 0; round < Rounds; round++)
            {
                await AddRecordAsync(hosts[0], 3 * round);
                // Two, three or four generations at once, released together within a fraction of a rendering, while another cycle
                // stores two records (as one still extracting does): some read the data before them, some between, some after.
                var racers = hosts.Take(2 + round % 3).ToList();
                var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var runs = racers.Select(h => Task.Run(async () =>
                {
                    await start.Task;
                    await Task.Delay(Random.Shared.Next(0, 100));
                    return await h.Get<ReportService>().GenerateAsync(default);
                })).ToList();
                var writer = Task.Run(async () =>
                {
                    await start.Task;
                    for (var i = 1; i <= 2; i++)
                    {
                        await Task.Delay(Random.Shared.Next(0, 80));
                        await AddRecordAsync(hosts[^1], 3 * round + i);
                    }
                });
                start.SetResult();
                var results = await Task.WhenAll(runs);
                await writer;
                var listed = (await hosts[0].Get<ReportService>().ListAsync(default)).ToDictionary(v => v.Version, v => v.Sha256);
                var problems = await ProblemsAsync(hosts[0]);
                var made = results.Count(r => !r.Unchanged);
                // Each run's version is stored as it says, and no run made a version another had made already.
                problems.AddRange(results.Where(r => !listed.TryGetValue(r.Manifest.Version.ToString(), out var sha) || sha != r.Manifest.Sha256)
                    .Select(r => $"run's version {r.Manifest.Version} is not stored as it says"));
                if (made is < 1 or > 3 || listed.Count != published + made) problems.Add($"{made} new versions made, {listed.Count - published} stored");
                published = listed.Count;
                // Counted in the round that made it: what an earlier round left stays wrong, but is not this round's fault.
                problems.RemoveAll(p => !seen.Add(p));
                if (problems.Count > 0) wrong.Add($"round {round} ({racers.Count} at once, {made} new): {string.Join("; ", problems)}");
            }
            Assert.True(wrong.Count == 0, $"{wrong.Count} of {Rounds} rounds wrong:\n{string.Join('\n', wrong)}");
        }
        finally
        {
            foreach (var h in hosts.Skip(1)) await h.DisposeAsync();
            await hosts[0].DisposeAsync();
        }
    }

    /// <summary>One generation, with the renders it made (counted by the host's renderer).</summary>
    private static async Task<(GeneratedReport Report, long Renders)> GenerateCountingAsync(TestHost host)
    {
        var renderer = host.Get<ReportRenderer>();
        var before = renderer.Renders;
        var report = await host.Get<ReportService>().GenerateAsync(default);
        return (report, renderer.Renders - before);
    }

    [Fact]
    public async Task Generate_NewVersionRendersOnce_NothingChangedRendersNothing_SameBytesAsStored()
    {
        await using var host = TestHost.Create();
        await AddRecordAsync(host, 1);
        var first = await GenerateCountingAsync(host);
        Assert.Equal((ReportVersion.First, false, 1L), (first.Report.Manifest.Version, first.Report.Unchanged, first.Renders));

        // Nothing changed: decided from what the report shows, without rendering; the stored version's bytes come back.
        var again = await GenerateCountingAsync(host);
        Assert.Equal((ReportVersion.First, true, 0L), (again.Report.Manifest.Version, again.Report.Unchanged, again.Renders));
        Assert.Equal(first.Report.Pdf, again.Report.Pdf);

        // Something changed: the new version is rendered once, with its own number, and stored as its manifest says.
        await AddRecordAsync(host, 2);
        var next = await GenerateCountingAsync(host);
        Assert.Equal((new ReportVersion(1, 0, 1), false, 1L), (next.Report.Manifest.Version, next.Report.Unchanged, next.Renders));
        Assert.Equal(next.Report.Manifest.Sha256, Convert.ToHexStringLower(SHA256.HashData(next.Report.Pdf)));
        Assert.Empty(await ProblemsAsync(host));
    }

    [Fact]
    public async Task Generate_LatestMadeBeforeFingerprints_DecidedByRenderingIt_NoNewVersionForThat()
    {
        await using var host = TestHost.Create();
        await AddRecordAsync(host, 1);
        var first = await host.Get<ReportService>().GenerateAsync(default);
        // Its manifest as a version made before fingerprints were kept has it: without one (same metadata).
        var blob = Reports(host).GetBlobClient("versions/1.0.0/manifest.json");
        var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
        var json = JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!.AsObject();
        Assert.True(json.Remove("fingerprint"));
        await blob.UploadAsync(BinaryData.FromString(json.ToJsonString()), new BlobUploadOptions { Metadata = metadata });
        Assert.Null((await host.Get<ReportService>().LatestManifestAsync(default))!.Fingerprint);

        // Compared the old way, by its bytes: one render, and nothing new for the upgrade alone.
        var again = await GenerateCountingAsync(host);
        Assert.Equal((ReportVersion.First, true, 1L), (again.Report.Manifest.Version, again.Report.Unchanged, again.Renders));
        Assert.Equal(first.Pdf, again.Report.Pdf);
        // The next version carries a fingerprint; from then on nothing is rendered to compare.
        await AddRecordAsync(host, 2);
        var next = await GenerateCountingAsync(host);
        Assert.Equal((new ReportVersion(1, 0, 1), false), (next.Report.Manifest.Version, next.Report.Unchanged));
        Assert.NotNull(next.Report.Manifest.Fingerprint);
        Assert.Equal((true, 0L), ((await GenerateCountingAsync(host)).Report.Unchanged, (await GenerateCountingAsync(host)).Renders));
    }

    [Fact]
    public async Task Generate_WhileAnotherPublishes_WaitsAndPublishesWhatIsStoredWhenItsTurnComes()
    {
        await using var host = TestHost.Create();
        await AddRecordAsync(host, 1);
        var storage = host.Get<StorageClients>();
        Task<GeneratedReport> waiting;
        await using (await WorkLease.AcquireAsync(storage.Container(storage.Names.LocksContainer), "report-publish", "report generation", TimeSpan.FromSeconds(5),
                         NullLogger.Instance, default))
        {
            waiting = Task.Run(() => host.Get<ReportService>().GenerateAsync(default));
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.False(waiting.IsCompleted, "a generation published while another held the publishing lease");
            // Stored while it waited: the version it publishes must show it.
            await AddRecordAsync(host, 2);
        }
        var report = await waiting.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, report.Manifest.Counts.Identified);
        Assert.Equal(ReportVersion.First, report.Manifest.Version);
    }

    [Fact]
    public async Task Generate_AfterARunDiedBetweenItsPdfAndItsManifest_RemovesTheUnnamedPdf()
    {
        await using var host = TestHost.Create();
        await AddRecordAsync(host, 1);
        var reports = host.Get<ReportService>();
        var first = await reports.GenerateAsync(default);
        var container = Reports(host);
        // What a run that stopped after its PDF left: the next version's PDF, named as the manifest would have named it; and
        // what two runs at once left before publishing took a lease: a second PDF beside 1.0.0's.
        string[] unnamed = ["versions/1.0.1/living-review-v1.0.1-0123456789ab.pdf", "versions/1.0.0/living-review-v1.0.0-ba9876543210.pdf"];
        foreach (var name in unnamed) await container.GetBlobClient(name).UploadAsync(new BinaryData(first.Pdf));
        // Not a numbered version's folder: not this code's to judge, so kept.
        const string Foreign = "versions/000001/living-review-0123456789ab.pdf";
        await container.GetBlobClient(Foreign).UploadAsync(new BinaryData(first.Pdf));

        // Nothing changed: the run publishes nothing, and still clears what the dead run left.
        Assert.True((await reports.GenerateAsync(default)).Unchanged);
        Assert.Equal([$"{Foreign}: no manifest names it"], await ProblemsAsync(host));
        foreach (var name in unnamed) Assert.False((await container.GetBlobClient(name).ExistsAsync()).Value, $"{name} is still there");
        Assert.True((await container.GetBlobClient(Foreign).ExistsAsync()).Value);

        // The next version takes the number the dead run had, with its own PDF.
        await container.GetBlobClient(unnamed[0]).UploadAsync(new BinaryData(first.Pdf));
        await AddRecordAsync(host, 2);
        var next = await reports.GenerateAsync(default);
        Assert.Equal(new ReportVersion(1, 0, 1), next.Manifest.Version);
        Assert.False((await container.GetBlobClient(unnamed[0]).ExistsAsync()).Value);
        Assert.True((await container.GetBlobClient(next.Manifest.Pdf).ExistsAsync()).Value);
        Assert.Equal(["1.0.0", "1.0.1"], (await reports.ListAsync(default)).Select(v => v.Version));
    }

    [Fact]
    public async Task Generate_WhileRecordsWaitForScreeningAndCharting_TheReportAndItsManifestSaySo()
    {
        await using var host = TestHost.Create();
        var storage = host.Get<StorageClients>();
        await AddRecordAsync(host, 1);
        var queues = host.Get<WorkQueues>();
        await queues.EnqueueAsync(queues.Screen, "pubmed:9300002", default);
        await queues.EnqueueAsync(queues.Screen, "pubmed:9300003", default);
        await queues.EnqueueAsync(queues.Extract, "pubmed:9300001", default);
        // Being charted by another run right now: invisible on the queue, still waiting.
        var inFlight = (await queues.Extract.ReceiveMessageAsync(TimeSpan.FromMinutes(5))).Value;

        var reports = host.Get<ReportService>();
        var made = await reports.GenerateAsync(default);
        Assert.Equal(new PendingWork(2, 1), made.Manifest.Pending);
        Assert.Equal(new PendingWork(2, 1), (await reports.LatestManifestAsync(default))!.Pending);
        var text = string.Join(" ", Pdf.PageTexts(made.Pdf));
        Assert.Contains("Not yet complete: when this version was made, 2 records were still waiting for the rule pre-screen and 1 record for charting.", text,
            StringComparison.Ordinal);

        // The work finishes without changing anything stored: no new version for that alone.
        await queues.Extract.DeleteMessageAsync(inFlight.MessageId, inFlight.PopReceipt);
        await queues.Screen.ClearMessagesAsync();
        Assert.True((await reports.GenerateAsync(default)).Unchanged);
        // The next version, made with nothing waiting, does not say it.
        await AddRecordAsync(host, 2);
        var next = await reports.GenerateAsync(default);
        Assert.False(next.Unchanged);
        Assert.Equal(new PendingWork(0, 0), next.Manifest.Pending);
        Assert.DoesNotContain("Not yet complete", string.Join(" ", Pdf.PageTexts(next.Pdf)), StringComparison.Ordinal);
    }
}
