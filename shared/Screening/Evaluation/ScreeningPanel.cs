using SpineReview.Screening.Learning;

namespace SpineReview.Screening.Evaluation;

/// <summary>One labelled set found under a panel folder: its name (path below the folder) and where it is.</summary>
public sealed record PanelSet(string Name, string Path);

/// <summary>A set the panel could not use, and why.</summary>
public sealed record SkippedSet(string Name, string Reason);

/// <summary>One model's figures on one set (means over the runs).</summary>
public sealed record PanelFigures(string Id, string Name, double Wss95, double Wss100, double Rrf10, double ScreenedAt95);

/// <summary>One set's row: its size and every model's figures, the project's first.</summary>
public sealed record PanelRow(string Name, int Records, int Included, IReadOnlyList<PanelFigures> Models, double Seconds);

/// <summary>What `eval screening --panel` reports: a row per usable set, the sets skipped, and each model's mean over the rows.</summary>
public sealed record PanelResult(int Runs, int Seed, IReadOnlyList<PanelRow> Sets, IReadOnlyList<SkippedSet> Skipped, IReadOnlyList<PanelFigures> Mean, double Seconds);

/// <summary>
/// Finds every labelled set under a folder and simulates the project's model and each peer on it, all with the same
/// seeds (so the same starting records), the same retraining schedule and the same scoring.
/// </summary>
public static class ScreeningPanel
{
    /// <summary>The models of a panel: the project's first, then the peers.</summary>
    public static IReadOnlyList<(string Id, ModelSpec Spec)> Models { get; } = [("project", ModelSpec.Project), .. ModelSpec.Peers];

    /// <summary>
    /// The sets under <paramref name="folder"/>, recursively, in name order: a folder with labels.csv is a SYNERGY set (its
    /// sub-folders are not searched); any other CSV with a label_included column is an ASReview set. A CSV without that
    /// column is not a labelled set (an index of the sets, say) and is passed over without a word.
    /// </summary>
    public static IReadOnlyList<PanelSet> Find(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder (give the folder that holds the labelled sets)");
        var sets = new List<PanelSet>();
        void Walk(string dir)
        {
            if (File.Exists(System.IO.Path.Combine(dir, "labels.csv")))
            {
                sets.Add(new PanelSet(Relative(folder, dir), dir));
                return;
            }
            foreach (var file in Directory.GetFiles(dir, "*.csv"))
                if (HasLabelColumn(file)) sets.Add(new PanelSet(Relative(folder, file), file));
            foreach (var sub in Directory.GetDirectories(dir)) Walk(sub);
        }
        Walk(folder);
        return [.. sets.OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    private static string Relative(string root, string path)
    {
        var name = System.IO.Path.GetRelativePath(root, path).Replace('\\', '/');
        return name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
    }

    private static bool HasLabelColumn(string file)
    {
        using var reader = new StreamReader(file);
        var header = reader.ReadLine() ?? "";
        return header.Split(',').Any(c => c.Trim().Trim('"').Equals("label_included", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads a set, or says why it cannot be screened by text (the message of the reader, which names the file).</summary>
    public static (IReadOnlyList<LabelledRecord>? Data, string? Reason) TryRead(PanelSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        try
        {
            return (ScreeningDataset.Read(set.Path), null);
        }
        catch (Exception e) when (e is FormatException or FileNotFoundException or IOException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Runs every model on every usable set; <paramref name="progress"/> hears a line per set.</summary>
    public static PanelResult Run(string folder, int runs, int seed, IProgress<string>? progress = null, IReadOnlyList<(string Id, ModelSpec Spec)>? models = null)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), "at least one run");
        models ??= Models;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rows = new List<PanelRow>();
        var skipped = new List<SkippedSet>();
        var sets = Find(folder);
        for (var s = 0; s < sets.Count; s++)
        {
            var set = sets[s];
            var (data, reason) = TryRead(set);
            if (data is null)
            {
                skipped.Add(new SkippedSet(set.Name, reason!));
                progress?.Report($"[{s + 1}/{sets.Count}] {set.Name}: skipped: {reason}");
                continue;
            }
            var setClock = System.Diagnostics.Stopwatch.StartNew();
            var figures = models.Select(m => Simulate(m.Id, m.Spec, data, runs, seed)).ToList();
            var row = new PanelRow(set.Name, data.Count, data.Count(d => d.Included), figures, Math.Round(setClock.Elapsed.TotalSeconds, 1));
            rows.Add(row);
            progress?.Report(FormattableString.Invariant($"[{s + 1}/{sets.Count}] {set.Name}: {row.Records} records, {row.Included} included; WSS@95 ") +
                string.Join(", ", figures.Select(f => FormattableString.Invariant($"{f.Id} {f.Wss95:0.000}"))) + FormattableString.Invariant($" ({row.Seconds:0.0} s)"));
        }
        var mean = models.Select((m, k) => rows.Count == 0
            ? new PanelFigures(m.Id, m.Spec.Name, 0, 0, 0, 0)
            : new PanelFigures(m.Id, m.Spec.Name, Math.Round(rows.Average(r => r.Models[k].Wss95), 4), Math.Round(rows.Average(r => r.Models[k].Wss100), 4),
                Math.Round(rows.Average(r => r.Models[k].Rrf10), 4), Math.Round(rows.Average(r => r.Models[k].ScreenedAt95), 1))).ToList();
        return new PanelResult(runs, seed, rows, skipped, mean, Math.Round(clock.Elapsed.TotalSeconds, 1));
    }

    /// <summary>One model on one set over the runs; run r starts from seed + r, as every other model's run r does.</summary>
    public static PanelFigures Simulate(string id, ModelSpec spec, IReadOnlyList<LabelledRecord> data, int runs, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        var truth = data.Select(d => d.Included).ToList();
        var features = spec.Vectorize([.. data.Select(d => (d.Title, (string?)d.Abstract))]);
        var scores = new SimulationScore[runs];
        Parallel.For(0, runs, r => scores[r] = ScreeningSimulation.Score(ScreeningSimulation.Run(features.Vectors, truth, spec.Model(features), seed + r, spec), truth));
        var mean = ScreeningSimulation.Mean(scores);
        return new PanelFigures(id, spec.Name, Math.Round(mean.Wss95, 4), Math.Round(mean.Wss100, 4), Math.Round(mean.Rrf10, 4), Math.Round(mean.ScreenedAt95, 1));
    }
}
