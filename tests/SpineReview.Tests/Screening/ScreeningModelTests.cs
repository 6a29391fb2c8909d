using SpineReview.Screening;
using SpineReview.Screening.Evaluation;
using SpineReview.Screening.Learning;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>The pure parts: outcomes, agreement, recall, the simulation's figures, the model on a real labelled review.</summary>
public class ScreeningModelTests
{
    private static ReviewerDecision D(string who, Verdict v, string? reason = null, DecisionRole role = DecisionRole.Screen, int minute = 0) =>
        new("k", who, role, v, reason, null, new DateTimeOffset(2026, 1, 1, 0, minute, 0, TimeSpan.Zero), null);

    [Fact]
    public void Outcome_AgreementSettles_DisagreementOrUnsureIsAConflict()
    {
        Assert.Equal(ScreeningStatus.Pending, ScreeningRules.Outcome([D("a", Verdict.Include)], 2).Status);
        var included = ScreeningRules.Outcome([D("a", Verdict.Include), D("b", Verdict.Include)], 2);
        Assert.Equal((ScreeningStatus.Final, (bool?)true), (included.Status, included.Included));
        // Both exclude for different reasons: the first reason in protocol order is the record's reason.
        var excluded = ScreeningRules.Outcome([D("a", Verdict.Exclude, "not_deep_learning"), D("b", Verdict.Exclude, "not_spine")], 2);
        Assert.Equal((ScreeningStatus.Final, (bool?)false, "not_spine"), (excluded.Status, excluded.Included, excluded.Reason));
        Assert.Equal(ScreeningStatus.Conflict, ScreeningRules.Outcome([D("a", Verdict.Include), D("b", Verdict.Unsure)], 2).Status);
        Assert.Equal(ScreeningStatus.Conflict, ScreeningRules.Outcome([D("a", Verdict.Include), D("b", Verdict.Exclude, "review")], 2).Status);
        var resolved = ScreeningRules.Outcome([D("a", Verdict.Include), D("b", Verdict.Exclude, "review"), D("c", Verdict.Include, role: DecisionRole.Resolve, minute: 5)], 2);
        Assert.Equal((ScreeningStatus.Final, (bool?)true, "resolved by c"), (resolved.Status, resolved.Included, resolved.How));
    }

    [Fact]
    public void CohensKappa_KnownTable()
    {
        // 50 items: both yes 20, both no 15, a-yes/b-no 5, a-no/b-yes 10. po = 0.70; pe = 0.5*0.6 + 0.5*0.4 = 0.50; kappa = 0.40.
        var pairs = Enumerable.Repeat(("Y", "Y"), 20).Concat(Enumerable.Repeat(("N", "N"), 15))
            .Concat(Enumerable.Repeat(("Y", "N"), 5)).Concat(Enumerable.Repeat(("N", "Y"), 10)).ToList();
        var k = ScreeningStatistics.CohensKappa(pairs);
        Assert.Equal(0.70, k.Observed, 10);
        Assert.Equal(0.50, k.Expected, 10);
        Assert.Equal(0.40, k.Value, 10);
        Assert.Equal(0, ScreeningStatistics.CohensKappa([]).Pairs);
    }

    [Fact]
    public void EstimateRecall_CountsUnscreenedAndAuditedMisses()
    {
        var r = ScreeningStatistics.EstimateRecall(found: 45, unscreenedProbabilities: [0.5, 0.3, 0.2], autoExcluded: 200, audited: 20, auditIncluded: 1);
        Assert.Equal(1.0, r.ExpectedUnscreened, 10);
        Assert.Equal(10.0, r.ExpectedAutoExcluded, 10);
        Assert.Equal(45.0 / 56.0, r.Recall, 10);
        var none = ScreeningStatistics.EstimateRecall(10, [], autoExcluded: 100, audited: 30, auditIncluded: 0);
        Assert.Equal(0, none.ExpectedAutoExcluded);
        Assert.Equal(10.0, none.AutoExcludedUpper95, 10); // rule of three: 3/30 of 100
    }

    [Fact]
    public void SimulationScore_WorkSavedAtNinetyFivePercent()
    {
        // 22 records, 3 inclusions (one is the seed): 20 records and 2 inclusions remain. Found at positions 1 and 4.
        var truth = new bool[22];
        truth[0] = truth[1] = truth[2] = true;
        var order = new List<int> { 1, 5, 6, 2 };
        var s = ScreeningSimulation.Score(order, truth);
        // 95% of 2 needs both: 4 screened. WSS@95 = (20 - 4)/20 - 0.05 = 0.75; RRF@10: after 2 records, 1 of 2.
        Assert.Equal(0.75, s.Wss95, 10);
        Assert.Equal(0.80, s.Wss100, 10);
        Assert.Equal(0.5, s.Rrf10, 10);
        Assert.Equal(4, s.ScreenedAt95);
    }

    [Fact]
    public void Rank_ColdStart_ProtocolCriteriaPutSpineImagingFirst()
    {
        RankInput R(string key, string title) => new(key, title, title, null);
        var result = RelevanceRanker.Rank(
            [R("a", "Hip fracture outcomes after surgery: a registry study"), R("b", "Deep learning segmentation of lumbar vertebrae on CT"),
             R("c", "Nurse staffing and patient falls")],
            [("Breast cancer screening with mammography", null), ("Statin use and cholesterol", null)], new RankOptions());
        Assert.True(result.ColdStart);
        Assert.Equal("b", result.Ranked[0].Key);
        Assert.False(result.Calibrated);
    }

    [Fact]
    public void Rank_WarmModel_IsCalibratedAndSetsALowThresholdWithEnoughInclusions()
    {
        var inputs = new List<RankInput>();
        for (var i = 0; i < 25; i++) inputs.Add(new($"in{i}", $"Deep learning lumbar spine MRI study {i}", "convolutional network graded disc degeneration on MRI", true));
        for (var i = 0; i < 40; i++) inputs.Add(new($"ex{i}", $"Dental caries radiographs study {i}", "caries on bitewing radiographs of teeth", false, ReasonCodes.NotSpine));
        inputs.Add(new("p1", "Spine MRI deep learning for disc herniation", "network on lumbar MRI", null));
        inputs.Add(new("p2", "Teeth radiographs and caries", "bitewing caries", null));
        var result = RelevanceRanker.Rank(inputs, [], new RankOptions());
        Assert.True(result.Calibrated);
        Assert.NotNull(result.LowThreshold);
        Assert.Equal(["p1", "p2"], result.Ranked.Select(r => r.Key));
        Assert.True(result.Ranked[0].Probability > 0.5 && result.Ranked[1].Probability < 0.5);
        Assert.Equal(ReasonCodes.NotSpine, result.Ranked[1].LikelyReason);
    }

    [Fact]
    public void ScreeningDataset_ReadsBothFormats_AndRejectsBadLabels()
    {
        var kitchenham = ScreeningDataset.Read(TestPaths.Fixture("screening", "asreview_srd", "Kitchenham_2010.csv"));
        Assert.Equal((1704, 45), (kitchenham.Count, kitchenham.Count(r => r.Included)));
        var synergy = ScreeningDataset.Read(TestPaths.Fixture("screening", "synergy", "Jeyaraman_2020"));
        Assert.Equal((1175, 96), (synergy.Count, synergy.Count(r => r.Included)));
        Assert.True(synergy.Count(r => r.Abstract.Length > 0) > 1000, "abstracts rebuilt from OpenAlex's inverted index");

        var bad = Path.GetTempFileName();
        try
        {
            File.WriteAllText(bad, "title,abstract,label_included\nA,B,1\nC,D,yes\n");
            var e = Assert.Throws<FormatException>(() => ScreeningDataset.Read(bad));
            Assert.Contains("label_included is \"yes\"", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    // The Cohen 2006 sets have their own licence: read by path (the screening benchmark uses this one).
    [SkippableFact]
    public void ScreeningDataset_CohenAceInhibitors_Has2544RecordsWith41Included()
    {
        var ace = ScreeningDataset.Read(TestPaths.Corpus("screening", "asreview_srd", "Cohen_2006_ACEInhibitors.csv"));
        Assert.Equal((2544, 41), (ace.Count, ace.Count(r => r.Included)));
    }

    [Fact]
    public void Platt_WellSeparatedScores_StaysOrderedAndBounded()
    {
        var scores = Enumerable.Range(0, 30).Select(i => -25.0 - i).Concat(Enumerable.Range(0, 10).Select(i => 25.0 + i)).ToList();
        var labels = Enumerable.Repeat(false, 30).Concat(Enumerable.Repeat(true, 10)).ToList();
        var (a, b) = RelevanceRanker.Platt(scores, labels);
        Assert.True(a > 0, $"slope {a}: the order of the scores must be kept");
        double P(double x) => 1 / (1 + Math.Exp(-(a * x + b)));
        Assert.True(P(25) > 0.8 && P(-25) < 0.2, $"p(25) = {P(25)}, p(-25) = {P(-25)}");
    }

    [Fact]
    public void Quality_CountsTheAuditAndLeavesModelExclusionsOutOfPeoplesCounts()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        QueueEntry Q(string key, ScreeningStatus status, bool? included, bool audit = false, bool auto = false, double p = 0.2) =>
            new(key, p, [], status, included, included == false ? ReasonCodes.NotSpine : null, "", audit, auto, at, at, default);
        var queue = new List<QueueEntry>
        {
            Q("a", ScreeningStatus.Final, true), Q("b", ScreeningStatus.Final, false),
            Q("c", ScreeningStatus.Final, false, audit: true), Q("d", ScreeningStatus.Final, true, audit: true),
            Q("e", ScreeningStatus.Final, false, auto: true), Q("f", ScreeningStatus.Final, false, auto: true),
            Q("g", ScreeningStatus.Pending, null, p: 0.25), Q("h", ScreeningStatus.Conflict, null, p: 0.75),
        };
        var model = new ModelSummary(1, at, "m", 2, 2, 2, false, Calibrated: true, 0.01, 0.5, [], "", 2, 2, 0);
        var q = ScreeningQuality.Compute(queue, [], model, 0.5);
        Assert.Equal((1, 1, 2, 2), (q.Waiting, q.Conflicts, q.IncludedByPeople, q.ExcludedByPeopleTotal));
        Assert.Equal((2, 2, 1), (q.AutoExcluded, q.Audited, q.AuditIncluded));
        // Found 2; expected 0.25 + 0.75 among the unsettled; the audit found 1 in 2, applied to the 2 excluded by the model.
        Assert.Equal(2.0 / (2 + 1.0 + 1.0), q.Recall!.Recall, 10);
        Assert.Contains("an audit of 2 found 1 eligible", q.RecallSentence(), StringComparison.Ordinal);
        var uncalibrated = ScreeningQuality.Compute(queue, [], model with { Calibrated = false }, 0.5);
        Assert.Null(uncalibrated.Recall);
    }
}
