namespace SpineReview.Screening.Learning;

/// <summary>A text classifier trained on people's include/exclude labels; scores rank the unscreened pool.</summary>
public interface IRelevanceModel
{
    /// <summary>Name printed beside its figures.</summary>
    string Name { get; }

    /// <summary>Trains on the labelled vectors (true = include). May start from the previous fit.</summary>
    /// <param name="background">A random sample of unscreened records, which a model may treat as presumed exclusions
    /// (most unscreened records are exclusions); empty when there is none.</param>
    void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background);

    /// <summary>Relevance score; higher means more likely eligible. Probabilities where the model gives them.</summary>
    double Score(SparseVector vector);
}

/// <summary>How much of the training weight the rare includes get.</summary>
public static class ClassBalance
{
    /// <summary>
    /// The include class's share of the training mass under "double balance" (ASReview's default; its published constants
    /// a = 2.155, alpha = 0.94, b = 0.789, beta = 1.0): includes are weighted up the rarer they are, exclusions count a little
    /// less while few records have been read. With 1 include and 1 exclusion the share is 0.70; with 5 of 505, 0.62.
    /// </summary>
    public static double IncludeShare(int includes, int exclusions)
    {
        if (includes == 0) return 0;
        if (exclusions == 0) return 1;
        var one = 2.155 * Math.Pow((double)includes / exclusions, -0.94);
        var zero = 1 - (1 - 0.789) * Math.Pow(1 + includes + exclusions, -1.0);
        return one * includes / (one * includes + zero * exclusions);
    }
}

/// <summary>
/// Multinomial naive Bayes over TF-IDF weights, the classifier of the common open-source screening tools' default
/// (smoothing 3.822). Refitted from its sums each time: training is one pass over the labels. With
/// <paramref name="useBackground"/>, the random unscreened records it is given count as exclusions.
/// </summary>
public sealed class NaiveBayes(int dimension, double alpha = 3.822, bool useBackground = false) : IRelevanceModel
{
    private readonly double[] logRatio = new double[dimension];

    public string Name => "TF-IDF + naive Bayes";

    public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(labels);
        var inc = new double[dimension];
        var exc = new double[dimension];
        double totalInc = 0, totalExc = 0;
        var presumed = useBackground ? background : [];
        foreach (var x in presumed)
            for (var k = 0; k < x.Indices.Length; k++)
            {
                exc[x.Indices[k]] += x.Values[k];
                totalExc += x.Values[k];
            }
        for (var i = 0; i < labels.Count; i++)
        {
            var target = labels[i] ? inc : exc;
            var x = vectors[i];
            for (var k = 0; k < x.Indices.Length; k++)
            {
                target[x.Indices[k]] += x.Values[k];
                if (labels[i]) totalInc += x.Values[k];
                else totalExc += x.Values[k];
            }
        }
        // The includes' weights are scaled up so that they carry the share of the training mass that the common tools'
        // "double balance" sampling gives them. Without it the far larger exclusion class makes every unseen word look like an include.
        var positives = labels.Count(l => l);
        var share = ClassBalance.IncludeShare(positives, labels.Count - positives + presumed.Count);
        var scale = totalInc > 0 && totalExc > 0 ? share / (1 - share) * totalExc / totalInc : 1.0;
        var denomInc = Math.Log(totalInc * scale + alpha * dimension);
        var denomExc = Math.Log(totalExc + alpha * dimension);
        for (var j = 0; j < dimension; j++)
            logRatio[j] = Math.Log(inc[j] * scale + alpha) - denomInc - (Math.Log(exc[j] + alpha) - denomExc);
    }

    /// <summary>The terms whose presence most raises the score.</summary>
    public IReadOnlyList<string> TopTerms(TfIdf features, int count)
    {
        ArgumentNullException.ThrowIfNull(features);
        return Enumerable.Range(0, dimension).OrderByDescending(j => logRatio[j]).Take(count).Select(features.Term).ToList();
    }

    /// <summary>Log-likelihood ratio of include against exclude (the class prior is left out: it does not change the order).</summary>
    public double Score(SparseVector vector) => vector.Dot(logRatio);
}
