using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;
using SpineReview.Records;

namespace SpineReview.Tests.Sources;

/// <summary>What a person sees when a source fails, is re-run the same day, or its recording is broken: over real HTTP
/// (a closed port, the local recorded-response server) and the replay folder, storing into Azurite.</summary>
public class HarvestFaultTests
{
    private static readonly HarvestRequest Window = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 6, 30));

    /// <summary>A port on this machine nothing listens on: connections to it are refused at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static TestHost Unreachable(LogCapture logs) => TestHost.Create(
        settings: new Dictionary<string, string?>(TestHost.PubMedOnly())
        {
            ["PubMed:BaseUrl"] = $"http://127.0.0.1:{ClosedPort()}/entrez/eutils/", ["PubMed:MaxRetries"] = "4", ["PubMed:RetryDelaySeconds"] = "0.05",
        },
        configure: s => s.AddSingleton<ILoggerProvider>(logs).AddLogging(b => b.SetMinimumLevel(LogLevel.Trace)));

    /// <summary>A copy of the recorded sample set to spoil, deleted with the returned handle.</summary>
    private static DirectoryInfo CopyOfReplay()
    {
        var replay = Directory.CreateTempSubdirectory("spine-replay-");
        foreach (var file in Directory.GetFiles(TestPaths.Replay, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(replay.FullName, Path.GetRelativePath(TestPaths.Replay, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return replay;
    }

    private static DateOnly Today(TestHost host) => DateOnly.FromDateTime(host.Get<TimeProvider>().GetUtcNow().UtcDateTime);

    [Fact]
    public async Task HarvestAll_SourceUnreachable_RowShowsTheWindowSearchedTheCallsMadeAndTheAttempts()
    {
        var logs = new LogCapture();
        await using var host = Unreachable(logs);

        var row = Assert.Single(await host.Get<Harvester>().HarvestAllAsync(new HarvestRequest(), null, default));

        Assert.Equal("failed", row.Status);
        // Nothing harvested yet: the window searched runs from the start date, not from today.
        Assert.Equal((new DateOnly(2012, 1, 1), Today(host)), (row.From, row.To));
        Assert.Equal(5, row.Calls); // the first attempt and four retries
        Assert.Contains("after 5 attempts", row.Message, StringComparison.Ordinal);
        var logged = Assert.Single(await host.Get<SearchLog>().ListAsync(default));
        Assert.Equal((logged.From, logged.To, logged.Calls, logged.Status), (row.From, row.To, row.Calls, row.Status));
    }

    [Fact]
    public async Task HarvestAll_NetworkDown_RetriesAreDebugLinesTheRowIsShortAndTheUrlIsInTheLog()
    {
        var logs = new LogCapture();
        await using var host = Unreachable(logs);

        var row = Assert.Single(await host.Get<Harvester>().HarvestAllAsync(Window, null, default));

        Assert.Equal("failed", row.Status);
        Assert.StartsWith("PubMed could not be reached", row.Message, StringComparison.Ordinal);
        Assert.Contains("check the network", row.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("?", row.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("esearch", row.Message, StringComparison.Ordinal);
        Assert.True(row.Message!.Length <= 200, row.Message);
        var entries = logs.Entries;
        // What a person sees (Information and above): single lines, no exception stack.
        var seen = entries.Where(e => e.Level >= LogLevel.Information).ToList();
        Assert.All(seen, e => Assert.True(e.Exception is null && !e.Message.Contains('\n', StringComparison.Ordinal), e.ToString()));
        // Each handled retry: one line at Debug.
        var retries = entries.Where(e => e.Level == LogLevel.Debug && e.Message.Contains("retry", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(4, retries.Count);
        Assert.All(retries, e => Assert.True(e.Exception is null && !e.Message.Contains('\n', StringComparison.Ordinal), e.ToString()));
        // The request itself, query and all, is in the log once it has failed.
        Assert.Contains(seen, e => e.Level == LogLevel.Warning && e.Message.Contains("esearch.fcgi?db=pubmed&term=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Harvest_SameDayRerun_IsCompleteWithoutAWarning()
    {
        var logs = new LogCapture();
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly(), configure: s => s.AddSingleton<ILoggerProvider>(logs));
        var harvester = host.Get<Harvester>();
        await harvester.HarvestAsync("pubmed", new HarvestRequest(), null, default);
        var watermark = await host.Get<StateStore>().GetWatermarkAsync("pubmed", default);

        var again = await harvester.HarvestAsync("pubmed", new HarvestRequest(), null, default);

        Assert.Equal("complete", again.Status);
        Assert.Null(again.Message);
        Assert.Equal(watermark, await host.Get<StateStore>().GetWatermarkAsync("pubmed", default));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("incomplete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Harvest_Enrichment_AsksCrossrefOncePerDoiAcrossRunsAndScreening()
    {
        var replay = CopyOfReplay();
        try
        {
            // A DOI of a record without an abstract that Crossref does not know (a 404): asked once too.
            File.Delete(Path.Combine(replay.FullName, "crossref", "works", "10.1148_ryct.219002.json"));
            await using var server = await SourceServer.StartAsync(replay.FullName);
            await using var host = TestHost.Create(settings: new Dictionary<string, string?>(TestHost.PubMedOnly())
            {
                ["PubMed:BaseUrl"] = server.BaseUrl("pubmed"),
                ["Crossref:Enabled"] = "true", ["Crossref:BaseUrl"] = server.BaseUrl("crossref"), ["Crossref:RetryDelaySeconds"] = "0.05",
            });
            await host.Get<Harvester>().HarvestAllAsync(Window, null, default);
            // A second run over the same window finds the records stored (and enriched) already; screening asks nothing.
            await host.Get<Harvester>().HarvestAllAsync(Window, null, default);
            await host.Get<SpineReview.Cycle.CycleService>().DrainScreenAsync(null, default);

            var asked = server.Of("crossref").ToList();
            Assert.Equal(0, server.RateViolations);
            Assert.Contains(asked, r => r.Status == 200);
            Assert.Contains(asked, r => r.Status == 404);
            var twice = asked.GroupBy(r => r.PathAndQuery).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
            Assert.True(twice.Count == 0, string.Join("; ", twice));
        }
        finally
        {
            replay.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task HarvestAll_BadReplayFile_FailsOnlyThatSourceNamingTheFile()
    {
        var replay = CopyOfReplay();
        try
        {
            // Cut off half-way, as a copy that stopped or an editor that saved too early leaves it.
            var efetch = Path.Combine(replay.FullName, "pubmed", "efetch_retstart_20.xml");
            var page = Path.Combine(replay.FullName, "europepmc", "search_2.json");
            foreach (var broken in new[] { efetch, page })
            {
                var bytes = File.ReadAllBytes(broken);
                File.WriteAllBytes(broken, bytes[..(bytes.Length / 2)]);
            }
            await using var host = TestHost.Create(replay: replay.FullName, settings: new Dictionary<string, string?> { ["EuropePmc:PageSize"] = "10" });

            var rows = await host.Get<Harvester>().HarvestAllAsync(Window, null, default);

            var pubmed = rows.Single(r => r.Source == "pubmed");
            Assert.Equal("failed", pubmed.Status);
            Assert.Contains(efetch, pubmed.Message, StringComparison.Ordinal);
            var europepmc = rows.Single(r => r.Source == "europepmc");
            Assert.Equal("failed", europepmc.Status);
            Assert.Contains(page, europepmc.Message, StringComparison.Ordinal);
            Assert.All(rows.Where(r => r.Source is not ("pubmed" or "europepmc")), r => Assert.Equal("complete", r.Status));
        }
        finally
        {
            replay.Delete(recursive: true);
        }
    }
}
