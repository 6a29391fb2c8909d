using Azure.Data.Tables;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>
/// People deciding one record at the same moment, each through a host of their own on one storage prefix (as separate
/// `spine-review` processes are), against Azurite; every race is run on 20 fresh records.
/// </summary>
public class DecisionRaceTests
{
    private const int Rounds = 20;
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>One host per racer on one prefix; the first removes the storage at the end.</summary>
    private sealed class Racers : IAsyncDisposable
    {
        public required TestHost[] Hosts { get; init; }
        public TestHost First => Hosts[0];
        public ScreeningStore Store => First.Get<ScreeningStore>();

        public static async Task<Racers> CreateAsync(int count, int required)
        {
            var prefix = TestHost.NewPrefix();
            var settings = new Dictionary<string, string?> { ["Screening:ReviewersPerRecord"] = required.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var hosts = Enumerable.Range(0, count).Select(i => TestHost.Create(prefix: prefix, settings: settings, cleanup: i == 0)).ToArray();
            // Each host creates its clients before the race, so that the race is between the decisions, not the set-up.
            return new Racers { Hosts = hosts };
        }

        public async Task<string> EnqueueAsync(string id)
        {
            var key = $"pubmed:{id}";
            await Store.EnqueueAsync(key, 0.6, T0, default);
            return key;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var h in Hosts.Skip(1)) await h.DisposeAsync();
            await First.DisposeAsync();
        }
    }

    /// <summary>Starts every call at once (released together) and gives each one's outcome: "ok" or "refused STATUS".</summary>
    private static async Task<string[]> RaceAsync(IEnumerable<Func<Task>> calls)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = calls.Select(call => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await call();
                return "ok";
            }
            catch (DecisionRejectedException e)
            {
                return $"refused {e.Status}";
            }
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(running);
    }

    private static async Task RaceForPlacesAsync(int racers, int required, string idPrefix)
    {
        await using var race = await Racers.CreateAsync(racers, required);
        var names = Enumerable.Range(0, racers).Select(i => $"reviewer{(char)('a' + i)}").ToArray();
        var wrong = new List<string>();
        int included = 0, conflicts = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var key = await race.EnqueueAsync($"{idPrefix}{round:D3}");
            // Half the rounds agree, half disagree, so both settled records and conflicts are raced for.
            var outcomes = await RaceAsync(names.Select((name, i) => (Func<Task>)(() =>
                race.Hosts[i].Get<ReviewService>().DecideAsync(name, key, round % 2 == 0 || i % 2 == 0 ? "include" : "exclude",
                    round % 2 == 0 || i % 2 == 0 ? null : "not_imaging", null, null, default))));
            var accepted = names.Where((_, i) => outcomes[i] == "ok").ToList();
            if (round % 2 == 0 || accepted.All(n => Array.IndexOf(names, n) % 2 == 0)) included++;
            else conflicts++;
            var stored = (await race.Store.DecisionsAsync(key, default)).Select(d => d.Decision.Reviewer).Order(StringComparer.Ordinal).ToList();
            var entry = await race.Store.GetQueueEntryAsync(key, default);
            if (accepted.Count != required || stored.Count != required || !stored.SequenceEqual(accepted.Order(StringComparer.Ordinal))
                || outcomes.Any(o => o is not ("ok" or "refused 409")) || !entry!.Reviewers.Order(StringComparer.Ordinal).SequenceEqual(stored))
                wrong.Add($"round {round}: {string.Join(", ", outcomes)}; stored {string.Join(",", stored)}; queue row {string.Join(",", entry!.Reviewers)}");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {Rounds} rounds wrong (expected exactly {required} of {racers} decisions stored, the rest refused with 409):\n{string.Join('\n', wrong)}");
        // Nothing but the decisions is counted as one: agreement statistics and the report see exactly these.
        Assert.Equal(Rounds * required, (await race.Store.ListDecisionsAsync(default)).Count);
        var quality = await race.First.Get<ReviewService>().QualityAsync(null, default);
        Assert.Equal((included, conflicts), (quality.IncludedByPeople, quality.Conflicts));
    }

    [Fact]
    public Task Decide_ThreeReviewersAtOnceForTwoPlaces_TwoStoredAndTheThirdRefused() => RaceForPlacesAsync(3, 2, "9101");

    [Fact]
    public Task Decide_FiveReviewersAtOnceForThreePlaces_ThreeStoredAndTwoRefused() => RaceForPlacesAsync(5, 3, "9102");

    [Fact]
    public async Task Resolve_TwoThirdReviewersAtOnce_OneResolutionStoredAndTheOtherRefused()
    {
        await using var race = await Racers.CreateAsync(2, 2);
        var people = race.First.Get<ReviewService>();
        var wrong = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var key = await race.EnqueueAsync($"9103{round:D3}");
            await people.DecideAsync("ana", key, "include", null, null, null, default);
            await people.DecideAsync("ben", key, "exclude", "not_spine", null, null, default);
            var outcomes = await RaceAsync([
                () => race.Hosts[0].Get<ReviewService>().ResolveAsync("cleo", key, "include", null, null, null, default),
                () => race.Hosts[1].Get<ReviewService>().ResolveAsync("dan", key, "exclude", "not_spine", null, null, default),
            ]);
            var resolutions = (await race.Store.DecisionsAsync(key, default)).Select(d => d.Decision).Where(d => d.Role == DecisionRole.Resolve).ToList();
            var entry = (await race.Store.GetQueueEntryAsync(key, default))!;
            var winner = outcomes[0] == "ok" ? "cleo" : "dan";
            if (outcomes.Count(o => o == "ok") != 1 || !outcomes.Contains("refused 409") || resolutions.Count != 1 || resolutions[0].Reviewer != winner
                || entry.How != $"resolved by {winner}" || entry.Included != (winner == "cleo"))
                wrong.Add($"round {round}: {string.Join(", ", outcomes)}; stored {string.Join(",", resolutions.Select(r => r.Reviewer))}; queue row {entry.How}");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {Rounds} rounds wrong (expected one resolution stored, the other refused with 409):\n{string.Join('\n', wrong)}");
    }

    [Fact]
    public async Task Decide_OneReviewerTwiceAtOnce_OneDecisionStored()
    {
        await using var race = await Racers.CreateAsync(3, 2);
        var wrong = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var key = await race.EnqueueAsync($"9104{round:D3}");
            // Two screens of one person and a second reviewer, all at once: one decision each, the record settled by both.
            var outcomes = await RaceAsync([
                () => race.Hosts[0].Get<ReviewService>().DecideAsync("ana", key, "include", null, null, null, default),
                () => race.Hosts[1].Get<ReviewService>().DecideAsync("ana", key, "exclude", "review", null, null, default),
                () => race.Hosts[2].Get<ReviewService>().DecideAsync("ben", key, "include", null, null, null, default),
            ]);
            var stored = (await race.Store.DecisionsAsync(key, default)).Select(d => d.Decision).ToList();
            var anas = stored.Where(d => d.Reviewer == "ana").ToList();
            var expected = outcomes[0] == "ok" ? Verdict.Include : Verdict.Exclude;
            var ana = outcomes.Take(2).ToList();
            if (ana.Count(o => o == "ok") != 1 || !ana.Contains("refused 409") || outcomes[2] != "ok"
                || anas.Count != 1 || anas[0].Verdict != expected || stored.Count != 2)
                wrong.Add($"round {round}: {string.Join(", ", outcomes)}; stored {string.Join(",", stored.Select(d => $"{d.Reviewer}:{d.Verdict}"))}");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {Rounds} rounds wrong:\n{string.Join('\n', wrong)}");
    }

    [Fact]
    public async Task Decide_DecisionsStoredBeforeTheGuard_StillCount()
    {
        await using var race = await Racers.CreateAsync(2, 2);
        var table = race.First.Get<StorageClients>().Table(race.First.Get<StorageClients>().Names.ScreeningTable);
        // A decision row as earlier versions stored it: nothing else in the record's partition.
        async Task OldDecisionAsync(string key, string reviewer)
        {
            await table.AddEntityAsync(new TableEntity(key, "screen-" + KeyEncoding.Encode(reviewer))
            {
                ["Reviewer"] = reviewer, ["Role"] = "Screen", ["Verdict"] = "Include", ["DecidedAt"] = T0, ["ModelProbability"] = 0.6,
            });
            await race.First.Get<ReviewService>().SettleAsync(key, default);
        }

        var full = await race.EnqueueAsync("9105999");
        await OldDecisionAsync(full, "ana");
        await OldDecisionAsync(full, "ben");
        var late = await Assert.ThrowsAsync<DecisionRejectedException>(() => race.First.Get<ReviewService>().DecideAsync("cleo", full, "include", null, null, null, default));
        Assert.Equal(409, late.Status);
        // Ana changes her old decision with the ETag it has: the guard starts from the rows already there.
        var anaEtag = (await race.Store.DecisionsAsync(full, default)).Single(d => d.Decision.Reviewer == "ana").ETag;
        var changed = await race.First.Get<ReviewService>().DecideAsync("ana", full, "exclude", "animal", null, anaEtag.ToString(), default);
        Assert.Equal(ScreeningStatus.Conflict, changed.Status);

        var wrong = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var key = await race.EnqueueAsync($"9105{round:D3}");
            await OldDecisionAsync(key, "ana");
            var outcomes = await RaceAsync([
                () => race.Hosts[0].Get<ReviewService>().DecideAsync("ben", key, "include", null, null, null, default),
                () => race.Hosts[1].Get<ReviewService>().DecideAsync("cleo", key, "include", null, null, null, default),
            ]);
            var stored = (await race.Store.DecisionsAsync(key, default)).Select(d => d.Decision.Reviewer).ToList();
            if (outcomes.Count(o => o == "ok") != 1 || !outcomes.Contains("refused 409") || stored.Count != 2 || !stored.Contains("ana"))
                wrong.Add($"round {round}: {string.Join(", ", outcomes)}; stored {string.Join(",", stored)}");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {Rounds} rounds wrong (one place left beside a decision stored before the guard):\n{string.Join('\n', wrong)}");
    }
}
