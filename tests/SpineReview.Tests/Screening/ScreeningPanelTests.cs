using SpineReview.Screening.Evaluation;
using SpineReview.Screening.Learning;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>The peers' learners on constructed data, the panel runner's search and skips, and the panel on the corpus.</summary>
public sealed class ScreeningPanelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spine-panel-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Includes use words 0-4, exclusions words 5-9; every record also has one of the shared words 10-14.
    private static (List<SparseVector> X, List<bool> Y) Separable(int includes, int exclusions, int seed)
    {
        var random = new Random(seed);
        var x = new List<SparseVector>();
        var y = new List<bool>();
        for (var i = 0; i < includes + exclusions; i++)
        {
            var include = i < includes;
            var first = include ? 0 : 5;
            var words = new SortedSet<int> { first + i % 5, first + random.Next(5), 10 + random.Next(5) };
            var values = words.Select(_ => (float)(1 / Math.Sqrt(words.Count))).ToArray();
            x.Add(new SparseVector([.. words], values));
            y.Add(include);
        }
        return (x, y);
    }

    public static TheoryData<string> Learners => ["svm", "logistic", "naive_bayes", "ensemble", "weighted"];

    private static IRelevanceModel Create(string name) => name switch
    {
        "svm" => new LinearSvm(15),
        "logistic" => new LogisticRegression(15),
        "naive_bayes" => new NaiveBayes(15),
        "ensemble" => new Ensemble("svm+nb", new LinearSvm(15), new NaiveBayes(15)),
        _ => new WeightedEnsemble("svm+nb+lr", [() => new LinearSvm(15), () => new NaiveBayes(15), () => new LogisticRegression(15)]),
    };

    [Theory]
    [MemberData(nameof(Learners))]
    public void Fit_SeparableRareIncludes_RanksEveryUnseenIncludeFirst(string learner)
    {
        // 5 includes against 100 exclusions: without class balance a learner calls everything an exclusion.
        var (x, y) = Separable(5, 100, 1);
        var model = Create(learner);
        model.Fit(x, y, []);
        var (tx, ty) = Separable(10, 40, 2);
        var ranked = Enumerable.Range(0, tx.Count).OrderByDescending(i => model.Score(tx[i])).ToList();
        Assert.All(ranked.Take(10), i => Assert.True(ty[i], $"{learner}: an exclusion ranked among the first 10"));
    }

    [Fact]
    public void LinearSvm_Separable_PutsTrainingRecordsOnTheRightSideWithAMargin()
    {
        var (x, y) = Separable(5, 50, 3);
        var svm = new LinearSvm(15);
        svm.Fit(x, y, []);
        for (var i = 0; i < x.Count; i++)
            Assert.True(y[i] ? svm.Score(x[i]) > 0.5 : svm.Score(x[i]) < -0.5, $"record {i} ({y[i]}) scored {svm.Score(x[i])}");
    }

    [Fact]
    public void LinearSvm_WarmStartAfterOneMoreLabel_RanksAsAFitFromZero()
    {
        var (x, y) = Separable(6, 80, 4);
        var warm = new LinearSvm(15, tolerance: 1e-4, maxEpochs: 500);
        warm.Fit(x.Take(60).ToList(), y.Take(60).ToList(), []);
        warm.Fit(x, y, []);
        var cold = new LinearSvm(15, tolerance: 1e-4, maxEpochs: 500);
        cold.Fit(x, y, []);
        // The dual problem has one optimum: the warm start reaches the same plane.
        foreach (var v in x) Assert.Equal(cold.Score(v), warm.Score(v), 2);
    }

    private void WriteAsReview(string name, int includes, int exclusions)
    {
        var lines = new List<string> { "record_id,title,abstract,label_included" };
        for (var i = 0; i < includes; i++) lines.Add($"{i},Lumbar spine MRI deep learning study {i},Convolutional network grades disc degeneration on MRI,1");
        for (var i = 0; i < exclusions; i++) lines.Add($"{includes + i},Dental caries on radiographs {i},Bitewing radiographs of teeth read by dentists,0");
        File.WriteAllLines(Path.Combine(_folder, name), lines);
    }

    [Fact]
    public void Run_ASetWithLabelsOnly_IsListedAsSkippedWithWhy_TheOthersRun()
    {
        WriteAsReview("Small_2024.csv", 5, 40);
        Directory.CreateDirectory(Path.Combine(_folder, "nested", "deeper"));
        WriteAsReview(Path.Combine("nested", "deeper", "Other_2023.csv"), 4, 30);
        // An index of the sets is not a labelled set: passed over.
        File.WriteAllText(Path.Combine(_folder, "index.csv"), "dataset_id,url\nSmall_2024,http://example.org\n");
        var labelsOnly = Directory.CreateDirectory(Path.Combine(_folder, "synergy", "LabelsOnly_2021")).FullName;
        File.WriteAllText(Path.Combine(labelsOnly, "labels.csv"), "openalex_id,label_included\nhttps://openalex.org/W1,1\nhttps://openalex.org/W2,0\n");

        Assert.Equal(["Small_2024", "nested/deeper/Other_2023", "synergy/LabelsOnly_2021"], ScreeningPanel.Find(_folder).Select(s => s.Name));
        var lines = new List<string>();
        var result = ScreeningPanel.Run(_folder, 2, 1, new SyncLines(lines));
        Assert.Equal(["Small_2024", "nested/deeper/Other_2023"], result.Sets.Select(s => s.Name));
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("synergy/LabelsOnly_2021", skipped.Name);
        Assert.Contains("labels only and cannot be screened by text", skipped.Reason, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("synergy/LabelsOnly_2021: skipped", StringComparison.Ordinal));
        // Every model on every set, the project's first; the mean is over the sets run.
        Assert.All(result.Sets, r => Assert.Equal(ScreeningPanel.Models.Select(m => m.Id), r.Models.Select(m => m.Id)));
        Assert.Equal(["project", "naive_bayes", "svm", "logistic"], result.Mean.Select(m => m.Id));
        Assert.Equal(result.Sets.Average(r => r.Models[2].Wss95), result.Mean[2].Wss95, 3);
        // Separable text: every model finds every inclusion within the first tenth.
        Assert.All(result.Sets.SelectMany(r => r.Models), m => Assert.Equal(1.0, m.Rrf10));
    }

    /// <summary>Collects progress lines as they are reported (no thread hop, unlike Progress).</summary>
    private sealed class SyncLines(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines) lines.Add(value);
        }
    }

    [SkippableFact]
    public void Find_TheCorpusPanel_NineteenSetsAndMuthuSkippedForItsMissingTexts()
    {
        var folder = TestPaths.Corpus("screening");
        var sets = ScreeningPanel.Find(folder);
        Assert.Equal(20, sets.Count);
        Assert.DoesNotContain(sets, s => s.Name.EndsWith("index", StringComparison.Ordinal));
        var muthu = sets.Single(s => s.Name == "synergy/Muthu_2021");
        var (data, reason) = ScreeningPanel.TryRead(muthu);
        Assert.Null(data);
        Assert.Contains("no works_*.zip", reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void StoppingSimulation_CorpusSet_StopsAfterARandomSampleWithRecallAtLeastAtTheSwitch()
    {
        var data = ScreeningDataset.Read(TestPaths.Corpus("screening", "asreview_srd", "Cohen_2006_Antihistamines.csv"));
        var spec = ModelSpec.Project;
        var features = spec.Vectorize([.. data.Select(d => (d.Title, (string?)d.Abstract))]);
        var run = StoppingSimulation.Run(data, features, spec, 1, 0.95, 0.95);
        var again = StoppingSimulation.Run(data, features, spec, 1, 0.95, 0.95);
        Assert.Equal(run, again);
        Assert.True(run.Sampled > 0, "the rule cannot stop before sampling");
        Assert.True(run.TrueRecall >= run.RecallAtSwitch);
        Assert.True(run.Ranked + run.Sampled <= data.Count);
        // The rule's own statement at the stop, recomputed: the sample it drew rejects recall below 0.95.
        Assert.True(run.Stopped || run.Ranked + run.Sampled == data.Count);
    }
}
