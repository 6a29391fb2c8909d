using Azure;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Alerts;

/// <summary>
/// Subscribers in Table storage: one partition, one row per subscriber (its random id), and one index row per subscribed address
/// ("addr-" + SHA-256 of the lower-case address) that names the subscriber id and nothing else. The two are written together (one
/// transaction), the index row is deleted with the address at unsubscribing, and every change is ETag-conditional.
/// </summary>
public sealed class SubscriberStore(StorageClients storage)
{
    private const string Partition = "subscriber";
    private const string IndexPrefix = "addr-";
    private TableClient Table => storage.Table(storage.Names.AlertSubscribersTable);

    public async Task<Subscriber?> GetAsync(string id, CancellationToken ct)
    {
        if (id.StartsWith(IndexPrefix, StringComparison.Ordinal)) return null;
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        return hit.HasValue ? FromEntity(hit.Value!) : null;
    }

    /// <summary>The id of the subscriber who holds this address (not unsubscribed), or null. Subscribers stored before ids were random
    /// have no index row: they are found by the id their address gave then.</summary>
    public async Task<string?> FindIdAsync(string address, CancellationToken ct)
    {
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, IndexPrefix + AlertTokens.AddressKey(address), select: ["SubscriberId"], cancellationToken: ct);
        if (hit.HasValue) return hit.Value!.GetString("SubscriberId");
        var legacy = await GetAsync(AlertTokens.LegacySubscriberId(address), ct);
        return legacy is { Status: not SubscriberStatus.Unsubscribed } && string.Equals(legacy.Address, address, StringComparison.OrdinalIgnoreCase) ? legacy.Id : null;
    }

    /// <summary>Removes an index row that names a subscriber who is not there (never written by this store; only after a manual edit).</summary>
    public async Task DropStaleIndexAsync(string address, CancellationToken ct)
    {
        try { await Table.DeleteEntityAsync(Partition, IndexPrefix + AlertTokens.AddressKey(address), ETag.All, ct); }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }

    /// <summary>Every subscriber, or those with one status.</summary>
    public async Task<List<Subscriber>> ListAsync(SubscriberStatus? status, CancellationToken ct)
    {
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        var list = new List<Subscriber>();
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            if (!e.RowKey.StartsWith(IndexPrefix, StringComparison.Ordinal)) list.Add(FromEntity(e));
        return list;
    }

    /// <summary>Adds a new subscriber and the index row of its address in one transaction; false when another request added the same
    /// address first.</summary>
    public async Task<bool> TryAddAsync(Subscriber s, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        try
        {
            await Table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, ToEntity(s)),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(Partition, IndexPrefix + AlertTokens.AddressKey(s.Address)) { ["SubscriberId"] = s.Id }),
            ], ct);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces a subscriber who unsubscribed (address removed) and deletes the index row of <paramref name="address"/> if it names
    /// them, in one transaction; false when the subscriber changed since it was read.</summary>
    public async Task<bool> TryReplaceReleasingAsync(Subscriber s, string address, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        var indexKey = IndexPrefix + AlertTokens.AddressKey(address);
        var index = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, indexKey, cancellationToken: ct);
        if (!index.HasValue || index.Value!.GetString("SubscriberId") != s.Id) return await TryReplaceAsync(s, ct);
        try
        {
            await Table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(s), s.ETag),
                new TableTransactionAction(TableTransactionActionType.Delete, index.Value!, index.Value!.ETag),
            ], ct);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
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
