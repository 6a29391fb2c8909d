namespace SpineReview.Screening;

/// <summary>Cohen's kappa over paired categorical ratings, with the counts behind it.</summary>
public sealed record Kappa(int Pairs, double Observed, double Expected, double Value)
{
    /// <summary>"0.81 (n = 120)", or "not enough pairs" when there is nothing to compare.</summary>
    public override string ToString() => Pairs == 0 ? "no pairs yet" : FormattableString.Invariant($"{Value:0.00} (n = {Pairs}, observed agreement {Observed:P0})");
}

/// <summary>How many eligible studies may have been missed, and how that was estimated.</summary>
/// <param name="Found">Studies people have included so far.</param>
/// <param name="ExpectedUnscreened">Expected inclusions among records no person has settled: the sum of the model's calibrated probabilities.</param>
/// <param name="ExpectedAutoExcluded">Expected inclusions among records the model excluded without a person, from the audit sample's rate.</param>
/// <param name="AutoExcludedUpper95">Upper 95% bound of that number (the rule of three when the audit found none).</param>
public sealed record RecallEstimate(int Found, double ExpectedUnscreened, int Unscreened, double ExpectedAutoExcluded, double AutoExcludedUpper95,
    int AutoExcluded, int Audited, int AuditIncluded)
{
    /// <summary>Estimated share of eligible studies found so far.</summary>
    public double Recall => Found + ExpectedUnscreened + ExpectedAutoExcluded == 0 ? 1 : Found / (Found + ExpectedUnscreened + ExpectedAutoExcluded);

    /// <summary>Estimated eligible studies missed (not yet found), all sources of misses together.</summary>
    public double Missed => ExpectedUnscreened + ExpectedAutoExcluded;
}

/// <summary>Agreement and recall statistics. Pure.</summary>
public static class ScreeningStatistics
{
    /// <summary>Cohen's kappa of two raters over the same items (ratings compared as strings).</summary>
    public static Kappa CohensKappa(IReadOnlyList<(string A, string B)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) return new Kappa(0, 0, 0, 0);
        var n = (double)pairs.Count;
        var observed = pairs.Count(p => p.A == p.B) / n;
        var categories = pairs.Select(p => p.A).Concat(pairs.Select(p => p.B)).Distinct(StringComparer.Ordinal);
        var expected = categories.Sum(c => pairs.Count(p => p.A == c) / n * (pairs.Count(p => p.B == c) / n));
        // Both raters used one category only: agreement is perfect and kappa is defined as 1.
        var value = expected >= 1 ? 1 : (observed - expected) / (1 - expected);
        return new Kappa(pairs.Count, observed, expected, value);
    }

    /// <summary>Recall so far: found / (found + expected among the unscreened + expected among automatic exclusions).</summary>
    public static RecallEstimate EstimateRecall(int found, IReadOnlyList<double> unscreenedProbabilities, int autoExcluded, int audited, int auditIncluded)
    {
        ArgumentNullException.ThrowIfNull(unscreenedProbabilities);
        var expectedUnscreened = unscreenedProbabilities.Sum();
        double expectedAuto = 0, upper = 0;
        if (autoExcluded > 0)
        {
            if (audited == 0) upper = autoExcluded;
            else
            {
                var rate = (double)auditIncluded / audited;
                expectedAuto = rate * autoExcluded;
                // With none found in the audit, 3/n bounds the rate at 95%; otherwise a normal approximation on the rate.
                var upperRate = auditIncluded == 0 ? Math.Min(1, 3.0 / audited) : Math.Min(1, rate + 1.96 * Math.Sqrt(rate * (1 - rate) / audited));
                upper = upperRate * autoExcluded;
            }
        }
        return new RecallEstimate(found, expectedUnscreened, unscreenedProbabilities.Count, expectedAuto, upper, autoExcluded, audited, auditIncluded);
    }
}
