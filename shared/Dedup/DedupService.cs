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
public sealed class DedupService(RecordStore records, IdentifierIndex identifiers, DedupStore dedup, ScreeningStore screening, WorkQueues queues,
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
    /// <paramref name="prepare"/> completes a record about to be stored as a study of its own (the harvest's enrichment).</summary>
    public async Task<(RecordOutcome Outcome, string? DuplicateOf)> RegisterAsync(BibRecord record, string harvestRun, DateTimeOffset now, CancellationToken ct,
        Func<BibRecord, CancellationToken, Task<BibRecord>>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var key = record.Key;
        var fingerprint = Fingerprint.Of(record);
        if (await records.GetAsync(key, ct) is { } stored)
        {
            // A run that stopped between storing and indexing left the indexes incomplete: mend them.
            if (stored.DuplicateOf is null) await identifiers.AddAsync(record, key, ct);
            await dedup.IndexAsync(fingerprint, stored.DuplicateOf ?? key, ct);
            return (RecordOutcome.AlreadyStored, stored.DuplicateOf);
        }

        string? duplicateOf = null, duplicateBy = null;
        if (await identifiers.FindOtherAsync(record, key, ct) is { } hit) (duplicateOf, duplicateBy) = (hit.RecordKey, hit.Kind);
        DedupMatch? review = null;
        if (duplicateOf is null)
        {
            var o = options.Value;
            var candidates = await dedup.CandidatesAsync(fingerprint, o.MaxBlockSize, ct);
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
        if (!await records.TryAddAsync(record, harvestRun, now, duplicateOf, duplicateBy, ct)) return (RecordOutcome.AlreadyStored, duplicateOf);
        await dedup.IndexAsync(fingerprint, duplicateOf ?? key, ct);
        if (review is not null) await dedup.AddReviewAsync(key, review.CandidateKey, review.TitleSimilarity, ct);
        if (duplicateOf is not null) return (RecordOutcome.Duplicate, duplicateOf);
        await identifiers.AddAsync(record, key, ct);
        return (RecordOutcome.New, null);
    }

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
        var other = stored.DuplicateOf ?? throw new InvalidOperationException($"Record {key} is not linked to another record; nothing to split.");
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
        if (study == key) throw new InvalidOperationException($"Record {into} is already linked to {key}.");
        await dedup.DecideAsync(key, into, DedupStore.Same, decidedBy, at, ct);
        var moved = new List<StoredRecord> { await records.GetAsync(key, ct) ?? throw RecordStore.NotStored(key) };
        await foreach (var linked in records.ListLinkedToAsync(key, ct)) moved.Add(linked);
        foreach (var m in moved)
        {
            var relinked = await records.RelinkAsync(m.Key, m.DuplicateOf, study, ByPerson, ct);
            // Its identifiers now lead to the study, so a later record with one of them is linked to the study, not to it.
            await identifiers.PointAtAsync(relinked.Record, study, ct);
            await dedup.IndexAsync(Fingerprint.Of(relinked.Record), study, ct);
        }
        // No longer a study of its own, so people should not spend a decision on it; the verdict is stored, so this finishes
        // even when the command is cancelled now.
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
            throw new InvalidOperationException($"Records {key} and {other} are linked as one study; to part them, split the linked one.");
        await dedup.DecideAsync(key, other, DedupStore.Distinct, decidedBy, at, ct);
    }
}
