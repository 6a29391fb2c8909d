using Microsoft.Extensions.Logging;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Screening;

/// <summary>The ScreenRecord stage: rule pre-screen of one record; when it passes, into the people's queue and on to extraction.</summary>
public sealed class ScreeningService(RecordStore records, ScreeningStore decisions, WorkQueues queues,
    TimeProvider time, ILogger<ScreeningService> log)
{
    /// <summary>Screens the record a queue message names; a body that is not a record message throws (the runtime poison-queues it).</summary>
    public Task<RuleDecision?> ScreenMessageAsync(string body, CancellationToken ct) => ScreenAsync(RecordMessage.Parse(body), ct);

    /// <summary>Screens one record by its key. Safe to run twice: the decision is replaced by the same one.</summary>
    public async Task<RuleDecision?> ScreenAsync(RecordMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stored = await records.GetAsync(message.RecordKey, ct);
        if (stored is null)
        {
            // Not an error worth retrying: the message names nothing stored (for example storage was reset).
            ScreeningLog.NotStored(log, message.RecordKey);
            return null;
        }
        if (stored.DuplicateOf is not null) return null;

        // Enriched from Crossref at harvest where it lacked an abstract (Sources): what is stored is what is judged.
        var verdict = RuleScreener.Screen(stored.Record);
        var decision = new RuleDecision(stored.Key, verdict.Excluded, verdict.Reason, verdict.Rule, RuleVerdict.Version, verdict.Evidence, time.GetUtcNow());
        await decisions.SaveRuleDecisionAsync(decision, ct);
        if (!verdict.Excluded)
        {
            // Passed the rules: people screen it (the model sets its priority at the next ranking), and it is charted meanwhile.
            await decisions.EnqueueAsync(stored.Key, 0.5, time.GetUtcNow(), ct);
            await queues.EnqueueAsync(queues.Extract, stored.Key, ct);
        }
        ScreeningLog.Screened(log, stored.Key, verdict.Excluded ? "excluded" : "passed", verdict.Reason ?? verdict.Evidence);
        return decision;
    }
}
