namespace SpineReview.Screening.Learning;

/// <summary>A record as the ranker sees it: key, text, and people's final label when there is one.</summary>
/// <param name="Reason">People's exclusion reason, for records they excluded.</param>
public sealed record RankInput(string Key, string Title, string? Abstract, bool? Included, string? Reason = null);

/// <summary>The model's view of one unsettled record.</summary>
/// <param name="Probability">Calibrated probability of inclusion (or, before calibration is possible, a 0-1 score that only orders).</param>
/// <param name="LikelyReason">For records below the low threshold: the exclusion reason of the people's exclusions they most resemble.</param>
public sealed record RankedRecord(string Key, double Probability, string? LikelyReason = null);

/// <summary>One training of the model and what it says.</summary>
/// <param name="Calibrated">True when enough labels existed to calibrate probabilities (Platt scaling on out-of-fold scores).</param>
/// <param name="LowThreshold">Below it a record may be excluded automatically (when settings allow); null until it can be calibrated.</param>
/// <param name="TopTerms">The words that most raise the score, for people to see what the model has learned.</param>
public sealed record RankResult(IReadOnlyList<RankedRecord> Ranked, int Includes, int Exclusions, bool ColdStart, bool Calibrated,
    double? LowThreshold, IReadOnlyList<string> TopTerms, string Model);

/// <summary>Settings that shape a training.</summary>
/// <param name="AutoExcludeRecall">Share of known inclusions that must lie above the low threshold (out of fold).</param>
/// <param name="MinIncludesForThreshold">Known inclusions needed before a low threshold is set at all.</param>
public sealed record RankOptions(double AutoExcludeRecall = 0.98, int MinIncludesForThreshold = 20, int Seed = 17);

/// <summary>
/// Trains the project's model on people's final labels and ranks every unsettled record. Pure and deterministic:
/// the same records and labels give the same ranking. Cold start: with no inclusion yet, the protocol's eligibility
/// criteria serve as one include; with no exclusion yet, the records the rules excluded serve as exclusions.
/// </summary>
public static class RelevanceRanker
{
    /// <summary>The protocol's criteria in words, the first "include" before people have included anything.</summary>
    public const string ProtocolText =
        "Deep learning convolutional neural network CNN U-Net ResNet transformer for spine imaging: MRI, CT, radiograph, X-ray, ultrasound, DEXA, " +
        "fluoroscopy of the cervical, thoracic, lumbar, sacral spine, vertebrae, intervertebral disc and spinal cord; automated detection, " +
        "segmentation, classification and grading for diagnosis, clinical decision support, assessment and outcome prediction of " +
        "degenerative disease, deformity, scoliosis, fracture, tumour and osteoporosis in patients.";

    /// <param name="ruleExcluded">Titles and abstracts of records the rules excluded: the exclusions of a cold start.</param>
    public static RankResult Rank(IReadOnlyList<RankInput> records, IReadOnlyList<(string Title, string? Abstract)> ruleExcluded, RankOptions options, ModelSpec? spec = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(ruleExcluded);
        ArgumentNullException.ThrowIfNull(options);
        spec ??= ModelSpec.Project;
        var includes = records.Count(r => r.Included == true);
        var exclusions = records.Count(r => r.Included == false);
        var coldInclude = includes == 0;
        var coldExclude = exclusions == 0;

        // Texts: the records, then the cold-start stand-ins.
        var texts = records.Select(r => (r.Title, r.Abstract)).ToList();
        // The criteria are no study's title: read as an abstract alone, in every view.
        if (coldInclude) texts.Add(("", ProtocolText));
        var ruleStart = texts.Count;
        if (coldExclude) texts.AddRange(ruleExcluded.Take(2000));
        var features = spec.Vectorize(texts);
        var (tfidf, vectors) = (features.Words, features.Vectors);

        var trainX = new List<SparseVector>();
        var trainY = new List<bool>();
        for (var i = 0; i < records.Count; i++)
            if (records[i].Included is bool y) { trainX.Add(vectors[i]); trainY.Add(y); }
        if (coldInclude) { trainX.Add(vectors[records.Count]); trainY.Add(true); }
        for (var i = ruleStart; i < texts.Count; i++) { trainX.Add(vectors[i]); trainY.Add(false); }

        var unsettled = Enumerable.Range(0, records.Count).Where(i => records[i].Included is null).ToList();
        var random = new Random(options.Seed);
        IReadOnlyList<SparseVector> Background() => spec.Background(unsettled, random).Select(i => vectors[i]).ToList();

        var model = spec.Model(features);
        var canTrain = trainY.Contains(true) && trainY.Contains(false);
        if (canTrain) model.Fit(trainX, trainY, Background());

        // Calibration: out-of-fold scores of the labelled records, then a one-variable logistic fit (Platt scaling).
        (double A, double B)? platt = null;
        double? low = null;
        if (includes >= 5 && exclusions >= 5)
        {
            var oof = OutOfFold(spec, model, features.Dimensions, trainX.Take(includes + exclusions).ToList(), trainY.Take(includes + exclusions).ToList(), Background, options.Seed);
            platt = Platt(oof, trainY.Take(includes + exclusions).ToList());
            if (includes >= options.MinIncludesForThreshold)
            {
                var incProbs = oof.Where((_, i) => trainY[i]).Select(s => Sigmoid(platt.Value.A * s + platt.Value.B)).Order().ToList();
                var allowedBelow = (int)Math.Floor((1 - options.AutoExcludeRecall) * incProbs.Count + 1e-9);
                low = incProbs[allowedBelow];
            }
        }

        var scores = unsettled.Select(i => canTrain ? model.Score(vectors[i]) : 0.0).ToList();
        double Prob(double s) => platt is { } p ? Sigmoid(p.A * s + p.B) : Sigmoid(Standardise(s, scores));
        var centroids = low is null ? [] : ReasonCentroids(records, vectors, tfidf.Dimension);
        var ranked = unsettled.Select((i, k) =>
            {
                var p = Prob(scores[k]);
                return new RankedRecord(records[i].Key, p, low is { } l && p < l ? NearestReason(vectors[i], centroids) : null);
            })
            .OrderByDescending(r => r.Probability).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        // The words shown are naive Bayes's, alone or within the ensemble: its weights read as "this word raises the score".
        var words = model as NaiveBayes ?? (model as Ensemble)?.Members.OfType<NaiveBayes>().FirstOrDefault()
            ?? (model as WeightedEnsemble)?.Members.OfType<NaiveBayes>().FirstOrDefault();
        var top = words is not null && canTrain ? words.TopTerms(tfidf, 12) : [];
        return new RankResult(ranked, includes, exclusions, coldInclude || coldExclude, platt is not null, low, top, spec.Name);
    }

    // One dense centroid per reason people gave: a low-scoring record takes the reason of the exclusions it most resembles.
    private static List<(string Reason, double[] Centroid)> ReasonCentroids(IReadOnlyList<RankInput> records, SparseVector[] vectors, int dimension)
    {
        var list = new List<(string, double[])>();
        foreach (var group in Enumerable.Range(0, records.Count).Where(i => records[i].Included == false && records[i].Reason is not null)
                     .GroupBy(i => records[i].Reason!))
        {
            var c = new double[dimension];
            foreach (var i in group)
                for (var k = 0; k < vectors[i].Indices.Length; k++) c[vectors[i].Indices[k]] += vectors[i].Values[k];
            var norm = Math.Sqrt(c.Sum(v => v * v));
            if (norm > 0) for (var j = 0; j < c.Length; j++) c[j] /= norm;
            list.Add((group.Key, c));
        }
        return list;
    }

    private static string? NearestReason(SparseVector v, List<(string Reason, double[] Centroid)> centroids) =>
        centroids.Count == 0 ? null : centroids.MaxBy(c => v.Dot(c.Centroid)).Reason;

    private static List<double> OutOfFold(ModelSpec spec, IRelevanceModel fitted, IReadOnlyList<int> dimensions, List<SparseVector> x, List<bool> y, Func<IReadOnlyList<SparseVector>> background, int seed)
    {
        const int folds = 5;
        var order = Enumerable.Range(0, x.Count).ToArray();
        new Random(seed).Shuffle(order);
        var fold = new int[x.Count];
        // Stratified: includes and exclusions dealt round the folds separately.
        int fi = 0, fe = 0;
        foreach (var i in order) fold[i] = y[i] ? fi++ % folds : fe++ % folds;
        var scores = new double[x.Count];
        for (var f = 0; f < folds; f++)
        {
            var tx = new List<SparseVector>();
            var ty = new List<bool>();
            for (var i = 0; i < x.Count; i++) if (fold[i] != f) { tx.Add(x[i]); ty.Add(y[i]); }
            var m = spec.Model(dimensions);
            // A weighted ensemble's folds keep the weights weighed on all the labels: weighing again inside each fold
            // would cost five more rounds of out-of-fold fits, for calibration only.
            if (m is WeightedEnsemble w && fitted is WeightedEnsemble weighed) w.HoldWeights(weighed.Weights);
            if (ty.Contains(true) && ty.Contains(false)) m.Fit(tx, ty, background());
            for (var i = 0; i < x.Count; i++) if (fold[i] == f) scores[i] = m.Score(x[i]);
        }
        return [.. scores];
    }

    /// <summary>
    /// Fits p = sigmoid(a s + b) by Newton's method on the log loss, with Platt's smoothed targets, a small ridge on a, and
    /// step halving whenever a step would raise the loss (plain Newton can run away on well-separated scores).
    /// </summary>
    internal static (double A, double B) Platt(IReadOnlyList<double> s, IReadOnlyList<bool> y)
    {
        var pos = y.Count(v => v);
        var neg = y.Count - pos;
        var tPos = (pos + 1.0) / (pos + 2.0);
        var tNeg = 1.0 / (neg + 2.0);
        const double ridge = 1e-3;
        double Loss(double a, double b)
        {
            var l = ridge * a * a / 2;
            for (var i = 0; i < s.Count; i++)
            {
                var z = a * s[i] + b;
                var t = y[i] ? tPos : tNeg;
                // log(1 + e^z) - t z, computed without overflow.
                l += (z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z))) - t * z;
            }
            return l;
        }
        double a0 = 0, b0 = Math.Log((pos + 1.0) / (neg + 1.0));
        var current = Loss(a0, b0);
        for (var iter = 0; iter < 100; iter++)
        {
            double ga = ridge * a0, gb = 0, haa = ridge, hab = 0, hbb = 1e-9;
            for (var i = 0; i < s.Count; i++)
            {
                var p = Sigmoid(a0 * s[i] + b0);
                var d = p - (y[i] ? tPos : tNeg);
                var w = p * (1 - p);
                ga += d * s[i]; gb += d;
                haa += w * s[i] * s[i]; hab += w * s[i]; hbb += w;
            }
            var det = haa * hbb - hab * hab;
            if (Math.Abs(det) < 1e-12) break;
            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            var step = 1.0;
            while (step > 1e-4 && Loss(a0 - step * da, b0 - step * db) > current) step /= 2;
            if (step <= 1e-4) break;
            a0 -= step * da;
            b0 -= step * db;
            var next = Loss(a0, b0);
            if (current - next < 1e-10) { current = next; break; }
            current = next;
        }
        return (a0, b0);
    }

    private static double Standardise(double s, List<double> all)
    {
        if (all.Count < 2) return 0;
        var mean = all.Average();
        var sd = Math.Sqrt(all.Sum(v => (v - mean) * (v - mean)) / all.Count);
        return sd < 1e-12 ? 0 : (s - mean) / sd;
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
