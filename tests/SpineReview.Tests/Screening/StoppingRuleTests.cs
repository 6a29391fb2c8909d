using SpineReview.Cli;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>The stopping rule: the hypergeometric tail against exact values, the test's decisions, and its sample in storage.</summary>
public class StoppingRuleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    // Exact values from the binomial coefficients (fractions, then rounded): P(X <= k) for N records, K eligible, n drawn.
    [InlineData(0, 50, 5, 10, 0.3105627820045687)]
    [InlineData(1, 50, 5, 10, 0.7418999792331363)]
    [InlineData(2, 1000, 10, 300, 0.3818434081977978)]
    [InlineData(0, 100, 1, 95, 0.05)]
    [InlineData(0, 100, 1, 96, 0.04)]
    [InlineData(3, 20, 3, 10, 1.0)]
    [InlineData(0, 20, 15, 10, 0.0)]
    public void HypergeometricCdf_KnownValues(int k, int population, int successes, int draws, double expected) =>
        Assert.Equal(expected, StoppingRule.HypergeometricCdf(k, population, successes, draws), 12);

    [Fact]
    public void Assess_NoInclusionInTheSample_NeedsExactlyTheSampleTheTailAllows()
    {
        // 40 found; recall below 0.95 would need at least 3 more among 1,000 left (40/43 < 0.95 <= 40/42).
        Assert.Equal(3, StoppingRule.Hypothesis(40, 0, 0.95));
        var before = StoppingRule.Assess(40, 1000, 0, 0);
        Assert.False(before.TargetMet);
        // P(no eligible among 630 | 3 in 1,000) = 0.0504 > 0.05; among 631 it is 0.04999: 631 draws are needed.
        Assert.Equal(631, before.MoreToScreen);
        Assert.False(StoppingRule.Assess(40, 1000, 630, 0).TargetMet);
        var after = StoppingRule.Assess(40, 1000, 631, 0);
        Assert.True(after.TargetMet);
        Assert.Equal(0, after.MoreToScreen);
        Assert.True(after.PValue < 0.05);
        // At most 2 left at 95%: recall at least 40/42.
        Assert.Equal(40.0 / 42.0, after.RecallAtLeast, 10);
    }

    [Fact]
    public void Assess_AnInclusionInTheSample_RaisesTheHypothesisAndTheWorkLeft()
    {
        var clean = StoppingRule.Assess(40, 1000, 300, 0);
        var found = StoppingRule.Assess(40, 1000, 300, 1);
        Assert.Equal(4, StoppingRule.Hypothesis(40, 1, 0.95));
        Assert.True(found.MoreToScreen > clean.MoreToScreen, $"{found.MoreToScreen} after an inclusion, {clean.MoreToScreen} without");
        Assert.True(found.RecallAtLeast < clean.RecallAtLeast);
        // The whole urn screened: nothing is left to doubt.
        var all = StoppingRule.Assess(40, 100, 100, 2);
        Assert.True(all.TargetMet);
        Assert.Equal(1.0, all.RecallAtLeast, 10);
    }

    [Fact]
    public void Assess_ImpossibleCounts_SayWhatIsWrong()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => StoppingRule.Assess(10, 100, 20, 21));
        Assert.Contains("a sample of 20 with 21 inclusions from 100 records", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => StoppingRule.Assess(10, 100, 0, 0, target: 1.5));
    }

    private static async Task<TestHost> SeedAsync(string? prefix = null, bool cleanup = true)
    {
        var host = TestHost.Create(prefix: prefix, cleanup: cleanup);
        var store = host.Get<ScreeningStore>();
        // 60 queued: 10 included and 10 excluded by people, 2 excluded by the model (never shown to people: not in the urn), 38 waiting.
        for (var i = 0; i < 60; i++)
        {
            var key = $"pubmed:{1000 + i}";
            await store.EnqueueAsync(key, 0.5, T0, default);
            if (i < 20 || i >= 58)
                await store.UpdateQueueAsync(key, q => Task.FromResult(q with
                {
                    Status = ScreeningStatus.Final, Included = i < 10, Reason = i < 10 ? null : ReasonCodes.NotSpine, SettledAt = T0, AutoExcluded = i >= 58,
                }), default);
        }
        return host;
    }

    private static Task<QueueEntry> Settle(ScreeningStore store, string key, bool include) => store.UpdateQueueAsync(key, q => Task.FromResult(q with
    {
        Status = ScreeningStatus.Final, Included = include, Reason = include ? null : ReasonCodes.NotSpine, SettledAt = T0,
    }), default);

    [Fact]
    public async Task Propose_ConcurrentAndRepeated_OneSampleTheSameEachTime()
    {
        await using var host = await SeedAsync();
        var service = host.Get<StoppingService>();
        var blob = host.Get<StorageClients>().Container(host.Get<StorageClients>().Names.ModelsContainer).GetBlobClient("screening/stopping-sample.json");
        IReadOnlyList<string>? first = null;
        for (var round = 0; round < 20; round++)
        {
            // Five proposals at once, each through its own service: one blob is written and all five return it.
            var states = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => host.Get<StoppingService>().ProposeAsync(0.95, default))));
            var sample = await service.SampleAsync(default);
            Assert.NotNull(sample);
            Assert.All(states, s => Assert.Equal(sample!.DrawnAt, s.DrawnAt));
            Assert.Equal(38, sample!.Order.Count);
            Assert.Equal(10, sample.FoundBefore);
            // Drawn from the records waiting for people; the same records give the same order every time.
            Assert.DoesNotContain("pubmed:1058", sample.Order);
            Assert.DoesNotContain("pubmed:1000", sample.Order);
            Assert.Equal(2, states[0].ModelExcluded);
            first ??= sample.Order;
            Assert.Equal(first, sample.Order);
            Assert.NotEqual(first.Order(StringComparer.Ordinal), first);
            await blob.DeleteAsync();
        }
    }

    [Fact]
    public async Task State_CountsOnlyTheUnbrokenRunFromTheStartOfTheSample_AndSurvivesANewHost()
    {
        var prefix = TestHost.NewPrefix();
        IReadOnlyList<string> order;
        await using (var host = await SeedAsync(prefix, cleanup: false))
        {
            var service = host.Get<StoppingService>();
            Assert.Null(await service.StateAsync(default));
            var proposed = await service.ProposeAsync(0.95, default);
            Assert.Equal((0, 0, 38), (proposed.Screened, proposed.Included, proposed.Urn));
            Assert.False(proposed.Assessment.TargetMet);
            order = (await service.SampleAsync(default))!.Order;
            Assert.Equal(order.Take(10), proposed.Next);
            var store = host.Get<ScreeningStore>();
            // The first three in order, then one out of turn: the out-of-turn record does not count until the gap is filled.
            await Settle(store, order[0], false);
            await Settle(store, order[1], true);
            await Settle(store, order[2], false);
            await Settle(store, order[5], false);
            var state = await service.StateAsync(default);
            Assert.Equal((3, 1), (state!.Screened, state.Included));
            Assert.Equal(order[3], state.Next[0]);
            // Proposing again keeps the first sample and its progress.
            var again = await service.ProposeAsync(0.5, default);
            Assert.Equal((3, 1, 0.95), (again.Screened, again.Included, again.Target));
        }
        // A new process on the same storage reads the same state.
        await using var next = TestHost.Create(prefix: prefix);
        var store2 = next.Get<ScreeningStore>();
        await Settle(store2, order[3], false);
        await Settle(store2, order[4], false);
        var later = await next.Get<StoppingService>().StateAsync(default);
        Assert.Equal((6, 1), (later!.Screened, later.Included));
        Assert.Equal(StoppingRule.Assess(10, 38, 6, 1).MoreToScreen, later.Assessment.MoreToScreen);
        Assert.Equal(6 + later.Assessment.MoreToScreen, later.Requested);
        // Every sample record screened, none more eligible: the whole urn is known, the target is met.
        foreach (var key in order.Skip(6)) await Settle(store2, key, false);
        var done = await next.Get<StoppingService>().StateAsync(default);
        Assert.True(done!.Assessment.TargetMet);
        Assert.Contains("screening may stop", done.Sentence(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_RecordsArrivedAfterTheDraw_AreOutsideTheClaim_AndARedrawCoversThem()
    {
        await using var host = await SeedAsync();
        var service = host.Get<StoppingService>();
        var store = host.Get<ScreeningStore>();
        var first = (await service.ProposeAsync(0.95, default)).DrawnAt;
        var order = (await service.SampleAsync(default))!.Order;
        // Nothing arrived: a redraw would only let people pick another order of the same records, so the sample is kept.
        Assert.Equal(first, (await service.ProposeAsync(0.95, default, redraw: true)).DrawnAt);
        Assert.Equal(order, (await service.SampleAsync(default))!.Order);
        foreach (var key in order) await Settle(store, key, false);
        Assert.Contains("screening may stop", (await service.StateAsync(default))!.Sentence(), StringComparison.Ordinal);

        // The next harvest queues three records: the sample never saw them, so the rule no longer says screening may stop.
        foreach (var key in new[] { "pubmed:2001", "pubmed:2002", "pubmed:2003" }) await store.EnqueueAsync(key, 0.5, T0.AddDays(30), default);
        var state = await service.StateAsync(default);
        Assert.True(state!.Assessment.TargetMet);
        Assert.Equal(3, state.Arrived);
        Assert.DoesNotContain("screening may stop", state.Sentence(), StringComparison.Ordinal);
        Assert.Contains("3 records arrived since and wait for people outside the sample", state.Sentence(), StringComparison.Ordinal);
        // Without --redraw the old sample stays.
        Assert.Equal(order, (await service.SampleAsync(default))!.Order);

        // Five redraws at once: one new sample over the three waiting, the old one archived, and all five return the new one.
        var states = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => host.Get<StoppingService>().ProposeAsync(0.95, default, redraw: true))));
        var redrawn = (await service.SampleAsync(default))!;
        Assert.Equal(["pubmed:2001", "pubmed:2002", "pubmed:2003"], redrawn.Order.Order(StringComparer.Ordinal));
        Assert.Equal(10, redrawn.FoundBefore);
        Assert.All(states, s => Assert.Equal((redrawn.DrawnAt, 3, 0), (s.DrawnAt, s.Urn, s.Arrived)));
        var container = host.Get<StorageClients>().Container(host.Get<StorageClients>().Names.ModelsContainer);
        var archived = new List<string>();
        await foreach (var item in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "screening/stopping-sample-" })) archived.Add(item.Name);
        Assert.Equal([FormattableString.Invariant($"screening/stopping-sample-{first:yyyyMMdd'T'HHmmss'Z'}.json")], archived);
    }

    [Fact]
    public async Task ScreenStoppingCli_ProposeThenStatus_ShowTheSampleAndWhatIsLeftToScreen()
    {
        var prefix = TestHost.NewPrefix();
        await using var host = await SeedAsync(prefix, cleanup: true);
        var settings = new Dictionary<string, string?> { [StorageClients.Setting] = TestHost.Azurite, ["Storage:Prefix"] = prefix };
        async Task<(int Code, string Out, string Err)> Run(params string[] args)
        {
            var (output, error) = (new StringWriter(), new StringWriter());
            var code = await CommandLine.RunAsync(args, output, error, settings);
            return (code, output.ToString(), error.ToString());
        }

        var (code, output, _) = await Run("screen", "status");
        Assert.Equal(0, code);
        Assert.Contains("Stopping rule: no random sample drawn yet", output, StringComparison.Ordinal);
        (code, _, var err) = await Run("screen", "stopping", "--propose", "--target", "1.5");
        Assert.Equal(2, code);
        Assert.Contains("--target takes a share above 0 and below 1", err, StringComparison.Ordinal);
        (code, _, err) = await Run("screen", "stopping", "--redraw");
        Assert.Equal(2, code);
        Assert.Contains("give it with --propose", err, StringComparison.Ordinal);

        (code, output, _) = await Run("screen", "stopping", "--propose");
        Assert.Equal(0, code);
        var order = (await host.Get<StoppingService>().SampleAsync(default))!.Order;
        Assert.Contains($"next in the sample: {order[0]} {order[1]}", output, StringComparison.Ordinal);
        Assert.Contains("to claim 95%, screen 37 more records of the random sample (0 of the 38 records", output, StringComparison.Ordinal);
        Assert.Contains("The 2 records the model excluded are not in the sample", output, StringComparison.Ordinal);
        Assert.Contains("screen stopping done: sample drawn", output, StringComparison.Ordinal);

        // Nothing arrived since the draw: --redraw keeps the sample and says why.
        (code, _, err) = await Run("screen", "stopping", "--propose", "--redraw");
        Assert.Equal(0, code);
        Assert.Contains("no record arrived after the sample was drawn", err, StringComparison.Ordinal);
        Assert.Equal(order, (await host.Get<StoppingService>().SampleAsync(default))!.Order);

        await Settle(host.Get<ScreeningStore>(), order[0], false);
        (code, output, _) = await Run("screen", "status");
        Assert.Equal(0, code);
        Assert.Contains("(1 of the 38 records left after ranked screening screened so far, 0 eligible)", output, StringComparison.Ordinal);
    }
}
