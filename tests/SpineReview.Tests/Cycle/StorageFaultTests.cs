using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpineReview.Cli;
using SpineReview.Extraction;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using SpineReview.Records;

namespace SpineReview.Tests.Cycle;

/// <summary>
/// Storage goes away in the middle of each stage of a cycle and comes back; the cycle is run again at once. Each run that
/// loses storage must say so in one message naming the endpoint, and what the runs leave at the end must be exactly what
/// a clean run leaves. Runs on an Azurite of its own (other tests' Azurite is never stopped).
/// </summary>
public class StorageFaultTests(ITestOutputHelper output)
{
    private static readonly string[] CycleArgs = ["cycle", "--replay", TestPaths.Replay, "--from", "2024-01-01", "--to", "2024-06-30"];

    /// <summary>Each stage, and the line it prints once it is under way: the moment storage is stopped.</summary>
    private static readonly (string Stage, string Trigger)[] Stages =
    [
        // The first pages stored (and queued for screening: those fetched ahead are stored together), the watermark and the search log not.
        ("harvest", @"^pubmed: retrieved \d+/"),
        // Mid-drain: the first messages done (each a page's batch of records; the line comes once 25 records are passed), the rest
        // of the messages received and hidden.
        ("screen", @"^screen: \d+ records$"),
        ("extract", @"^extract: \d+ records$"),
        ("report", @"^\[5/6\] report"),
    ];

    [Fact]
    public async Task Cycle_StorageStoppedDuringEachStage_SaysSoOnceAndTheRerunLeavesWhatACleanRunLeaves()
    {
        await using var azurite = await PrivateAzurite.StartAsync();
        var total = Stopwatch.StartNew();

        var cleanPrefix = TestHost.NewPrefix();
        var (cleanCode, _, cleanErr) = await RunInProcessAsync(azurite, cleanPrefix, onLine: null);
        Assert.True(cleanCode == 0, cleanErr);
        var clean = await OutcomeAsync(azurite, cleanPrefix);
        output.WriteLine($"clean run: {total.Elapsed.TotalSeconds:0.0} s; {clean.Records} records, {clean.PassedCount} passed the rules");

        // One review, run again at once after each loss: each run has to mend what the one before left before it reaches
        // its own stage (records stored but not screened, messages hidden by the run that stopped) and is stopped there.
        var prefix = TestHost.NewPrefix();
        foreach (var (stage, trigger) in Stages)
        {
            var run = Stopwatch.StartNew();
            var stoppedAt = (Stopwatch?)null;
            var (code, _, err) = await RunInProcessAsync(azurite, prefix, line =>
            {
                if (stoppedAt is null && System.Text.RegularExpressions.Regex.IsMatch(line, trigger))
                {
                    azurite.Stop();
                    stoppedAt = Stopwatch.StartNew();
                }
            });
            Assert.True(stoppedAt is not null, $"{stage}: the cycle never printed \"{trigger}\" (exit {code}); stderr:\n{err}");
            var gaveUpAfter = stoppedAt!.Elapsed;

            // One message, the project's, naming the endpoint that stopped answering; none of the SDK's retry advice.
            Assert.Equal(1, code);
            var failure = Assert.Single(Lines(err), l => l.Contains("failed", StringComparison.Ordinal));
            Assert.StartsWith("spine-review cycle failed: Azure Storage at http://127.0.0.1:", failure, StringComparison.Ordinal);
            Assert.Contains(azurite.Ports, p => failure.Contains($"http://127.0.0.1:{p} cannot be reached", StringComparison.Ordinal));
            Assert.Contains("Azurite", failure, StringComparison.Ordinal);
            Assert.DoesNotContain("Retry failed", err, StringComparison.Ordinal);
            Assert.DoesNotContain("ClientOptions", err, StringComparison.Ordinal);
            output.WriteLine($"{stage}: stopped at \"{trigger}\" after {run.Elapsed.TotalSeconds - gaveUpAfter.TotalSeconds:0.0} s; the run gave up {gaveUpAfter.TotalSeconds:0.0} s later: {failure}");

            await azurite.StartAgainAsync();
        }

        // The last run: a new process, as an operator would run it again.
        var rerun = Stopwatch.StartNew();
        var (again, againOut, againErr) = await RunProcessAsync(azurite, prefix);
        Assert.True(again == 0, $"the rerun exited {again}\n{againOut}\n{againErr}");
        output.WriteLine($"rerun (a new process): {rerun.Elapsed.TotalSeconds:0.0} s; whole test: {total.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(clean, await OutcomeAsync(azurite, prefix));
    }

    /// <summary>What a cycle leaves in storage, in the terms a clean run is compared in; throws when an invariant is broken whatever the run.</summary>
    private sealed record Outcome(int Records, int Duplicates, string Excluded, int PassedCount, string Passed, string Versions, ReportCounts Counts, string Studies, string Included);

    private async Task<Outcome> OutcomeAsync(PrivateAzurite azurite, string prefix)
    {
        await using var services = Services(azurite, prefix);
        var storage = services.GetRequiredService<StorageClients>();

        var records = new List<StoredRecord>();
        await foreach (var r in services.GetRequiredService<RecordStore>().ListAsync(default)) records.Add(r);
        var rules = await services.GetRequiredService<ScreeningStore>().ListRuleDecisionsAsync(default);
        var passed = rules.Where(d => !d.Excluded).Select(d => d.RecordKey).Order(StringComparer.Ordinal).ToArray();
        var studies = records.Where(r => r.DuplicateOf is null).Select(r => r.Key).Order(StringComparer.Ordinal).ToArray();
        // Every study screened once by the rules, every one that passed in the people's queue once, with its whole charting form.
        Assert.Equal(studies, rules.Select(d => d.RecordKey).Order(StringComparer.Ordinal));
        Assert.Equal(passed, (await services.GetRequiredService<ScreeningStore>().ListQueueAsync(null, default)).Select(e => e.RecordKey).Order(StringComparer.Ordinal));
        var forms = await services.GetRequiredService<ExtractionStore>().ListStoredAsync(default);
        Assert.Equal(passed, forms.Keys.Order(StringComparer.Ordinal));
        Assert.All(forms, f => Assert.Equal(FormExtractor.Fields.Count, f.Value.Select(x => x.Automatic.Field).Distinct().Count()));

        // Nothing left waiting on a work queue, nothing given up on.
        foreach (var queue in new[] { storage.Names.ScreenQueue, storage.Names.ExtractQueue })
        {
            Assert.Equal(0, (await storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
            var poison = storage.Queue(queue + "-poison");
            Assert.True(!await poison.ExistsAsync() || (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, $"{poison.Name} holds messages");
        }

        // No orphan blob: every PDF is named by a manifest, latest.pdf is the latest version's, and every raw page belongs to a logged search.
        var reports = services.GetRequiredService<ReportService>();
        var versions = await reports.ListAsync(default);
        var named = new HashSet<string>(StringComparer.Ordinal) { ReportArchive.LatestBlob };
        foreach (var v in versions)
        {
            var m = await reports.GetManifestAsync(ReportVersion.Parse(v.Version), default);
            named.Add($"versions/{v.Version}/manifest.json");
            named.Add(m!.Pdf);
        }
        var blobs = new List<string>();
        await foreach (var b in storage.Container(storage.Names.ReportsContainer).GetBlobsAsync()) blobs.Add(b.Name);
        Assert.DoesNotContain(blobs, b => !named.Contains(b));
        var latest = await reports.LatestManifestAsync(default);
        Assert.NotNull(latest);
        var latestPdf = await storage.Container(storage.Names.ReportsContainer).GetBlobClient(ReportArchive.LatestBlob).DownloadContentAsync();
        Assert.Equal(latest.Sha256, Convert.ToHexStringLower(SHA256.HashData(latestPdf.Value.Content.ToArray())));
        // A run that lost storage before it could log its search still stored records from its pages: they trace back to those bytes.
        var runs = (await services.GetRequiredService<SearchLog>().ListAsync(default)).Select(e => $"{e.Source}/{e.RunId}/")
            .Concat(records.Select(r => $"{r.Key[..r.Key.IndexOf(':', StringComparison.Ordinal)]}/{r.HarvestRun}/")).ToHashSet(StringComparer.Ordinal);
        await foreach (var raw in storage.Container(storage.Names.RawContainer).GetBlobsAsync())
            Assert.True(runs.Any(r => raw.Name.StartsWith(r, StringComparison.Ordinal)), $"raw page {raw.Name} belongs to no logged search and no stored record");

        // The report shows every study once.
        Assert.Equal(latest.Studies.Count, latest.Studies.Distinct().Count());
        return new Outcome(records.Count, records.Count(r => r.DuplicateOf is not null), Joined(rules.Where(d => d.Excluded).Select(d => $"{d.RecordKey} {d.Reason}")),
            passed.Length, Joined(passed), Joined(versions.Select(v => v.Version)), latest.Counts, Joined(latest.Studies), Joined(latest.Included));
    }

    private static string Joined(IEnumerable<string> values) => string.Join(", ", values.Order(StringComparer.Ordinal));

    private static ServiceProvider Services(PrivateAzurite azurite, string prefix)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(azurite, prefix)).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSpineReview(configuration);
        return services.BuildServiceProvider();
    }

    private static Dictionary<string, string?> Settings(PrivateAzurite azurite, string prefix)
    {
        var settings = TestHost.PubMedOnly();
        settings[StorageClients.Setting] = azurite.ConnectionString;
        settings["Storage:Prefix"] = prefix;
        // Pages of 20 (the recorded sample's own size), so storage can go away between two pages of one harvest.
        settings["PubMed:BatchSize"] = "20";
        return settings;
    }

    /// <summary>The command line in this process, with a look at every line it prints to standard error as it prints it.</summary>
    private static async Task<(int Code, string Out, string Err)> RunInProcessAsync(PrivateAzurite azurite, string prefix, Action<string>? onLine)
    {
        var output = new StringWriter();
        var error = new WatchedWriter(onLine);
        var code = await CommandLine.RunAsync(CycleArgs, output, error, Settings(azurite, prefix));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The built spine-review in a process of its own: a fresh host, as an operator would run it again.</summary>
    private static async Task<(int Code, string Out, string Err)> RunProcessAsync(PrivateAzurite azurite, string prefix)
    {
        // The test binaries sit in tests/SpineReview.Tests/bin/CONFIG/TFM/RID; the command line's in the same place under its project.
        var tail = Path.GetRelativePath(Path.Combine(TestPaths.RepoRoot, "tests", "SpineReview.Tests", "bin"), AppContext.BaseDirectory);
        var dll = Path.Combine(TestPaths.RepoRoot, "functions", "SpineReview.Cli", "bin", tail, "spine-review.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build functions/SpineReview.Cli");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Not the repository: a local.settings.json there must not decide where this run's storage is.
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(dll);
        foreach (var a in CycleArgs) start.ArgumentList.Add(a);
        foreach (var (key, value) in Settings(azurite, prefix)) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private sealed class WatchedWriter(Action<string>? onLine) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null) onLine?.Invoke(value);
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }
}
