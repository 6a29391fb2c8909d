using Microsoft.Extensions.DependencyInjection;
using SpineReview.Records;
using SpineReview.Cli;
using SpineReview.Cycle;
using SpineReview.Extraction;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Cycle;

/// <summary>A cycle run again soon after one that was interrupted: the work the first left hidden on a queue is done, or said to be waiting.</summary>
public class CycleInterruptionTests
{
    private static readonly HarvestRequest Window = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 6, 30));

    /// <summary>The production holds, shortened so a test does not wait half a minute for a message to come back.</summary>
    private static void ShortHolds(IServiceCollection services) => services.AddSingleton(sp =>
        new WorkQueues(sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<TimeProvider>())
        {
            Visibility = TimeSpan.FromSeconds(3),
            WaitForHidden = TimeSpan.FromSeconds(6),
            PollHidden = TimeSpan.FromMilliseconds(200),
        });

    [Fact]
    public async Task Cycle_RerunRightAfterOneStoppedMidExtraction_ChartsEveryStudyBeforeItReports()
    {
        var prefix = TestHost.NewPrefix();
        // The run stops where the issue saw storage go: inside a batch of extraction, 25 of its records asked for their full text.
        using var stop = new CancellationTokenSource();
        var stopper = new StopAtCall(25, stop);
        await using (var first = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly(),
            configure: s => { ShortHolds(s); s.AddSingleton<IFullTextSource>(stopper); }, prefix: prefix, cleanup: false))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.Get<CycleService>().RunAsync(Window, null, stop.Token));
            Assert.Equal(25, stopper.Calls);
            // Stopped inside a batch: that batch's forms were not saved, and its message is still on the queue, hidden.
            var passedFirst = (await first.Get<ScreeningStore>().ListRuleDecisionsAsync(default)).Count(d => !d.Excluded);
            Assert.True((await first.Get<ExtractionStore>().ListStoredAsync(default)).Count < passedFirst);
            Assert.True((await first.Get<WorkQueues>().Extract.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0);
        }

        // A new host, at once: the messages the first run received are still hidden.
        await using var second = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly(), configure: ShortHolds, prefix: prefix);
        var summary = await second.Get<CycleService>().RunAsync(Window, null, default);

        var passed = (await second.Get<ScreeningStore>().ListRuleDecisionsAsync(default)).Where(d => !d.Excluded).Select(d => d.RecordKey).Order(StringComparer.Ordinal).ToList();
        var forms = await second.Get<ExtractionStore>().ListStoredAsync(default);
        Assert.True(passed.Count > 32, $"the sample must pass more records than one batch holds; {passed.Count} passed");
        Assert.Equal(passed, forms.Keys.Order(StringComparer.Ordinal));
        Assert.All(forms.Values, f => Assert.Equal(FormExtractor.Fields.Count, f.Count));
        Assert.Equal(0, (await second.Get<WorkQueues>().Extract.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(ReportVersion.First, summary.Report.Version);
        Assert.Equal(passed.Count, summary.Report.Counts.PassedRules);
        Assert.Equal(passed, summary.Report.Studies.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Cycle_ExtractionHeldByAnotherRun_ExitsOneSayingWhatIsPendingAndPublishesNoReport()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly(), configure: ShortHolds);
        await host.Get<Harvester>().HarvestAllAsync(Window, null, default);
        await host.Get<CycleService>().DrainScreenAsync(null, default);
        // Another run holds one record's extraction: a Functions host that stopped keeps what it received hidden for 10 minutes.
        var held = Assert.Single((await host.Get<WorkQueues>().Extract.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(10))).Value);

        var output = new StringWriter();
        var error = new StringWriter();
        var settings = TestHost.PubMedOnly();
        settings[StorageClients.Setting] = TestHost.Azurite;
        settings["Storage:Prefix"] = host.Prefix;
        var code = await CommandLine.RunAsync(["cycle", "--replay", TestPaths.Replay, "--from", "2024-01-01", "--to", "2024-06-30"], output, error, settings, ShortHolds);

        Assert.Equal(1, code);
        var err = error.ToString();
        Assert.Contains("spine-review cycle failed: extract: 1 message of records still pending (hidden on the queue: taken by a run that was interrupted, or by one still working). " +
                        "Run the cycle again after ", err, StringComparison.Ordinal);
        Assert.Contains("The report was not regenerated", err, StringComparison.Ordinal);
        Assert.Empty(await host.Get<ReportService>().ListAsync(default));
        var passed = (await host.Get<ScreeningStore>().ListRuleDecisionsAsync(default)).Count(d => !d.Excluded);
        var heldKeys = RecordBatch.Parse(held.Body.ToString()).RecordKeys;
        var stored = (await host.Get<ExtractionStore>().ListStoredAsync(default)).Keys;
        Assert.Equal(passed - heldKeys.Count, stored.Count);
        Assert.All(heldKeys, k => Assert.DoesNotContain(k, stored));
    }

    /// <summary>Stops the run at its n-th full-text request, in the middle of an extraction batch, as a process is stopped from outside.</summary>
    private sealed class StopAtCall(int n, CancellationTokenSource stop) : IFullTextSource
    {
        private int calls;
        public int Calls => Volatile.Read(ref calls);

        public Task<FullTextAnswer?> FetchAsync(BibRecord record, CancellationToken ct)
        {
            if (Interlocked.Increment(ref calls) == n) stop.Cancel();
            ct.ThrowIfCancellationRequested();
            return Task.FromResult<FullTextAnswer?>(null);
        }
    }
}
