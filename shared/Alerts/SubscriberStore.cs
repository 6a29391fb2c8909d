using Azure;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Alerts;

/// <summary>Subscribers in Table storage: one partition, one row per subscriber id; every change is ETag-conditional.</summary>
public sealed class SubscriberStore(StorageClients storage)
{
    private const string Partition = "subscriber";
    private TableClient Table => storage.Table(storage.Names.AlertSubscribersTable);

    public async Task<Subscriber?> GetAsync(string id, CancellationToken ct)
    {
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        return hit.HasValue ? FromEntity(hit.Value!) : null;
    }

    /// <summary>Every subscriber, or those with one status.</summary>
    public async Task<List<Subscriber>> ListAsync(SubscriberStatus? status, CancellationToken ct)
    {
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        var list = new List<Subscriber>();
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct)) list.Add(FromEntity(e));
        return list;
    }

    /// <summary>Adds a new subscriber; false when another request added the same address first.</summary>
    public async Task<bool> TryAddAsync(Subscriber s, CancellationToken ct)
    {
        try
        {
            await Table.AddEntityAsync(ToEntity(s), ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces a subscriber if nobody changed it since it was read; false when someone did (read again and decide again).</summary>
    public async Task<bool> TryReplaceAsync(Subscriber s, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        try
        {
            await Table.UpdateEntityAsync(ToEntity(s), s.ETag, TableUpdateMode.Replace, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    private static TableEntity ToEntity(Subscriber s)
    {
        var e = new TableEntity(Partition, s.Id)
        {
            ["Address"] = s.Address,
            ["Name"] = s.Name,
            ["Status"] = s.Status.ToString(),
            ["SubscribedAt"] = s.SubscribedAt,
            ["Since"] = s.Since,
            ["ConfirmedAt"] = s.ConfirmedAt,
            ["UnsubscribedAt"] = s.UnsubscribedAt,
            ["DigestCursor"] = s.DigestCursor,
            ["ConfirmHash"] = s.ConfirmHash,
            ["ConfirmRequestedAt"] = s.ConfirmRequestedAt,
            ["ConfirmUsed"] = s.ConfirmUsed,
            ["ConfirmationSentAt"] = s.ConfirmationSentAt,
            ["UnsubscribeSecret"] = s.UnsubscribeSecret,
        };
        Put(e, "", s.Preferences);
        if (s.Requested is { } r) Put(e, "Requested", r);
        return e;
    }

    private static void Put(TableEntity e, string prefix, AlertPreferences p)
    {
        foreach (var field in AlertFilters.Fields)
            e[prefix + char.ToUpperInvariant(field[0]) + field[1..]] = string.Join(',', p.Filters.For(field));
        e[prefix + "Frequency"] = p.Frequency.ToString();
    }

    private static AlertPreferences? Get(TableEntity e, string prefix)
    {
        if (e.GetString(prefix + "Frequency") is not { } frequency) return null;
        IReadOnlyList<string> Values(string field) =>
            (e.GetString(prefix + char.ToUpperInvariant(field[0]) + field[1..]) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        return new AlertPreferences(new AlertFilters(Values("modality"), Values("region"), Values("condition"), Values("task")),
            Enum.Parse<AlertFrequency>(frequency));
    }

    private static Subscriber FromEntity(TableEntity e) =>
        new(e.RowKey, e.GetString("Address") ?? "", e.GetString("Name"), Enum.Parse<SubscriberStatus>(e.GetString("Status") ?? nameof(SubscriberStatus.Pending)),
            Get(e, "") ?? new AlertPreferences(AlertFilters.All, AlertFrequency.Immediate), Get(e, "Requested"),
            e.GetDateTimeOffset("SubscribedAt") ?? default, e.GetDateTimeOffset("Since"), e.GetDateTimeOffset("ConfirmedAt"), e.GetDateTimeOffset("UnsubscribedAt"),
            e.GetDateTimeOffset("DigestCursor"), e.GetString("ConfirmHash"), e.GetDateTimeOffset("ConfirmRequestedAt"), e.GetBoolean("ConfirmUsed") ?? false,
            e.GetDateTimeOffset("ConfirmationSentAt"), e.GetString("UnsubscribeSecret") ?? "", e.ETag);
}
