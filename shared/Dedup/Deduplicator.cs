namespace SpineReview.Dedup;

/// <summary>How two records relate.</summary>
public enum DedupBand
{
    /// <summary>Different works.</summary>
    Distinct,
    /// <summary>Perhaps the same work: a person decides (the "possible duplicates" list).</summary>
    Review,
    /// <summary>Two versions of one study (a preprint and its published article): counted once, both records kept.</summary>
    Link,
    /// <summary>The same work: merged automatically.</summary>
    Merge,
}

/// <summary>A record in the normal forms the comparison uses; computed once per record.</summary>
public sealed record Fingerprint(DedupRecord Record, string Title, string Compact, string Surname, string Page, string Volume, bool Notice, int Words,
    string Venue, string? Doi, bool Preprint)
{
    /// <summary>The normal forms of a record.</summary>
    public static Fingerprint Of(DedupRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var title = Normalise.TitleWords(r.Title);
        var doi = Records.Identifiers.NormaliseDoi(r.Doi);
        return new Fingerprint(r, title, title.Replace(" ", "", StringComparison.Ordinal), Normalise.FirstSurname(r.Authors), Normalise.FirstPage(r.Pages),
            Normalise.Digits(r.Volume), Normalise.IsNotice(title), title.Length == 0 ? 0 : title.Count(c => c == ' ') + 1, Normalise.Venue(r.Venue), doi,
            Normalise.IsPreprint(r.Venue, doi));
    }

    /// <summary>The normal forms of a harvested record.</summary>
    public static Fingerprint Of(Records.BibRecord r) => Of(DedupRecord.From(r));

    /// <summary>The blocking keys: records that share one are compared. DOI, the start and the end of the title, and first
    /// author with year and first page.</summary>
    public IEnumerable<string> BlockingKeys()
    {
        if (Doi is { } doi) yield return "d:" + doi;
        if (Compact.Length >= 8)
        {
            yield return "t:" + Compact[..Math.Min(28, Compact.Length)];
            yield return "e:" + Compact[^Math.Min(28, Compact.Length)..];
        }
        if (Surname.Length > 0 && Record.Year is int y) yield return $"a:{Surname}:{y}:{Page}";
    }
}

/// <summary>The thresholds of the comparison (settings section Dedup). The defaults were chosen on the benchmark sets; see docs/design.md.</summary>
public sealed class DedupOptions
{
    /// <summary>Title similarity at or above which two records with agreeing authors, year and no conflicting venue, volume,
    /// pages or DOI are merged automatically.</summary>
    public double MergeTitleSimilarity { get; set; } = 0.93;
    /// <summary>Title similarity at or above which a pair that is not merged goes to a person as a possible duplicate.</summary>
    public double ReviewTitleSimilarity { get; set; } = 0.80;
    /// <summary>Title similarity at or above which a preprint and a published article by the same first author are linked as one study.</summary>
    public double LinkTitleSimilarity { get; set; } = 0.90;
    /// <summary>Years a preprint may precede its published version.</summary>
    public int LinkMaxYears { get; set; } = 3;
    /// <summary>A blocking key shared by more records than this is too common to compare on ("a:smith:2020:").</summary>
    public int MaxBlockSize { get; set; } = 400;
}

/// <summary>Finds duplicate records: candidate pairs from blocking keys, then a rule-based comparison that merges only when
/// the evidence agrees and nothing conflicts (no false merge is worth a found duplicate). Pure.</summary>
public static class Deduplicator
{
    /// <summary>Groups of record ids judged to be the same work (only groups of two or more).</summary>
    public static List<List<string>> FindGroups(IReadOnlyList<DedupRecord> records, DedupOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        options ??= new DedupOptions();
        var prepared = records.Select(Fingerprint.Of).ToList();

        // Blocking: records that share any key are compared.
        var blocks = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < prepared.Count; i++)
            foreach (var key in prepared[i].BlockingKeys())
            {
                if (!blocks.TryGetValue(key, out var list)) blocks[key] = list = [];
                list.Add(i);
            }

        var parent = Enumerable.Range(0, prepared.Count).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        var compared = new HashSet<long>();
        foreach (var members in blocks.Values)
        {
            if (members.Count < 2 || members.Count > options.MaxBlockSize) continue;
            for (var a = 0; a < members.Count; a++)
                for (var b = a + 1; b < members.Count; b++)
                {
                    int i = members[a], j = members[b];
                    var pair = ((long)Math.Min(i, j) << 32) | (uint)Math.Max(i, j);
                    if (!compared.Add(pair)) continue;
                    if (Same(prepared[i], prepared[j], options, TitleSimilarity(prepared[i], prepared[j], MergeRuleMinimum(options)))) parent[Find(i)] = Find(j);
                }
        }
        return Enumerable.Range(0, prepared.Count).GroupBy(Find)
            .Where(g => g.Count() > 1)
            .Select(g => g.Select(i => prepared[i].Record.Id).ToList())
            .ToList();
    }

    /// <summary>How two records relate, with the title similarity that decided it.</summary>
    public static (DedupBand Band, double TitleSimilarity) Judge(Fingerprint a, Fingerprint b, DedupOptions options)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(options);
        // Exact down to the lowest threshold any band or merge rule uses.
        var similarity = TitleSimilarity(a, b, Math.Min(MergeRuleMinimum(options), Math.Min(options.ReviewTitleSimilarity, options.LinkTitleSimilarity)));
        if (Same(a, b, options, similarity)) return (DedupBand.Merge, similarity);
        // A notice (erratum, retraction, reply) is never the article it is about, nor a version of it.
        if (a.Notice != b.Notice || similarity == 0) return (DedupBand.Distinct, similarity);
        // A preprint and a published article: the same study when the titles nearly agree and so does the first author.
        if (a.Preprint != b.Preprint && similarity >= options.LinkTitleSimilarity && a.Surname.Length > 0 && SurnamesAgree(a, b)
            && (a.Record.Year is not int ya || b.Record.Year is not int yb || Math.Abs(ya - yb) <= options.LinkMaxYears))
            return (DedupBand.Link, similarity);
        // Two DOIs that differ name two works (supplements aside, which Same handles): not worth a person's time.
        if (a.Doi is not null && b.Doi is not null && a.Doi != b.Doi && a.Preprint == b.Preprint) return (DedupBand.Distinct, similarity);
        return (similarity >= options.ReviewTitleSimilarity ? DedupBand.Review : DedupBand.Distinct, similarity);
    }

    private static bool SurnamesAgree(Fingerprint a, Fingerprint b) =>
        a.Surname.Length == 0 || b.Surname.Length == 0 || a.Surname == b.Surname
        || a.Surname.StartsWith(b.Surname, StringComparison.Ordinal) || b.Surname.StartsWith(a.Surname, StringComparison.Ordinal);

    // Every rule that merges needs a title similarity of at least 0.85 (or the merge threshold, if lower).
    private static double MergeRuleMinimum(DedupOptions options) => Math.Min(0.85, options.MergeTitleSimilarity);

    private static double TitleSimilarity(Fingerprint a, Fingerprint b, double minimum) =>
        a.Compact.Length == 0 || b.Compact.Length == 0 ? 0 : Normalise.Similarity(a.Compact, b.Compact, minimum);

    // titleSimilarity: exact at or above MergeRuleMinimum, below it otherwise.
    private static bool Same(Fingerprint a, Fingerprint b, DedupOptions options, double titleSimilarity)
    {
        var ra = a.Record;
        var rb = b.Record;
        // A notice (erratum, retraction, reply) is never the article it is about.
        if (a.Notice != b.Notice) return false;
        // A preprint and a published article are two reports of one study: linked (Judge), never merged.
        if (a.Preprint != b.Preprint) return false;
        var sameDoi = a.Doi is not null && a.Doi == b.Doi;
        var sameYear = ra.Year is int y1 && rb.Year is int y2 && y1 == y2;
        var sameVolume = a.Volume.Length > 0 && a.Volume == b.Volume;
        var samePage = a.Page.Length > 0 && a.Page == b.Page;
        // Different DOIs mean different works, except where a record carries its supplement's or a sister journal's DOI:
        // then only the same title, year, first page and first author make them one.
        if (a.Doi is not null && b.Doi is not null && !sameDoi && !(titleSimilarity >= 0.97 && sameYear && samePage && SurnamesAgree(a, b))) return false;
        // Pages disagree: an e-locator against printed pages, or a typo. Only a near-identical title in the same volume and year overrides.
        if (a.Page.Length > 0 && b.Page.Length > 0 && !samePage && !(titleSimilarity >= 0.97 && sameYear && sameVolume && SurnamesAgree(a, b))) return false;
        // The same abstract presented in two journals is two records of two venues: a different volume in a different venue parts them.
        // (Volume alone does not: volume fields often carry issue or supplement numbers.)
        if (a.Volume.Length > 0 && b.Volume.Length > 0 && a.Volume != b.Volume && a.Venue.Length > 0 && b.Venue.Length > 0
            && Normalise.Similarity(a.Venue, b.Venue) < 0.8) return false;
        var yearGap = ra.Year is int ya && rb.Year is int yb ? Math.Abs(ya - yb) : 0;
        if (yearGap > 1) return false;
        // A DOI is shared by every abstract of a supplement: the same DOI counts only with the same title.
        if (sameDoi) return titleSimilarity >= 0.9 || a.Compact.Length == 0 || b.Compact.Length == 0;
        if (a.Compact.Length == 0 || b.Compact.Length == 0) return false;
        // First authors disagree (a group name, a lost diacritic, a reordered list): only full bibliographic identity overrides.
        if (!SurnamesAgree(a, b) && !(titleSimilarity >= 0.97 && sameYear && sameVolume && samePage)) return false;
        // Volume fields are often polluted with issue and supplement numbers ("29 (7)", "1)"): pages decide, volume only adds weight.
        var bibliographicMatch = a.Page.Length > 0 && a.Page == b.Page && (a.Volume.Length == 0 || b.Volume.Length == 0 || a.Volume == b.Volume);
        // A year apart: only the same volume and pages make it the same work (online first vs print).
        if (yearGap == 1 && !bibliographicMatch) return false;
        // Short, generic titles ("Editorial", "Introduction") need the volume and pages as well.
        if (Math.Min(a.Words, b.Words) <= 3) return titleSimilarity >= 0.99 && bibliographicMatch;
        if (titleSimilarity >= options.MergeTitleSimilarity) return true;
        return titleSimilarity >= 0.85 && bibliographicMatch && a.Surname.Length > 0 && b.Surname.Length > 0;
    }
}
