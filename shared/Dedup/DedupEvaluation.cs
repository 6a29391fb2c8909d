namespace SpineReview.Dedup;

/// <summary>The scores `eval dedup --json` prints (pairs are unordered pairs of records placed in one group).</summary>
public sealed record DedupScore(int Records, int GroupsTrue, int GroupsFound, long PairsTrue, long PairsFound, long TruePositivePairs, long FalsePositivePairs,
    double Precision, double Recall, double F1, double Seconds)
{
    /// <summary>Pairs the matcher was unsure of and left to a person (possible duplicates; never merged, so not in the groups found).</summary>
    public int ReviewPairs { get; init; }
}

/// <summary>One benchmark of a panel: its name (the folder, relative to the panel) and its two files.</summary>
public sealed record DedupBenchmark(string Name, string Records, string Truth);

/// <summary>Scores found groups against true groups.</summary>
public static class DedupEvaluation
{
    public static DedupScore Score(int records, IReadOnlyList<IReadOnlyList<string>> truth, IReadOnlyList<IReadOnlyList<string>> found, double seconds)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(found);
        var truePairs = Pairs(truth);
        var foundPairs = Pairs(found);
        long tp = foundPairs.Count(truePairs.Contains);
        long fp = foundPairs.Count - tp;
        var precision = foundPairs.Count == 0 ? 1 : (double)tp / foundPairs.Count;
        var recall = truePairs.Count == 0 ? 1 : (double)tp / truePairs.Count;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new DedupScore(records, truth.Count(g => g.Count > 1), found.Count(g => g.Count > 1), truePairs.Count, foundPairs.Count, tp, fp,
            Math.Round(precision, 6), Math.Round(recall, 6), Math.Round(f1, 6), Math.Round(seconds, 3));
    }

    /// <summary>Every benchmark under a folder, recursively, in name order: a folder holding one truth CSV (its name starts with
    /// "merged") and one records CSV beside it.</summary>
    /// <exception cref="InvalidDataException">A folder holds a truth file without exactly one records file beside it, or none
    /// holds a benchmark at all.</exception>
    public static List<DedupBenchmark> Panel(string folder)
    {
        var list = new List<DedupBenchmark>();
        foreach (var dir in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Prepend(folder))
        {
            var csv = Directory.GetFiles(dir, "*.csv").Order(StringComparer.Ordinal).ToList();
            var truth = csv.Where(f => Path.GetFileName(f).StartsWith("merged", StringComparison.OrdinalIgnoreCase)).ToList();
            if (truth.Count == 0) continue;
            var records = csv.Except(truth).ToList();
            if (truth.Count != 1 || records.Count != 1)
                throw new InvalidDataException($"{dir}: a benchmark folder holds one truth CSV (merged…) and one records CSV; found {truth.Count} and {records.Count}");
            var name = Path.GetRelativePath(folder, dir);
            list.Add(new DedupBenchmark(name == "." ? Path.GetFileName(Path.GetFullPath(folder)) : name.Replace('\\', '/'), records[0], truth[0]));
        }
        if (list.Count == 0)
            throw new InvalidDataException($"{folder} holds no benchmark: expected folders each with a records CSV and a truth CSV whose name starts with \"merged\"");
        return [.. list.OrderBy(b => b.Name, StringComparer.Ordinal)];
    }

    private static HashSet<(string, string)> Pairs(IReadOnlyList<IReadOnlyList<string>> groups)
    {
        var set = new HashSet<(string, string)>();
        foreach (var g in groups)
            for (var i = 0; i < g.Count; i++)
                for (var j = i + 1; j < g.Count; j++)
                    set.Add(string.CompareOrdinal(g[i], g[j]) < 0 ? (g[i], g[j]) : (g[j], g[i]));
        return set;
    }
}
