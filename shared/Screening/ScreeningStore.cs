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

/// <summary>A record's people's decisions as read at one moment, and the ETag of its stamp row then (null: no stamp yet).</summary>
public sealed record DecisionSnapshot(string RecordKey, IReadOnlyList<(ReviewerDecision Decision, ETag ETag)> Decisions, ETag? Stamp);

/// <summary>
/// Screening decisions: the Screening table holds one partition per record (one row per person's decision; row "decisions", the
/// stamp every decision write changes in the same transaction) and the rule decisions of a source spread over
/// <see cref="RuleBuckets"/> partitions ("rules|source|bb", row the record's id), the ScreeningQueue table one row per record
/// that passed the rules, spread over <see cref="QueueBuckets"/> partitions ("queue|bb", row the record key). Decisions are rows of their own, so two people deciding at once never write the same row; the
/// stamp makes "how many have decided" part of the write; the queue row is recomputed from them under ETag concurrency.
/// </summary>
public sealed class ScreeningStore(StorageClients storage, TimeProvider time)
{
    private TableClient Table => storage.Table(storage.Names.ScreeningTable);
    private TableClient Queue => storage.Table(storage.Names.ScreeningQueueTable);
    private const string RulesRow = "rules";

    /// <summary>The people's queue's partition before buckets; <see cref="QueueLayoutUpgrade"/> moves its rows.</summary>
    internal const string QueuePartition = "queue";
    // Every queue bucket sorts in [QueuePartitionStart, QueuePartitionEnd): "queue|" up to the character after '|'.
    private const string QueuePartitionStart = "queue|";
    private const string QueuePartitionEnd = "queue}";

    /// <summary>Buckets of the people's queue. A row per study that passed the rules (28,568 at 50,000 records): in one partition,
    /// Azurite checked every row a batch added against all of them; more buckets mean more transactions a batch (one per bucket
    /// it touches), so 8 (docs/storage-path.md, "Screening at 50,000").</summary>
    // Stored rows are found by it: never change it on a deployed table (the layout upgrades move only rows stored before buckets).
    public const int QueueBuckets = 8;

    /// <summary>Buckets of a source's rule decisions (PubMed's 15,700 at 50,000 records): a batch of a source's records is one
    /// transaction per bucket it touches.</summary>
    // Stored rows are found by it: never change it on a deployed table.
    public const int RuleBuckets = 4;

    /// <summary>The partition of a record's row in the people's queue.</summary>
    internal static string QueuePartitionOf(string recordKey) => PartitionBuckets.Partition(QueuePartition, recordKey, QueueBuckets);

    /// <summary>How old the queue that the next record is chosen from may be: a record another process queues shows up within this.</summary>
    public static readonly TimeSpan RecentQueueAge = TimeSpan.FromSeconds(30);

    // The queue as this process last read it whole, kept current with this process's own writes (ListQueueRecentAsync).
    private readonly Lock _viewLock = new();
    private Dictionary<string, QueueEntry>? _view;
    private long _viewReadAt;
    private bool _viewIncomplete;
    private long _writes;

    // Rule decisions are kept in a source's buckets ("rules|pubmed|02"), row key the record's id, so that a batch of a source's
    // records is decided in entity-group transactions. Deployments from before kept them in the record's own partition (row
    // "rules"): those rows are still read, and a record screened again is written the new way, which then wins. Those of the
    // layout before buckets ("rules|pubmed") are moved by RulesLayoutUpgrade when a host starts.
    internal const string RulesPartitionPrefix = "rules|";
    // The character after '|': every rules partition sorts in [RulesPartitionPrefix, RulesPartitionEnd).
    internal const string RulesPartitionEnd = "rules}";

    private static (string Partition, string Row) RuleRowOf(string recordKey)
    {
        var i = recordKey.IndexOf(':', StringComparison.Ordinal);
        if (i <= 0) throw new ArgumentException($"'{recordKey}' is not a record key (source:id).", nameof(recordKey));
        var row = KeyEncoding.Encode(recordKey[(i + 1)..]);
        return (RulesPartitionOf(RulesPartitionPrefix + recordKey[..i], row), row);
    }

    /// <summary>The bucket of a rule decision's row in its source's partition before buckets (<c>rules|source</c>).</summary>
    internal static string RulesPartitionOf(string sourcePartition, string row) => PartitionBuckets.Partition(sourcePartition, row, RuleBuckets);

    private static TableEntity RuleEntity(RuleDecision d)
    {
        var (partition, row) = RuleRowOf(d.RecordKey);
        return new TableEntity(partition, row)
        {
            ["RecordKey"] = d.RecordKey,
            ["Excluded"] = d.Excluded,
            ["Reason"] = d.Reason,
            ["Rule"] = d.Rule,
            ["RuleVersion"] = d.RuleVersion,
            ["Evidence"] = d.Evidence,
            ["DecidedAt"] = d.DecidedAt,
        };
    }

    public Task SaveRuleDecisionAsync(RuleDecision d, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(d);
        return Table.UpsertEntityAsync(RuleEntity(d), TableUpdateMode.Replace, ct);
    }

    /// <summary>Stores rule decisions, replacing earlier ones of the same records: one entity-group transaction per source and
    /// 100 decisions, so a batch lands whole or not at all per transaction.</summary>
    public async Task SaveRuleDecisionsAsync(IReadOnlyList<RuleDecision> decisions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        foreach (var partition in decisions.Select(RuleEntity).GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.DistinctBy(e => e.RowKey, StringComparer.Ordinal).Chunk(100))
                await Table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct);
        }
    }

    public async Task<RuleDecision?> GetRuleDecisionAsync(string recordKey, CancellationToken ct)
    {
        var (partition, row) = RuleRowOf(recordKey);
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct);
        if (hit.HasValue) return ToDecision(hit.Value!);
        var legacy = await Table.GetEntityIfExistsAsync<TableEntity>(recordKey, RulesRow, cancellationToken: ct);
        return legacy.HasValue ? ToDecision(legacy.Value!) : null;
    }

    /// <summary>Every rule decision (one per record: where a record has one of each layout, the newer layout's).</summary>
    public async Task<List<RuleDecision>> ListRuleDecisionsAsync(CancellationToken ct)
    {
        var byKey = new Dictionary<string, RuleDecision>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"RowKey eq {RulesRow} or (PartitionKey ge {RulesPartitionPrefix} and PartitionKey lt {RulesPartitionEnd})");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            var d = ToDecision(e);
            var current = e.PartitionKey.StartsWith(RulesPartitionPrefix, StringComparison.Ordinal);
            if (current || !byKey.ContainsKey(d.RecordKey)) byKey[d.RecordKey] = d;
        }
        return [.. byKey.Values];
    }

    private static RuleDecision ToDecision(TableEntity e) =>
        new(e.GetString("RecordKey") ?? e.PartitionKey, e.GetBoolean("Excluded") ?? false, e.GetString("Reason"), e.GetString("Rule") ?? "", e.GetString("RuleVersion") ?? "",
            e.GetString("Evidence") ?? "", e.GetDateTimeOffset("DecidedAt") ?? default);

    // People's decisions.

    // Not a decision: changed in the same transaction as every decision, so its ETag versions the record's decisions as a whole.
    private const string StampRow = "decisions";

    private static string DecisionRow(DecisionRole role, string reviewer) =>
        (role == DecisionRole.Screen ? "screen-" : "resolve-") + KeyEncoding.Encode(reviewer);

    /// <summary>
    /// Reads a record's decisions together with its stamp, the row every decision write changes in the same transaction.
    /// The stamp is read first: a decision stored after it was read changes it, so a commit against this snapshot fails.
    /// </summary>
    public async Task<DecisionSnapshot> ReadDecisionsAsync(string recordKey, CancellationToken ct)
    {
        var stamp = await Table.GetEntityIfExistsAsync<TableEntity>(recordKey, StampRow, cancellationToken: ct);
        return new DecisionSnapshot(recordKey, await DecisionsAsync(recordKey, ct), stamp.HasValue ? stamp.Value!.ETag : null);
    }

    /// <summary>
    /// Stores a person's decision if the record's decisions are still those of <paramref name="snapshot"/>: the decision row and
    /// the record's stamp row go in one entity-group transaction, the stamp conditional on the ETag the snapshot read (or added,
    /// when the record has none yet), so whatever the caller checked on the snapshot (how many decided, whether it is a
    /// conflict) still holds when the decision is stored. A first decision is added; <paramref name="replacing"/> is the ETag of
    /// the person's own row when they change it. Returns the decision row's new ETag, or null when another decision was stored
    /// since the snapshot was read (read again and check again).
    /// </summary>
    public async Task<ETag?> TryStoreDecisionAsync(DecisionSnapshot snapshot, ReviewerDecision d, ETag? replacing, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
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
        if (replacing is not null)
        {
            // A changed decision keeps the time it was first made (the order of the independent decisions) and records when it changed.
            var before = snapshot.Decisions.FirstOrDefault(x => x.Decision.Role == d.Role && x.Decision.Reviewer == d.Reviewer).Decision;
            entity["DecidedAt"] = before?.DecidedAt ?? d.DecidedAt;
            entity["ChangedAt"] = d.DecidedAt;
        }
        var stamp = new TableEntity(d.RecordKey, StampRow)
        {
            ["Screens"] = snapshot.Decisions.Count(x => x.Decision.Role == DecisionRole.Screen) + (replacing is null && d.Role == DecisionRole.Screen ? 1 : 0),
            ["Resolutions"] = snapshot.Decisions.Count(x => x.Decision.Role == DecisionRole.Resolve) + (replacing is null && d.Role == DecisionRole.Resolve ? 1 : 0),
            ["LastDecidedAt"] = d.DecidedAt,
        };
        List<TableTransactionAction> actions =
        [
            snapshot.Stamp is { } seen
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, stamp, seen)
                : new TableTransactionAction(TableTransactionActionType.Add, stamp),
            replacing is { } mine
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, mine)
                : new TableTransactionAction(TableTransactionActionType.Add, entity),
        ];
        try
        {
            var response = await Table.SubmitTransactionAsync(actions, ct);
            if (response.Value.Count == actions.Count && response.Value[1].Headers.ETag is { } etag) return etag;
            return (await Table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: ct)).Value.ETag;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404)
        {
            // The stamp moved (another decision), it was added meanwhile, or the person's own row changed: the snapshot is stale.
            return null;
        }
    }

    /// <summary>Every person's decision on one record, oldest first.</summary>
    public async Task<List<(ReviewerDecision Decision, ETag ETag)>> DecisionsAsync(string recordKey, CancellationToken ct)
    {
        var list = new List<(ReviewerDecision, ETag)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {recordKey} and RowKey ne {RulesRow} and RowKey ne {StampRow}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add((ToReviewerDecision(e), e.ETag));
        return list.OrderBy(x => x.Item1.DecidedAt).ToList();
    }

    /// <summary>Every person's decision on every record (for agreement statistics and the report).</summary>
    public async Task<List<ReviewerDecision>> ListDecisionsAsync(CancellationToken ct)
    {
        var list = new List<ReviewerDecision>();
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ne {RulesRow} and RowKey ne {StampRow} and (PartitionKey lt {RulesPartitionPrefix} or PartitionKey ge {RulesPartitionEnd})");
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
            var entity = NewQueueRow(recordKey, probability, now);
            var response = await Queue.AddEntityAsync(entity, ct);
            entity.ETag = response.Headers.ETag ?? default;
            Changed(recordKey, _ => ToEntry(entity));
        }
        catch (RequestFailedException e) when (e.Status == 409) { }
    }

    // A record's row as it enters the people's queue: waiting, no reviewer yet.
    private static TableEntity NewQueueRow(string recordKey, double probability, DateTimeOffset now) => new(QueuePartitionOf(recordKey), recordKey)
    {
        ["Probability"] = probability,
        ["Reviewers"] = "",
        ["Status"] = nameof(ScreeningStatus.Pending),
        ["How"] = "waiting for people",
        ["Audit"] = false,
        ["AutoExcluded"] = false,
        ["EnqueuedAt"] = now,
    };

    /// <summary>Puts records that passed the rules in the people's queue in entity-group transactions (one per bucket and 100 rows);
    /// a record already there keeps its state, as with <see cref="EnqueueAsync"/>. A transaction refused because some of its rows
    /// exist (a batch handled again, or another run at the same time) is sent again without them, after one query per
    /// <see cref="TableRows.KeysPerQuery"/> of its keys finds them.</summary>
    public async Task EnqueueManyAsync(IReadOnlyList<string> recordKeys, double probability, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordKeys);
        foreach (var chunk in recordKeys.Distinct(StringComparer.Ordinal).GroupBy(QueuePartitionOf, StringComparer.Ordinal).SelectMany(b => b.Chunk(100)))
        {
            var partition = QueuePartitionOf(chunk[0]);
            var pending = chunk.ToList();
            while (pending.Count > 0)
            {
                var entities = pending.Select(k => NewQueueRow(k, probability, now)).ToList();
                try
                {
                    var response = await Queue.SubmitTransactionAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct);
                    for (var i = 0; i < entities.Count; i++)
                    {
                        var entity = entities[i];
                        entity.ETag = i < response.Value.Count ? response.Value[i].Headers.ETag ?? default : default;
                        Changed(entity.RowKey, _ => ToEntry(entity));
                    }
                    pending.Clear();
                }
                catch (TableTransactionFailedException e) when (e.Status == 409)
                {
                    var there = await TableRows.GetManyAsync<TableEntity>(Queue, partition, pending, ["RowKey"], ct);
                    var known = there.Select(x => x.RowKey).ToHashSet(StringComparer.Ordinal);
                    // A conflict without any of the rows there is not the one this handles.
                    if (known.Count == 0) throw;
                    pending.RemoveAll(known.Contains);
                }
            }
        }
    }

    public async Task<QueueEntry?> GetQueueEntryAsync(string recordKey, CancellationToken ct)
    {
        var hit = await Queue.GetEntityIfExistsAsync<TableEntity>(QueuePartitionOf(recordKey), recordKey, cancellationToken: ct);
        return hit.HasValue ? ToEntry(hit.Value!) : null;
    }

    /// <summary>The queue's rows, all or those with one status: one query over every bucket.</summary>
    public async Task<List<QueueEntry>> ListQueueAsync(ScreeningStatus? status, CancellationToken ct)
    {
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey ge {QueuePartitionStart} and PartitionKey lt {QueuePartitionEnd} and Status eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {QueuePartitionStart} and PartitionKey lt {QueuePartitionEnd}");
        var list = new List<QueueEntry>();
        await foreach (var e in Queue.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(ToEntry(e));
        return list;
    }

    /// <summary>
    /// The whole queue as read at most <paramref name="maxAge"/> ago, with every queue write this process made since then applied:
    /// for the next-record query, which must not read 10,000 rows per request (about half a second on Azurite). A row another
    /// process changed meanwhile may be out of date, and one it added missing, for up to <paramref name="maxAge"/>: a caller
    /// that acts on a row reads it again with <see cref="GetQueueEntryAsync"/>.
    /// </summary>
    public async Task<List<QueueEntry>> ListQueueRecentAsync(TimeSpan maxAge, CancellationToken ct)
    {
        long writes;
        lock (_viewLock)
        {
            if (_view is not null && !_viewIncomplete && time.GetElapsedTime(_viewReadAt) <= maxAge) return [.. _view.Values];
            writes = _writes;
        }
        var started = time.GetTimestamp();
        var rows = await ListQueueAsync(null, ct);
        lock (_viewLock)
        {
            _view = rows.ToDictionary(q => q.RecordKey, StringComparer.Ordinal);
            _viewReadAt = started;
            // A write of this process that landed while the rows were being read may be missing from them: read again next time.
            _viewIncomplete = _writes != writes;
        }
        return rows;
    }

    /// <summary>Applies one of this process's queue writes to the view (null: the row is gone).</summary>
    private void Changed(string recordKey, Func<QueueEntry?, QueueEntry?> change)
    {
        lock (_viewLock)
        {
            _writes++;
            if (_view is null) return;
            if (change(_view.GetValueOrDefault(recordKey)) is { } now) _view[recordKey] = now;
            else _view.Remove(recordKey);
        }
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
                var stored = next with { ETag = response.Headers.ETag ?? default };
                Changed(recordKey, _ => stored);
                return stored;
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
        try { await Queue.DeleteEntityAsync(QueuePartitionOf(recordKey), recordKey, ETag.All, ct); }
        catch (RequestFailedException e) when (e.Status == 404) { }
        Changed(recordKey, _ => null);
    }

    /// <summary>Writes the model's new probabilities (merge: nothing else on the rows changes).</summary>
    public async Task SetProbabilitiesAsync(IReadOnlyList<(string Key, double Probability)> updates, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updates);
        // A transaction per bucket and up to 100 operations, each one round trip.
        foreach (var chunk in updates.GroupBy(u => QueuePartitionOf(u.Key), StringComparer.Ordinal).SelectMany(b => b.Chunk(100)))
        {
            var actions = chunk.Select(u => new TableTransactionAction(TableTransactionActionType.UpsertMerge,
                new TableEntity(QueuePartitionOf(u.Key), u.Key) { ["Probability"] = u.Probability })).ToList();
            await Queue.SubmitTransactionAsync(actions, ct);
            // The merge changed each row's ETag, which the view cannot know: whoever updates a row reads it first anyway.
            foreach (var u in chunk) Changed(u.Key, q => q is null ? null : q with { Probability = u.Probability });
        }
    }

    private static QueueEntry ToEntry(TableEntity e) =>
        new(e.RowKey, e.GetDouble("Probability") ?? 0,
            (e.GetString("Reviewers") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Enum.Parse<ScreeningStatus>(e.GetString("Status") ?? nameof(ScreeningStatus.Pending)),
            e.GetBoolean("Included"), e.GetString("Reason"), e.GetString("How") ?? "", e.GetBoolean("Audit") ?? false,
            e.GetBoolean("AutoExcluded") ?? false, e.GetDateTimeOffset("SettledAt"), e.GetDateTimeOffset("EnqueuedAt") ?? default, e.ETag);

    private static TableEntity ToEntity(QueueEntry q) => new(QueuePartitionOf(q.RecordKey), q.RecordKey)
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

/// <summary>Moves rule decisions stored before buckets (Screening partitions <c>rules|source</c>) into their source's buckets: one
/// query of the rules partitions, until done.</summary>
public sealed class RulesLayoutUpgrade(StorageClients storage) : IStorageUpgrade
{
    /// <inheritdoc />
    public string Name => "RulesBuckets";

    /// <inheritdoc />
    public Task<int> RunAsync(CancellationToken ct)
    {
        var table = storage.Table(storage.Names.ScreeningTable);
        return PartitionBuckets.MoveAsync(table, OldRowsAsync(table, ct), row => ScreeningStore.RulesPartitionOf(row.PartitionKey, row.RowKey), ct);
    }

    // Sources are named by people (imports), so the old partitions are not a known list: every rules partition is read, and those
    // with one separator ("rules|pubmed", not "rules|pubmed|02") are of the layout before buckets.
    private static async IAsyncEnumerable<TableEntity> OldRowsAsync(TableClient table, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {ScreeningStore.RulesPartitionPrefix} and PartitionKey lt {ScreeningStore.RulesPartitionEnd}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: PartitionBuckets.PageRows, cancellationToken: ct))
            if (row.PartitionKey.IndexOf(PartitionBuckets.Separator, ScreeningStore.RulesPartitionPrefix.Length) < 0) yield return row;
    }
}

/// <summary>Moves the people's queue stored before buckets (ScreeningQueue partition <c>queue</c>) into its buckets: one partition
/// query, until done.</summary>
public sealed class QueueLayoutUpgrade(StorageClients storage) : IStorageUpgrade
{
    /// <inheritdoc />
    public string Name => "QueueBuckets";

    /// <inheritdoc />
    public Task<int> RunAsync(CancellationToken ct)
    {
        var table = storage.Table(storage.Names.ScreeningQueueTable);
        var old = table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ScreeningStore.QueuePartition}"),
            maxPerPage: PartitionBuckets.PageRows, cancellationToken: ct);
        return PartitionBuckets.MoveAsync(table, old, row => ScreeningStore.QueuePartitionOf(row.RowKey), ct);
    }
}
