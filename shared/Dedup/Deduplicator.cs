namespace SpineReview.Dedup;

/// <summary>Finds duplicate records: candidate pairs from blocking keys, then a rule-based comparison that merges only when
/// the evidence agrees and nothing conflicts (no false merge is worth a found duplicate). Pure.</summary>
public static class Deduplicator
{
    private sealed record Prepared(DedupRecord Record, string Title, string Compact, string Surname, string Page, string Volume, bool Notice, int Words, string Venue, string? Doi);

    /// <summary>Groups of record ids judged to be the same work (only groups of two or more).</summary>
    public static List<List<string>> FindGroups(IReadOnlyList<DedupRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var prepared = records.Select(r =>
        {
            var title = Normalise.TitleWords(r.Title);
            var compact = title.Replace(" ", "", StringComparison.Ordinal);
            return new Prepared(r, title, compact, Normalise.FirstSurname(r.Authors), Normalise.FirstPage(r.Pages), Normalise.Digits(r.Volume),
                Normalise.IsNotice(title), title.Length == 0 ? 0 : title.Count(c => c == ' ') + 1, Normalise.Venue(r.Venue), Records.Identifiers.NormaliseDoi(r.Doi));
        }).ToList();

        // Blocking: records that share any key are compared.
        var blocks = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        void Key(string key, int i)
        {
            if (!blocks.TryGetValue(key, out var list)) blocks[key] = list = [];
            list.Add(i);
        }
        for (var i = 0; i < prepared.Count; i++)
        {
            var p = prepared[i];
            if (p.Doi is { } doi) Key("d:" + doi, i);
            if (p.Compact.Length >= 8)
            {
                Key("t:" + p.Compact[..Math.Min(28, p.Compact.Length)], i);
                Key("e:" + p.Compact[^Math.Min(28, p.Compact.Length)..], i);
            }
            if (p.Surname.Length > 0 && p.Record.Year is int y) Key($"a:{p.Surname}:{y}:{p.Page}", i);
        }

        var parent = Enumerable.Range(0, prepared.Count).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        var compared = new HashSet<long>();
        foreach (var members in blocks.Values)
        {
            if (members.Count < 2 || members.Count > 400) continue;
            for (var a = 0; a < members.Count; a++)
                for (var b = a + 1; b < members.Count; b++)
                {
                    int i = members[a], j = members[b];
                    var pair = ((long)Math.Min(i, j) << 32) | (uint)Math.Max(i, j);
                    if (!compared.Add(pair)) continue;
                    if (Same(prepared[i], prepared[j])) parent[Find(i)] = Find(j);
                }
        }
        return Enumerable.Range(0, prepared.Count).GroupBy(Find)
            .Where(g => g.Count() > 1)
            .Select(g => g.Select(i => prepared[i].Record.Id).ToList())
            .ToList();
    }

    private static bool SurnamesAgree(Prepared a, Prepared b) =>
        a.Surname.Length == 0 || b.Surname.Length == 0 || a.Surname == b.Surname
        || a.Surname.StartsWith(b.Surname, StringComparison.Ordinal) || b.Surname.StartsWith(a.Surname, StringComparison.Ordinal);

    private static bool Same(Prepared a, Prepared b)
    {
        var ra = a.Record;
        var rb = b.Record;
        // A notice (erratum, retraction, reply) is never the article it is about.
        if (a.Notice != b.Notice) return false;
        var sameDoi = a.Doi is not null && a.Doi == b.Doi;
        var titleSimilarity = Normalise.Similarity(a.Compact, b.Compact);
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
        if (titleSimilarity >= 0.93) return true;
        return titleSimilarity >= 0.85 && bibliographicMatch && a.Surname.Length > 0 && b.Surname.Length > 0;
    }
}
