using Azure.Data.Tables;

namespace SpineReview.Storage;

/// <summary>Small named values: per-source watermarks.</summary>
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
}
