using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SpineReview.Screening.Evaluation;
using SpineReview.Screening.Learning;

namespace SpineReview.Bench;

/// <summary>Screening benchmarks: retrain-and-rank time at queue scale, and the classifiers compared on a labelled dataset.</summary>
internal static class ScreeningBench
{
    /// <summary>
    /// Retrains the project's model and ranks a queue of <paramref name="waiting"/> records, with 2,000 people's labels, as
    /// RankingService does after loading them: median of 5 rounds after one warm-up. The texts are real abstracts from the
    /// corpus's labelled datasets, cut and recombined to reach the size.
    /// </summary>
    public static int Rank(string corpus, int waiting, TextWriter o)
    {
        var pool = ScreeningDataset.Read(Path.Combine(corpus, "screening", "asreview_srd", "Cohen_2006_ACEInhibitors.csv"))
            .Concat(ScreeningDataset.Read(Path.Combine(corpus, "screening", "synergy", "Jeyaraman_2020"))).Where(r => r.Abstract.Length > 0).ToList();
        var random = new Random(5);
        var inputs = new List<RankInput>(waiting + 2000);
        for (var i = 0; i < waiting + 2000; i++)
        {
            var a = pool[random.Next(pool.Count)];
            var b = pool[random.Next(pool.Count)];
            // Half of one abstract and half of another: texts as varied as a real queue, none repeated.
            var text = a.Abstract[..(a.Abstract.Length / 2)] + " " + b.Abstract[(b.Abstract.Length / 2)..];
            bool? label = i < 2000 ? a.Included || random.NextDouble() < 0.08 : null;
            inputs.Add(new RankInput($"r{i:D6}", a.Title, text, label, label == false ? "not_spine" : null));
        }
        var times = new List<double>();
        RankResult? result = null;
        for (var round = 0; round <= 5; round++)
        {
            var clock = Stopwatch.StartNew();
            result = RelevanceRanker.Rank(inputs, [], new RankOptions());
            if (round > 0) times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        var median = times[times.Count / 2];
        o.WriteLine($"retrain and rank: {waiting:N0} waiting, {result!.Includes:N0} inclusions and {result.Exclusions:N0} exclusions by people; " +
                    $"median {median:0.000} s of 5 (min {times[0]:0.000}, max {times[^1]:0.000}); calibrated {result.Calibrated}, low threshold {result.LowThreshold:0.0000}");
        o.WriteLine($"target: under 2 s for 10,000 waiting: {(median < 2 ? "met" : "MISSED")}");
        return median < 2 || waiting != 10_000 ? 0 : 1;
    }

    /// <summary>
    /// The same retraining through storage, as the service runs it: <paramref name="waiting"/> records in the reviewers'
    /// queue of an Azurite account (plus 2,000 settled), RankingService.RankAsync forced 3 times (median): reading the
    /// queue and the records, training, and writing every changed probability back.
    /// </summary>
    public static async Task<int> RankStoredAsync(string corpus, int waiting, TextWriter o)
    {
        await using var services = BenchStorage.Services();
        T Get<T>() where T : notnull => services.GetRequiredService<T>();
        var storage = Get<SpineReview.Storage.StorageClients>();
        await Get<SpineReview.Storage.StorageInitializer>().CreateAsync();
        try
        {
            var pool = ScreeningDataset.Read(Path.Combine(corpus, "screening", "asreview_srd", "Cohen_2006_ACEInhibitors.csv"))
                .Concat(ScreeningDataset.Read(Path.Combine(corpus, "screening", "synergy", "Jeyaraman_2020"))).Where(r => r.Abstract.Length > 0).ToList();
            var random = new Random(5);
            var seed = Stopwatch.StartNew();
            var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var store = Get<SpineReview.Screening.ScreeningStore>();
            var dedup = Get<SpineReview.Dedup.DedupService>();
            var total = waiting + 2000;
            var done = 0;
            await Parallel.ForAsync(0, total, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                LabelledRecord a, b;
                lock (random) { a = pool[random.Next(pool.Count)]; b = pool[random.Next(pool.Count)]; }
                var record = new SpineReview.Records.BibRecord
                {
                    Source = "pubmed", SourceId = (30_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Pmid = (30_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), Year = 2020,
                    Title = a.Title + " " + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Abstract = a.Abstract[..(a.Abstract.Length / 2)] + " " + b.Abstract[(b.Abstract.Length / 2)..],
                };
                await dedup.RegisterAsync(record, "bench", at, ct);
                await store.EnqueueAsync(record.Key, 0.5, at, ct);
                if (i < 2000)
                {
                    var include = a.Included || i % 12 == 0;
                    await store.UpdateQueueAsync(record.Key, q => Task.FromResult(q with
                    {
                        Status = SpineReview.Screening.People.ScreeningStatus.Final, Included = include, Reason = include ? null : "not_spine", SettledAt = at,
                    }), ct);
                }
                if (Interlocked.Increment(ref done) % 2000 == 0) o.WriteLine($"seeded {done:N0} of {total:N0} ({seed.Elapsed.TotalSeconds:0} s)");
            });
            var ranking = Get<SpineReview.Screening.RankingService>();
            var times = new List<double>();
            SpineReview.Screening.ModelSummary? summary = null;
            for (var round = 0; round < 3; round++)
            {
                var clock = Stopwatch.StartNew();
                summary = await ranking.RankAsync(force: true, default);
                times.Add(clock.Elapsed.TotalSeconds);
            }
            times.Sort();
            o.WriteLine($"retrain and rank through storage: {summary!.Ranked:N0} waiting, {summary.Includes:N0} inclusions, {summary.Exclusions:N0} exclusions; " +
                        $"median {times[1]:0.00} s of 3 (min {times[0]:0.00}, max {times[2]:0.00}); the first writes every probability, later ones only changes; " +
                        $"last run: reading {summary.ReadSeconds:0.00} s, training and ranking {summary.TrainSeconds:0.00} s");
            return 0;
        }
        finally
        {
            await BenchStorage.DeleteAsync(storage);
        }
    }

    /// <summary>The project's model, the baseline and the two logistic regressions tried, on one labelled dataset, same seeds.</summary>
    public static int Compare(string dataset, int runs, TextWriter o)
    {
        var data = ScreeningDataset.Read(dataset);
        var truth = data.Select(d => d.Included).ToList();
        var unigrams = new TfIdfOptions(Bigrams: false, SublinearTf: false);
        var bigrams = new TfIdfOptions(Bigrams: true, SublinearTf: true);
        ModelSpec[] specs =
        [
            ModelSpec.Project,
            ModelSpec.Baseline,
            new("TF-IDF (words and bigrams) + logistic regression, balanced", bigrams, false, 400, d => new LogisticRegression(d, 1e-5, 10, 0.1, warm: false)),
            new("TF-IDF (words and bigrams) + pairwise logistic regression", bigrams, false, 400, d => new PairwiseLogistic(d, 1e-4, 5000)),
            // The project's two ingredients one at a time.
            new("  ablation: title once, presumed exclusions", unigrams, false, 400, d => new NaiveBayes(d, useBackground: true)),
            new("  ablation: title twice, no presumed exclusions", unigrams, true, 0, d => new NaiveBayes(d)),
        ];
        o.WriteLine($"{dataset}: {data.Count} records, {truth.Count(t => t)} included; {runs} runs each (seeds 1..{runs})");
        foreach (var spec in specs)
        {
            var features = spec.Vectorize([.. data.Select(d => (d.Title, (string?)d.Abstract))]);
            var scores = new SimulationScore[runs];
            Parallel.For(0, runs, r => scores[r] = ScreeningSimulation.Score(ScreeningSimulation.Run(features.Vectors, truth, spec.Model(features), 1 + r, spec), truth));
            var m = ScreeningSimulation.Mean(scores);
            o.WriteLine(FormattableString.Invariant($"{spec.Name,-64} WSS@95 {m.Wss95:P1}  WSS@100 {m.Wss100:P1}  RRF@10 {m.Rrf10:P1}"));
        }
        return 0;
    }

    /// <summary>
    /// Candidate project models beside the peers on every set of a panel folder (same seeds): each candidate's mean
    /// WSS@95 against the best peer's mean, and its worst shortfall on any one set against that set's best peer.
    /// </summary>
    private static ModelSpec Weighted(string name, TfIdfOptions features, double temperature) =>
        new(name, features, true, 400, d => new WeightedEnsemble(name,
            [() => new LinearSvm(d, ModelSpec.SvmCost), () => new NaiveBayes(d, useBackground: true), () => new LogisticRegression(d)], temperature));

    private static ModelSpec Members(string name, TfIdfOptions features, FoldMetric metric, double temperature, bool sharpen) =>
        new(name, features, true, 400, d => new WeightedEnsemble(name,
            [() => new LinearSvm(d, ModelSpec.SvmCost), () => new NaiveBayes(d, useBackground: true), () => new LogisticRegression(d, logOdds: true)],
            temperature, metric: metric, sharpen: sharpen));

    private static ModelSpec Six(string name, FoldMetric metric, double temperature) =>
        new(name, new TfIdfOptions(Bigrams: true, SublinearTf: true), true, 400, _ => throw new InvalidOperationException("read in views"))
        {
            Beside = [new FeatureView(ModelSpec.Baseline.Features, false), new FeatureView(ModelSpec.SvmPeer.Features, false)],
            CreateInViews = d => new WeightedEnsemble(name,
            [
                () => new LinearSvm(d[0], ModelSpec.SvmCost), () => new NaiveBayes(d[0], useBackground: true), () => new LogisticRegression(d[0], logOdds: true),
                () => new InView(new LinearSvm(d[2], ModelSpec.SvmCost), 1, false), () => new InView(new NaiveBayes(d[1]), 0, false),
                () => new InView(new LogisticRegression(d[1], logOdds: true), 0, false),
            ], temperature, metric: metric, sharpen: true),
        };

    private static ModelSpec BesideSvmPeer(string name, FoldMetric metric) =>
        new(name, new TfIdfOptions(Bigrams: true, SublinearTf: true), true, 400, _ => throw new InvalidOperationException("read in views"))
        {
            Beside = [new FeatureView(ModelSpec.SvmPeer.Features, false)],
            CreateInViews = d => new WeightedEnsemble(name,
            [
                () => new LinearSvm(d[0], ModelSpec.SvmCost), () => new NaiveBayes(d[0], useBackground: true), () => new LogisticRegression(d[0], logOdds: true),
                () => new InView(new LinearSvm(d[1], ModelSpec.SvmCost), 0, false),
            ], metric: metric, sharpen: true),
        };

    /// <summary>
    /// The project's weighted ensemble on one set, one run: each member's out-of-fold AUC and weight at every weighing,
    /// and the WSS@95 of the run, to see whether the weights follow the learner that ranks this review best.
    /// </summary>
    public static int Weights(string dataset, int seed, string? id, TextWriter o)
    {
        var data = ScreeningDataset.Read(dataset);
        var truth = data.Select(d => d.Included).ToList();
        var spec = id is null ? ModelSpec.Project : Candidates().FirstOrDefault(c => c.Id == id).Spec;
        if (spec is null)
        {
            Console.Error.WriteLine($"screening-weights: no candidate '{id}'; the candidates: {string.Join(", ", Candidates().Select(c => c.Id))}");
            return 2;
        }
        var features = spec.Vectorize([.. data.Select(d => (d.Title, (string?)d.Abstract))]);
        var vectors = features.Vectors;
        if (spec.Model(features) is not WeightedEnsemble model)
        {
            Console.Error.WriteLine($"screening-weights: '{id}' is not a weighted ensemble, so it has no weights to show; choose one of the w3… candidates");
            return 2;
        }
        var watched = new Watched(model, o);
        var order = ScreeningSimulation.Run(vectors, truth, watched, seed, spec);
        o.WriteLine(FormattableString.Invariant($"WSS@95 {ScreeningSimulation.Score(order, truth).Wss95:0.000}"));
        return 0;
    }

    private sealed class Watched(WeightedEnsemble inner, TextWriter o) : IRelevanceModel
    {
        private string last = "";

        public string Name => inner.Name;

        public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
        {
            inner.Fit(vectors, labels, background);
            var now = string.Join(" ", inner.OutOfFoldScores.Select((a, m) => FormattableString.Invariant($"{a:0.000}/{inner.Weights[m]:0.00}")));
            if (now == last) return;
            last = now;
            o.WriteLine(FormattableString.Invariant($"{labels.Count} labels, {labels.Count(l => l)} included: learners (out-of-fold score/weight, in the order of the candidate) {now}"));
        }

        public double Score(SparseVector vector) => inner.Score(vector);
    }

    public static int Panel(string folder, int runs, string? only, TextWriter o)
    {
        var candidates = Candidates();
        var ids = only?.Split(',') ?? [];
        if (only is not null) candidates = [.. candidates.Where(c => ids.Contains(c.Id))];
        // "nopeers" leaves the peers out, to measure candidates against peer figures of an earlier run with the same seeds.
        IReadOnlyList<(string Id, ModelSpec Spec)> peerList = ids.Contains("nopeers") ? [] : ModelSpec.Peers;
        var models = peerList.Concat(candidates).ToList();
        var result = ScreeningPanel.Run(folder, runs, 1, new Progress<string>(o.WriteLine), models);
        o.WriteLine(string.Join(" ", result.Mean.Select(m => FormattableString.Invariant($"{m.Id}={m.Wss95:0.000}"))));
        var peers = peerList.Count;
        if (peers == 0) return 0;
        var bestPeerMean = result.Mean.Take(peers).Max(m => m.Wss95);
        for (var k = peers; k < models.Count; k++)
        {
            var worst = result.Sets.Min(r => r.Models[k].Wss95 - r.Models.Take(peers).Max(m => m.Wss95));
            var at = result.Sets.MinBy(r => r.Models[k].Wss95 - r.Models.Take(peers).Max(m => m.Wss95))!.Name;
            o.WriteLine(FormattableString.Invariant($"{models[k].Id}: mean {result.Mean[k].Wss95:0.000} vs best peer mean {bestPeerMean:0.000} ({result.Mean[k].Wss95 - bestPeerMean:+0.000;-0.000}); worst set {at} {worst:+0.000;-0.000}"));
        }
        return 0;
    }

    private static List<(string Id, ModelSpec Spec)> Candidates()
    {
        var bigrams = new TfIdfOptions(Bigrams: true, SublinearTf: true);
        return
        [
            ("nb-bg", ModelSpec.NaiveBayesOnly),
            ("svm-bg-t2", new("svm bigrams, title twice + presumed exclusions", bigrams, true, 400, d => new LinearSvm(d))),
            ("svm+nb-t2", new("svm + nb, bigrams, title twice + presumed exclusions", bigrams, true, 400, d => new Ensemble("svm+nb", new LinearSvm(d), new NaiveBayes(d, useBackground: true)))),
            ("svm+nb0-t2", new("svm + nb without presumed exclusions, bigrams, title twice", bigrams, true, 400, d => new Ensemble("svm+nb0", new LinearSvm(d), new NaiveBayes(d)))),
            ("svm+nb+lr-t2", new("svm + nb + lr, bigrams, title twice + presumed exclusions", bigrams, true, 400, d => new Ensemble("svm+nb+lr", new LinearSvm(d), new NaiveBayes(d, useBackground: true), new LogisticRegression(d)))),
            ("svm01+nb-t2", new("svm C=0.1 + nb, bigrams, title twice + presumed exclusions", bigrams, true, 400, d => new Ensemble("svm01+nb", new LinearSvm(d, cost: 0.1), new NaiveBayes(d, useBackground: true)))),
            ("svm011+nb+lr-t2", new("svm C=0.11 + nb + lr, bigrams, title twice + presumed exclusions", bigrams, true, 400,
                d => new Ensemble("svm+nb+lr", new LinearSvm(d, ModelSpec.SvmCost), new NaiveBayes(d, useBackground: true), new LogisticRegression(d)))),
            ("w3-t2", Weighted("out-of-fold weighted svm + nb + lr (T 0.02), bigrams, title twice + presumed exclusions", bigrams, 0.02)),
            ("w3soft-t2", Weighted("out-of-fold weighted svm + nb + lr (T 0.05), bigrams, title twice + presumed exclusions", bigrams, 0.05)),
            ("w3nobg-t2", new("out-of-fold weighted svm, nb, lr, presumed exclusions for nb only", bigrams, true, 400, d => new WeightedEnsemble("w3nobg",
                [() => new LabelsOnly(new LinearSvm(d, ModelSpec.SvmCost)), () => new NaiveBayes(d, useBackground: true), () => new LabelsOnly(new LogisticRegression(d))]))),
            ("w4-t2", new("out-of-fold weighted svm with and without presumed exclusions, nb, lr without", bigrams, true, 400, d => new WeightedEnsemble("w4",
                [() => new LinearSvm(d, ModelSpec.SvmCost), () => new LabelsOnly(new LinearSvm(d, ModelSpec.SvmCost)), () => new NaiveBayes(d, useBackground: true), () => new LabelsOnly(new LogisticRegression(d))]))),
            ("svm+nb", ModelSpec.SvmNaiveBayes),
            ("w3m-t2", new("out-of-fold weighted, logistic scored by its log-odds (T 0.02)", bigrams, true, 400, d => new WeightedEnsemble("w3m",
                [() => new LinearSvm(d, ModelSpec.SvmCost), () => new NaiveBayes(d, useBackground: true), () => new LogisticRegression(d, logOdds: true)]))),
            ("e3m-t2", new("svm + nb + lr equal weights, logistic scored by its log-odds", bigrams, true, 400, d => new Ensemble("e3m",
                new LinearSvm(d, ModelSpec.SvmCost), new NaiveBayes(d, useBackground: true), new LogisticRegression(d, logOdds: true)))),
            // Session 7: weighing by the tail of the out-of-fold ranking (the worse half of the held-out inclusions), and a
            // temperature that shrinks as inclusions grow.
            ("w3tail", Members("out-of-fold weighted by the last inclusions (T 0.02)", bigrams, FoldMetric.LastInclusions, 0.02, false)),
            ("w3tail-s", Members("out-of-fold weighted by the last inclusions (T 0.05 sharpening)", bigrams, FoldMetric.LastInclusions, 0.05, true)),
            ("w3tail-s2", Members("out-of-fold weighted by the last inclusions (T 0.1 sharpening)", bigrams, FoldMetric.LastInclusions, 0.1, true)),
            ("w3auc-s", Members("out-of-fold weighted by AUC (T 0.02 sharpening)", bigrams, FoldMetric.Auc, 0.02, true)),
            // Diagnosis: the logistic regression alone, on the project's features and the peer's, with and without presumed exclusions.
            ("svm-proj", new("svm C 0.11, bigrams, title twice, presumed exclusions", bigrams, true, 400, d => new LinearSvm(d, ModelSpec.SvmCost))),
            ("nb-proj", new("nb, bigrams, title twice, presumed exclusions", bigrams, true, 400, d => new NaiveBayes(d, useBackground: true))),
            ("lr-proj", new("logistic, bigrams, title twice, presumed exclusions", bigrams, true, 400, d => new LogisticRegression(d))),
            ("lr-bi", new("logistic, bigrams, title once, none presumed", bigrams, false, 0, d => new LogisticRegression(d))),
            ("lr-uni-t2", new("logistic, words, title twice, none presumed", new TfIdfOptions(Bigrams: false, SublinearTf: false), true, 0, d => new LogisticRegression(d))),
            ("lr-uni-bg", new("logistic, words, title once, presumed exclusions", new TfIdfOptions(Bigrams: false, SublinearTf: false), false, 400, d => new LogisticRegression(d))),
            // Session 8: the project's three beside the three peers exactly as the peers read records (title once, words or
            // words and bigrams, nothing presumed), all six weighted out of fold; and weighing by average precision.
            ("w6", Six("six: the project's three and the peers' three, weighted by AUC (T 0.02 sharpening)", FoldMetric.Auc, 0.02)),
            ("w6ap", Six("six: the project's three and the peers' three, weighted by average precision (T 0.05 sharpening)", FoldMetric.AveragePrecision, 0.05)),
            ("w3ap-s", Members("out-of-fold weighted by average precision (T 0.05 sharpening)", bigrams, FoldMetric.AveragePrecision, 0.05, true)),
            ("w3ap-s2", Members("out-of-fold weighted by average precision (T 0.02 sharpening)", bigrams, FoldMetric.AveragePrecision, 0.02, true)),
            ("w4s", BesideSvmPeer("four: the project's three and the SVM peer as it reads records, weighted by AUC (T 0.02 sharpening)", FoldMetric.Auc)),
            ("w4s-ap", BesideSvmPeer("four: the project's three and the SVM peer as it reads records, weighted by average precision (T 0.02 sharpening)", FoldMetric.AveragePrecision)),
            ("w3nobg-s", new("out-of-fold weighted (T 0.02 sharpening), SVM and logistic on people's labels only", bigrams, true, 400, d => new WeightedEnsemble("w3nobg-s",
                [() => new LabelsOnly(new LinearSvm(d, ModelSpec.SvmCost)), () => new NaiveBayes(d, useBackground: true), () => new LabelsOnly(new LogisticRegression(d, logOdds: true))],
                sharpen: true))),
        ];
    }
}
