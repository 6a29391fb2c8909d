using Azure;
using Microsoft.Extensions.Options;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Screening.People;

/// <summary>A record served to one reviewer: what they need to decide, and nothing of anyone else's decision.</summary>
/// <param name="Source">The source that returned the record, and its publication types and MeSH terms (empty when it gives none).</param>
public sealed record ScreeningItem(string RecordKey, string Title, string? Abstract, string Authors, string? Journal, int? Year, string? Doi, string? Pmid,
    IReadOnlyList<string> Keywords, double Probability, bool Likely, bool Audit, int WaitingForYou, string RuleEvidence,
    string? Source = null, IReadOnlyList<string>? PublicationTypes = null, IReadOnlyList<string>? Mesh = null);

/// <summary>A record a reviewer decided, shown again so they can change their decision: the record and their own decision with its ETag.</summary>
public sealed record OwnDecision(ScreeningItem Item, ReviewerDecision Decision, string ETag);

/// <summary>What a decision led to.</summary>
public sealed record DecisionResult(ReviewerDecision Decision, string ETag, ScreeningStatus Status, bool? Included, string? Reason, string How);

/// <summary>A disagreement waiting for a third reviewer, with both decisions shown.</summary>
public sealed record ConflictItem(string RecordKey, string Title, int? Year, double Probability, IReadOnlyList<ReviewerDecision> Decisions);

/// <summary>The people's side of screening: next record, decide, conflicts, resolve. The reviewer is always the caller's signed-in identity.</summary>
public sealed class ReviewService(RecordStore records, ScreeningStore store, RankingService ranking, WorkQueues queues,
    IOptions<ScreeningOptions> options, TimeProvider time)
{
    private int Required => Math.Max(1, options.Value.ReviewersPerRecord);

    private bool Open(QueueEntry q, string reviewer) => !q.Reviewers.Contains(reviewer, StringComparer.Ordinal) && q.Reviewers.Count < Required;

    /// <summary>The highest-priority record this reviewer has not decided, or null when nothing waits for them.</summary>
    public async Task<ScreeningItem?> NextAsync(string reviewer, CancellationToken ct)
    {
        CheckReviewer(reviewer);
        // No training here: at 10,000 waiting a training reads every record and rewrites the changed probabilities, which
        // a person would wait for after each decision. The hosts retrain beside the requests (the Functions timer, the web
        // app's RankingRefresher; the command line's screen next retrains first), and the order served is the latest model's.
        // Ordered from the queue as recently read (the screening page answers a decision with the next record within 200 ms,
        // and reading 10,000 rows takes longer); the row picked is read again, so a decision stored elsewhere meanwhile counts.
        var waiting = (await store.ListQueueRecentAsync(ScreeningStore.RecentQueueAge, ct))
            .Where(q => q.Status == ScreeningStatus.Pending && Open(q, reviewer))
            // The audit sample first: until it is screened the misses among the model's exclusions cannot be estimated.
            .OrderByDescending(q => q.Audit).ThenByDescending(q => q.Probability).ThenBy(q => q.EnqueuedAt).ThenBy(q => q.RecordKey, StringComparer.Ordinal)
            .ToList();
        foreach (var listed in waiting)
        {
            // The row as stored now, the record and its decisions, read at once: one wait instead of three.
            var row = store.GetQueueEntryAsync(listed.RecordKey, ct);
            var read = records.GetAsync(listed.RecordKey, ct);
            var decided = store.DecisionsAsync(listed.RecordKey, ct);
            await Task.WhenAll(row, read, decided);
            if (await row is not { Status: ScreeningStatus.Pending } q || !Open(q, reviewer)) continue;
            var stored = await read;
            if (stored is null || stored.DuplicateOf is not null) continue;
            // A decision stored without its queue row being updated (a crash between the two writes) is healed here, never served again.
            if ((await decided).Any(d => d.Decision.Role == DecisionRole.Screen && d.Decision.Reviewer == reviewer))
            {
                await SettleAsync(q.RecordKey, ct);
                continue;
            }
            return await ItemAsync(stored, q, waiting.Count, ct);
        }
        return null;
    }

    /// <summary>A record this reviewer screened, with their own decision and its ETag, to change it (nothing of anyone else's decision).</summary>
    public async Task<OwnDecision> OwnDecisionAsync(string reviewer, string recordKey, CancellationToken ct)
    {
        CheckReviewer(reviewer);
        var q = await store.GetQueueEntryAsync(recordKey, ct)
            ?? throw new DecisionRejectedException($"record {recordKey} is not waiting for people (unknown, excluded by the rules, or a duplicate)", 404);
        var own = (await store.DecisionsAsync(recordKey, ct)).FirstOrDefault(d => d.Decision.Role == DecisionRole.Screen && d.Decision.Reviewer == reviewer);
        if (own.Decision is null) throw new DecisionRejectedException($"{reviewer} has no decision on record {recordKey} to change", 404);
        var stored = await records.GetAsync(recordKey, ct) ?? throw new DecisionRejectedException($"record {recordKey} is not stored", 404);
        return new OwnDecision(await ItemAsync(stored, q, 0, ct), own.Decision, own.ETag.ToString());
    }

    private async Task<ScreeningItem> ItemAsync(StoredRecord stored, QueueEntry q, int waiting, CancellationToken ct)
    {
        var r = stored.Record;
        var rule = await store.GetRuleDecisionAsync(q.RecordKey, ct);
        return new ScreeningItem(q.RecordKey, r.Title, r.Abstract, string.Join("; ", r.Authors.Select(a => a.Name)), r.Journal, r.Year, r.Doi, r.Pmid,
            r.Keywords, Math.Round(q.Probability, 4), q.Probability >= options.Value.HighThreshold, q.Audit, waiting, rule?.Evidence ?? "",
            r.Source, r.PublicationTypes, r.Mesh);
    }

    /// <summary>
    /// Stores a reviewer's independent screening decision and settles the record when the decisions agree. A record the
    /// model excluded can still be decided (someone found it by its key): that reopens it for people.
    /// </summary>
    /// <param name="ifMatch">Only to change one's own earlier decision: the ETag it was given.</param>
    public Task<DecisionResult> DecideAsync(string reviewer, string recordKey, string verdict, string? reason, string? note, string? ifMatch, CancellationToken ct) =>
        StoreAsync(reviewer, recordKey, DecisionRole.Screen, verdict, reason, note, ifMatch, ct);

    /// <summary>A third reviewer settles a conflict (someone who did not screen the record).</summary>
    public Task<DecisionResult> ResolveAsync(string reviewer, string recordKey, string verdict, string? reason, string? note, string? ifMatch, CancellationToken ct) =>
        StoreAsync(reviewer, recordKey, DecisionRole.Resolve, verdict, reason, note, ifMatch, ct);

    /// <summary>Records whose screening decisions disagree, oldest first, with the decisions for the third reviewer to weigh.</summary>
    public async Task<List<ConflictItem>> ConflictsAsync(CancellationToken ct)
    {
        var list = new List<ConflictItem>();
        foreach (var q in (await store.ListQueueAsync(ScreeningStatus.Conflict, ct)).OrderBy(q => q.EnqueuedAt).ThenBy(q => q.RecordKey, StringComparer.Ordinal))
        {
            var stored = await records.GetAsync(q.RecordKey, ct);
            var decisions = (await store.DecisionsAsync(q.RecordKey, ct)).Select(d => d.Decision).Where(d => d.Role == DecisionRole.Screen).ToList();
            list.Add(new ConflictItem(q.RecordKey, stored?.Record.Title ?? "", stored?.Record.Year, Math.Round(q.Probability, 4), decisions));
        }
        return list;
    }

    /// <summary>Counts, agreement and estimated recall from what is stored.</summary>
    /// <param name="since">Agreement over decisions after this moment only (null: all).</param>
    public async Task<ScreeningQuality> QualityAsync(DateTimeOffset? since, CancellationToken ct)
    {
        return ScreeningQuality.Compute(await store.ListQueueAsync(null, ct), await store.ListDecisionsAsync(ct), await ranking.LatestAsync(ct),
            options.Value.HighThreshold, since);
    }

    private async Task<DecisionResult> StoreAsync(string reviewer, string recordKey, DecisionRole role, string verdictWord, string? reason, string? note,
        string? ifMatch, CancellationToken ct)
    {
        CheckReviewer(reviewer);
        if (string.IsNullOrWhiteSpace(recordKey)) throw new DecisionRejectedException("name the record to decide (its key, as `next` gave it)");
        if (recordKey.Length > 512 || recordKey.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
            throw new DecisionRejectedException($"\"{(recordKey.Length > 60 ? recordKey[..60] + "..." : recordKey)}\" is not a record key; use the key `next` gave (for example pubmed:12345678)");
        if (note is { Length: > 4000 }) throw new DecisionRejectedException($"the note has {note.Length} characters; keep it under 4,000");
        var verdict = ScreeningRules.ParseVerdict(verdictWord);
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        ScreeningRules.Validate(role, verdict, reason);
        var entry = await store.GetQueueEntryAsync(recordKey, ct)
            ?? throw new DecisionRejectedException($"record {recordKey} is not waiting for people (unknown, excluded by the rules, or a duplicate)", 404);
        var decision = new ReviewerDecision(recordKey, reviewer, role, verdict, reason, string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            time.GetUtcNow(), Math.Round(entry.Probability, 6));
        // Every check is made on the record's stored decisions, and the decision is stored only if they are still the same
        // (the stamp in the same transaction): a reviewer racing others for the last place, or two third reviewers for one
        // conflict, find out here, not after both are stored. A stale snapshot is read and checked again.
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await store.ReadDecisionsAsync(recordKey, ct);
            var own = snapshot.Decisions.Where(x => x.Decision.Role == role && x.Decision.Reviewer == reviewer).Select(x => (ETag?)x.ETag).FirstOrDefault();
            await CheckAsync(snapshot, reviewer, role, own, ifMatch, ct);
            if (await store.TryStoreDecisionAsync(snapshot, decision, own, ct) is { } etag)
            {
                var settled = await SettleAsync(recordKey, ct);
                return new DecisionResult(decision, etag.ToString(), settled.Status, settled.Included, settled.Reason, settled.How);
            }
            if (attempt >= MaxAttempts)
                throw new DecisionRejectedException($"record {recordKey} kept changing while {reviewer}'s decision was being stored ({MaxAttempts} tries); send it again", 409);
            await Task.Delay(Random.Shared.Next(5, 20 + attempt * 10), ct);
        }
    }

    private const int MaxAttempts = 30;

    /// <summary>Refuses a decision the record's stored decisions do not allow; <paramref name="own"/> is the ETag of the person's own row in that role.</summary>
    private async Task CheckAsync(DecisionSnapshot snapshot, string reviewer, DecisionRole role, ETag? own, string? ifMatch, CancellationToken ct)
    {
        var recordKey = snapshot.RecordKey;
        if (ifMatch is not null)
        {
            // Changing one's own decision: it must exist and be the one the person was shown.
            if (own is null)
                throw new DecisionRejectedException($"{reviewer} has no earlier decision on record {recordKey} to change; send the decision without an ETag", 404);
            if (own.Value.ToString() != ifMatch)
                throw new DecisionRejectedException(
                    $"the decision of {reviewer} on record {recordKey} has changed since that ETag was given; fetch it again and decide on what is stored now", 412);
        }
        else if (own is not null)
        {
            // Already decided: make sure the queue row says so (it may not, after a crash), then tell the person.
            await SettleAsync(recordKey, ct);
            throw new DecisionRejectedException(
                $"{reviewer} has already decided record {recordKey}; to change that decision, send it again with the ETag it was given (If-Match)", 409);
        }
        var decisions = snapshot.Decisions.Select(x => x.Decision).ToList();
        var screeners = decisions.Where(d => d.Role == DecisionRole.Screen).Select(d => d.Reviewer).Distinct(StringComparer.Ordinal).ToList();
        var mine = screeners.Contains(reviewer, StringComparer.Ordinal);
        var outcome = ScreeningRules.Outcome(decisions, Required);
        if (role == DecisionRole.Screen)
        {
            if (!mine && screeners.Count >= Required)
            {
                // The queue row may lag behind the decisions (a crash between the two writes): heal it for the next person.
                await SettleAsync(recordKey, ct);
                throw new DecisionRejectedException(outcome.Status == ScreeningStatus.Conflict
                    ? $"record {recordKey} already has its {Required} screening decisions and they disagree: it waits for a third reviewer (resolve)"
                    : $"record {recordKey} already has its {Required} screening decisions and is settled", 409);
            }
        }
        else
        {
            if (mine) throw new DecisionRejectedException($"{reviewer} screened record {recordKey}; a conflict is resolved by a third reviewer who did not", 403);
            if (outcome.Status != ScreeningStatus.Conflict && ifMatch is null)
                throw new DecisionRejectedException($"record {recordKey} is not a conflict ({outcome.How}); only conflicts are resolved", 409);
        }
    }

    /// <summary>
    /// Recomputes a record's queue row from all its decisions (under ETag concurrency, so concurrent deciders both count). A record
    /// that becomes included nudges the alerts queue, so that immediate alerts go out without waiting for the timer.
    /// </summary>
    public async Task<QueueEntry> SettleAsync(string recordKey, CancellationToken ct)
    {
        var wasIncluded = false;
        var settled = await store.UpdateQueueAsync(recordKey, async current =>
        {
            wasIncluded = current.Status == ScreeningStatus.Final && current.Included == true;
            var decisions = (await store.DecisionsAsync(recordKey, ct)).Select(d => d.Decision).ToList();
            var outcome = ScreeningRules.Outcome(decisions, Required);
            var screeners = decisions.Where(d => d.Role == DecisionRole.Screen).Select(d => d.Reviewer).Distinct(StringComparer.Ordinal).ToList();
            return current with
            {
                // A person's decision on a record the model excluded reopens it: people always overrule the model.
                AutoExcluded = current.AutoExcluded && decisions.Count == 0,
                Reviewers = screeners,
                Status = outcome.Status,
                Included = outcome.Included,
                Reason = outcome.Reason,
                How = outcome.How,
                SettledAt = outcome.Status == ScreeningStatus.Final ? decisions.Max(d => d.DecidedAt) : null,
            };
        }, ct);
        if (!wasIncluded && settled.Status == ScreeningStatus.Final && settled.Included == true)
            await queues.EnqueueAsync(queues.Alerts, recordKey, ct);
        return settled;
    }

    private static void CheckReviewer(string reviewer)
    {
        if (string.IsNullOrWhiteSpace(reviewer))
            throw new DecisionRejectedException("no reviewer identity: sign in (in Azure), or set Screening__Reviewer for the command line", 401);
        if (reviewer.Length > 200 || reviewer.Any(char.IsControl))
            throw new DecisionRejectedException("the reviewer identity must be a name of at most 200 characters without control characters", 400);
    }
}
