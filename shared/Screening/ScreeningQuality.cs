using SpineReview.Screening.People;

namespace SpineReview.Screening;

/// <summary>Where people's screening stands and how far it can be trusted: counts, agreement, the estimated recall.</summary>
/// <param name="Recall">Null until the model is calibrated (at least 5 inclusions and 5 exclusions by people).</param>
public sealed record ScreeningQuality(int Waiting, int Conflicts, int IncludedByPeople, IReadOnlyDictionary<string, int> ExcludedByPeople,
    int AutoExcluded, int Audited, int AuditIncluded, Kappa Reviewers, Kappa ModelVsPeople, RecallEstimate? Recall, ModelSummary? Model)
{
    public int ExcludedByPeopleTotal => ExcludedByPeople.Values.Sum();

    /// <summary>The stopping rule's state: null until its random sample has been proposed (spine-review screen stopping --propose).</summary>
    public StoppingState? Stopping { get; init; }

    /// <summary>The stopping rule in one sentence, or what to do to start it.</summary>
    public string StoppingSentence() => Stopping?.Sentence()
        ?? "Stopping rule: no random sample drawn yet. Once ranked screening stops finding eligible studies, draw one (spine-review screen stopping --propose) to state recall with 95% confidence.";

    /// <summary>Computes everything from the stored queue and decisions. Pure.</summary>
    /// <param name="since">Only decisions after this moment count for the agreement figures (null: all), so each update gets its own.</param>
    public static ScreeningQuality Compute(IReadOnlyList<QueueEntry> queue, IReadOnlyList<ReviewerDecision> decisions, ModelSummary? model,
        double highThreshold, DateTimeOffset? since = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(decisions);
        var byPeople = queue.Where(q => q.Status == ScreeningStatus.Final && !q.AutoExcluded).ToList();
        var excluded = ReasonCodes.All.Select(c => (c, n: byPeople.Count(q => q.Included == false && q.Reason == c))).Where(x => x.n > 0)
            .ToDictionary(x => x.c, x => x.n);
        var auditDone = byPeople.Where(q => q.Audit).ToList();

        var counted = decisions.Where(d => since is null || d.DecidedAt > since).ToList();
        var reviewerPairs = counted.Where(d => d.Role == DecisionRole.Screen).GroupBy(d => d.RecordKey)
            .Where(g => g.Count() >= 2)
            .Select(g => g.OrderBy(d => d.DecidedAt).Take(2).Select(d => d.Verdict.ToString()).ToArray())
            .Select(v => (v[0], v[1])).ToList();
        var final = byPeople.ToDictionary(q => q.RecordKey, StringComparer.Ordinal);
        var modelPairs = counted.Where(d => d.Role == DecisionRole.Screen && d.ModelProbability is not null && final.ContainsKey(d.RecordKey))
            .GroupBy(d => d.RecordKey)
            .Select(g => g.OrderBy(d => d.DecidedAt).First())
            .Select(d => (d.ModelProbability >= highThreshold ? "Include" : "Exclude", final[d.RecordKey].Included == true ? "Include" : "Exclude"))
            .ToList();

        var unsettled = queue.Where(q => q.Status != ScreeningStatus.Final).ToList();
        RecallEstimate? recall = model is { Calibrated: true }
            ? ScreeningStatistics.EstimateRecall(byPeople.Count(q => q.Included == true), unsettled.Select(q => q.Probability).ToList(),
                queue.Count(q => q.AutoExcluded), auditDone.Count, auditDone.Count(q => q.Included == true))
            : null;
        return new ScreeningQuality(unsettled.Count(q => q.Status == ScreeningStatus.Pending), unsettled.Count(q => q.Status == ScreeningStatus.Conflict),
            byPeople.Count(q => q.Included == true), excluded, queue.Count(q => q.AutoExcluded), auditDone.Count, auditDone.Count(q => q.Included == true),
            ScreeningStatistics.CohensKappa(reviewerPairs), ScreeningStatistics.CohensKappa(modelPairs), recall, model);
    }

    /// <summary>The estimated recall in one sentence, with how it was estimated.</summary>
    public string RecallSentence() => Recall is not { } r
        ? "Recall cannot be estimated yet: the model needs at least 5 inclusions and 5 exclusions by people to calibrate its probabilities."
        : FormattableString.Invariant(
            $"Estimated recall {r.Recall * 100:0.0}%: {r.Found} studies included by people; about {r.ExpectedUnscreened:0.0} more expected among the {r.Unscreened} records not yet settled (the sum of the model's calibrated probabilities)") +
          (r.AutoExcluded == 0 ? "; no record was excluded by the model." :
           r.Audited == 0 ? FormattableString.Invariant($"; {r.AutoExcluded} excluded by the model, whose audit sample has not been screened yet: misses among them are not estimated until it is (this figure leaves them out).") :
              FormattableString.Invariant($"; {r.AutoExcluded} excluded by the model, of which an audit of {r.Audited} found {r.AuditIncluded} eligible: about {r.ExpectedAutoExcluded:0.0} missed there (at most {r.AutoExcludedUpper95:0.0} at 95%)."));
}
