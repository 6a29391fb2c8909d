namespace SpineReview.Dedup;

/// <summary>A stored record that an incoming one may duplicate: its key, the key of the study it belongs to (its own when
/// it is the record kept), and its fingerprint.</summary>
public sealed record DedupCandidate(string Key, string StudyKey, Fingerprint Fingerprint);

/// <summary>The strongest relation an incoming record has to a stored one.</summary>
public sealed record DedupMatch(DedupBand Band, string CandidateKey, string StudyKey, double TitleSimilarity);

/// <summary>Matching one incoming record against candidates that share a blocking key with it. Pure.</summary>
public static class DedupMatcher
{
    /// <summary>The candidate with the strongest band (merge, then link, then review), the most similar title first; null when
    /// every candidate is distinct.</summary>
    public static DedupMatch? Best(Fingerprint incoming, IEnumerable<DedupCandidate> candidates, DedupOptions options)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        DedupMatch? best = null;
        foreach (var c in candidates)
        {
            if (c.Key == incoming.Record.Id) continue;
            // The title similarity only for a candidate that is not distinct: most are settled by cheaper fields.
            var title = new Deduplicator.TitleMeasure(incoming, c.Fingerprint, options);
            var (band, notice) = Deduplicator.Relate(incoming, c.Fingerprint, options, ref title);
            if (band == DedupBand.Distinct) continue;
            var similarity = notice ?? title.Similarity;
            if (best is null || band > best.Band || (band == best.Band && similarity > best.TitleSimilarity))
                best = new DedupMatch(band, c.Key, c.StudyKey, similarity);
        }
        return best;
    }
}

/// <summary>The stored set held in memory, keyed by blocking key: the same look-ups the fingerprint table answers, for
/// benchmarks and batch work.</summary>
public sealed class DedupIndex(DedupOptions options)
{
    private readonly Dictionary<string, List<DedupCandidate>> _blocks = new(StringComparer.Ordinal);

    /// <summary>Records in the index.</summary>
    public int Count { get; private set; }

    public void Add(DedupCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        foreach (var key in candidate.Fingerprint.BlockingKeys())
        {
            if (!_blocks.TryGetValue(key, out var list)) _blocks[key] = list = [];
            list.Add(candidate);
        }
        Count++;
    }

    /// <summary>Every stored record that shares a blocking key with <paramref name="incoming"/> (keys shared by more than
    /// <see cref="DedupOptions.MaxBlockSize"/> records are too common to use).</summary>
    public IEnumerable<DedupCandidate> Candidates(Fingerprint incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in incoming.BlockingKeys())
            if (_blocks.TryGetValue(key, out var list) && list.Count <= options.MaxBlockSize)
                foreach (var c in list)
                    if (seen.Add(c.Key)) yield return c;
    }

    /// <summary>The incoming record's strongest relation to the stored set.</summary>
    public DedupMatch? Match(Fingerprint incoming) => DedupMatcher.Best(incoming, Candidates(incoming), options);
}
