using System.Diagnostics;
using SpineReview.Screening.Learning;

namespace SpineReview.Screening.Evaluation;

/// <summary>One model's mean figures over the runs.</summary>
public sealed record ModelFigures(string Name, double Wss95, double Wss100, double Rrf10, double ScreenedAt95, IReadOnlyList<double> Wss95PerRun);

/// <summary>What `eval screening` reports: the project's model and the baseline, run on the same seeds.</summary>
public sealed record ScreeningEvalResult(int Records, int Included, int Runs, ModelFigures Project, ModelFigures Baseline, double Seconds);

/// <summary>Simulates both models on one dataset over several seeded runs (in parallel), scoring each run the same way.</summary>
public static class ScreeningEvaluation
{
    public static ScreeningEvalResult Evaluate(IReadOnlyList<LabelledRecord> data, int runs, int seed, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), "at least one run");
        var clock = Stopwatch.StartNew();
        var truth = data.Select(d => d.Included).ToList();
        var project = Simulate(ModelSpec.Project, data, truth, runs, seed, progress);
        var baseline = Simulate(ModelSpec.Baseline, data, truth, runs, seed, progress);
        return new ScreeningEvalResult(data.Count, truth.Count(t => t), runs, project, baseline, Math.Round(clock.Elapsed.TotalSeconds, 1));
    }

    private static ModelFigures Simulate(ModelSpec spec, IReadOnlyList<LabelledRecord> data, List<bool> truth, int runs, int seed, IProgress<string>? progress)
    {
        var features = spec.Vectorize([.. data.Select(d => (d.Title, (string?)d.Abstract))]);
        var scores = new SimulationScore[runs];
        var done = 0;
        Parallel.For(0, runs, r =>
        {
            // Run r uses seed + r for both models: the same starting records, so the two are compared pair by pair.
            var order = ScreeningSimulation.Run(features.Vectors, truth, spec.Model(features), seed + r, spec);
            scores[r] = ScreeningSimulation.Score(order, truth);
            var n = Interlocked.Increment(ref done);
            progress?.Report(FormattableString.Invariant($"{spec.Name}: run {n}/{runs} WSS@95 {scores[r].Wss95:0.000}"));
        });
        var mean = ScreeningSimulation.Mean(scores);
        return new ModelFigures(spec.Name, Math.Round(mean.Wss95, 4), Math.Round(mean.Wss100, 4), Math.Round(mean.Rrf10, 4), Math.Round(mean.ScreenedAt95, 1),
            scores.Select(s => Math.Round(s.Wss95, 4)).ToList());
    }
}
