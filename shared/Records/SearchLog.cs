using System.Globalization;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Records;

/// <summary>One source's part of a harvest run, as the search log keeps it.</summary>
public sealed record SearchLogEntry(
    string Source, string RunId, DateTimeOffset Started, string Query, DateOnly From, DateOnly To, string RequestUrl,
    int Reported, int Retrieved, int New, int Duplicates, int AlreadyStored, int Calls, double Seconds, string Status, string? Message, int TooMany = 0);

/// <summary>The search log table: what was searched, when, and what came back.</summary>
public sealed class SearchLog(StorageClients storage)
{
    private TableClient Table => storage.Table(storage.Names.SearchLogTable);

    /// <summary>Writes (or rewrites) one run's row.</summary>
    public Task WriteAsync(SearchLogEntry e, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(e);
        var row = new TableEntity(e.Source, e.RunId)
        {
            ["Started"] = e.Started,
            ["Query"] = e.Query,
            ["From"] = e.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["To"] = e.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["RequestUrl"] = e.RequestUrl,
            ["Reported"] = e.Reported,
            ["Retrieved"] = e.Retrieved,
            ["New"] = e.New,
            ["Duplicates"] = e.Duplicates,
            ["AlreadyStored"] = e.AlreadyStored,
            ["Calls"] = e.Calls,
            ["TooMany"] = e.TooMany,
            ["Seconds"] = e.Seconds,
            ["Status"] = e.Status,
            ["Message"] = e.Message,
        };
        return Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
    }

    /// <summary>Every logged run, oldest first.</summary>
    public async Task<List<SearchLogEntry>> ListAsync(CancellationToken ct)
    {
        var list = new List<SearchLogEntry>();
        await foreach (var r in Table.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            list.Add(new SearchLogEntry(r.PartitionKey, r.RowKey, r.GetDateTimeOffset("Started") ?? default, r.GetString("Query") ?? "",
                DateOnly.ParseExact(r.GetString("From")!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateOnly.ParseExact(r.GetString("To")!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                r.GetString("RequestUrl") ?? "", r.GetInt32("Reported") ?? 0, r.GetInt32("Retrieved") ?? 0, r.GetInt32("New") ?? 0,
                r.GetInt32("Duplicates") ?? 0, r.GetInt32("AlreadyStored") ?? 0, r.GetInt32("Calls") ?? 0, r.GetDouble("Seconds") ?? 0,
                r.GetString("Status") ?? "", r.GetString("Message"), r.GetInt32("TooMany") ?? 0));
        }
        return list.OrderBy(e => e.Started).ToList();
    }
}
