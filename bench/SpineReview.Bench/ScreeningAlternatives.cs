using SpineReview.Screening.Learning;

namespace SpineReview.Bench;

// Classifiers measured against the project's model and not chosen (figures in docs/design.md); kept here so that
// `SpineReview.Bench screening-compare` can show the comparison again.

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

/// <summary>
/// A learner trained on people's labels alone: the presumed exclusions it is offered are dropped. Presumed exclusions
/// help while labels are few and eligible records rare, and mislead where eligible records are common (a fifth of the
/// pool in some reviews): then many of them are not exclusions at all.
/// </summary>
internal sealed class LabelsOnly(IRelevanceModel inner) : IRelevanceModel
{
    public string Name => inner.Name;

    public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background) =>
        inner.Fit(vectors, labels, []);

    public double Score(SparseVector vector) => inner.Score(vector);
}
