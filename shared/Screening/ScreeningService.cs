using Microsoft.Extensions.Logging;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Screening;

/// <summary>The screening stage: rule pre-screen of records in batches; those that pass go into the people's queue and on to extraction.</summary>
public sealed class ScreeningService(RecordStore records, ScreeningStore decisions, WorkQueues queues,
    TimeProvider time, ILogger<ScreeningService> log)
{
    /// <summary>
    /// Screens the records a queue message names (a batch, or one record in the older one-key shape) and returns how many it named.
    /// A body that is neither shape throws (the drain poison-queues it). A batch that fails is split: its halves go back on the queue
    /// as messages of their own and this one is done, so a record that keeps failing ends up alone in a message, is retried and
    /// poison-queued by itself, and the others are screened.
    /// </summary>
    public async Task<int> ScreenMessageAsync(string body, CancellationToken ct)
    {
        var batch = RecordBatch.Parse(body);
        return await queues.HandleOrSplitAsync(queues.Screen, batch, keys => ScreenManyAsync(keys, ct),
            e => ScreeningLog.BatchSplit(log, batch.RecordKeys.Count, e.Message), ct) ? batch.RecordKeys.Count : 0;
    }

    /// <summary>Screens one record by its key. Safe to run twice: the decision is replaced by the same one.</summary>
    public async Task<RuleDecision?> ScreenAsync(RecordMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (await ScreenManyAsync([message.RecordKey], ct)).SingleOrDefault();
    }

    /// <summary>
    /// Screens a batch of records: read with one query per source and <see cref="TableRows.KeysPerQuery"/> keys, the rule decisions
    /// written in entity-group transactions (one per source and 100), those that passed added to the people's queue in
    /// transactions and sent on to extraction in one message. Safe to run twice: decisions are replaced by the same ones, a
    /// record already in the people's queue keeps its place and state. Records not stored or linked as duplicates are skipped.
    /// </summary>
    public async Task<IReadOnlyList<RuleDecision>> ScreenManyAsync(IReadOnlyList<string> recordKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordKeys);
        var stored = await records.GetManyAsync(recordKeys, ct);
        var now = time.GetUtcNow();
        var made = new List<RuleDecision>();
        foreach (var key in recordKeys.Distinct(StringComparer.Ordinal))
        {
            if (!stored.TryGetValue(key, out var record))
            {
                // Not an error worth retrying: the message names nothing stored (for example storage was reset).
                ScreeningLog.NotStored(log, key);
                continue;
            }
            if (record.DuplicateOf is not null) continue;
            // Enriched from Crossref at harvest where it lacked an abstract (Sources): what is stored is what is judged.
            var verdict = RuleScreener.Screen(record.Record);
            made.Add(new RuleDecision(record.Key, verdict.Excluded, verdict.Reason, verdict.Rule, RuleVerdict.Version, verdict.Evidence, now));
        }
        if (made.Count == 0) return made;
        await decisions.SaveRuleDecisionsAsync(made, ct);
        // Passed the rules: people screen them (the model sets their priority at the next ranking), and they are charted meanwhile.
        var passed = made.Where(d => !d.Excluded).Select(d => d.RecordKey).ToList();
        await decisions.EnqueueManyAsync(passed, 0.5, now, ct);
        await queues.EnqueueManyAsync(queues.Extract, passed, ct);
        foreach (var d in made) ScreeningLog.Screened(log, d.RecordKey, d.Excluded ? "excluded" : "passed", d.Reason ?? d.Evidence);
        return made;
    }
}
