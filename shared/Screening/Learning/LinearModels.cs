namespace SpineReview.Screening.Learning;

/// <summary>
/// Linear support vector machine (hinge loss, L2 penalty) with class-balanced costs: each class's errors cost C times
/// n / (2 n_class), as the common toolkits' "balanced" setting does. Solved in the dual by coordinate descent (Hsieh et
/// al. 2008, the method of LIBLINEAR) with the bias as a constant feature. Warm-started: the dual variables of records
/// seen in the last fit are kept, so retraining after one more label costs a pass or two, not a fit from zero.
/// </summary>
public sealed class LinearSvm(int dimension, double cost = 1.0, int maxEpochs = 30, double tolerance = 0.1, int seed = 17) : IRelevanceModel
{
    private readonly double[] weights = new double[dimension];
    private double bias;
    private readonly Random random = new(seed);
    // The last fit's training vectors (by their index arrays) and dual variables, for the warm start.
    private int[][] seen = [];
    private double[] alpha = [];

    public string Name => "TF-IDF + linear SVM, balanced";

    public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(background);
        var x = new SparseVector[labels.Count + background.Count];
        var y = new bool[x.Length];
        for (var i = 0; i < labels.Count; i++) (x[i], y[i]) = (vectors[i], labels[i]);
        for (var i = 0; i < background.Count; i++) x[labels.Count + i] = background[i];
        var n = x.Length;
        var positives = y.Count(v => v);
        if (positives == 0 || positives == n) return;
        var upperPos = cost * n / (2.0 * positives);
        var upperNeg = cost * n / (2.0 * (n - positives));

        var a = new double[n];
        // A record keeps its dual variable while it sits where it sat last time (the labelled list only grows; the
        // presumed exclusions are drawn afresh, so theirs restart at zero). Clipped to the new costs, which move as n does.
        for (var i = 0; i < Math.Min(n, seen.Length) && ReferenceEquals(seen[i], x[i].Indices); i++)
            a[i] = Math.Min(alpha[i], y[i] ? upperPos : upperNeg);
        Array.Clear(weights);
        bias = 0;
        var diag = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sq = 1.0;
            foreach (var v in x[i].Values) sq += (double)v * v;
            diag[i] = sq;
            if (a[i] != 0) Add(x[i], y[i] ? a[i] : -a[i]);
        }

        var order = Enumerable.Range(0, n).ToArray();
        for (var epoch = 0; epoch < maxEpochs; epoch++)
        {
            random.Shuffle(order);
            double maxPg = double.NegativeInfinity, minPg = double.PositiveInfinity;
            foreach (var i in order)
            {
                var sign = y[i] ? 1.0 : -1.0;
                var upper = y[i] ? upperPos : upperNeg;
                var g = sign * (x[i].Dot(weights) + bias) - 1;
                var pg = a[i] == 0 ? Math.Min(g, 0) : a[i] >= upper ? Math.Max(g, 0) : g;
                maxPg = Math.Max(maxPg, pg);
                minPg = Math.Min(minPg, pg);
                if (Math.Abs(pg) < 1e-12) continue;
                var next = Math.Clamp(a[i] - g / diag[i], 0, upper);
                var delta = next - a[i];
                if (delta == 0) continue;
                a[i] = next;
                Add(x[i], sign * delta);
            }
            if (maxPg - minPg < tolerance) break;
        }
        seen = [.. x.Select(v => v.Indices)];
        alpha = a;
    }

    private void Add(SparseVector x, double step)
    {
        for (var k = 0; k < x.Indices.Length; k++) weights[x.Indices[k]] += step * x.Values[k];
        bias += step;
    }

    /// <summary>The signed distance from the separating plane (not a probability).</summary>
    public double Score(SparseVector vector) => vector.Dot(weights) + bias;
}

/// <summary>
/// L2-regularised logistic regression with class weights that balance includes against exclusions (each class weighs
/// n / (2 n_class)), fitted by stochastic gradient descent. Warm-started: each fit continues from the previous weights,
/// so retraining after every decision costs a few passes over the labels, not a fit from zero (unless
/// <paramref name="warm"/> is false: the benchmark compares both).
/// </summary>
/// <param name="logOdds">Score with the log-odds rather than the probability. The order is the same, but the probability
/// saturates: the records it is most sure of all score about 1, so that in an average of standardised scores it can no
/// longer order the top of the ranking, which is where the next record is chosen.</param>
public sealed class LogisticRegression(int dimension, double lambda = 1e-4, int epochs = 4, double rate = 0.5, int seed = 17, bool warm = true,
    bool logOdds = false) : IRelevanceModel
{
    private readonly double[] weights = new double[dimension];
    private double bias;
    private readonly Random random = new(seed);

    public string Name => "TF-IDF + logistic regression, balanced";

    public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(background);
        var n = labels.Count + background.Count;
        var positives = labels.Count(l => l);
        if (positives == 0 || positives == n) return;
        var wPos = n / (2.0 * positives);
        var wNeg = n / (2.0 * (n - positives));
        var order = Enumerable.Range(0, n).ToArray();
        if (!warm)
        {
            Array.Clear(weights);
            bias = 0;
        }
        // A plain global step: per-coordinate steps would give a rare word the same push as a telling one while labels
        // are few, and undo the TF-IDF weighting exactly when it matters most.
        for (var e = 0; e < epochs; e++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var (x, label) = i < labels.Count ? (vectors[i], labels[i]) : (background[i - labels.Count], false);
                var p = Sigmoid(x.Dot(weights) + bias);
                var g = (p - (label ? 1.0 : 0.0)) * (label ? wPos : wNeg);
                for (var k = 0; k < x.Indices.Length; k++)
                {
                    var j = x.Indices[k];
                    weights[j] -= rate * (g * x.Values[k] + lambda * weights[j]);
                }
                bias -= rate * g * 0.1;
            }
        }
    }

    public double Score(SparseVector vector) => logOdds ? vector.Dot(weights) + bias : Sigmoid(vector.Dot(weights) + bias);

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}

/// <summary>
/// Several models scored as one: each one's score is standardised by the spread of its scores on the training records,
/// then they are averaged. A record every model ranks high stays high; one that only one of them likes lands in between.
/// </summary>
public sealed class Ensemble(string name, params IRelevanceModel[] models) : IRelevanceModel
{
    private readonly (double Mean, double Sd)[] scales = [.. models.Select(_ => (0.0, 1.0))];

    public string Name => name;

    /// <summary>The mean and spread of a fitted model's scores on the training records (a spread of 1 where they are all alike),
    /// by which the ensembles standardise it.</summary>
    public static (double Mean, double Sd) Spread(IRelevanceModel model, IEnumerable<SparseVector> vectors, IEnumerable<SparseVector> background)
    {
        ArgumentNullException.ThrowIfNull(model);
        var s = vectors.Concat(background).Select(model.Score).ToList();
        var mean = s.Average();
        var sd = Math.Sqrt(s.Sum(v => (v - mean) * (v - mean)) / s.Count);
        return (mean, sd < 1e-12 ? 1 : sd);
    }

    /// <summary>The models averaged.</summary>
    public IReadOnlyList<IRelevanceModel> Members => models;

    public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(background);
        for (var m = 0; m < models.Length; m++)
        {
            models[m].Fit(vectors, labels, background);
            scales[m] = Ensemble.Spread(models[m], vectors, background);
        }
    }

    public double Score(SparseVector vector)
    {
        var sum = 0.0;
        for (var m = 0; m < models.Length; m++) sum += (models[m].Score(vector) - scales[m].Mean) / scales[m].Sd;
        return sum / models.Length;
    }
}
