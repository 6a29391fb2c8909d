using SpineReview.Screening;
using SpineReview.Storage;

namespace SpineReview.Dedup;

/// <summary>A possible-duplicate pair as a person sees it: both records' year and title.</summary>
public sealed record ReviewPair(DedupPair Pair, int? Year, string? Title, int? OtherYear, string? OtherTitle);

/// <summary>A person's duplicate verdicts (merge, split, keep apart) with the work each one brings with it, so every host
/// that takes a verdict does the same.</summary>
public sealed class DedupService(RecordStore records, DedupStore pairs, ScreeningStore screening, WorkQueues queues, TimeProvider time)
{
    /// <summary>The pairs the matcher was unsure of, most similar first, with both titles.</summary>
    public async Task<IReadOnlyList<ReviewPair>> ReviewListAsync(CancellationToken ct)
    {
        var list = new List<ReviewPair>();
        foreach (var p in (await pairs.ListAsync(DedupStore.Review, ct)).OrderByDescending(p => p.TitleSimilarity))
        {
            var one = await records.GetAsync(p.RecordKey, ct);
            var two = await records.GetAsync(p.OtherKey, ct);
            list.Add(new ReviewPair(p, one?.Record.Year, one?.Record.Title, two?.Record.Year, two?.Record.Title));
        }
        return list;
    }

    /// <summary><paramref name="key"/> is the same work as <paramref name="into"/>: it joins that study and leaves the
    /// reviewers' queue (its decisions stay on record). Returns the study's key.</summary>
    public async Task<string> MergeAsync(string key, string into, string decidedBy, CancellationToken ct)
    {
        var study = await records.MergeAsync(key, into, decidedBy, time.GetUtcNow(), ct);
        // The verdict is stored: its follow-up finishes even when the command is cancelled now, or the merged record would
        // stay in the reviewers' queue as a study of its own.
        await screening.RemoveFromQueueAsync(key, CancellationToken.None);
        return study;
    }

    /// <summary><paramref name="key"/>, linked to another record, is a different work: it becomes a study of its own and
    /// is queued for screening. Returns the key it was linked to.</summary>
    public async Task<string> SplitAsync(string key, string decidedBy, CancellationToken ct)
    {
        var other = await records.SplitAsync(key, decidedBy, time.GetUtcNow(), ct);
        // The verdict is stored: the record must reach screening even when the command is cancelled now, or it would be a
        // study no stage ever looks at.
        await queues.EnqueueAsync(queues.Screen, key, CancellationToken.None);
        return other;
    }

    /// <summary>A listed pair is two different works: both stay studies of their own and the pair leaves the review list.</summary>
    public Task KeepApartAsync(string key, string other, string decidedBy, CancellationToken ct) =>
        records.KeepApartAsync(key, other, decidedBy, time.GetUtcNow(), ct);
}
