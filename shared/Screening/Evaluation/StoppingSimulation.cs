using SpineReview.Screening.Learning;

namespace SpineReview.Screening.Evaluation;

/// <summary>One simulated review that screened in ranked order, then at random until the stopping rule said stop.</summary>
/// <param name="Ranked">Records screened in ranked order, the two seeds included.</param>
/// <param name="Sampled">Records screened at random from the rest before the rule said stop (or the rest ran out).</param>
/// <param name="RecallAtSwitch">True recall when ranked screening ended.</param>
/// <param name="EstimateAtSwitch">The probability-sum estimate of recall at that moment (the status's older figure), null when the model could not be calibrated.</param>
public sealed record StoppingRun(int Records, int Ranked, int Sampled, double TrueRecall, bool Stopped, double RecallAtSwitch, double? EstimateAtSwitch)
{
    /// <summary>Share of the records screened at the stop.</summary>
    public double ScreenedShare => (double)(Ranked + Sampled) / Records;
}

/// <summary>One set's stopping figures over the runs.</summary>
/// <param name="ReachedTarget">Share of runs whose true recall at the stop reached the target.</param>
/// <param name="EstimateOverclaims">Share of runs where the probability-sum estimate at the switch reached the target while the true recall had not.</param>
public sealed record StoppingFigures(string Name, int Records, int Included, int Runs, double ReachedTarget, double TrueRecall, double Screened, double ScreenedShare,
    double Ranked, double Sampled, double RecallAtSwitch, double? EstimateAtSwitch, double EstimateOverclaims);

/// <summary>What `eval stopping --panel` reports: a row per set, the sets skipped, and the figures over every run of every set.</summary>
public sealed record StoppingPanelResult(double Target, double Confidence, int Runs, IReadOnlyList<StoppingFigures> Sets, IReadOnlyList<SkippedSet> Skipped,
    StoppingFigures Overall, double Seconds);

/// <summary>
/// Simulates the stopping rule on labelled sets: ranked screening with the project's model (seeded and retrained as in
/// the WSS simulation) until a run of records brings no inclusion, then random records from the rest, judged after each
/// one by <see cref="StoppingRule"/>, until it rejects "recall below the target".
/// </summary>
public static class StoppingSimulation
{
    /// <summary>
    /// Records in a row without an inclusion that end ranked screening: 5% of the set, at least 20. Any switching point
    /// keeps the guarantee (the sample is drawn after it); this one only decides how the work divides.
    /// </summary>
    public static int SwitchAfter(int records) => Math.Max(20, (int)Math.Ceiling(0.05 * records));

    /// <summary>One run on one set.</summary>
    public static StoppingRun Run(IReadOnlyList<LabelledRecord> data, SpecFeatures features, ModelSpec spec, int seed, double target, double confidence)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(spec);
        var truth = data.Select(d => d.Included).ToList();
        var streak = SwitchAfter(truth.Count);
        bool Dry(IReadOnlyList<bool> labels) => labels.Count >= streak + 2 && !labels.Skip(labels.Count - streak).Contains(true);
        var order = ScreeningSimulation.Run(features.Vectors, truth, spec.Model(features), seed, spec, Dry, out var seeds);
        var screened = new HashSet<int>(order) { seeds.Included, seeds.Excluded };
        var total = truth.Count(t => t);
        var found = screened.Count(i => truth[i]);
        var recallAtSwitch = (double)found / total;
        var estimate = Estimate(data, screened);

        // The urn: every record not yet screened, in a random order drawn after ranked screening ended.
        var urn = Enumerable.Range(0, truth.Count).Where(i => !screened.Contains(i)).ToArray();
        new Random(seed * 7919 + 1).Shuffle(urn);
        int sampled = 0, sampleIncluded = 0;
        var stopped = false;
        while (sampled < urn.Length)
        {
            if (StoppingRule.Assess(found, urn.Length, sampled, sampleIncluded, target, confidence).TargetMet)
            {
                stopped = true;
                break;
            }
            if (truth[urn[sampled]]) sampleIncluded++;
            sampled++;
        }
        return new StoppingRun(truth.Count, screened.Count, sampled, (double)(found + sampleIncluded) / total, stopped, recallAtSwitch, estimate);
    }

    // The status's estimate: inclusions found over found plus the sum of the calibrated probabilities of what is left.
    private static double? Estimate(IReadOnlyList<LabelledRecord> data, HashSet<int> screened)
    {
        var inputs = data.Select((d, i) => new RankInput(i.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Title, d.Abstract,
            screened.Contains(i) ? d.Included : null)).ToList();
        var result = RelevanceRanker.Rank(inputs, [], new RankOptions());
        if (!result.Calibrated) return null;
        var found = screened.Count(i => data[i].Included);
        return ScreeningStatistics.EstimateRecall(found, [.. result.Ranked.Select(r => r.Probability)], 0, 0, 0).Recall;
    }

    /// <summary>Every set under a folder, <paramref name="runs"/> runs each (seeds seed..seed+runs-1); a line per set to <paramref name="progress"/>.</summary>
    public static StoppingPanelResult RunPanel(string folder, int runs, int seed, double target, double confidence = 0.95, IProgress<string>? progress = null)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), "at least one run");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var spec = ModelSpec.Project;
        var rows = new List<StoppingFigures>();
        var skipped = new List<SkippedSet>();
        var all = new List<StoppingRun>();
        var sets = ScreeningPanel.Find(folder);
        for (var s = 0; s < sets.Count; s++)
        {
            var (data, reason) = ScreeningPanel.TryRead(sets[s]);
            if (data is null)
            {
                skipped.Add(new SkippedSet(sets[s].Name, reason!));
                progress?.Report($"[{s + 1}/{sets.Count}] {sets[s].Name}: skipped: {reason}");
                continue;
            }
            var features = spec.Vectorize([.. data.Select(d => (d.Title, (string?)d.Abstract))]);
            var results = new StoppingRun[runs];
            Parallel.For(0, runs, r => results[r] = Run(data, features, spec, seed + r, target, confidence));
            all.AddRange(results);
            var row = Figures(sets[s].Name, data.Count, data.Count(d => d.Included), results, target);
            rows.Add(row);
            progress?.Report(FormattableString.Invariant(
                $"[{s + 1}/{sets.Count}] {row.Name}: recall at the stop {row.TrueRecall:0.000}, {row.ReachedTarget:P0} of runs reach {target:0.00}; screened {row.ScreenedShare:P0} ({row.Ranked:0} ranked + {row.Sampled:0} sampled)"));
        }
        var overall = Figures("all sets", rows.Sum(r => r.Records), rows.Sum(r => r.Included), all, target);
        return new StoppingPanelResult(target, confidence, runs, rows, skipped, overall, Math.Round(clock.Elapsed.TotalSeconds, 1));
    }

    /// <summary>Means over runs (the overall row pools the runs of every set, each run counting once).</summary>
    public static StoppingFigures Figures(string name, int records, int included, IReadOnlyList<StoppingRun> runs, double target)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) return new StoppingFigures(name, records, included, 0, 0, 0, 0, 0, 0, 0, 0, null, 0);
        var estimates = runs.Where(r => r.EstimateAtSwitch is not null).ToList();
        return new StoppingFigures(name, records, included, runs.Count,
            Math.Round(runs.Average(r => r.TrueRecall >= target - 1e-12 ? 1.0 : 0.0), 4), Math.Round(runs.Average(r => r.TrueRecall), 4),
            Math.Round(runs.Average(r => (double)(r.Ranked + r.Sampled)), 1), Math.Round(runs.Average(r => r.ScreenedShare), 4),
            Math.Round(runs.Average(r => (double)r.Ranked), 1), Math.Round(runs.Average(r => (double)r.Sampled), 1), Math.Round(runs.Average(r => r.RecallAtSwitch), 4),
            estimates.Count == 0 ? null : Math.Round(estimates.Average(r => r.EstimateAtSwitch!.Value), 4),
            Math.Round(runs.Average(r => r.EstimateAtSwitch >= target && r.RecallAtSwitch < target ? 1.0 : 0.0), 4));
    }
}
