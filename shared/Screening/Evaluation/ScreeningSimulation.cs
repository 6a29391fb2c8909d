using SpineReview.Screening.Learning;

namespace SpineReview.Screening.Evaluation;

/// <summary>Work saved over sampling and related figures of one simulated screening run, or their means over runs.</summary>
/// <param name="Wss95">(TN + FN)/N - 0.05 at the point where 95% of inclusions have been found.</param>
/// <param name="Wss100">The same at 100%, without the 0.05.</param>
/// <param name="Rrf10">Share of inclusions found after screening 10% of the records.</param>
/// <param name="ScreenedAt95">Records screened to reach 95% of inclusions.</param>
public sealed record SimulationScore(double Wss95, double Wss100, double Rrf10, double ScreenedAt95);

/// <summary>
/// Simulates prioritised screening of a labelled dataset: seeded with one random inclusion and one random exclusion,
/// the model is retrained after every label and the highest-scoring unscreened record is screened next. The two
/// seed records are left out of the figures (N and the inclusions count the rest), as the usual tools do.
/// </summary>
public static class ScreeningSimulation
{
    /// <summary>Runs one simulation; returns the order in which the non-seed records were screened, up to the last inclusion.</summary>
    public static List<int> Run(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> truth, IRelevanceModel model, int seed, ModelSpec? spec = null) =>
        Run(vectors, truth, model, seed, spec, null, out _);

    /// <summary>
    /// Runs one simulation; with <paramref name="stop"/>, screening in ranked order ends when it says so (given the labels
    /// screened so far, seeds first) or the pool is empty, not at the last inclusion: a reviewer does not know which that is.
    /// </summary>
    /// <param name="seeds">The two seed records (the inclusion, then the exclusion).</param>
    public static List<int> Run(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> truth, IRelevanceModel model, int seed, ModelSpec? spec,
        Func<IReadOnlyList<bool>, bool>? stop, out (int Included, int Excluded) seeds)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(model);
        var random = new Random(seed);
        var inc = Enumerable.Range(0, truth.Count).Where(i => truth[i]).ToArray();
        // Seeds are drawn among records with some text: a seed with neither title nor abstract tells a model nothing
        // (the ACE inhibitors set has one such inclusion; the published benchmarks removed records without an abstract).
        var seedable = inc.Where(i => vectors[i].Indices.Length > 0).ToArray();
        var exc = Enumerable.Range(0, truth.Count).Where(i => !truth[i] && vectors[i].Indices.Length > 0).ToArray();
        if (seedable.Length == 0 || exc.Length == 0)
            throw new ArgumentException("a simulation needs one included and one excluded record whose text has words the model can read", nameof(vectors));
        var seedInc = seedable[random.Next(seedable.Length)];
        var seedExc = exc[random.Next(exc.Length)];
        seeds = (seedInc, seedExc);
        // Ties are broken by a random rank drawn per run, not by file order, which can carry the reviewers' own sorting.
        var tieRank = Enumerable.Range(0, truth.Count).ToArray();
        random.Shuffle(tieRank);

        var labelledX = new List<SparseVector> { vectors[seedInc], vectors[seedExc] };
        var labels = new List<bool> { true, false };
        var pool = Enumerable.Range(0, truth.Count).Where(i => i != seedInc && i != seedExc).ToList();
        var remaining = inc.Length - 1;
        var order = new List<int>();
        // Retrained after every label up to 5,000 records; beyond, after every N/5,000 (rounded up) labels, screening that
        // many top records from one ranking, so that a 40,000-record set costs minutes rather than hours.
        var batch = Math.Max(1, (int)Math.Ceiling(truth.Count / 5000.0));
        var scores = new double[truth.Count];
        while ((stop is null ? remaining > 0 : !stop(labels)) && pool.Count > 0)
        {
            var background = spec is null ? [] : spec.Background(pool, random).Select(i => vectors[i]).ToList();
            model.Fit(labelledX, labels, background);
            foreach (var i in pool) scores[i] = model.Score(vectors[i]);
            var take = Math.Min(batch, pool.Count);
            // The best `take` records (ties by the run's random rank), screened in that order.
            List<int> chosen;
            if (take == 1)
            {
                var best = pool[0];
                foreach (var i in pool)
                    if (scores[i] > scores[best] || (scores[i] == scores[best] && tieRank[i] < tieRank[best])) best = i;
                chosen = [best];
            }
            else chosen = pool.OrderByDescending(i => scores[i]).ThenBy(i => tieRank[i]).Take(take).ToList();
            var picked = new HashSet<int>(chosen);
            pool.RemoveAll(picked.Contains);
            foreach (var c in chosen)
            {
                order.Add(c);
                labelledX.Add(vectors[c]);
                labels.Add(truth[c]);
                if (truth[c]) remaining--;
                if (stop is null ? remaining == 0 : stop(labels)) break;
            }
        }
        return order;
    }

    /// <summary>Scores an order of screening (seed records excluded) against the truth.</summary>
    public static SimulationScore Score(IReadOnlyList<int> order, IReadOnlyList<bool> truth)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(truth);
        var n = truth.Count - 2;
        var included = truth.Count(t => t) - 1;
        var need95 = (int)Math.Ceiling(0.95 * included - 1e-9);
        var tenth = (int)Math.Ceiling(0.10 * n - 1e-9);
        int found = 0, at95 = -1, at100 = -1, foundAtTenth = 0;
        for (var k = 0; k < order.Count; k++)
        {
            if (truth[order[k]]) found++;
            if (k + 1 == tenth) foundAtTenth = found;
            if (at95 < 0 && found >= need95) at95 = k + 1;
            if (found == included) { at100 = k + 1; break; }
        }
        if (order.Count < tenth) foundAtTenth = found;
        if (at100 < 0) throw new ArgumentException("the order does not reach every inclusion", nameof(order));
        return new SimulationScore((double)(n - at95) / n - 0.05, (double)(n - at100) / n, (double)foundAtTenth / included, at95);
    }

    /// <summary>The mean of several runs' scores.</summary>
    public static SimulationScore Mean(IReadOnlyList<SimulationScore> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return new SimulationScore(runs.Average(r => r.Wss95), runs.Average(r => r.Wss100), runs.Average(r => r.Rrf10), runs.Average(r => r.ScreenedAt95));
    }
}
