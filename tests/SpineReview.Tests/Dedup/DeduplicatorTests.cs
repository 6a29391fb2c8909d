using SpineReview.Dedup;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Dedup;

public class DeduplicatorTests
{
    private static DedupRecord R(string id, string title, string authors = "Smith, J and Doe, A", int? year = 2020, string venue = "Spine",
        string volume = "45", string pages = "100-110", string? doi = null) => new(id, title, authors, year, venue, volume, "", pages, doi, "");

    private static List<List<string>> Groups(params DedupRecord[] records) => Deduplicator.FindGroups(records);

    [Fact]
    public void FindGroups_SameArticleWithDatabaseAnnotations_Merged() =>
        Assert.Single(Groups(
            R("a", "Deep learning grading of lumbar stenosis on MRI"),
            R("b", "Deep learning grading of lumbar stenosis on MRI. (Structured abstract)", venue: "SPINE"),
            R("c", "Deep learning grading of lumbar stenosis on MRI.[Erratum appears in Spine. 2021;46(2):E10]")));

    [Fact]
    public void FindGroups_ErratumAndItsArticle_NotMerged() =>
        Assert.Empty(Groups(
            R("a", "Deep learning grading of lumbar stenosis on MRI"),
            R("b", "Erratum: Deep learning grading of lumbar stenosis on MRI", pages: "")));

    [Fact]
    public void FindGroups_GenericTitleDifferentIssues_NotMerged() =>
        Assert.Empty(Groups(R("a", "Editorial", pages: "1"), R("b", "Editorial", pages: "3")));

    [Fact]
    public void FindGroups_SameConferenceIntroductionTwoYears_NotMerged() =>
        Assert.Empty(Groups(R("a", "Introduction to the minitrack on crowdsourcing", year: 2021, pages: ""), R("b", "Introduction to the minitrack on crowdsourcing", year: 2022, pages: "")));

    [Fact]
    public void FindGroups_SupplementDoiSharedByTwoAbstracts_NotMerged() =>
        Assert.Empty(Groups(
            R("a", "Inhibition of DPP-4 activity in atherosclerosis", pages: "S69", doi: "10.1007/s00125-013-3012-z"),
            R("b", "Suppressive effect of a DPP-4 inhibitor on atherosclerosis", pages: "S69", doi: "https://doi.org/10.1007/S00125-013-3012-Z")));

    [Fact]
    public void FindGroups_SameDoiInAnotherForm_Merged() =>
        Assert.Single(Groups(
            R("a", "Automated Cobb angle measurement with deep learning", doi: "10.1000/xyz"),
            R("b", "Automated Cobb angle measurement with deep learning.", pages: "", doi: "https://doi.org/10.1000/XYZ")));

    [Fact]
    public void FindGroups_TranslatedTitleInBrackets_Merged() =>
        Assert.Single(Groups(R("a", "[Protective effects of incretin on atherosclerosis]. [Japanese]"), R("b", "Protective effects of incretin on atherosclerosis")));

    [Fact]
    public void BandedSimilarity_ExactAtOrAboveTheMinimum_BelowItOtherwise()
    {
        var random = new Random(7);
        string Mutate(string t, int edits)
        {
            var chars = t.ToList();
            for (var e = 0; e < edits && chars.Count > 0; e++)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars[at] = (char)('a' + random.Next(26)); break;
                    case 1: chars.RemoveAt(at); break;
                    default: chars.Insert(at, (char)('a' + random.Next(26))); break;
                }
            }
            return new string(chars.ToArray());
        }
        var checkedPairs = 0;
        for (var n = 0; n < 3000; n++)
        {
            var a = new string(Enumerable.Range(0, random.Next(1, 120)).Select(_ => (char)('a' + random.Next(6))).ToArray());
            var b = Mutate(a, random.Next(0, 30));
            var minimum = new[] { 0.8, 0.85, 0.9, 0.93 }[random.Next(4)];
            var full = Normalise.Similarity(a, b);
            var banded = Normalise.Similarity(a, b, minimum);
            if (full >= minimum) Assert.Equal(full, banded, 12);
            else Assert.True(banded < minimum, $"{a} / {b}: full {full}, banded {banded}, minimum {minimum}");
            checkedPairs++;
        }
        Assert.Equal(3000, checkedPairs);
    }

    [Fact]
    public void Similarity_IdenticalAndDisjoint_AreOneAndLow()
    {
        Assert.Equal(1, Normalise.Similarity("abc", "abc"));
        Assert.True(Normalise.Similarity("abcdef", "uvwxyz") < 0.2);
    }

    [Theory]
    [InlineData("29 (7)", "29")]
    [InlineData("147 Suppl 1", "147")]
    [InlineData("Korsakova. Part 2. 117", "117")]
    [InlineData("", "")]
    public void Digits_VolumeFields_GiveTheVolume(string field, string expected) => Assert.Equal(expected, Normalise.Digits(field));

    [Fact]
    public void Eval_SpecialCases_FindsTheThreeTrueGroupsOnly()
    {
        var folder = Path.Combine(TestPaths.Fixtures, "dedup", "special_cases");
        var records = DedupFiles.ReadRecords(Path.Combine(folder, "records_pre_merged.csv"));
        var truth = DedupFiles.ReadTruth(Path.Combine(folder, "merged_record_ids.csv"));
        var score = DedupEvaluation.Score(records.Count, truth, Deduplicator.FindGroups(records), 0);
        Assert.Equal(12, score.Records);
        Assert.Equal(0, score.FalsePositivePairs);
        Assert.Equal(1.0, score.Recall);
    }

    [Fact]
    public void Eval_CytologyScreening_NoFalseMergeAndRecallAtLeast099() =>
        AssertNoFalseMergeAndRecallAtLeast099(TestPaths.Fixture("dedup", "cytology_screening", "records_pre_merged.csv"),
            TestPaths.Fixture("dedup", "cytology_screening", "merged_record_ids.csv"));

    // The ASySD records are GPL-licensed: read by path, skipped where the corpus is not beside the project.
    [SkippableFact]
    public void Eval_AsysdDiabetes_NoFalseMergeAndRecallAtLeast099() =>
        AssertNoFalseMergeAndRecallAtLeast099(TestPaths.Corpus("dedup", "asysd_diabetes", "labelled_test_set.csv"),
            TestPaths.Corpus("dedup", "asysd_diabetes", "merged_record_ids_from_bib_dedupe.csv"));

    private static void AssertNoFalseMergeAndRecallAtLeast099(string records, string truth)
    {
        var recs = DedupFiles.ReadRecords(records);
        var score = DedupEvaluation.Score(recs.Count, DedupFiles.ReadTruth(truth), Deduplicator.FindGroups(recs), 0);
        Assert.Equal(0, score.FalsePositivePairs);
        Assert.True(score.Recall >= 0.99, $"recall {score.Recall}");
    }
}
