using Azure;
using Azure.Data.Tables;
using SpineReview.Screening.People;
using SpineReview.Storage;

namespace SpineReview.Screening;

/// <summary>A stored rule-stage decision.</summary>
public sealed record RuleDecision(string RecordKey, bool Excluded, string? Reason, string Rule, string RuleVersion, string Evidence, DateTimeOffset DecidedAt);

/// <summary>One record in the people's screening queue: its priority, who has screened it, and where it stands.</summary>
/// <param name="Reviewers">Who has given a screening decision (never what they decided: reviewers are blind to each other).</param>
/// <param name="Audit">Sent to people as part of the audit sample of would-be automatic exclusions.</param>
/// <param name="AutoExcluded">Excluded by the model without a person (only when settings allow it).</param>
public sealed record QueueEntry(string RecordKey, double Probability, IReadOnlyList<string> Reviewers, ScreeningStatus Status,
    bool? Included, string? Reason, string How, bool Audit, bool AutoExcluded, DateTimeOffset? SettledAt, DateTimeOffset EnqueuedAt, ETag ETag);

/// <summary>
/// Screening decisions: the Screening table holds one partition per record (row "rules"; one row per person's decision),
/// the ScreeningQueue table one row per record that passed the rules. Decisions are rows of their own, so two people
/// deciding at once never write the same row; the queue row is recomputed from them under ETag concurrency.
/// </summary>
public sealed class ScreeningStore(StorageClients storage)
{
    private TableClient Table => storage.Table(storage.Names.ScreeningTable);
    private TableClient Queue => storage.Table(storage.Names.ScreeningQueueTable);
    private const string RulesRow = "rules";
    private const string QueuePartition = "queue";

    public Task SaveRuleDecisionAsync(RuleDecision d, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(d);
        return Table.UpsertEntityAsync(new TableEntity(d.RecordKey, RulesRow)
        {
            ["Excluded"] = d.Excluded,
            ["Reason"] = d.Reason,
            ["Rule"] = d.Rule,
            ["RuleVersion"] = d.RuleVersion,
            ["Evidence"] = d.Evidence,
            ["DecidedAt"] = d.DecidedAt,
        }, TableUpdateMode.Replace, ct);
    }

    public async Task<RuleDecision?> GetRuleDecisionAsync(string recordKey, CancellationToken ct)
    {
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>(recordKey, RulesRow, cancellationToken: ct);
        return hit.HasValue ? ToDecision(hit.Value!) : null;
    }

    /// <summary>Every rule decision.</summary>
    public async Task<List<RuleDecision>> ListRuleDecisionsAsync(CancellationToken ct)
    {
        var list = new List<RuleDecision>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {RulesRow}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(ToDecision(e));
        return list;
    }

    private static RuleDecision ToDecision(TableEntity e) =>
        new(e.PartitionKey, e.GetBoolean("Excluded") ?? false, e.GetString("Reason"), e.GetString("Rule") ?? "", e.GetString("RuleVersion") ?? "",
            e.GetString("Evidence") ?? "", e.GetDateTimeOffset("DecidedAt") ?? default);

    // People's decisions.

    private static string DecisionRow(DecisionRole role, string reviewer) =>
        (role == DecisionRole.Screen ? "screen-" : "resolve-") + KeyEncoding.Encode(reviewer);

    /// <summary>
    /// Stores a person's decision. A first decision is added; changing one's own decision needs the ETag the person was
    /// given with it (<paramref name="ifMatch"/>), so a stale screen never overwrites a newer decision. Returns the new ETag.
    /// </summary>
    public async Task<ETag> SaveDecisionAsync(ReviewerDecision d, ETag? ifMatch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(d);
        var entity = new TableEntity(d.RecordKey, DecisionRow(d.Role, d.Reviewer))
        {
            ["Reviewer"] = d.Reviewer,
            ["Role"] = d.Role.ToString(),
            ["Verdict"] = d.Verdict.ToString(),
            ["Reason"] = d.Reason,
            ["Note"] = d.Note,
            ["DecidedAt"] = d.DecidedAt,
            ["ModelProbability"] = d.ModelProbability,
        };
        try
        {
            if (ifMatch is { } etag)
            {
                // A changed decision keeps the time it was first made (the order of the independent decisions) and records when it changed.
                var before = await Table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: ct);
                if (!before.HasValue)
                    throw new DecisionRejectedException($"{d.Reviewer} has no earlier decision on record {d.RecordKey} to change; send the decision without an ETag", 404);
                entity["DecidedAt"] = before.Value!.GetDateTimeOffset("DecidedAt") ?? d.DecidedAt;
                entity["ChangedAt"] = d.DecidedAt;
                return (await Table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, ct)).Headers.ETag ?? default;
            }
            return (await Table.AddEntityAsync(entity, ct)).Headers.ETag ?? default;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new DecisionRejectedException(
                $"{d.Reviewer} has already decided record {d.RecordKey}; to change that decision, send it again with the ETag it was given (If-Match)", 409);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new DecisionRejectedException(
                $"the decision of {d.Reviewer} on record {d.RecordKey} has changed since that ETag was given; fetch it again and decide on what is stored now", 412);
        }
    }

    /// <summary>Every person's decision on one record, oldest first.</summary>
    public async Task<List<(ReviewerDecision Decision, ETag ETag)>> DecisionsAsync(string recordKey, CancellationToken ct)
    {
        var list = new List<(ReviewerDecision, ETag)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {recordKey} and RowKey ne {RulesRow}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add((ToReviewerDecision(e), e.ETag));
        return list.OrderBy(x => x.Item1.DecidedAt).ToList();
    }

    /// <summary>Every person's decision on every record (for agreement statistics and the report).</summary>
    public async Task<List<ReviewerDecision>> ListDecisionsAsync(CancellationToken ct)
    {
        var list = new List<ReviewerDecision>();
        var filter = TableClient.CreateQueryFilter($"RowKey ne {RulesRow}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(ToReviewerDecision(e));
        return list;
    }

    private static ReviewerDecision ToReviewerDecision(TableEntity e) =>
        new(e.PartitionKey, e.GetString("Reviewer") ?? "", Enum.Parse<DecisionRole>(e.GetString("Role") ?? nameof(DecisionRole.Screen)),
            Enum.Parse<Verdict>(e.GetString("Verdict") ?? nameof(Verdict.Unsure)), e.GetString("Reason"), e.GetString("Note"),
            e.GetDateTimeOffset("DecidedAt") ?? default, e.GetDouble("ModelProbability"));

    // The queue.

    /// <summary>Puts a record that passed the rules in the people's queue; a record already there keeps its state (safe to repeat).</summary>
    public async Task EnqueueAsync(string recordKey, double probability, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await Queue.AddEntityAsync(new TableEntity(QueuePartition, recordKey)
            {
                ["Probability"] = probability,
                ["Reviewers"] = "",
                ["Status"] = nameof(ScreeningStatus.Pending),
                ["How"] = "waiting for people",
                ["Audit"] = false,
                ["AutoExcluded"] = false,
                ["EnqueuedAt"] = now,
            }, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409) { }
    }

    public async Task<QueueEntry?> GetQueueEntryAsync(string recordKey, CancellationToken ct)
    {
        var hit = await Queue.GetEntityIfExistsAsync<TableEntity>(QueuePartition, recordKey, cancellationToken: ct);
        return hit.HasValue ? ToEntry(hit.Value!) : null;
    }

    /// <summary>The queue's rows, all or those with one status.</summary>
    public async Task<List<QueueEntry>> ListQueueAsync(ScreeningStatus? status, CancellationToken ct)
    {
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {QueuePartition} and Status eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {QueuePartition}");
        var list = new List<QueueEntry>();
        await foreach (var e in Queue.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(ToEntry(e));
        return list;
    }

    /// <summary>
    /// Replaces a queue row with <paramref name="change"/> applied to what is stored now, retrying when another writer got
    /// there first (412): each writer's change is applied to the other's result, so none is lost.
    /// </summary>
    public async Task<QueueEntry> UpdateQueueAsync(string recordKey, Func<QueueEntry, Task<QueueEntry>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; ; attempt++)
        {
            var current = await GetQueueEntryAsync(recordKey, ct) ?? throw new DecisionRejectedException($"record {recordKey} is not in the screening queue", 404);
            var next = await change(current);
            try
            {
                var response = await Queue.UpdateEntityAsync(ToEntity(next), current.ETag, TableUpdateMode.Replace, ct);
                return next with { ETag = response.Headers.ETag ?? default };
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 50)
            {
                await Task.Delay(Random.Shared.Next(5, 25 + attempt * 10), ct);
            }
        }
    }

    /// <summary>Takes a record out of the people's queue (it was merged into another study); its decisions stay on record.</summary>
    public async Task RemoveFromQueueAsync(string recordKey, CancellationToken ct)
    {
        try { await Queue.DeleteEntityAsync(QueuePartition, recordKey, ETag.All, ct); }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }

    /// <summary>Writes the model's new probabilities (merge: nothing else on the rows changes).</summary>
    public async Task SetProbabilitiesAsync(IReadOnlyList<(string Key, double Probability)> updates, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updates);
        // One partition: batches of up to 100 operations, each one round trip.
        foreach (var chunk in updates.Chunk(100))
        {
            var actions = chunk.Select(u => new TableTransactionAction(TableTransactionActionType.UpsertMerge,
                new TableEntity(QueuePartition, u.Key) { ["Probability"] = u.Probability })).ToList();
            await Queue.SubmitTransactionAsync(actions, ct);
        }
    }

    private static QueueEntry ToEntry(TableEntity e) =>
        new(e.RowKey, e.GetDouble("Probability") ?? 0,
            (e.GetString("Reviewers") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Enum.Parse<ScreeningStatus>(e.GetString("Status") ?? nameof(ScreeningStatus.Pending)),
            e.GetBoolean("Included"), e.GetString("Reason"), e.GetString("How") ?? "", e.GetBoolean("Audit") ?? false,
            e.GetBoolean("AutoExcluded") ?? false, e.GetDateTimeOffset("SettledAt"), e.GetDateTimeOffset("EnqueuedAt") ?? default, e.ETag);

    private static TableEntity ToEntity(QueueEntry q) => new(QueuePartition, q.RecordKey)
    {
        ["Probability"] = q.Probability,
        ["Reviewers"] = string.Join('\n', q.Reviewers),
        ["Status"] = q.Status.ToString(),
        ["Included"] = q.Included,
        ["Reason"] = q.Reason,
        ["How"] = q.How,
        ["Audit"] = q.Audit,
        ["AutoExcluded"] = q.AutoExcluded,
        ["SettledAt"] = q.SettledAt,
        ["EnqueuedAt"] = q.EnqueuedAt,
    };
}
