using SpineReview.Screening.Learning;

namespace SpineReview.Bench;

// Classifiers measured against the project's model and not chosen (figures in docs/design.md); kept here so that
// `SpineReview.Bench screening-compare` can show the comparison again.

/// <summary>
/// L2-regularised logistic regression with class weights that balance includes against exclusions, fitted by
/// stochastic gradient descent. Warm-started: each fit continues from the previous weights, so
/// retraining after every decision costs a few passes over the labels, not a fit from zero.
/// </summary>
internal sealed class LogisticRegression(int dimension, double lambda = 1e-4, int epochs = 4, double rate = 0.5, int seed = 17, bool warm = true) : IRelevanceModel
{
    private readonly double[] weights = new double[dimension];
    private double bias;
    private readonly Random random = new(seed);

    public string Name => "TF-IDF (words and bigrams) + logistic regression, balanced";

    public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(background);
        if (background.Count > 0)
        {
            vectors = [.. vectors, .. background];
            labels = [.. labels, .. Enumerable.Repeat(false, background.Count)];
        }
        var n = labels.Count;
        var positives = labels.Count(l => l);
        if (positives == 0 || positives == n) return;
        // Balanced weights: both classes weigh the same in total, however rare includes are.
        var wPos = n / (2.0 * positives);
        var wNeg = n / (2.0 * (n - positives));
        var order = Enumerable.Range(0, n).ToArray();
        var w = weights.AsSpan();
        if (!warm)
        {
            w.Clear();
            bias = 0;
        }
        // Plain SGD with a global step: per-coordinate steps (AdaGrad) would give a rare word the same push as a telling one
        // while labels are few, and undo the TF-IDF weighting exactly when it matters most.
        for (var e = 0; e < epochs; e++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var x = vectors[i];
                var y = labels[i] ? 1.0 : 0.0;
                var p = Sigmoid(x.Dot(w) + bias);
                var g = (p - y) * (labels[i] ? wPos : wNeg);
                var idx = x.Indices;
                var val = x.Values;
                for (var k = 0; k < idx.Length; k++)
                {
                    var j = idx[k];
                    w[j] -= rate * (g * val[k] + lambda * w[j]);
                }
                bias -= rate * g * 0.1;
            }
        }
    }

    public double Score(SparseVector vector) => Sigmoid(vector.Dot(weights) + bias);

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}


/// <summary>
/// Logistic loss on pairs (one include, one exclusion) rather than on single records: it learns to put includes above
/// exclusions, which is what a screening order needs, and is untroubled by how rare includes are. Fitted by stochastic
/// gradient descent over random pairs, with L2 regularisation (Pegasos step sizes), from zero at each fit.
/// </summary>
internal sealed class PairwiseLogistic(int dimension, double lambda = 1e-4, int iterations = 20000, int seed = 17) : IRelevanceModel
{
    private readonly double[] weights = new double[dimension];
    private readonly Random random = new(seed);

    public string Name => "TF-IDF + pairwise logistic regression";

    public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(background);
        var pos = new List<SparseVector>();
        var neg = new List<SparseVector>(background);
        for (var i = 0; i < labels.Count; i++) (labels[i] ? pos : neg).Add(vectors[i]);
        if (pos.Count == 0 || neg.Count == 0) return;
        Array.Clear(weights);
        // The weights are kept as scale * v so that the L2 shrink of every step costs one multiplication.
        var scale = 1.0;
        var w = weights.AsSpan();
        for (var t = 1; t <= iterations; t++)
        {
            var a = pos[random.Next(pos.Count)];
            var b = neg[random.Next(neg.Count)];
            var eta = 1.0 / (lambda * (t + 1000));
            var z = scale * (a.Dot(w) - b.Dot(w));
            var g = 1.0 / (1.0 + Math.Exp(z));
            scale *= 1 - eta * lambda;
            var step = eta * g / scale;
            for (var k = 0; k < a.Indices.Length; k++) w[a.Indices[k]] += step * a.Values[k];
            for (var k = 0; k < b.Indices.Length; k++) w[b.Indices[k]] -= step * b.Values[k];
            if (scale < 1e-6)
            {
                for (var j = 0; j < w.Length; j++) w[j] *= scale;
                scale = 1;
            }
        }
        for (var j = 0; j < w.Length; j++) w[j] *= scale;
    }

    public double Score(SparseVector vector) => vector.Dot(weights);
}
