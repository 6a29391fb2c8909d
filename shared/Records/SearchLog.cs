using System.Globalization;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Records;

/// <summary>One source's part of a harvest run, or one imported export file, as the search log keeps it.</summary>
/// <param name="To">For an import: the date the database was searched (<paramref name="From"/> the same).</param>
/// <param name="Database">For an import: the database searched ("Embase"); null for an API search.</param>
/// <param name="Platform">For an import: the platform it was searched on ("Ovid"); null for an API search.</param>
/// <param name="File">For an import: the file read, as "name sha256:HEX"; null for an API search.</param>
public sealed record SearchLogEntry(
    string Source, string RunId, DateTimeOffset Started, string Query, DateOnly From, DateOnly To, string RequestUrl,
    int Reported, int Retrieved, int New, int Duplicates, int AlreadyStored, int Calls, double Seconds, string Status, string? Message, int TooMany = 0,
    string? Database = null, string? Platform = null, string? File = null)
{
    /// <summary>True for a search a person ran on a database's platform and imported as a file.</summary>
    public bool IsImport => Database is not null;
}

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
            ["Database"] = e.Database,
            ["Platform"] = e.Platform,
            ["File"] = e.File,
        };
        return Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
    }

    /// <summary>One logged run, or null.</summary>
    public async Task<SearchLogEntry?> GetAsync(string source, string runId, CancellationToken ct)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(source, runId, cancellationToken: ct);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>Every logged run, oldest first.</summary>
    public async Task<List<SearchLogEntry>> ListAsync(CancellationToken ct)
    {
        var list = new List<SearchLogEntry>();
        await foreach (var r in Table.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            list.Add(Read(r));
        }
        return list.OrderBy(e => e.Started).ToList();
    }

    private static SearchLogEntry Read(TableEntity r) =>
        new(r.PartitionKey, r.RowKey, r.GetDateTimeOffset("Started") ?? default, r.GetString("Query") ?? "",
            DateOnly.ParseExact(r.GetString("From")!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateOnly.ParseExact(r.GetString("To")!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            r.GetString("RequestUrl") ?? "", r.GetInt32("Reported") ?? 0, r.GetInt32("Retrieved") ?? 0, r.GetInt32("New") ?? 0,
            r.GetInt32("Duplicates") ?? 0, r.GetInt32("AlreadyStored") ?? 0, r.GetInt32("Calls") ?? 0, r.GetDouble("Seconds") ?? 0,
            r.GetString("Status") ?? "", r.GetString("Message"), r.GetInt32("TooMany") ?? 0,
            r.GetString("Database"), r.GetString("Platform"), r.GetString("File"));
}
