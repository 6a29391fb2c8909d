namespace SpineReview.Dedup;

/// <summary>The scores `eval dedup --json` prints (pairs are unordered pairs of records placed in one group).</summary>
public sealed record DedupScore(int Records, int GroupsTrue, int GroupsFound, long PairsTrue, long PairsFound, long TruePositivePairs, long FalsePositivePairs,
    double Precision, double Recall, double F1, double Seconds);

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
