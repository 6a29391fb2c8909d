namespace SpineReview.Screening.Learning;

/// <summary>
/// Several learners averaged on standardised scores, each weighted by how well it ranked this review's own labelled
/// records when it had not seen them: every learner is refitted on the labels minus one fold and scores that fold
/// (stratified folds), and its share of the average grows with its out-of-fold AUC, exp((AUC - best AUC) / temperature)
/// (or with another <see cref="FoldMetric"/>).
/// No single learner wins every review (naive Bayes, the SVM and logistic regression each win sets by 0.1 WSS@95 on the
/// panel), so which one leads is learnt per review from its labels rather than fixed. Until there are enough labels
/// of each class for the folds, the learners weigh alike.
/// </summary>
/// <remarks>
/// The out-of-fold fits cost folds x learners fits from zero, so they are redone only when the labels have grown by
/// <paramref name="refreshGrowth"/> since the last time (a fresh instance, as the ranker makes at every training, always
/// weighs on its first fit).
/// </remarks>
/// <param name="metric">What each learner's out-of-fold ranking is scored by.</param>
/// <param name="sharpen">Shrink the temperature as inclusions grow, as temperature x sqrt(folds / inclusions): the
/// metric's noise shrinks so, and a learner that keeps ranking better earns more of the average.</param>
public sealed class WeightedEnsemble(string name, IReadOnlyList<Func<IRelevanceModel>> makers, double temperature = 0.02,
    int folds = 5, double refreshGrowth = 1.25, int seed = 17, FoldMetric metric = FoldMetric.Auc, bool sharpen = false) : IRelevanceModel
{
    private readonly IRelevanceModel[] models = [.. makers.Select(m => m())];
    private readonly (double Mean, double Sd)[] scales = [.. makers.Select(_ => (0.0, 1.0))];
    private readonly double[] weights = [.. makers.Select(_ => 1.0 / makers.Count)];
    private readonly double[] auc = [.. makers.Select(_ => double.NaN)];
    private int weighedAt;
    private bool held;

    public string Name => name;

    /// <summary>The learners, in the order of <see cref="Weights"/>.</summary>
    public IReadOnlyList<IRelevanceModel> Members => models;

    /// <summary>Each learner's share of the average (they sum to 1).</summary>
    public IReadOnlyList<double> Weights => weights;

    /// <summary>Each learner's out-of-fold score (by the ensemble's <see cref="FoldMetric"/>) at the last weighing (NaN before there were enough labels).</summary>
    public IReadOnlyList<double> OutOfFoldScores => auc;

    public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(background);
        for (var m = 0; m < models.Length; m++)
        {
            models[m].Fit(vectors, labels, background);
            scales[m] = Ensemble.Spread(models[m], vectors, background);
        }
        var positives = labels.Count(l => l);
        if (held || positives < folds || labels.Count - positives < folds || (weighedAt > 0 && labels.Count < weighedAt * refreshGrowth)) return;
        weighedAt = labels.Count;
        for (var m = 0; m < models.Length; m++) auc[m] = OutOfFold(makers[m], vectors, labels, background);
        var best = auc.Max();
        var t = TemperatureAt(positives);
        for (var m = 0; m < models.Length; m++) weights[m] = Math.Exp((auc[m] - best) / t);
        var total = weights.Sum();
        for (var m = 0; m < models.Length; m++) weights[m] /= total;
    }

    /// <summary>The temperature of the weighing with this many inclusions among the labels.</summary>
    public double TemperatureAt(int inclusions) => sharpen ? temperature * Math.Sqrt((double)folds / Math.Max(inclusions, folds)) : temperature;

    /// <summary>Uses these weights from now on instead of weighing the learners on the labels.</summary>
    public void HoldWeights(IReadOnlyList<double> fixedWeights)
    {
        ArgumentNullException.ThrowIfNull(fixedWeights);
        if (fixedWeights.Count != models.Length) throw new ArgumentException($"{models.Length} weights expected, one per learner, got {fixedWeights.Count}", nameof(fixedWeights));
        for (var m = 0; m < models.Length; m++) weights[m] = fixedWeights[m];
        held = true;
    }

    public double Score(SparseVector vector)
    {
        var sum = 0.0;
        for (var m = 0; m < models.Length; m++) sum += weights[m] * (models[m].Score(vector) - scales[m].Mean) / scales[m].Sd;
        return sum;
    }

    // AUC within each fold (a held-out include against the same fold's held-out exclusions), pooled over the folds: scores
    // of different folds come from different fits and are not on one scale.
    private double OutOfFold(Func<IRelevanceModel> make, IReadOnlyList<SparseVector> x, IReadOnlyList<bool> y, IReadOnlyList<SparseVector> background)
    {
        var order = Enumerable.Range(0, x.Count).ToArray();
        new Random(seed).Shuffle(order);
        var fold = new int[x.Count];
        int fi = 0, fe = 0;
        foreach (var i in order) fold[i] = y[i] ? fi++ % folds : fe++ % folds;
        double concordant = 0, pairs = 0, precision = 0;
        var above = new List<double>();
        for (var f = 0; f < folds; f++)
        {
            var tx = new List<SparseVector>();
            var ty = new List<bool>();
            var held = new List<int>();
            for (var i = 0; i < x.Count; i++)
                if (fold[i] == f) held.Add(i);
                else { tx.Add(x[i]); ty.Add(y[i]); }
            var model = make();
            model.Fit(tx, ty, background);
            var inc = held.Where(i => y[i]).Select(i => model.Score(x[i])).ToList();
            var exc = held.Where(i => !y[i]).Select(i => model.Score(x[i])).Order().ToList();
            if (metric == FoldMetric.AveragePrecision) precision += Auc.AveragePrecision(inc, exc) * inc.Count;
            foreach (var s in inc)
            {
                var below = Auc.CountBelow(exc, s);
                concordant += below;
                pairs += exc.Count;
                if (exc.Count > 0) above.Add(1 - below / exc.Count);
            }
        }
        if (pairs == 0) return 0.5;
        return metric switch
        {
            FoldMetric.Auc => concordant / pairs,
            FoldMetric.AveragePrecision => precision / above.Count,
            _ => Auc.LastInclusions(above),
        };
    }
}

/// <summary>What a <see cref="WeightedEnsemble"/> scores each learner's out-of-fold ranking by.</summary>
public enum FoldMetric
{
    /// <summary>The AUC: how often a held-out inclusion outranks a held-out exclusion, over all of them alike.</summary>
    Auc,

    /// <summary>
    /// The tail that WSS@95 is decided in (<see cref="Auc.LastInclusions"/>): how far down the worse-ranked half of the
    /// held-out inclusions sit. Two learners can share an AUC while one of them buries a few inclusions far down, and
    /// those are the ones screening reads the whole ranking to find.
    /// </summary>
    LastInclusions,

    /// <summary>
    /// Average precision within each fold (<see cref="Auc.AveragePrecision"/>), the folds weighed by their held-out
    /// inclusions: like screening itself it counts the exclusions read before each inclusion, the top most of all.
    /// </summary>
    AveragePrecision,
}

/// <summary>Counting for the area under the ROC curve.</summary>
public static class Auc
{
    /// <summary>
    /// One minus the mean of the worse half of <paramref name="exclusionsAbove"/> (for each held-out inclusion, the share
    /// of its fold's held-out exclusions ranked above it): 1 when every inclusion outranks every exclusion, 0 when the
    /// worse half sits below them all. With an odd count the middle one is in the worse half.
    /// </summary>
    public static double LastInclusions(IReadOnlyList<double> exclusionsAbove)
    {
        ArgumentNullException.ThrowIfNull(exclusionsAbove);
        if (exclusionsAbove.Count == 0) return 0.5;
        var worse = exclusionsAbove.OrderDescending().Take((exclusionsAbove.Count + 1) / 2).ToList();
        return 1 - worse.Average();
    }

    /// <summary>
    /// The mean, over the inclusions, of the share of inclusions among the records ranked at or above each (by score,
    /// inclusions and exclusions alike; an exclusion tied with an inclusion counts as half above it).
    /// </summary>
    /// <param name="exclusionsSorted">The exclusions' scores, ascending.</param>
    public static double AveragePrecision(IReadOnlyList<double> inclusions, IReadOnlyList<double> exclusionsSorted)
    {
        ArgumentNullException.ThrowIfNull(inclusions);
        ArgumentNullException.ThrowIfNull(exclusionsSorted);
        if (inclusions.Count == 0) return 0;
        var sum = 0.0;
        var order = inclusions.OrderDescending().ToList();
        for (var k = 0; k < order.Count; k++)
        {
            var excAbove = exclusionsSorted.Count - CountBelow(exclusionsSorted, order[k]);
            sum += (k + 1) / (k + 1 + excAbove);
        }
        return sum / order.Count;
    }

    /// <summary>Scores in <paramref name="sorted"/> (ascending) below <paramref name="score"/>, ties counted as half.</summary>
    public static double CountBelow(IReadOnlyList<double> sorted, double score)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < score) lo = mid + 1;
            else hi = mid;
        }
        var below = lo;
        hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= score) lo = mid + 1;
            else hi = mid;
        }
        return below + (lo - below) / 2.0;
    }
}
