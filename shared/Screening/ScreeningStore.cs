using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Screening;

/// <summary>A stored rule-stage decision.</summary>
public sealed record RuleDecision(string RecordKey, bool Excluded, string? Reason, string Rule, string RuleVersion, string Evidence, DateTimeOffset DecidedAt);

/// <summary>Screening decisions, one partition per record (rows: "rules" now; people's decisions later).</summary>
public sealed class ScreeningStore(StorageClients storage)
{
    private TableClient Table => storage.Table(storage.Names.ScreeningTable);
    private const string RulesRow = "rules";

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
}
