using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace SpineReview.Storage;

/// <summary>Small named values: per-source watermarks, open windows, daily call budgets, and where the harvests came from.</summary>
public sealed class StateStore(StorageClients storage)
{
    private TableClient Table => storage.Table(storage.Names.StateTable);

    /// <summary>The last entry date fully harvested from a source, or null when none yet.</summary>
    public async Task<DateOnly?> GetWatermarkAsync(string source, CancellationToken ct)
    {
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>("watermark", source, cancellationToken: ct);
        return hit.HasValue && hit.Value!.GetString("Date") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Moves a source's watermark; called only after every record of the window is stored.</summary>
    public Task SetWatermarkAsync(string source, DateOnly date, CancellationToken ct) =>
        Table.UpsertEntityAsync(new TableEntity("watermark", source)
        {
            ["Date"] = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }, TableUpdateMode.Replace, ct);

    /// <summary>A small named value (for example the extractor version the stored forms were last brought up to), or null.</summary>
    public async Task<string?> GetValueAsync(string name, CancellationToken ct)
    {
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>("value", name, cancellationToken: ct);
        return hit.HasValue ? hit.Value!.GetString("Value") : null;
    }

    public Task SetValueAsync(string name, string value, CancellationToken ct) =>
        Table.UpsertEntityAsync(new TableEntity("value", name) { ["Value"] = value }, TableUpdateMode.Replace, ct);

    /// <summary>Takes one call from a source's budget for a UTC day; false when the budget is spent. Safe under concurrency (ETag).</summary>
    public async Task<bool> TryTakeDailyCallAsync(string source, DateOnly day, int budget, CancellationToken ct)
    {
        var row = $"{source}-{day:yyyyMMdd}";
        while (true)
        {
            var hit = await Table.GetEntityIfExistsAsync<TableEntity>("quota", row, cancellationToken: ct);
            if (!hit.HasValue)
            {
                try
                {
                    await Table.AddEntityAsync(new TableEntity("quota", row) { ["Calls"] = 1 }, ct);
                    return true;
                }
                catch (RequestFailedException e) when (e.Status == 409) { continue; }
            }
            var entity = hit.Value!;
            var calls = entity.GetInt32("Calls") ?? 0;
            if (calls >= budget) return false;
            entity["Calls"] = calls + 1;
            try
            {
                await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412) { }
        }
    }

    /// <summary>A window a source could not finish (quota), with how far it got.</summary>
    public async Task<OpenWindow?> GetOpenWindowAsync(string source, CancellationToken ct)
    {
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>("open-window", source, cancellationToken: ct);
        if (!hit.HasValue) return null;
        var e = hit.Value!;
        return new OpenWindow(DateOnly.ParseExact(e.GetString("From")!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateOnly.ParseExact(e.GetString("To")!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            e.GetString("Cursor")!, e.GetInt32("Reported") ?? 0, e.GetInt32("Retrieved") ?? 0);
    }

    public Task SetOpenWindowAsync(string source, OpenWindow w, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(w);
        return Table.UpsertEntityAsync(new TableEntity("open-window", source)
        {
            ["From"] = w.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["To"] = w.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Cursor"] = w.Cursor,
            ["Reported"] = w.Reported,
            ["Retrieved"] = w.Retrieved,
        }, TableUpdateMode.Replace, ct);
    }

    public async Task ClearOpenWindowAsync(string source, CancellationToken ct) =>
        await Table.DeleteEntityAsync("open-window", source, ETag.All, ct);

    /// <summary>Whether the harvests stored here were replayed from recordings or live, or null when nothing was harvested yet.</summary>
    public async Task<HarvestOrigin?> GetHarvestOriginAsync(CancellationToken ct)
    {
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>("origin", "harvest", cancellationToken: ct);
        return hit.HasValue ? new HarvestOrigin(hit.Value!.GetBoolean("Replayed") ?? false, hit.Value.GetDateTimeOffset("Since") ?? DateTimeOffset.MinValue) : null;
    }

    /// <summary>Records the kind of the first harvest that stores anything here and returns the kind on record. Insert-only: of two
    /// harvests of different kinds at once, one is recorded and the other reads it back.</summary>
    public async Task<HarvestOrigin> ClaimHarvestOriginAsync(bool replayed, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await Table.AddEntityAsync(new TableEntity("origin", "harvest") { ["Replayed"] = replayed, ["Since"] = now }, ct);
            return new HarvestOrigin(replayed, now);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return await GetHarvestOriginAsync(ct) ?? throw new InvalidOperationException("The harvest origin row was there and then gone; run again.", e);
        }
    }
}

/// <summary>What the records stored under a prefix come from: the recorded sample (replayed) or the sources themselves, since when.</summary>
public sealed record HarvestOrigin(bool Replayed, DateTimeOffset Since);

/// <summary>A window cut short by a quota: where to go on, and the counts so far.</summary>
public sealed record OpenWindow(DateOnly From, DateOnly To, string Cursor, int Reported, int Retrieved);
