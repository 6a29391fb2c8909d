namespace SpineReview.Screening.Learning;

/// <summary>
/// Several learners averaged on standardised scores, each weighted by how well it ranked this review's own labelled
/// records when it had not seen them: every learner is refitted on the labels minus one fold and scores that fold
/// (stratified folds), and its share of the average grows with its out-of-fold AUC, exp((AUC - best AUC) / temperature).
/// No single learner wins every review (naive Bayes, the SVM and logistic regression each win sets by 0.1 WSS@95 on the
/// panel), so which one leads is learnt per review from its labels rather than fixed. Until there are enough labels
/// of each class for the folds, the learners weigh alike.
/// </summary>
/// <remarks>
/// The out-of-fold fits cost folds x learners fits from zero, so they are redone only when the labels have grown by
/// <paramref name="refreshGrowth"/> since the last time (a fresh instance, as the ranker makes at every training, always
/// weighs on its first fit).
/// </remarks>
public sealed class WeightedEnsemble(string name, IReadOnlyList<Func<IRelevanceModel>> makers, double temperature = 0.02,
    int folds = 5, double refreshGrowth = 1.25, int seed = 17) : IRelevanceModel
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

    /// <summary>Each learner's out-of-fold AUC at the last weighing (NaN before there were enough labels).</summary>
    public IReadOnlyList<double> OutOfFoldAuc => auc;

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
        for (var m = 0; m < models.Length; m++) weights[m] = Math.Exp((auc[m] - best) / temperature);
        var total = weights.Sum();
        for (var m = 0; m < models.Length; m++) weights[m] /= total;
    }

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
        double concordant = 0, pairs = 0;
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
            foreach (var s in inc)
            {
                concordant += Auc.CountBelow(exc, s);
                pairs += exc.Count;
            }
        }
        return pairs == 0 ? 0.5 : concordant / pairs;
    }
}

/// <summary>Counting for the area under the ROC curve.</summary>
public static class Auc
{
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
