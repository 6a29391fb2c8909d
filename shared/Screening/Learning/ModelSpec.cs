namespace SpineReview.Screening.Learning;

/// <summary>A whole screening model: how text becomes features, which classifier, and how many unscreened records it may borrow as presumed exclusions.</summary>
public sealed record ModelSpec(string Name, TfIdfOptions Features, bool TitleTwice, int BackgroundSize, Func<int, IRelevanceModel> Create)
{
    /// <summary>The text a record is read as: the title counts twice when the spec says so (titles say what a study is about).</summary>
    public string Text(string title, string? abstractText) => TitleTwice ? $"{title}\n{title}\n{abstractText}" : $"{title}\n{abstractText}";

    /// <summary>
    /// Random unscreened records to treat as presumed exclusions: at most a fifth of the pool, so a small pool is never
    /// mostly "excluded" by presumption (with 3 records waiting, none is borrowed).
    /// </summary>
    public IReadOnlyList<T> Background<T>(IReadOnlyList<T> pool, Random random)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(random);
        var n = Math.Min(BackgroundSize, pool.Count / 5);
        var sample = new T[n];
        for (var i = 0; i < n; i++) sample[i] = pool[random.Next(pool.Count)];
        return sample;
    }

    /// <summary>
    /// The model the project screens with: TF-IDF words and bigrams (title counted twice), and three learners averaged on
    /// standardised scores, each weighted by how well it ranked this review's own labels out of fold (`WeightedEnsemble`):
    /// the class-balanced linear SVM, naive Bayes with double-balance weights, and class-weighted logistic regression. At
    /// every retraining 400 random unscreened records are presumed exclusions (most unscreened records are exclusions;
    /// without them the early model knows too few exclusions to tell ordinary words from telling ones). No learner wins
    /// every review: the SVM where the telling words are phrases, naive Bayes where a few words carry the decision,
    /// logistic regression on others; the weights let the review's labels say which. The weighing's temperature (0.02 of
    /// AUC at 5 inclusions) shrinks with the square root of the inclusions found, as the AUC's own noise does: a lead that
    /// early on may be luck is, with 80 inclusions, a lead to follow. The logistic regression enters the average by its
    /// log-odds, not its probability: a probability saturates near 1 at the top of the ranking, and there, standardised,
    /// it hardly orders the records at all. Chosen on the panel of labelled sets (docs/design.md), on the mean over every
    /// set and the shortfalls, not on one set.
    /// </summary>
    public static ModelSpec Project { get; } = new("TF-IDF words+bigrams (title weighted), linear SVM + naive Bayes + logistic regression (log-odds) weighted out of fold, sharpening with the inclusions, presumed exclusions",
        new TfIdfOptions(Bigrams: true, SublinearTf: true), TitleTwice: true, BackgroundSize: 400,
        d => new WeightedEnsemble("linear SVM + naive Bayes + logistic regression, weighted out of fold, sharpening",
            [() => new LinearSvm(d, SvmCost), () => new NaiveBayes(d, useBackground: true), () => new LogisticRegression(d, logOdds: true)],
            sharpen: true));

    /// <summary>The project's model of session 6: the same three learners weighted out of fold at a fixed temperature of 0.02 of AUC.</summary>
    public static ModelSpec FixedTemperature { get; } = new("TF-IDF words+bigrams (title weighted), linear SVM + naive Bayes + logistic regression (log-odds) weighted out of fold, presumed exclusions",
        new TfIdfOptions(Bigrams: true, SublinearTf: true), TitleTwice: true, BackgroundSize: 400,
        d => new WeightedEnsemble("linear SVM + naive Bayes + logistic regression, weighted out of fold",
            [() => new LinearSvm(d, SvmCost), () => new NaiveBayes(d, useBackground: true), () => new LogisticRegression(d, logOdds: true)]));

    /// <summary>The project's model from issue 19's first round: the SVM and naive Bayes averaged with equal weights.</summary>
    public static ModelSpec SvmNaiveBayes { get; } = new("TF-IDF words+bigrams (title weighted), linear SVM + naive Bayes, presumed exclusions",
        new TfIdfOptions(Bigrams: true, SublinearTf: true), TitleTwice: true, BackgroundSize: 400,
        d => new Ensemble("linear SVM + naive Bayes", new LinearSvm(d, SvmCost), new NaiveBayes(d, useBackground: true)));

    /// <summary>The SVM's cost C, as the common tool's SVM default uses it (a strong penalty: few labels, many features).</summary>
    public const double SvmCost = 0.11;

    /// <summary>The project's model until issue 19: TF-IDF words (title twice), naive Bayes with presumed exclusions.</summary>
    public static ModelSpec NaiveBayesOnly { get; } = new("TF-IDF (title weighted) + naive Bayes with presumed exclusions",
        new TfIdfOptions(Bigrams: false, SublinearTf: false), TitleTwice: true, BackgroundSize: 400, d => new NaiveBayes(d, useBackground: true));

    /// <summary>The reference: TF-IDF + naive Bayes (smoothing 3.822, double balance), as the common open-source tool's default.</summary>
    public static ModelSpec Baseline { get; } = new("TF-IDF + naive Bayes (the common default)",
        new TfIdfOptions(Bigrams: false, SublinearTf: false), TitleTwice: false, BackgroundSize: 0, d => new NaiveBayes(d));

    /// <summary>The shape of the newer default of the common tool: TF-IDF words and bigrams, a class-balanced linear SVM.</summary>
    public static ModelSpec SvmPeer { get; } = new("TF-IDF words+bigrams + linear SVM, balanced",
        new TfIdfOptions(Bigrams: true, SublinearTf: true), TitleTwice: false, BackgroundSize: 0, d => new LinearSvm(d, SvmCost));

    /// <summary>TF-IDF words and a class-weighted logistic regression, the other plain peer.</summary>
    public static ModelSpec LogisticPeer { get; } = new("TF-IDF + logistic regression, balanced",
        new TfIdfOptions(Bigrams: false, SublinearTf: false), TitleTwice: false, BackgroundSize: 0, d => new LogisticRegression(d));

    /// <summary>The peers the project's model is measured against, in the order they are printed.</summary>
    public static IReadOnlyList<(string Id, ModelSpec Spec)> Peers { get; } =
        [("naive_bayes", Baseline), ("svm", SvmPeer), ("logistic", LogisticPeer)];
}
