namespace SpineReview.Screening.People;

/// <summary>What a person decided about one record.</summary>
public enum Verdict
{
    Include,
    Exclude,
    Unsure,
}

/// <summary>Whether a decision is one of the independent screening decisions or the third reviewer's resolution.</summary>
public enum DecisionRole
{
    Screen,
    Resolve,
}

/// <summary>One person's stored decision on one record.</summary>
/// <param name="ModelProbability">The model's probability for the record when the person decided (for model-people agreement).</param>
public sealed record ReviewerDecision(string RecordKey, string Reviewer, DecisionRole Role, Verdict Verdict, string? Reason, string? Note,
    DateTimeOffset DecidedAt, double? ModelProbability);

/// <summary>Where a record stands with people.</summary>
public enum ScreeningStatus
{
    /// <summary>Fewer screening decisions than required so far.</summary>
    Pending,
    /// <summary>The screening decisions disagree (or one is unsure): a third reviewer decides.</summary>
    Conflict,
    /// <summary>Settled: included or excluded.</summary>
    Final,
}

/// <summary>The settled state of a record: how it stands, and when final, the decision and why.</summary>
public sealed record ScreeningOutcome(ScreeningStatus Status, bool? Included, string? Reason, string How);

/// <summary>Thrown for a decision that cannot be accepted as given; the message says what to do instead.</summary>
public sealed class DecisionRejectedException(string message, int status = 400) : Exception(message)
{
    /// <summary>The HTTP status that fits (400 bad input, 403 not allowed for this person, 404 unknown record, 409 already decided).</summary>
    public int Status { get; } = status;
}

/// <summary>The rules that turn people's decisions into an outcome. Pure.</summary>
public static class ScreeningRules
{
    /// <summary>Checks a decision before it is stored: every exclusion names a protocol reason code; a resolution is include or exclude.</summary>
    public static void Validate(DecisionRole role, Verdict verdict, string? reason)
    {
        if (verdict == Verdict.Exclude)
        {
            if (string.IsNullOrWhiteSpace(reason))
                throw new DecisionRejectedException($"an exclusion needs a reason code: one of {string.Join(", ", PeopleReasons)}");
            if (!PeopleReasons.Contains(reason))
                throw new DecisionRejectedException($"reason \"{reason}\" is not a protocol reason code; use one of {string.Join(", ", PeopleReasons)}");
        }
        else if (reason is not null)
            throw new DecisionRejectedException($"a reason code goes with an exclusion only; this decision is \"{verdict.ToString().ToLowerInvariant()}\"");
        if (role == DecisionRole.Resolve && verdict == Verdict.Unsure)
            throw new DecisionRejectedException("a conflict is resolved by include or exclude, not unsure");
    }

    /// <summary>Reason codes a person may give (duplicates are settled by deduplication, not screening).</summary>
    public static IReadOnlyList<string> PeopleReasons { get; } = ReasonCodes.All.Where(c => c != ReasonCodes.Duplicate).ToList();

    /// <summary>
    /// The outcome of a record's decisions: the first resolution settles it; otherwise it needs <paramref name="required"/> screening
    /// decisions (the first ones made), and they settle it only when all agree on include or all on exclude (the reason is then the
    /// first that applies, in protocol order).
    /// Any disagreement, or any "unsure", makes a conflict for a third reviewer.
    /// </summary>
    public static ScreeningOutcome Outcome(IReadOnlyList<ReviewerDecision> decisions, int required)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        // The first resolution settles it; a second one (stored at the same moment before the decisions stamp existed) is kept on record but does not overturn it.
        var resolution = decisions.Where(d => d.Role == DecisionRole.Resolve).OrderBy(d => d.DecidedAt).ThenBy(d => d.Reviewer, StringComparer.Ordinal).FirstOrDefault();
        if (resolution is not null)
            return new ScreeningOutcome(ScreeningStatus.Final, resolution.Verdict == Verdict.Include, resolution.Reason, $"resolved by {resolution.Reviewer}");
        // The first `required` independent decisions decide; one more stored at the same moment before the decisions stamp existed is kept but not counted.
        var screens = decisions.Where(d => d.Role == DecisionRole.Screen).OrderBy(d => d.DecidedAt).ThenBy(d => d.Reviewer, StringComparer.Ordinal).Take(required).ToList();
        if (screens.Count < required) return new ScreeningOutcome(ScreeningStatus.Pending, null, null, $"{screens.Count} of {required} decisions");
        if (screens.All(d => d.Verdict == Verdict.Include))
            return new ScreeningOutcome(ScreeningStatus.Final, true, null, $"{screens.Count} reviewers agreed");
        if (screens.All(d => d.Verdict == Verdict.Exclude))
        {
            var reason = ReasonCodes.All.First(c => screens.Any(d => d.Reason == c));
            return new ScreeningOutcome(ScreeningStatus.Final, false, reason, $"{screens.Count} reviewers agreed");
        }
        return new ScreeningOutcome(ScreeningStatus.Conflict, null, null,
            string.Join(" / ", screens.OrderBy(d => d.DecidedAt).Select(d => d.Verdict.ToString().ToLowerInvariant())));
    }

    /// <summary>Parses a verdict word as people type it.</summary>
    public static Verdict ParseVerdict(string? word) => word?.Trim().ToLowerInvariant() switch
    {
        "include" or "in" => Verdict.Include,
        "exclude" or "out" => Verdict.Exclude,
        "unsure" or "maybe" => Verdict.Unsure,
        _ => throw new DecisionRejectedException($"decision \"{word}\" is not one of include, exclude, unsure"),
    };
}
