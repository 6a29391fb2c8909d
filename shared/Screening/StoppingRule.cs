namespace SpineReview.Screening;

/// <summary>What a random sample of the records left after ranked screening says about recall.</summary>
/// <param name="TargetMet">The hypothesis "recall is below the target" is rejected at the confidence level: screening may stop.</param>
/// <param name="PValue">The test's p-value (the chance of so few inclusions in the sample if recall were just below the target).</param>
/// <param name="RecallAtLeast">The recall that holds at the confidence level: the found inclusions over the found plus the most the rest can hold.</param>
/// <param name="MoreToScreen">Further random records to screen, if none of them is an inclusion, before the target can be claimed (0 when met).</param>
public sealed record StoppingAssessment(bool TargetMet, double PValue, double RecallAtLeast, int MoreToScreen);

/// <summary>
/// The stopping rule of Callaghan and Müller-Hansen (2020): after ranked screening, the records left (the urn) are
/// sampled at random without replacement. If recall were below the target, the urn would hold at least K inclusions,
/// K the smallest count that makes it so; the chance of finding no more than the sample's inclusions among that many
/// draws is a hypergeometric tail, and when it is below 1 - confidence the hypothesis is rejected.
/// </summary>
public static class StoppingRule
{
    /// <summary>Judges a sample: <paramref name="foundBefore"/> inclusions found before the sample was drawn from <paramref name="urn"/> records,
    /// of which <paramref name="sampled"/> have been screened at random, <paramref name="sampleIncluded"/> of them inclusions.</summary>
    public static StoppingAssessment Assess(int foundBefore, int urn, int sampled, int sampleIncluded, double target = 0.95, double confidence = 0.95)
    {
        if (foundBefore < 0 || urn < 0 || sampled < 0 || sampled > urn || sampleIncluded < 0 || sampleIncluded > sampled)
            throw new ArgumentOutOfRangeException(nameof(sampled), FormattableString.Invariant(
                $"a sample of {sampled} with {sampleIncluded} inclusions from {urn} records cannot be: counts must be 0 <= inclusions <= sample <= records"));
        if (target is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(target), "the target recall must be above 0 and at most 1");
        if (confidence is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(confidence), "the confidence must be between 0 and 1");
        var alpha = 1 - confidence;
        var found = foundBefore + sampleIncluded;
        // The sample's exclusions are known: the urn can hold at most this many inclusions.
        var most = urn - (sampled - sampleIncluded);
        var hypothesis = Hypothesis(foundBefore, sampleIncluded, target);
        var p = hypothesis > most ? 0 : HypergeometricCdf(sampleIncluded, urn, hypothesis, sampled);
        var met = p < alpha;

        // The largest urn count the sample does not rule out (the tail shrinks as the count grows).
        var upper = sampleIncluded;
        while (upper < most && HypergeometricCdf(sampleIncluded, urn, upper + 1, sampled) >= alpha) upper++;
        var recall = foundBefore + upper == 0 ? 1.0 : (double)found / (foundBefore + upper);

        var more = 0;
        if (!met)
        {
            // The smallest sample that would reject, if no more inclusions turn up: the tail falls as the sample grows.
            int lo = sampled + 1, hi = urn;
            while (lo < hi)
            {
                var mid = lo + (hi - lo) / 2;
                if (HypergeometricCdf(sampleIncluded, urn, hypothesis, mid) < alpha) hi = mid;
                else lo = mid + 1;
            }
            more = lo - sampled;
        }
        return new StoppingAssessment(met, p, recall, more);
    }

    /// <summary>
    /// The fewest inclusions the urn must hold for recall (found before plus found in the sample, over all) to be below
    /// the target: the smallest K with (r + k) / (r + K) &lt; target.
    /// </summary>
    public static int Hypothesis(int foundBefore, int sampleIncluded, double target) =>
        (int)Math.Floor((foundBefore + sampleIncluded) / target - foundBefore + 1e-9) + 1;

    /// <summary>P(X &lt;= k) for X hypergeometric: <paramref name="draws"/> drawn without replacement from <paramref name="population"/> holding <paramref name="successes"/>.</summary>
    public static double HypergeometricCdf(int k, int population, int successes, int draws)
    {
        if (population < 0 || successes < 0 || successes > population || draws < 0 || draws > population)
            throw new ArgumentOutOfRangeException(nameof(population), "needs 0 <= successes <= population and 0 <= draws <= population");
        var low = Math.Max(0, draws - (population - successes));
        var high = Math.Min(draws, successes);
        if (k < low) return 0;
        if (k >= high) return 1;
        var denominator = LogChoose(population, draws);
        var sum = 0.0;
        for (var x = low; x <= k; x++)
            sum += Math.Exp(LogChoose(successes, x) + LogChoose(population - successes, draws - x) - denominator);
        return Math.Min(1, sum);
    }

    private static double LogChoose(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double[] logFactorials = [0];
    private static readonly Lock Grow = new();

    private static double LogFactorial(int n)
    {
        var table = logFactorials;
        if (n < table.Length) return table[n];
        lock (Grow)
        {
            if (n >= logFactorials.Length)
            {
                var bigger = new double[Math.Max(n + 1, logFactorials.Length * 2)];
                logFactorials.CopyTo(bigger, 0);
                for (var i = logFactorials.Length; i < bigger.Length; i++) bigger[i] = bigger[i - 1] + Math.Log(i);
                logFactorials = bigger;
            }
            return logFactorials[n];
        }
    }
}
