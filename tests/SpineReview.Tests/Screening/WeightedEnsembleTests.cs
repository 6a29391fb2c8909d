using SpineReview.Screening.Learning;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>The ensemble that weighs its learners by how they ranked the review's own labels out of fold.</summary>
public sealed class WeightedEnsembleTests
{
    /// <summary>
    /// A one-word learner: it scores a record by the weight of one feature. Real enough to be ranked on (it is a linear
    /// model with a single non-zero weight), and its quality on hand-made data is known in advance.
    /// </summary>
    private sealed class OneWord(int feature) : IRelevanceModel
    {
        public string Name => $"word {feature}";

        public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
        {
        }

        public double Score(SparseVector vector)
        {
            var k = Array.IndexOf(vector.Indices, feature);
            return k < 0 ? 0 : vector.Values[k];
        }
    }

    // Feature 0 marks every include; feature 1 is on every third record whatever its label; feature 2 is on every record.
    private static (List<SparseVector> X, List<bool> Y) Data(int includes, int exclusions)
    {
        var x = new List<SparseVector>();
        var y = new List<bool>();
        for (var i = 0; i < includes + exclusions; i++)
        {
            var include = i < includes;
            var words = new SortedSet<int> { 2 };
            if (include) words.Add(0);
            if (i % 3 == 0) words.Add(1);
            x.Add(new SparseVector([.. words], [.. words.Select(_ => 1f)]));
            y.Add(include);
        }
        return (x, y);
    }

    [Fact]
    public void Fit_OneLearnerRanksTheLabelsPerfectly_ItCarriesTheAverage()
    {
        var (x, y) = Data(10, 40);
        var ensemble = new WeightedEnsemble("test", [() => new OneWord(1), () => new OneWord(0)]);
        ensemble.Fit(x, y, []);

        Assert.Equal(1.0, ensemble.OutOfFoldScores[1], 6);
        Assert.InRange(ensemble.OutOfFoldScores[0], 0.3, 0.7);
        Assert.True(ensemble.Weights[1] > 0.999, $"the telling learner weighs {ensemble.Weights[1]}");
        Assert.Equal(1.0, ensemble.Weights.Sum(), 9);
        // An include without the noise word now scores above an exclusion with it (equal weights would tie them).
        var include = new SparseVector([0, 2], [1f, 1f]);
        var exclusion = new SparseVector([1, 2], [1f, 1f]);
        Assert.True(ensemble.Score(include) > ensemble.Score(exclusion));
    }

    [Fact]
    public void Fit_FewerIncludesThanFolds_LearnersWeighAlike()
    {
        var (x, y) = Data(4, 40);
        var ensemble = new WeightedEnsemble("test", [() => new OneWord(1), () => new OneWord(0)]);
        ensemble.Fit(x, y, []);
        Assert.Equal([0.5, 0.5], ensemble.Weights);
        Assert.All(ensemble.OutOfFoldScores, a => Assert.True(double.IsNaN(a)));
    }

    [Fact]
    public void Fit_LabelsGrowLessThanAQuarter_WeightsAreNotRefitted()
    {
        var made = 0;
        IRelevanceModel Make()
        {
            made++;
            return new OneWord(0);
        }
        var (x, y) = Data(10, 70);
        var ensemble = new WeightedEnsemble("test", [Make, Make]);
        Assert.Equal(2, made);
        ensemble.Fit(x.Take(40).ToList(), y.Take(40).ToList(), []);
        // Five folds for each of the two learners.
        Assert.Equal(12, made);
        ensemble.Fit(x.Take(49).ToList(), y.Take(49).ToList(), []);
        Assert.Equal(12, made);
        ensemble.Fit(x.Take(50).ToList(), y.Take(50).ToList(), []);
        Assert.Equal(22, made);
    }

    [Fact]
    public void HoldWeights_FitKeepsThemAndFitsNoFolds()
    {
        var made = 0;
        IRelevanceModel Make()
        {
            made++;
            return new OneWord(made % 2);
        }
        var (x, y) = Data(10, 40);
        var ensemble = new WeightedEnsemble("test", [Make, Make]);
        ensemble.HoldWeights([0.2, 0.8]);
        ensemble.Fit(x, y, []);
        Assert.Equal([0.2, 0.8], ensemble.Weights);
        Assert.Equal(2, made);
        Assert.Throws<ArgumentException>(() => ensemble.HoldWeights([1.0]));
    }

    [Fact]
    public void Project_LogisticRegressionSureOfTwoRecords_StillOrdersThemInTheAverage()
    {
        // Word 0 on every include, word 1 on every exclusion, word 2 on every third record: separable, so the logistic
        // regression becomes sure of anything carrying word 0.
        var x = new List<SparseVector>();
        var y = new List<bool>();
        for (var i = 0; i < 400; i++)
        {
            var include = i % 2 == 0;
            x.Add(i % 3 == 0 ? new SparseVector([include ? 0 : 1, 2], [0.8f, 0.6f]) : new SparseVector([include ? 0 : 1], [1f]));
            y.Add(include);
        }
        var sure = new SparseVector([0], [1f]);
        var lessSure = new SparseVector([0, 2], [0.6f, 0.8f]);
        var probability = new LogisticRegression(3);
        probability.Fit(x, y, []);
        Assert.InRange(probability.Score(lessSure), 0.95, 1.0);
        Assert.InRange(probability.Score(sure), 0.95, 1.0);

        // In the project's average each learner counts by its standardised score: probabilities of 0.98 and 0.998 would set
        // the two records 0.04 standard deviations apart (by their log-odds, about 0.4 standard deviations), leaving the top of the ranking to the others.
        var ensemble = (WeightedEnsemble)ModelSpec.Project.Model([3, 3]);
        // The project's plain SVM reads the records' second view: here the same words.
        ensemble.Fit([.. x.Select(v => v with { Beside = [v] })], y, []);
        var logistic = ensemble.Members[2];
        var (_, sd) = Ensemble.Spread(logistic, x, []);
        var gap = (logistic.Score(sure) - logistic.Score(lessSure)) / sd;
        Assert.True(gap > 0.2, $"the logistic regression sets the two records {gap:0.0000} standard deviations apart");
        // Scored by its probability (as the project's model did before), the same learner fails that bar.
        var (_, sdProbability) = Ensemble.Spread(probability, x, []);
        Assert.True((probability.Score(sure) - probability.Score(lessSure)) / sdProbability < 0.2);
    }

    // Two learners with the same AUC: word 0 is on no record, so every inclusion ties with every exclusion (each sits in
    // the middle); word 1 puts the first half of the inclusions above every exclusion and the other half below them all.
    private static (List<SparseVector> X, List<bool> Y) SameAucDifferentTail(int includes, int exclusions)
    {
        var x = new List<SparseVector>();
        var y = new List<bool>();
        for (var i = 0; i < includes; i++)
        {
            x.Add(new SparseVector([1, 2], [i < includes / 2 ? 1f : -1f, 1f]));
            y.Add(true);
        }
        for (var i = 0; i < exclusions; i++)
        {
            x.Add(new SparseVector([2], [1f]));
            y.Add(false);
        }
        return (x, y);
    }

    [Fact]
    public void Fit_SameAucButOneBuriesHalfTheInclusions_LastInclusionsWeighsTheOtherUp()
    {
        var (x, y) = SameAucDifferentTail(10, 40);
        var byAuc = new WeightedEnsemble("test", [() => new OneWord(0), () => new OneWord(1)]);
        byAuc.Fit(x, y, []);
        Assert.Equal(0.5, byAuc.OutOfFoldScores[0], 9);
        Assert.Equal(0.5, byAuc.OutOfFoldScores[1], 9);
        Assert.Equal([0.5, 0.5], byAuc.Weights);

        // Screening to 95% recall has to reach the buried half: the learner that leaves every inclusion in the middle is
        // the one to follow.
        var byTail = new WeightedEnsemble("test", [() => new OneWord(0), () => new OneWord(1)], metric: FoldMetric.LastInclusions);
        byTail.Fit(x, y, []);
        Assert.Equal(0.5, byTail.OutOfFoldScores[0], 9);
        Assert.Equal(0.0, byTail.OutOfFoldScores[1], 9);
        Assert.True(byTail.Weights[0] > 0.999, $"the learner that buries no inclusion weighs {byTail.Weights[0]}");
    }

    [Fact]
    public void Fit_Sharpen_TheSameLeadWeighsMoreAsInclusionsGrow()
    {
        double Ratio(int includes, bool sharpen)
        {
            var (x, y) = SameAucDifferentTail(includes, 4 * includes);
            var ensemble = new WeightedEnsemble("test", [() => new OneWord(0), () => new OneWord(1)], temperature: 0.5,
                metric: FoldMetric.LastInclusions, sharpen: sharpen);
            ensemble.Fit(x, y, []);
            return ensemble.Weights[1] / ensemble.Weights[0];
        }
        // A lead of 0.5 at temperature 0.5 is e^-1 whatever the labels; sharpened, the temperature is 0.5 sqrt(5 / inclusions).
        Assert.Equal(Math.Exp(-1), Ratio(10, false), 9);
        Assert.Equal(Math.Exp(-1), Ratio(40, false), 9);
        Assert.Equal(Math.Exp(-0.5 / (0.5 * Math.Sqrt(5 / 10.0))), Ratio(10, true), 9);
        Assert.Equal(Math.Exp(-0.5 / (0.5 * Math.Sqrt(5 / 40.0))), Ratio(40, true), 9);
    }

    [Fact]
    public void Project_TemperatureShrinksWithTheInclusions()
    {
        var project = (WeightedEnsemble)ModelSpec.Project.Model([3, 3]);
        Assert.Equal(0.02, project.TemperatureAt(5), 9);
        Assert.Equal(0.01, project.TemperatureAt(20), 9);
        Assert.Equal(0.005, project.TemperatureAt(80), 9);
        // Before there are enough inclusions to weigh, nothing sharpens beyond the 5-inclusion temperature.
        Assert.Equal(0.02, project.TemperatureAt(1), 9);
        var fixedTemperature = (WeightedEnsemble)ModelSpec.FixedTemperature.Create(3);
        Assert.Equal(0.02, fixedTemperature.TemperatureAt(80), 9);
    }

    [Fact]
    public void AveragePrecision_PrecisionAtEachInclusionAveraged()
    {
        // Ranked: inclusion 0.9 (1 of 1), exclusion 0.8, inclusion 0.5 (2 of 3), exclusion 0.1.
        Assert.Equal((1 + 2.0 / 3) / 2, Auc.AveragePrecision([0.5, 0.9], [0.1, 0.8]), 9);
        // An exclusion tied with an inclusion counts as half above it: 1 / 1.5.
        Assert.Equal(1 / 1.5, Auc.AveragePrecision([0.7], [0.2, 0.7]), 9);
        Assert.Equal(1.0, Auc.AveragePrecision([0.9, 0.8], [0.1]), 9);
    }

    [Fact]
    public void Fit_SameAucButOneHoldsTheTop_AveragePrecisionWeighsItUp()
    {
        // 5 inclusions and 10 exclusions: each fold holds out one inclusion and two exclusions. The first learner puts four
        // inclusions above every exclusion and buries the fifth below them all; the second puts three above and ties two
        // with the exclusions. Both have an AUC of 0.8, but the first puts more inclusions first, where screening reads:
        // average precision 0.867 against 0.8.
        var x = new List<SparseVector>();
        var y = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            x.Add(new SparseVector([0, 1], [i < 4 ? 3f : 0f, i < 3 ? 3f : 1f]));
            y.Add(true);
        }
        for (var i = 0; i < 10; i++)
        {
            x.Add(new SparseVector([0, 1], [1f, 1f]));
            y.Add(false);
        }
        var byAuc = new WeightedEnsemble("auc", [() => new OneWord(0), () => new OneWord(1)]);
        var byPrecision = new WeightedEnsemble("ap", [() => new OneWord(0), () => new OneWord(1)], metric: FoldMetric.AveragePrecision);
        byAuc.Fit(x, y, []);
        byPrecision.Fit(x, y, []);

        Assert.Equal(0.8, byAuc.OutOfFoldScores[0], 9);
        Assert.Equal(0.8, byAuc.OutOfFoldScores[1], 9);
        Assert.Equal(0.5, byAuc.Weights[1], 9);
        Assert.Equal((4 + 1 / 3.0) / 5, byPrecision.OutOfFoldScores[0], 9);
        Assert.Equal(0.8, byPrecision.OutOfFoldScores[1], 9);
        Assert.True(byPrecision.Weights[1] < 0.05, $"average precision leaves the second learner {byPrecision.Weights[1]:0.000} of the average");
    }

    [Fact]
    public void LastInclusions_MeanOfTheWorseHalf()
    {
        Assert.Equal(1.0, Auc.LastInclusions([0, 0, 0, 0]), 9);
        // The worse half of four: 0.6 and 0.4.
        Assert.Equal(0.5, Auc.LastInclusions([0.1, 0.6, 0.0, 0.4]), 9);
        // Of five, the worse three (the middle one counts).
        Assert.Equal(1 - (0.9 + 0.5 + 0.3) / 3, Auc.LastInclusions([0.3, 0.1, 0.9, 0.0, 0.5]), 9);
        Assert.Equal(0.5, Auc.LastInclusions([]), 9);
    }

    [Fact]
    public void CountBelow_TiesCountHalf()
    {
        double[] sorted = [0.1, 0.2, 0.2, 0.2, 0.5];
        Assert.Equal(0, Auc.CountBelow(sorted, 0.0));
        Assert.Equal(1 + 1.5, Auc.CountBelow(sorted, 0.2));
        Assert.Equal(4, Auc.CountBelow(sorted, 0.3));
        Assert.Equal(5, Auc.CountBelow(sorted, 0.9));
        Assert.Equal(0, Auc.CountBelow([], 0.9));
    }
}
