using SpineReview.Extraction.Evaluation;
using SpineReview.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SpineReview.Tests.Extraction;

/// <summary>The abstract-level extractor on the development set and on the held-out set (written before the rules of form-1.3 changed): every field at 0.90 or better.</summary>
public class GoldScoreTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("extraction-dev.jsonl")]
    [InlineData("extraction-holdout.jsonl")]
    public void Score_AbstractGoldSet_EveryFieldAtLeast090(string file)
    {
        var gold = GoldSet.Read(Path.Combine(TestPaths.RepoRoot, "samples", "gold", file));
        var score = ExtractionEvaluation.Score(gold);
        foreach (var miss in score.Misses) output.WriteLine(miss);
        Assert.Superset(new HashSet<string> { "modality", "region", "task", "architectures", "metrics" }, score.SetFields.Keys.ToHashSet());
        Assert.Superset(new HashSet<string> { "condition", "subjects", "images", "external_validation", "code_available" }, score.ExactFields.Keys.ToHashSet());
        foreach (var (name, s) in score.SetFields) Assert.True(s.F1 >= 0.90, $"{file} {name}: F1 {s.F1:0.000}");
        foreach (var (name, s) in score.ExactFields) Assert.True(s.Accuracy >= 0.90, $"{file} {name}: accuracy {s.Accuracy:0.000}");
    }
}
