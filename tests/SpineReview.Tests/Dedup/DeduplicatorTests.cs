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

    private static DedupRecord N(string id, string title, string authors, int? year, string venue, string volume, string number, string pages, string? doi = null) =>
        new(id, title, authors, year, venue, volume, number, pages, doi, "");

    [Fact]
    public void FindGroups_ErratumPrintedLater_NotGroupedButSentToAPerson()
    {
        var found = Deduplicator.Find([
            R("a", "Deep learning grading of lumbar stenosis on MRI"),
            R("b", "Erratum: Deep learning grading of lumbar stenosis on MRI", year: 2021, volume: "46", pages: "")]);
        Assert.Empty(found.Groups);
        Assert.Equal(1, found.ReviewPairs);
    }

    [Fact]
    public void FindGroups_ErratumPrintedAlongsideItsArticle_CountedWithItAsANotice()
    {
        var found = Deduplicator.Find([
            R("a", "Deep learning grading of lumbar stenosis on MRI"),
            R("b", "Erratum to: Deep learning grading of lumbar stenosis on MRI", pages: "111")]);
        Assert.Equal(["a", "b"], Assert.Single(found.Groups).Order());
        Assert.Equal(1, found.NoticeLinks);
    }

    [Fact]
    public void FindGroups_ErratumOfADifferentArticle_NotGrouped() =>
        Assert.Empty(Groups(
            R("a", "Deep learning grading of lumbar stenosis on MRI"),
            R("b", "Erratum: Deep learning grading of cervical stenosis on CT", pages: "111")));

    [Fact]
    public void FindGroups_SameTitleNextYearOtherVolumeAndPages_NotMerged() =>
        Assert.Empty(Groups(
            R("a", "Sponsorship and vendor management of spine registry projects", year: 2009, volume: "24", pages: "46-54"),
            R("b", "Sponsorship and vendor management of spine registry projects", year: 2010, volume: "25", pages: "56-64")));

    [Fact]
    public void FindGroups_SameTitleInAnotherSeriesOfTheJournal_NotMerged() =>
        Assert.Empty(Groups(
            R("a", "Machine learning prediction of outcomes after lumbar fusion", venue: "Journal of Neurosurgery", volume: "132", pages: "100-108"),
            R("b", "Machine learning prediction of outcomes after lumbar fusion", venue: "Journal of Neurosurgery: Spine", volume: "32", pages: "200-208")));

    [Fact]
    public void FindGroups_ColumnRecurringInEveryIssueOfAVolume_NotMerged() =>
        Assert.Empty(Groups(
            N("a", "Editor's comments on spine imaging", "Roe, R", 2015, "Spine Imaging", "32", "1", "1-8", "10.1/a"),
            N("b", "Editor's comments on spine imaging", "Roe, R", 2015, "Spine Imaging", "32", "2", "1-3", "10.1/b"),
            N("c", "Editor's comments on spine imaging", "Roe, R", 2015, "Spine Imaging", "32", "3", ""),
            N("d", "Editor's comments on spine imaging", "Roe, R", 2015, "Spine Imaging", "32", "4", "")));

    [Fact]
    public void FindGroups_PartsOfASeries_NotMerged() =>
        Assert.Empty(Groups(
            N("a", "Spine Imaging Congress 2019, Volume 1", "", 2019, "Spine Imaging Congress", "1", "", ""),
            N("b", "Spine Imaging Congress 2019, Volume 2", "", 2019, "Spine Imaging Congress", "2", "", "")));

    [Fact]
    public void FindGroups_OneAbstractPresentedAtTwoMeetings_NotMerged() =>
        Assert.Empty(Groups(
            N("a", "Vertebral fracture detection with a convolutional network", "Roe R.Doe J.Poe K.", 2012, "Osteoporosis International", "1)", "", "S334"),
            N("b", "Vertebral fracture detection with a convolutional network", "Doe J.Roe R.Poe K.", 2012, "Bone", "1)", "", "A254-A255")));

    [Fact]
    public void FindGroups_SubtitleDropped_Merged() =>
        Assert.Single(Groups(
            N("a", "Diminished contrast in spine MRI: a multicentre study of scanner drift", "Gould, S.J. and Cox, A.", 2016, "Spine Imaging", "23", "3", "1-29"),
            N("b", "Diminished contrast in spine MRI", "Gould, Sandy J and Cox, Anna", 2016, "Spine Imaging", "23", "3", "1--29")));

    [Fact]
    public void FindGroups_TitleInTwoLanguagesSamePageRange_Merged() =>
        Assert.Single(Groups(
            N("a", "Automated grading of spinal stenosis in routine care", "Greef, S. and Sperling, H.", 2020, "Industrielle Beziehungen", "27", "2", "205--226"),
            N("b", "Automatisierte Graduierung der Spinalkanalstenose in der Routineversorgung", "Greef, Samuel and Sperling, Hans", 2020, "Industrielle Beziehungen", "27", "2", "205 -- 226")));

    [Fact]
    public void FindGroups_SamePageRangeAnotherIssue_NotMerged() =>
        Assert.Empty(Groups(
            N("a", "Automated grading of spinal stenosis in routine care", "Greef, S.", 2020, "Spine Imaging", "27", "2", "205-226"),
            N("b", "Radiomics of osteoporotic vertebral fractures in older adults", "Greef, S.", 2020, "Spine Imaging", "27", "3", "205-226")));

    [Fact]
    public void FindGroups_PreprintWithJournalReferenceAndArticleRetitled_Merged() =>
        Assert.Single(Groups(
            N("a", "Multiclass tumour segmentation on spinal MRI with deep learning", "Lemay, A and Gros, C and Cohen, J", 2020, "NeuroImage: Clinical 31 (2021) 102766", "", "", ""),
            N("b", "Automatic multiclass intramedullary tumour segmentation on spinal MRI with deep learning", "Lemay A; Gros C; Cohen J", 2021, "NeuroImage. Clinical", "31", "", "102766")));

    [Fact]
    public void FindGroups_SameArticleNumberOtherAuthors_NotMerged() =>
        Assert.Empty(Groups(
            N("a", "Multiclass tumour segmentation on spinal MRI with deep learning", "Lemay, A and Gros, C and Cohen, J", 2021, "NeuroImage: Clinical", "31", "", "102766"),
            N("b", "Radiomics of vertebral fractures in older adults", "Lemay, A and Park, K and Kim, Y", 2021, "NeuroImage: Clinical", "31", "", "102766")));

    [Fact]
    public void FindGroups_ConferencePaperAndNextYearsProceedingsEntry_Merged() =>
        Assert.Single(Groups(
            N("a", "Call for bids to improve matching efficiency - evidence from spine clinics", "Guo, Xue and Gong, Jing", 2017, "International Conference on Information Systems", "", "", "1--12"),
            N("b", "Call for Bids to Improve Matching Efficiency: Evidence from Spine Clinics", "Guo, X. and Gong, J.", 2018, "ICIS : Transforming Society with Digital Innovation", "", "", "")));

    [Fact]
    public void FindGroups_AnnotationCutShortAndDiacriticLost_Merged() =>
        Assert.Single(Groups(
            N("a", "Economic analysis of MRI triage for low back pain in Sweden", "Östensson, E and Fröberg, M", 2010, "Acta Radiologica Scandinavica", "89", "", "1316-1325"),
            N("b", "Economic analysis of MRI triage for low back pain in Sweden.[Erratum appears in Acta Radiol Scand. 201", "Stensson, E and Frberg, M", 2010, "Acta Radiol Scand", "89", "", "1316-25")));

    [Fact]
    public void FindGroups_ShortTitleSameIssueNoPages_Merged() =>
        Assert.Single(Groups(
            N("a", "Coronary artery disease", "Barbara F.Max S.", 2013, "Journal of Clinical Hypertension. Conference: 28th Scientific Meeting", "15", "SUPPL. 1", "NA"),
            N("b", "Coronary artery disease", "Barbara F.Max S.", 2013, "Journal of Clinical Hypertension", "15", "SUPPL. 1", "NA")));

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
            // The character counts' bound only skips the table where it would have given "below": the very same value.
            Assert.Equal(banded, Normalise.Similarity(a, b, minimum, Normalise.CharacterCounts(a), Normalise.CharacterCounts(b)));
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

    // Pairs of titles with many letters in other numbers (the case the bound skips) and pairs that stay close: the same value with
    // the counts as without, on both sides of the minimum.
    [Fact]
    public void CountedSimilarity_DissimilarAndSimilarTitles_SameAsTheTable()
    {
        var random = new Random(11);
        var words = new[] { "spine", "lumbar", "deep", "learning", "mri", "ct", "segmentation", "vertebral", "fracture", "2020", "of", "in", "the" };
        int below = 0, close = 0;
        for (var n = 0; n < 2000; n++)
        {
            var a = string.Concat(Enumerable.Range(0, random.Next(3, 14)).Select(_ => words[random.Next(words.Length)]));
            var b = random.Next(2) == 0 ? a[..(a.Length / 2)] + string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => words[random.Next(words.Length)])) : a.Replace("e", "o");
            var (ca, cb) = (Normalise.CharacterCounts(a), Normalise.CharacterCounts(b));
            var plain = Normalise.Similarity(a, b, 0.8);
            Assert.Equal(plain, Normalise.Similarity(a, b, 0.8, ca, cb));
            if (plain < 0.8) below++; else close++;
        }
        Assert.True(below > 100 && close > 100, $"{below} below, {close} above");
    }

    // The pairs are judged in parallel: the groups (in their order), the pairs for a person and the links must not depend on how
    // many threads judged them, nor on which thread finished first (so each count of threads runs several times).
    [Fact]
    public void Find_OneTwoOrFourThreads_SameFindings()
    {
        var records = DedupFiles.ReadRecords(TestPaths.Fixture("dedup", "cytology_screening", "records_pre_merged.csv"));
        var one = Deduplicator.Find(records, null, 1);
        Assert.True(one.Groups.Count > 500 && one.ReviewPairs > 0, $"{one.Groups.Count} groups, {one.ReviewPairs} pairs for a person");
        foreach (var threads in new[] { 2, 2, 2, 4, 4 })
        {
            var many = Deduplicator.Find(records, null, threads);
            Assert.Equal(one.Groups, many.Groups);
            Assert.Equal((one.ReviewPairs, one.NoticeLinks, one.VersionLinks), (many.ReviewPairs, many.NoticeLinks, many.VersionLinks));
        }
    }

    // A pair that shares several blocking keys (the DOI, the title's start and end, the first author with year and page) is judged
    // once: a review pair counted twice would send a person the same pair twice.
    [Fact]
    public void Find_PairSharingEveryBlockingKey_CountedOnce()
    {
        var found = Deduplicator.Find([
            R("a", "Erratum: Deep learning grading of lumbar stenosis on MRI", doi: "10.1/x"),
            R("b", "Erratum: Deep learning grading of lumbar stenosis on MRI", year: 2023, volume: "48", doi: "10.1/x")]);
        Assert.Empty(found.Groups);
        Assert.Equal(1, found.ReviewPairs);
    }

    [Fact]
    public void Judge_DifferentDoisSettledWithoutTheTitle_StillReportsTheTitleSimilarity()
    {
        var options = new DedupOptions();
        var a = Fingerprint.Of(R("a", "Deep learning grading of lumbar stenosis on MRI", doi: "10.1/a"));
        var b = Fingerprint.Of(R("b", "Deep learning grading of lumbar stenosis on CT", pages: "200-210", doi: "10.1/b"));
        var (band, similarity) = Deduplicator.Judge(a, b, options);
        Assert.Equal(DedupBand.Distinct, band);
        Assert.Equal(Normalise.Similarity(a.Compact, b.Compact), similarity, 6);
    }

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

    [SkippableFact]
    public void Eval_DigitalWork_NoFalseMergeAndRecallAtLeast099() =>
        AssertNoFalseMergeAndRecallAtLeast099(TestPaths.Corpus("dedup", "bib_dedupe", "digital_work", "records_pre_merged.csv"),
            TestPaths.Corpus("dedup", "bib_dedupe", "digital_work", "merged_record_ids.csv"));

    // Every benchmark in the corpus, including any added later: the targets hold on each one, not on their sum.
    [SkippableFact]
    public void Eval_EveryCorpusBenchmark_NoFalseMergeAndRecallAtLeast099()
    {
        var sets = DedupEvaluation.Panel(TestPaths.Corpus("dedup"));
        Assert.True(sets.Count >= 4, $"{sets.Count} benchmarks");
        foreach (var set in sets) AssertNoFalseMergeAndRecallAtLeast099(set.Records, set.Truth);
    }

    private static void AssertNoFalseMergeAndRecallAtLeast099(string records, string truth)
    {
        var recs = DedupFiles.ReadRecords(records);
        var score = DedupEvaluation.Score(recs.Count, DedupFiles.ReadTruth(truth), Deduplicator.FindGroups(recs), 0);
        Assert.True(score.FalsePositivePairs == 0, $"{records}: {score.FalsePositivePairs} false-positive pairs");
        Assert.True(score.Recall >= 0.99, $"{records}: recall {score.Recall}");
    }
}
