using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Dedup;

/// <summary>What the bulk path decided for one record of a page, in memory, before anything is written.</summary>
public enum PagePlan
{
    /// <summary>A study of its own: stored, then its identifiers and title claimed in entity-group transactions.</summary>
    Study,
    /// <summary>A duplicate of <see cref="PageDecision.DuplicateOf"/>: stored with its link, nothing claimed.</summary>
    Duplicate,
    /// <summary>This source record is stored already and its claims are complete: nothing is written.</summary>
    Stored,
    /// <summary>Left to the per-record path (stored but perhaps not claimed, a title another record holds, a key twice in the page).</summary>
    PerRecord,
}

/// <summary>The bulk path's decision for one record: how it is stored, the study it is linked to and why, and the pair a person
/// should look at.</summary>
public sealed record PageDecision(BibRecord Record, Fingerprint Fingerprint, PagePlan Plan, string? DuplicateOf = null, string? DuplicateBy = null,
    DedupMatch? Review = null)
{
    /// <summary>The record's title claim (<see cref="DedupService.TitleKind"/>), or null when it has none.</summary>
    public string? TitleClaim { get; init; }
}

/// <summary>Everything stored that matching needs, held in memory for a harvest run: each stored record's fingerprint and study,
/// the claimed identifier and title rows, and the records by blocking key. Loaded once per run from the Records and Identifiers
/// tables, kept up to date with what the run writes, so that a page is matched without a storage request. Not thread-safe: a
/// harvest stores its pages one after the other.</summary>
public sealed class HarvestIndex(DedupOptions options)
{
    private sealed class Entry(Fingerprint fingerprint, string? duplicateOf)
    {
        public Fingerprint Fingerprint { get; set; } = fingerprint;
        public string? DuplicateOf { get; set; } = duplicateOf;
    }

    private readonly Dictionary<string, Entry> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _blocks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _claims = new(StringComparer.Ordinal);

    /// <summary>Records in the index.</summary>
    public int Count => _records.Count;

    /// <summary>The relink mark read before the index was (<see cref="DedupStore.RelinkMarkAsync"/>).</summary>
    public string RelinkMark { get; set; } = "";

    /// <summary>Empties the index, to be read again.</summary>
    public void Clear()
    {
        _records.Clear();
        _blocks.Clear();
        _claims.Clear();
    }

    /// <summary>Claimed index rows (identifiers and titles).</summary>
    public int Claims => _claims.Count;

    /// <summary>Whether this source record is stored.</summary>
    public bool Contains(string key) => _records.ContainsKey(key);

    /// <summary>The study a stored record belongs to (its own key when it is one); the key itself when the record is not in the index.</summary>
    public string StudyOf(string key) => _records.TryGetValue(key, out var e) && e.DuplicateOf is { } s ? s : key;

    /// <summary>Adds a stored record, or changes its fingerprint and link when it is in the index already.</summary>
    public void Put(string key, Fingerprint fingerprint, string? duplicateOf)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (_records.TryGetValue(key, out var e))
        {
            e.DuplicateOf = duplicateOf;
            if (ReferenceEquals(e.Fingerprint, fingerprint)) return;
            e.Fingerprint = fingerprint;
        }
        else _records[key] = new Entry(fingerprint, duplicateOf);
        foreach (var block in fingerprint.BlockingKeys())
        {
            if (!_blocks.TryGetValue(block, out var list)) _blocks[block] = list = [];
            if (!list.Contains(key, StringComparer.Ordinal)) list.Add(key);
        }
    }

    /// <summary>Records a claimed row (an identifier as (kind, value), or a title claim) held by <paramref name="holder"/>.</summary>
    public void Claim(string kind, string value, string holder) => _claims[ClaimKey(kind, value)] = holder;

    /// <summary>The record holding a claimed row, or null.</summary>
    public string? Holder(string kind, string value) => _claims.GetValueOrDefault(ClaimKey(kind, value));

    // Values are compared as the table stores them (encoded), so rows read back need no decoding.
    private static string ClaimKey(string kind, string value) => kind + "\n" + KeyEncoding.Encode(value);

    /// <summary>Records claimed as read from the table: <paramref name="encodedValue"/> is the row key as stored.</summary>
    public void ClaimStored(string kind, string encodedValue, string holder) => _claims[kind + "\n" + encodedValue] = holder;

    /// <summary>Every stored record sharing a blocking key with <paramref name="incoming"/>, with its study as the index knows it now
    /// (keys shared by more than <see cref="DedupOptions.MaxBlockSize"/> records are skipped, as the fingerprint table's reads do).</summary>
    public List<DedupCandidate> Candidates(Fingerprint incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<DedupCandidate>();
        foreach (var block in incoming.BlockingKeys())
            if (_blocks.TryGetValue(block, out var list) && list.Count <= options.MaxBlockSize)
                foreach (var key in list)
                    if (seen.Add(key) && _records.TryGetValue(key, out var e)) found.Add(new DedupCandidate(key, e.DuplicateOf ?? key, e.Fingerprint));
        return found;
    }

    /// <summary>Decides a page in memory, in order, as <see cref="DedupService.RegisterAsync"/> would one record at a time: a record
    /// stored already, an identifier another study holds, else the matcher's bands against every candidate. Each decision is put in
    /// the index at once, so a later record of the page sees an earlier one (a study and its copy on one page).</summary>
    public List<PageDecision> Plan(IReadOnlyList<BibRecord> page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var decisions = new List<PageDecision>(page.Count);
        var inPage = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in page)
        {
            var key = record.Key;
            var fingerprint = Fingerprint.Of(record);
            if (!inPage.Add(key)) { decisions.Add(new PageDecision(record, fingerprint, PagePlan.PerRecord)); continue; }
            if (_records.TryGetValue(key, out var stored))
            {
                // Stored by an earlier run: nothing to write when its claims are all there (a study) or it is linked; else the
                // per-record path finishes them as a rerun always did.
                var plan = stored.DuplicateOf is not null || ClaimsComplete(record, fingerprint, key) ? PagePlan.Stored : PagePlan.PerRecord;
                decisions.Add(new PageDecision(record, fingerprint, plan, stored.DuplicateOf));
                continue;
            }
            var decision = Decide(record, fingerprint);
            if (decision.Plan == PagePlan.Study)
            {
                // A title held by another record is judged against that record by the per-record path (a merge, a review pair, or
                // nothing), as a claim lost to another writer is.
                var title = DedupService.TitleClaimOf(fingerprint);
                if (title is not null && Holder(DedupService.TitleKind, title) is { } other && other != key)
                {
                    decisions.Add(decision with { Plan = PagePlan.PerRecord });
                    continue;
                }
                decision = decision with { TitleClaim = title };
                foreach (var (kind, value) in IdentifierIndex.Of(record)) Claim(kind, value, key);
                if (title is not null) Claim(DedupService.TitleKind, title, key);
            }
            Put(key, fingerprint, decision.DuplicateOf);
            decisions.Add(decision);
        }
        return decisions;
    }

    private PageDecision Decide(BibRecord record, Fingerprint fingerprint)
    {
        var key = record.Key;
        foreach (var (kind, value) in IdentifierIndex.Of(record))
            if (Holder(kind, value) is { } holder && holder != key)
                return new PageDecision(record, fingerprint, PagePlan.Duplicate, StudyOf(holder), kind);
        var match = DedupMatcher.Best(fingerprint, Candidates(fingerprint), options);
        return match?.Band switch
        {
            DedupBand.Merge => new PageDecision(record, fingerprint, PagePlan.Duplicate, match.StudyKey, DedupService.ByFingerprint),
            DedupBand.Link => new PageDecision(record, fingerprint, PagePlan.Duplicate, match.StudyKey, DedupService.ByVersion),
            DedupBand.Notice when fingerprint.Kind != NoticeKind.None =>
                new PageDecision(record, fingerprint, PagePlan.Duplicate, match.StudyKey, DedupService.NoticeBy(fingerprint.Kind)),
            DedupBand.Notice or DedupBand.Review => new PageDecision(record, fingerprint, PagePlan.Study, Review: match),
            _ => new PageDecision(record, fingerprint, PagePlan.Study),
        };
    }

    // A stored study whose every identifier row and title row is held by it (or by a record of its study): a finished first run.
    private bool ClaimsComplete(BibRecord record, Fingerprint fingerprint, string key)
    {
        foreach (var (kind, value) in IdentifierIndex.Of(record))
            if (Holder(kind, value) is not { } holder || (holder != key && StudyOf(holder) != key)) return false;
        return DedupService.TitleClaimOf(fingerprint) is not { } title || Holder(DedupService.TitleKind, title) == key;
    }
}
