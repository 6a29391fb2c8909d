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
    /// <summary>A notice about the other record (an erratum, a retraction, a comment or reply that repeats its title): counted with
    /// the work it is about, as the deduplication benchmarks count it, and named for what it is (<see cref="Fingerprint.Kind"/>).</summary>
    Notice,
    /// <summary>The same work: merged automatically.</summary>
    Merge,
}

/// <summary>A record in the normal forms the comparison uses; computed once per record.</summary>
public sealed record Fingerprint(DedupRecord Record, string Title, string Compact, string Surname, string Page, string Volume, bool Notice, int Words,
    string Venue, string? Doi, bool Preprint)
{
    /// <summary>The original title given in brackets after a translated one, without spaces; "" when there is none.</summary>
    public string Alternative { get; init; } = "";
    /// <summary>What kind of notice the record is (None for a work in its own right).</summary>
    public NoticeKind Kind { get; init; }
    /// <summary>For a notice: the title of the work it is about, without spaces.</summary>
    public string Subject { get; init; } = "";
    /// <summary>The authors' surname keys in the order written (<see cref="AuthorNames.Surnames"/>).</summary>
    public IReadOnlyList<string> Surnames { get; init; } = [];
    /// <summary>Every word of the first author's name (<see cref="AuthorNames.FirstAuthorWords"/>).</summary>
    public IReadOnlyList<string> FirstAuthorWords { get; init; } = [];
    /// <summary>The issue number ("" when none is given).</summary>
    public string Issue { get; init; } = "";
    /// <summary>The last page of a range, written in full ("1316-25" gives "1325"); "" for a single page.</summary>
    public string LastPage { get; init; } = "";
    /// <summary>The venue as words, to meet its abbreviation (<see cref="JournalNames"/>).</summary>
    public VenueName VenueName { get; init; } = VenueName.Empty;

    /// <summary>The normal forms of a record.</summary>
    public static Fingerprint Of(DedupRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        // A preprint server's journal reference ("NeuroImage: Clinical 31 (2021) 102766") is where the work was published.
        r = JournalReference.Apply(r);
        var form = TitleForms.Of(r.Title);
        var title = form.Words;
        var doi = Records.Identifiers.NormaliseDoi(r.Doi);
        var surnames = AuthorNames.Surnames(r.Authors);
        return new Fingerprint(r, title, Squeeze(title), surnames.Length > 0 ? surnames[0] : "", Normalise.FirstPage(r.Pages),
            Normalise.Digits(r.Volume), Normalise.IsNotice(title) || form.Notice != NoticeKind.None, title.Length == 0 ? 0 : title.Count(c => c == ' ') + 1,
            Normalise.Venue(r.Venue), doi, Normalise.IsPreprint(r.Venue, doi))
        {
            Alternative = Squeeze(form.Alternative),
            Kind = form.Notice,
            Subject = Squeeze(form.Subject),
            Surnames = surnames,
            FirstAuthorWords = AuthorNames.FirstAuthorWords(r.Authors),
            Issue = Normalise.Issue(r.Volume, r.Number),
            LastPage = Normalise.LastPage(r.Pages),
            VenueName = JournalNames.Parse(r.Venue),
        };
    }

    private static string Squeeze(string words) => words.Replace(" ", "", StringComparison.Ordinal);

    /// <summary>The normal forms of a harvested record.</summary>
    public static Fingerprint Of(Records.BibRecord r) => Of(DedupRecord.From(r));

    /// <summary>The blocking keys: records that share one are compared. DOI, the start and the end of the title (and of the
    /// original title of a translation, and of the title a notice is about), and first author with year and first page.</summary>
    public IEnumerable<string> BlockingKeys()
    {
        var keys = new List<string>(8);
        void Add(string key) { if (!keys.Contains(key)) keys.Add(key); }
        if (Doi is { } doi) Add("d:" + doi);
        foreach (var t in (ReadOnlySpan<string>)[Compact, Alternative, Subject])
        {
            if (t.Length < 8) continue;
            Add("t:" + t[..Math.Min(28, t.Length)]);
            Add("e:" + t[^Math.Min(28, t.Length)..]);
        }
        if (Surname.Length > 0 && Record.Year is int y) Add($"a:{Surname}:{y}:{Page}");
        return keys;
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

/// <summary>What a run of the deduplicator found: the groups counted as one work (merged records, and notices with the work they
/// are about), and the pairs left to a person (possible duplicates, never merged).</summary>
public sealed record DedupFindings(List<List<string>> Groups, int ReviewPairs, int NoticeLinks, int VersionLinks);

/// <summary>Finds duplicate records: candidate pairs from blocking keys, then a rule-based comparison that merges only when
/// the evidence agrees and nothing conflicts (no false merge is worth a found duplicate). Pure.</summary>
public static class Deduplicator
{
    /// <summary>Groups of record ids judged to be the same work (only groups of two or more).</summary>
    public static List<List<string>> FindGroups(IReadOnlyList<DedupRecord> records, DedupOptions? options = null) => Find(records, options).Groups;

    /// <summary>Groups of record ids counted as one work (merged, or a notice with the work it is about), with the number of pairs
    /// sent to a person and of links made.</summary>
    public static DedupFindings Find(IReadOnlyList<DedupRecord> records, DedupOptions? options = null) => Find(records, options, Environment.ProcessorCount);

    /// <summary>As <see cref="Find(IReadOnlyList{DedupRecord}, DedupOptions?)"/> on at most <paramref name="threads"/> threads; the
    /// findings are the same whatever the number.</summary>
    public static DedupFindings Find(IReadOnlyList<DedupRecord> records, DedupOptions? options, int threads)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        options ??= new DedupOptions();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var prepared = new Fingerprint[records.Count];
        var counts = new ushort[records.Count][];
        Parallel.For(0, records.Count, parallel, i =>
        {
            prepared[i] = Fingerprint.Of(records[i]);
            counts[i] = Normalise.CharacterCounts(prepared[i].Compact);
        });

        // Blocking: records that share any key are compared. Keys become numbers in the order first seen, and each record keeps
        // its keys' numbers, so that a pair sharing several keys is compared in one block only (the lowest-numbered shared one).
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var blocks = new List<List<int>>();
        var keysOf = new int[prepared.Length][];
        var keys = new List<int>(8);
        for (var i = 0; i < prepared.Length; i++)
        {
            keys.Clear();
            foreach (var key in prepared[i].BlockingKeys())
            {
                if (!ids.TryGetValue(key, out var id))
                {
                    ids[key] = id = blocks.Count;
                    blocks.Add([]);
                }
                blocks[id].Add(i);
                keys.Add(id);
            }
            keysOf[i] = [.. keys];
        }
        // A key shared by more records than the cap is too common to compare on; one held by a single record compares nothing.
        var used = blocks.Select(m => m.Count >= 2 && m.Count <= options.MaxBlockSize).ToArray();
        var work = Enumerable.Range(0, blocks.Count).Where(k => used[k]).OrderByDescending(k => blocks[k].Count).ToArray();

        // The pairs are judged in parallel; every pair is judged once, in the same block whatever the thread, and only the pairs
        // that are not distinct are kept. Joining them afterwards gives groups that do not depend on the order they were found in.
        var found = new List<(int I, int J, DedupBand Band)>[work.Length];
        Parallel.For(0, work.Length, parallel, w =>
        {
            var k = work[w];
            var members = blocks[k];
            List<(int, int, DedupBand)>? kept = null;
            for (var a = 0; a < members.Count; a++)
                for (var b = a + 1; b < members.Count; b++)
                {
                    int i = members[a], j = members[b];
                    if (SharedEarlier(keysOf[i], keysOf[j], k, used)) continue;
                    var title = new TitleMeasure(prepared[i], prepared[j], options, counts[i], counts[j]);
                    var band = Relate(prepared[i], prepared[j], options, ref title).Band;
                    if (band != DedupBand.Distinct) (kept ??= []).Add((i, j, band));
                }
            found[w] = kept ?? [];
        });

        var parent = Enumerable.Range(0, prepared.Length).ToArray();
        int Root(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        var review = new List<(int, int)>();
        var (notices, versions) = (0, 0);
        foreach (var (i, j, band) in found.SelectMany(f => f))
            switch (band)
            {
                case DedupBand.Merge: parent[Root(i)] = Root(j); break;
                case DedupBand.Notice: parent[Root(i)] = Root(j); notices++; break;
                // Two versions of one study stay two records (the benchmarks count a preprint and its article as two).
                case DedupBand.Link: versions++; break;
                case DedupBand.Review: review.Add((i, j)); break;
            }
        var groups = Enumerable.Range(0, prepared.Length).GroupBy(Root)
            .Where(g => g.Count() > 1)
            .Select(g => g.Select(i => prepared[i].Record.Id).ToList())
            .ToList();
        // A pair already joined through other records needs no person.
        return new DedupFindings(groups, review.Count(p => Root(p.Item1) != Root(p.Item2)), notices, versions);
    }

    // Whether two records share a used key numbered below k: then that block compares them.
    private static bool SharedEarlier(int[] keysA, int[] keysB, int k, bool[] used)
    {
        foreach (var x in keysA)
            if (x < k && used[x] && Array.IndexOf(keysB, x) >= 0) return true;
        return false;
    }

    /// <summary>How two records relate, with the title similarity that decided it.</summary>
    public static (DedupBand Band, double TitleSimilarity) Judge(Fingerprint a, Fingerprint b, DedupOptions options)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(options);
        var title = new TitleMeasure(a, b, options);
        var (band, notice) = Relate(a, b, options, ref title);
        return (band, notice ?? title.Similarity);
    }

    // Judge without the similarity where the band does not need it: for a pair the cheaper fields settle (another DOI, other volume
    // and pages) the title's edit distance is never computed. noticeSimilarity: the similarity a notice band was decided on.
    internal static (DedupBand Band, double? NoticeSimilarity) Relate(Fingerprint a, Fingerprint b, DedupOptions options, ref TitleMeasure title)
    {
        if (Same(a, b, options, ref title)) return (DedupBand.Merge, null);
        // A notice (erratum, retraction, reply) is never the article it is about, nor a version of it: at most it is about it.
        if (a.Notice != b.Notice)
        {
            var about = a.Notice ? NoticeAbout(a, b, options) : NoticeAbout(b, a, options);
            return about;
        }
        // Two DOIs that differ name two works (supplements aside, which Same handles): not worth a person's time.
        // (Before the similarity: a preprint and an article, the only pair a DOI does not settle, are linked below.)
        if (a.Doi is not null && b.Doi is not null && a.Doi != b.Doi && a.Preprint == b.Preprint) return (DedupBand.Distinct, null);
        // The parts of a series ("Volume 1", "Volume 2") are different works.
        if (a.Preprint == b.Preprint && TitleForms.DifferOnlyInNumbers(a.Title, b.Title)) return (DedupBand.Distinct, null);
        var similarity = title.Similarity;
        if (similarity == 0) return (DedupBand.Distinct, null);
        // A preprint and a published article: the same study when the titles nearly agree and so does the first author.
        if (a.Preprint != b.Preprint && similarity >= options.LinkTitleSimilarity && a.Surname.Length > 0 && SurnamesAgree(a, b)
            && (a.Record.Year is not int ya || b.Record.Year is not int yb || Math.Abs(ya - yb) <= options.LinkMaxYears))
            return (DedupBand.Link, null);
        if (a.Preprint != b.Preprint && TitleForms.DifferOnlyInNumbers(a.Title, b.Title)) return (DedupBand.Distinct, null);
        return (similarity >= options.ReviewTitleSimilarity ? DedupBand.Review : DedupBand.Distinct, null);
    }

    /// <summary>The title similarity of a pair, computed once and only when a rule asks for it. Exact down to the lowest
    /// threshold any band or merge rule uses; below it, some value below that threshold.</summary>
    internal struct TitleMeasure(Fingerprint a, Fingerprint b, DedupOptions options, ushort[]? countsA = null, ushort[]? countsB = null)
    {
        private double _similarity = -1;

        public double Similarity => _similarity >= 0 ? _similarity
            : _similarity = TitleSimilarity(a, b, Math.Min(MergeRuleMinimum(options), Math.Min(options.ReviewTitleSimilarity, options.LinkTitleSimilarity)), countsA, countsB);
    }

    // A notice is linked to the work whose title it repeats when it is printed alongside it (same venue, volume and year) by the same
    // first author; a notice that repeats the title otherwise (later, elsewhere, by someone else) goes to a person.
    private static (DedupBand Band, double TitleSimilarity) NoticeAbout(Fingerprint notice, Fingerprint work, DedupOptions options)
    {
        if (notice.Kind == NoticeKind.None || work.Notice || notice.Subject.Length < 20 || work.Compact.Length == 0) return (DedupBand.Distinct, 0);
        var similarity = Normalise.Similarity(notice.Subject, work.Compact, options.ReviewTitleSimilarity);
        // A notice's title may be cut at the database's field length: the start of the work's title, long enough to be unique.
        if (similarity < 0.95 && notice.Subject.Length >= 40 && work.Compact.StartsWith(notice.Subject, StringComparison.Ordinal)) similarity = 0.95;
        if (similarity < options.ReviewTitleSimilarity) return (DedupBand.Distinct, similarity);
        var after = notice.Record.Year is not int yn || work.Record.Year is not int yw || (yn >= yw && yn - yw <= 5);
        var venue = JournalNames.Agree(notice.VenueName, work.VenueName) || (notice.Venue.Length > 0 && notice.Venue == work.Venue);
        var author = notice.Surnames.Count > 0 && work.Surnames.Count > 0 && FirstAuthorsAgree(notice, work);
        // Printed with the work (the same volume of the same year): the benchmarks count it with the work. A later notice is a
        // record of its own there; a person sees the pair.
        var alongside = venue && notice.Volume.Length > 0 && notice.Volume == work.Volume && notice.Record.Year is int y1 && work.Record.Year == y1;
        if (similarity >= 0.95 && alongside && author && !(notice.Doi is not null && notice.Doi == work.Doi)) return (DedupBand.Notice, similarity);
        return (after ? DedupBand.Review : DedupBand.Distinct, similarity);
    }

    private static bool SurnamesAgree(Fingerprint a, Fingerprint b) =>
        a.Surname.Length == 0 || b.Surname.Length == 0 || FirstAuthorsAgree(a, b);

    private static bool FirstAuthorsAgree(Fingerprint a, Fingerprint b) =>
        AuthorNames.FirstAuthorsAgree(a.Surnames, a.FirstAuthorWords, b.Surnames, b.FirstAuthorWords);

    // Every rule that merges on title similarity needs at least 0.85 (or the merge threshold, if lower).
    private static double MergeRuleMinimum(DedupOptions options) => Math.Min(0.85, options.MergeTitleSimilarity);

    // The best of the title against the other's title or the original in brackets of a translated title.
    // countsA, countsB: the character counts of the two titles (Compact), when the caller has them.
    private static double TitleSimilarity(Fingerprint a, Fingerprint b, double minimum, ushort[]? countsA, ushort[]? countsB)
    {
        if (a.Compact.Length == 0 || b.Compact.Length == 0) return 0;
        var best = Normalise.Similarity(a.Compact, b.Compact, minimum, countsA, countsB);
        if (best < 1 && a.Alternative.Length > 0) best = Math.Max(best, Normalise.Similarity(a.Alternative, b.Compact, minimum));
        if (best < 1 && b.Alternative.Length > 0) best = Math.Max(best, Normalise.Similarity(a.Compact, b.Alternative, minimum));
        return best;
    }

    // title.Similarity: exact at or above MergeRuleMinimum, below it otherwise; asked for last in each rule, so that a pair the
    // bibliographic fields settle costs no edit distance.
    private static bool Same(Fingerprint a, Fingerprint b, DedupOptions options, ref TitleMeasure title)
    {
        var ra = a.Record;
        var rb = b.Record;
        // A notice (erratum, retraction, reply) is never the article it is about.
        if (a.Notice != b.Notice) return false;
        // A preprint and a published article are two reports of one study: linked (Judge), never merged.
        if (a.Preprint != b.Preprint) return false;
        // The parts of a series ("ICIS 2013, Volume 1" and "Volume 4"; "Part 1" and "Part 2") are different works.
        if (TitleForms.DifferOnlyInNumbers(a.Title, b.Title)) return false;
        var sameDoi = a.Doi is not null && a.Doi == b.Doi;
        var sameYear = ra.Year is int y1 && rb.Year is int y2 && y1 == y2;
        var yearGap = ra.Year is int ya && rb.Year is int yb ? Math.Abs(ya - yb) : 0;
        var sameVolume = a.Volume.Length > 0 && a.Volume == b.Volume;
        var samePage = a.Page.Length > 0 && a.Page == b.Page;
        var issueConflict = a.Issue.Length > 0 && b.Issue.Length > 0 && a.Issue != b.Issue;
        var lastPageConflict = a.LastPage.Length > 0 && b.LastPage.Length > 0 && a.LastPage != b.LastPage;
        var authorsKnownAgree = a.Surname.Length > 0 && b.Surname.Length > 0 && FirstAuthorsAgree(a, b);
        // One DOI and one title: one work, whatever an export did to its pages or volume ("i428" read as "1428", "1)" for "31").
        if (sameDoi && yearGap <= 1 && title.Similarity >= 0.97) return true;
        // Different DOIs mean different works, except where a record carries its supplement's or a sister journal's DOI:
        // then only the same title, year, first page and first author, and no other issue or last page, make them one.
        if (a.Doi is not null && b.Doi is not null && !sameDoi
            && !(sameYear && samePage && !issueConflict && !lastPageConflict && SurnamesAgree(a, b) && title.Similarity >= 0.97)) return false;
        // Another issue of the same volume: a column that recurs under one title ("Editorial Introduction", "Editor's Comments").
        if (issueConflict && !sameDoi && (sameVolume || a.Volume.Length == 0 || b.Volume.Length == 0)) return false;
        // Pages disagree: an e-locator against printed pages, or a typo. Only a near-identical title in the same volume and year overrides.
        // Computed only where a rule needs them: neither the venue names' agreement nor their edit distance is free.
        bool? venuesAgree = null;
        bool Venues() => venuesAgree ??= JournalNames.Agree(a.VenueName, b.VenueName);
        bool VenuesDiffer() => a.Venue.Length > 0 && b.Venue.Length > 0 && !Venues() && Normalise.Similarity(a.Venue, b.Venue) < 0.8;
        // (Not when the venues differ: one abstract presented at two meetings has two page numbers, and "1)" is no volume to agree on.)
        if (a.Page.Length > 0 && b.Page.Length > 0 && !samePage && !(sameYear && sameVolume && SurnamesAgree(a, b) && title.Similarity >= 0.97 && !VenuesDiffer())) return false;
        // The same abstract presented in two journals is two records of two venues: a different volume in a different venue parts them.
        // (Volume alone does not: volume fields often carry issue or supplement numbers.)
        if (a.Volume.Length > 0 && b.Volume.Length > 0 && a.Volume != b.Volume && VenuesDiffer()) return false;
        if (yearGap > 1) return false;
        // A DOI is shared by every abstract of a supplement: the same DOI counts only with the same title.
        if (sameDoi) return title.Similarity >= 0.9 || a.Compact.Length == 0 || b.Compact.Length == 0 || (TitleStartsOther(a, b) && SurnamesAgree(a, b));
        // One page range of one issue of one venue holds one article, whatever language its title is given in.
        var fullRange = samePage && a.LastPage.Length > 0 && a.LastPage == b.LastPage && a.LastPage != a.Page;
        if (fullRange && sameYear && sameVolume && a.Issue.Length > 0 && a.Issue == b.Issue && authorsKnownAgree && Venues()) return true;
        // So does an article number of five digits or more in one volume of one venue ("102766", "e0168396"), by the same authors:
        // a title reworded on publication does not make it another work.
        if (samePage && a.Page.Length >= 5 && a.LastPage.Length == 0 && b.LastPage.Length == 0 && sameYear && sameVolume && authorsKnownAgree && Venues()
            && SharedSurnames(a, b) >= Math.Min(3, Math.Min(a.Surnames.Count, b.Surnames.Count))) return true;
        if (a.Compact.Length == 0 || b.Compact.Length == 0) return false;
        // First authors disagree (a group name, a lost diacritic, a reordered list): only full bibliographic identity overrides.
        if (!SurnamesAgree(a, b) && !(sameYear && sameVolume && samePage && title.Similarity >= 0.97)) return false;
        // Volume fields are often polluted with issue and supplement numbers ("29 (7)", "1)"): pages decide, volume only adds weight.
        var bibliographicMatch = samePage && (a.Volume.Length == 0 || b.Volume.Length == 0 || a.Volume == b.Volume);
        // A year apart: only the same volume and pages make it the same work (online first vs print), or the same volume of the
        // same venue where one record gives no pages (an entry indexed before its pages were known).
        // A conference paper and the proceedings' entry indexed the next year have no volume, and the entry no pages.
        var onePaged = (a.Page.Length == 0) != (b.Page.Length == 0);
        if (yearGap == 1 && !bibliographicMatch
            && !(authorsKnownAgree && onePaged && Venues() && title.Similarity >= 0.97
                 && (sameVolume || (a.Volume.Length == 0 && b.Volume.Length == 0 && Math.Min(a.Words, b.Words) >= 5)))) return false;
        // Short, generic titles ("Editorial", "Introduction") need the volume and pages as well, or the same issue of the same
        // volume of the same venue by the same first author where pages are not given.
        if (Math.Min(a.Words, b.Words) <= 3)
            return (bibliographicMatch
                || (sameYear && sameVolume && a.Issue.Length > 0 && a.Issue == b.Issue && authorsKnownAgree && (a.Page.Length == 0 || b.Page.Length == 0) && Venues()))
                && title.Similarity >= 0.99;
        if (title.Similarity >= options.MergeTitleSimilarity) return true;
        // One title is the start of the other (a subtitle dropped, a study group's name appended): the same venue, year, first
        // page and first author make them one.
        if (sameYear && samePage && !lastPageConflict && authorsKnownAgree && (sameVolume || Venues()) && TitleStartsOther(a, b)) return true;
        return bibliographicMatch && a.Surname.Length > 0 && b.Surname.Length > 0 && title.Similarity >= 0.85;
    }

    private static int SharedSurnames(Fingerprint a, Fingerprint b) => a.Surnames.Count(s => b.Surnames.Any(t => AuthorNames.SameSurname(s, t)));

    private static bool TitleStartsOther(Fingerprint a, Fingerprint b)
    {
        var (shorter, longer) = a.Compact.Length <= b.Compact.Length ? (a, b) : (b, a);
        return shorter.Words >= 3 && shorter.Compact.Length >= 15 && longer.Compact.StartsWith(shorter.Compact, StringComparison.Ordinal);
    }
}
