using System.Text.Json;
using Microsoft.Extensions.Options;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Storage;

namespace SpineReview.Dedup;

/// <summary>What happened to a harvested record.</summary>
public enum RecordOutcome
{
    /// <summary>Stored as a new study record.</summary>
    New,
    /// <summary>Stored, linked to the record it duplicates.</summary>
    Duplicate,
    /// <summary>This very source record was stored by an earlier run; nothing changed.</summary>
    AlreadyStored,
}

/// <summary>A possible-duplicate pair as a person sees it: both records' year and title.</summary>
public sealed record ReviewPair(DedupPair Pair, int? Year, string? Title, int? OtherYear, string? OtherTitle);

/// <summary>Duplicate detection over everything stored: an incoming record is linked to a stored study by a shared identifier
/// (DOI, PMID, PMCID, arXiv id; point reads), else by the fingerprint index and the matcher's bands; and a person's verdicts
/// (merge, split, keep apart) with the work each one brings with it (screening queues follow the study, not the record).</summary>
public sealed partial class DedupService(RecordStore records, IdentifierIndex identifiers, DedupStore dedup, ScreeningStore screening, WorkQueues queues,
    IOptions<DedupOptions> options)
{
    /// <summary><see cref="StoredRecord.DuplicateBy"/> of a record merged by the matcher on title, authors and bibliographic details.</summary>
    public const string ByFingerprint = "title+authors";
    /// <summary><see cref="StoredRecord.DuplicateBy"/> of a preprint or published version linked to the same study.</summary>
    public const string ByVersion = "version";
    /// <summary><see cref="StoredRecord.DuplicateBy"/> of a notice linked to the work it is about, followed by its kind:
    /// "notice:erratum", "notice:retraction" or "notice:comment" (so a person and the report can name it "erratum of X").</summary>
    public const string ByNotice = "notice:";
    /// <summary><see cref="StoredRecord.DuplicateBy"/> of a record a person merged.</summary>
    public const string ByPerson = "person";

    /// <summary>Stores a harvested record unless this source record is stored already; links it when it duplicates a stored study.
    /// <paramref name="prepare"/> completes a record about to be stored as a study of its own (the harvest's enrichment).
    /// Safe against other processes storing the same work at once: a record becomes a study only by claiming its identifiers
    /// (and its title) with insert-only rows; a writer that finds one claimed by another record links to that record's study.
    /// With <paramref name="index"/> (a harvest run's), candidates come from memory and the index is kept up to date, not the
    /// fingerprint table.</summary>
    public async Task<(RecordOutcome Outcome, string? DuplicateOf)> RegisterAsync(BibRecord record, string harvestRun, DateTimeOffset now, CancellationToken ct,
        Func<BibRecord, CancellationToken, Task<BibRecord>>? prepare = null, HarvestIndex? index = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var key = record.Key;
        var fingerprint = Fingerprint.Of(record);
        if (await records.GetAsync(key, ct) is { } stored)
        {
            // A run that stopped between storing and claiming left the claims and the indexes incomplete: finish them, the same
            // way (a claim another writer made meanwhile links the record to that study).
            var study = stored.DuplicateOf;
            if (study is null && await ClaimAsync(stored.Record, fingerprint, key, ct) is { } lost) study = lost;
            await IndexAsync(index, stored.Record, fingerprint, key, study, ct);
            return (RecordOutcome.AlreadyStored, study);
        }

        string? duplicateOf = null, duplicateBy = null;
        if (await identifiers.FindOtherAsync(record, key, ct) is { } hit) (duplicateOf, duplicateBy) = (hit.RecordKey, hit.Kind);
        DedupMatch? review = null;
        if (duplicateOf is null)
        {
            var o = options.Value;
            var candidates = index is not null ? index.Candidates(fingerprint) : await dedup.CandidatesAsync(fingerprint, o.MaxBlockSize, ct);
            // Only a record never stored gets here: a person's verdicts concern stored records, which are never matched again.
            var match = DedupMatcher.Best(fingerprint, candidates, o);
            switch (match?.Band)
            {
                case DedupBand.Merge: (duplicateOf, duplicateBy) = (match.StudyKey, ByFingerprint); break;
                case DedupBand.Link: (duplicateOf, duplicateBy) = (match.StudyKey, ByVersion); break;
                // The notice is linked to the work; a work that arrives after a notice about it is a study of its own, and the pair goes to a person.
                case DedupBand.Notice when fingerprint.Kind != NoticeKind.None: (duplicateOf, duplicateBy) = (match.StudyKey, NoticeBy(fingerprint.Kind)); break;
                case DedupBand.Notice: review = match; break;
                case DedupBand.Review: review = match; break;
            }
        }

        // Matching is on the record as harvested; a record that will be screened is completed (enriched) first, so it is written once.
        if (duplicateOf is null && prepare is not null) record = await prepare(record, ct);
        if (!await records.TryAddAsync(record, harvestRun, now, duplicateOf, duplicateBy, ct, Compact(fingerprint)))
            return (RecordOutcome.AlreadyStored, duplicateOf);
        if (duplicateOf is not null)
        {
            // The index may lead to a record merged into another study since (a person's merge, or a writer that lost a claim).
            duplicateOf = await FollowAsync(key, duplicateOf, ct);
            await IndexAsync(index, record, fingerprint, key, duplicateOf, ct);
            if (review is not null) await dedup.AddReviewAsync(key, review.CandidateKey, review.TitleSimilarity, ct);
            return (RecordOutcome.Duplicate, duplicateOf);
        }
        // Stored as a study so far; it stays one only if no other writer claimed one of its identifiers or its title first.
        if (await ClaimAsync(record, fingerprint, key, ct) is { } winner)
        {
            await IndexAsync(index, record, fingerprint, key, winner, ct);
            return (RecordOutcome.Duplicate, winner);
        }
        await IndexAsync(index, record, fingerprint, key, null, ct);
        if (review is not null) await dedup.AddReviewAsync(key, review.CandidateKey, review.TitleSimilarity, ct);
        return (RecordOutcome.New, null);
    }

    // The fingerprint table without a run's index; with one, the index in memory: the record's fingerprint and link, and for a study
    // the rows it claimed (a row the index knows another holder of keeps that holder: storage decided, and the index only follows).
    private async Task IndexAsync(HarvestIndex? index, BibRecord record, Fingerprint fingerprint, string key, string? study, CancellationToken ct)
    {
        if (index is null)
        {
            await dedup.IndexAsync(fingerprint, study ?? key, ct);
            return;
        }
        index.Put(key, fingerprint, study);
        if (study is not null) return;
        foreach (var (kind, value) in IdentifierIndex.Of(record))
            if (index.Holder(kind, value) is null) index.Claim(kind, value, key);
        if (TitleClaimOf(fingerprint) is { } title && index.Holder(TitleKind, title) is null) index.Claim(TitleKind, title, key);
    }

    /// <summary>The record as the deduplicator compares it, as compact JSON (the Records table's Dedup column).</summary>
    public static string Compact(Fingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return JsonSerializer.Serialize(fingerprint.Record, DedupJson.Default.DedupRecord);
    }

    // Claims the stored study's identifiers, then its title, in one order for every writer (pmid, doi, pmcid, arXiv id, title): of
    // two records that share rows, the one that loses the first shared row stops there, so two writers never each win one row
    // and lose the other. Returns null when the record stays a study, else the study it is now linked to.
    private async Task<string?> ClaimAsync(BibRecord record, Fingerprint fingerprint, string key, CancellationToken ct)
    {
        var claimed = new List<(string Kind, string Value)>();
        foreach (var (kind, value) in IdentifierIndex.Of(record))
        {
            var holder = await identifiers.ClaimAsync(kind, value, key, ct);
            if (holder == key) { claimed.Add((kind, value)); continue; }
            // A person's merge points a record's identifiers at its study; a record linked to this one leads here too.
            var study = await StudyOfAsync(holder, ct);
            if (study == key) continue;
            // A person split these two (the record shares the identifier with a different work): the row stays with the other, and
            // seeing the record again must not undo the verdict.
            if (await dedup.DecidedDistinctAsync(key, holder, ct) || await dedup.DecidedDistinctAsync(key, study, ct)) continue;
            return await LoseAsync(key, claimed, study, kind, ct);
        }
        if (TitleClaimOf(fingerprint) is not { } title) return null;
        var first = await identifiers.ClaimAsync(TitleKind, title, key, ct);
        if (first == key || await records.GetAsync(first, ct) is not { } other) return null;
        // The same title and year is not the same work by itself ("Editorial", two studies named alike): the matcher decides.
        var (band, similarity) = Deduplicator.Judge(fingerprint, Fingerprint.Of(other.Record), options.Value);
        if (band is not (DedupBand.Merge or DedupBand.Link))
        {
            // Stored at the same moment, neither saw the other among its candidates: the pair a person should look at is listed here.
            if (band is DedupBand.Review or DedupBand.Notice) await dedup.AddReviewAsync(key, first, similarity, ct);
            return null;
        }
        var into = other.DuplicateOf ?? other.Key;
        if (into == key || await dedup.DecidedDistinctAsync(key, first, ct) || await dedup.DecidedDistinctAsync(key, into, ct)) return null;
        return await LoseAsync(key, claimed, into, band == DedupBand.Merge ? ByFingerprint : ByVersion, ct);
    }

    /// <summary>Index kind of the title claims: the normalised title and year of each study, insert-only.</summary>
    public const string TitleKind = "title";

    /// <summary>The title claim of a record (its normalised title and year), or null for titles under three words and notices
    /// (mostly columns, which share titles).</summary>
    public static string? TitleClaimOf(Fingerprint f)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (f.Words < 3 || f.Kind != NoticeKind.None) return null;
        var compact = f.Compact.Length <= 200 ? f.Compact
            : f.Compact[..200] + "~" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(f.Compact)))[..16];
        return $"{f.Record.Year?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}:{compact}";
    }

    // The record stored as a study lost a claim: it becomes a duplicate of the winner's study, the rows it did claim lead there
    // too, and so does any record another writer linked to it meanwhile.
    private async Task<string> LoseAsync(string key, List<(string Kind, string Value)> claimed, string study, string by, CancellationToken ct)
    {
        await records.RelinkAsync(key, null, study, by, ct);
        await dedup.MarkRelinkedAsync(ct);
        study = await FollowAsync(key, study, ct);
        foreach (var (kind, value) in claimed) await identifiers.MoveAsync(kind, value, key, study, ct);
        await MoveLinkedAsync(key, study, ct);
        return study;
    }

    // Written first, read after: a writer that links a record to `from` reads `from` after its write (FollowAsync), and this
    // lists the records linked to `from` after `from` was relinked, so of the two one always sees the other.
    private async Task MoveLinkedAsync(string from, string study, CancellationToken ct)
    {
        var linked = new List<StoredRecord>();
        await foreach (var r in records.ListLinkedToAsync(from, ct)) linked.Add(r);
        // The study itself can be listed: the other side of a crossing move, which puts it back itself.
        foreach (var r in linked.Where(r => r.Key != study))
        {
            try
            {
                await records.RelinkAsync(r.Key, from, study, r.DuplicateBy, ct);
            }
            catch (InvalidOperationException)
            {
                // Relinked by its own writer or a person since it was listed: that link stands.
            }
        }
    }

    // The study a record linked to `to` belongs to: `to` itself unless `to` was linked to another meanwhile, then the link is moved
    // there (ETag-checked), as often as it takes.
    private async Task<string> FollowAsync(string key, string to, CancellationToken ct)
    {
        for (var hops = 0; ; hops++)
        {
            var next = await records.GetAsync(to, ct) is { DuplicateOf: { } n } ? n : null;
            if (next is null) return to;
            if (next == key || hops > 16)
                throw new RecordRefusedException($"Records {key} and {to} are linked in a loop; split one of them (spine-review dedup split).");
            var moved = await records.RelinkAsync(key, to, next, (await records.GetAsync(key, ct))?.DuplicateBy, ct);
            to = moved.DuplicateOf!;
        }
    }

    private async Task<string> StudyOfAsync(string key, CancellationToken ct) =>
        await records.GetAsync(key, ct) is { DuplicateOf: { } study } ? study : key;

    /// <summary><see cref="StoredRecord.DuplicateBy"/> of a notice of this kind ("notice:erratum").</summary>
    public static string NoticeBy(NoticeKind kind) => ByNotice + kind.ToString().ToLowerInvariant();

    /// <summary>The index keys a registration reads and writes (identifiers, the record's own key, its blocking keys):
    /// records that share one must be registered one after the other, so the second sees the first.</summary>
    public static IEnumerable<string> IndexKeys(BibRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return IdentifierIndex.Of(record).Select(i => $"{i.Kind}:{i.Value}").Append("key:" + record.Key)
            .Concat(Fingerprint.Of(record).BlockingKeys().Select(k => "fp:" + k));
    }

    /// <summary>The pairs the matcher was unsure of, most similar first, with both titles.</summary>
    public async Task<IReadOnlyList<ReviewPair>> ReviewListAsync(CancellationToken ct)
    {
        var list = new List<ReviewPair>();
        foreach (var p in (await dedup.ListAsync(DedupStore.Review, ct)).OrderByDescending(p => p.TitleSimilarity))
        {
            var one = await records.GetAsync(p.RecordKey, ct);
            var two = await records.GetAsync(p.OtherKey, ct);
            list.Add(new ReviewPair(p, one?.Record.Year, one?.Record.Title, two?.Record.Year, two?.Record.Title));
        }
        return list;
    }

    /// <summary>The stored record a person looks at before a verdict (with its current link), or null.</summary>
    public Task<StoredRecord?> GetAsync(string key, CancellationToken ct) => records.GetAsync(key, ct);

    /// <summary>A person's verdict that a linked record is a different work: it becomes a study of its own and is queued for
    /// screening (a duplicate never was screened), and the matcher never joins the two again. Returns the key it was linked to.</summary>
    public async Task<string> SplitAsync(string key, string decidedBy, DateTimeOffset at, CancellationToken ct)
    {
        var stored = await records.GetAsync(key, ct) ?? throw RecordStore.NotStored(key);
        var other = stored.DuplicateOf ?? throw new RecordRefusedException($"Record {key} is not linked to another record; nothing to split.");
        await dedup.DecideAsync(key, other, DedupStore.Distinct, decidedBy, at, ct);
        // Relinked only from the link just read: of two people splitting at once, one splits and queues; the other is told.
        var split = await records.RelinkAsync(key, other, null, null, ct);
        // The verdict is stored: the rest must finish even when the command is cancelled now, or the record would be a study
        // no stage ever looks at (and a second split is refused: it is no longer linked).
        await identifiers.AddAsync(split.Record, key, CancellationToken.None);
        await dedup.IndexAsync(Fingerprint.Of(split.Record), key, CancellationToken.None);
        await queues.EnqueueAsync(queues.Screen, key, CancellationToken.None);
        return other;
    }

    /// <summary>A person's verdict that <paramref name="key"/> is the same work as <paramref name="into"/>: it is linked to that
    /// record's study, and so is every record linked to it; it leaves the reviewers' queue (its decisions stay on record).
    /// Returns the study's key.</summary>
    public async Task<string> MergeAsync(string key, string into, string decidedBy, DateTimeOffset at, CancellationToken ct)
    {
        var target = await records.GetAsync(into, ct) ?? throw RecordStore.NotStored(into);
        var study = target.DuplicateOf ?? target.Key;
        if (study == key) throw new RecordRefusedException($"Record {into} is already linked to {key}.");
        var record = await records.GetAsync(key, ct) ?? throw RecordStore.NotStored(key);
        // ETag-checked against the link just read: of two people moving this record at once, one is told.
        await records.RelinkAsync(key, record.DuplicateOf, study, ByPerson, ct);
        // Written first, read after: of two merges that cross (this record into the study while the study is merged into this
        // record, or into a third), the later check sees the other's write. The record goes back and the person is told, so
        // no two records end up linked to each other with no study left.
        if (await records.GetAsync(study, ct) is not { DuplicateOf: null })
        {
            await records.RelinkAsync(key, study, record.DuplicateOf, record.DuplicateBy, CancellationToken.None);
            throw new RecordRefusedException($"Record {study} was merged or relinked meanwhile. Look at both records again before deciding.");
        }
        // Before the linked records are listed: a harvest run that linked a record to this one after reading its index sees the mark.
        await dedup.MarkRelinkedAsync(CancellationToken.None);
        // The merge stands: the rest must finish even when the command is cancelled now.
        await dedup.DecideAsync(key, into, DedupStore.Same, decidedBy, at, CancellationToken.None);
        var moved = new List<StoredRecord> { record };
        await foreach (var linked in records.ListLinkedToAsync(key, CancellationToken.None))
        {
            // The study itself can be listed: the other side of a crossing merge, refused and put back by its own check.
            if (linked.Key == study) continue;
            try
            {
                moved.Add(await records.RelinkAsync(linked.Key, key, study, ByPerson, CancellationToken.None));
            }
            catch (InvalidOperationException)
            {
                // Relinked by someone else since it was listed: that link stands.
            }
        }
        foreach (var m in moved)
        {
            // Its identifiers now lead to the study, so a later record with one of them is linked to the study, not to it.
            await identifiers.PointAtAsync(m.Record, study, CancellationToken.None);
            await dedup.IndexAsync(Fingerprint.Of(m.Record), study, CancellationToken.None);
        }
        // No longer a study of its own, so people should not spend a decision on it.
        await screening.RemoveFromQueueAsync(key, CancellationToken.None);
        return study;
    }

    /// <summary>A person's verdict on a possible-duplicate pair: two different works. Both stay studies of their own and the
    /// pair leaves the review list.</summary>
    public async Task KeepApartAsync(string key, string other, string decidedBy, DateTimeOffset at, CancellationToken ct)
    {
        var one = await records.GetAsync(key, ct) ?? throw RecordStore.NotStored(key);
        var two = await records.GetAsync(other, ct) ?? throw RecordStore.NotStored(other);
        if ((one.DuplicateOf ?? one.Key) == (two.DuplicateOf ?? two.Key))
            throw new RecordRefusedException($"Records {key} and {other} are linked as one study; to part them, split the linked one.");
        await dedup.DecideAsync(key, other, DedupStore.Distinct, decidedBy, at, ct);
    }
}
