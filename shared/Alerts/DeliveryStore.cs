using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Alerts;

/// <summary>Where one alert email stands.</summary>
public enum DeliveryState
{
    /// <summary>Made up, not attempted yet, or waiting for its next attempt (<see cref="Delivery.NextAttemptAt"/>).</summary>
    Pending,
    /// <summary>Marked just before the SMTP conversation began; the server's answer is not recorded yet.</summary>
    Sending,
    /// <summary>The SMTP server accepted it.</summary>
    Sent,
    /// <summary>Every attempt failed, or the server refused it for good: kept for a person (alerts status, alerts retry).</summary>
    Failed,
    /// <summary>Sending was interrupted after it began (a crash, or a connection lost mid-message): it may have gone out. Never re-sent
    /// on its own; a person checks and retries or closes it.</summary>
    Unconfirmed,
    /// <summary>Not sent because the subscriber unsubscribed, or nothing in it is eligible any more.</summary>
    Dropped,
    /// <summary>Closed by a person (checked: it did arrive, or it should not be sent).</summary>
    Closed,
}

/// <summary>One study in one alert email.</summary>
public sealed record AlertItem(string StudyKey, AlertLabel Label);

/// <summary>One alert email to one subscriber: an outbox row written before anything is sent.</summary>
/// <param name="MessageId">Chosen when the email is made up and the same on every attempt.</param>
/// <param name="Items">The studies planned for it; once sent, exactly the studies it carried (see <see cref="Omitted"/>).</param>
public sealed record Delivery(string SubscriberId, string Id, DeliveryState State, IReadOnlyList<AlertItem> Items, string MessageId, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? SendingAt, DateTimeOffset? SentAt, string? LastError, ETag ETag)
{
    /// <summary>Studies planned for it and left out when it was sent or dropped (no longer eligible then); their sent-log rows were
    /// deleted, so a later pass can plan them again.</summary>
    public IReadOnlyList<AlertItem> Omitted { get; init; } = [];
}

/// <summary>
/// The sent-log and the outbox in one table, one partition per subscriber: a row "s|study" per (subscriber, study) names the
/// one email that study went into for that subscriber, a row "r|study" ("e|study") the one email that told the subscriber the
/// study was retracted (given an expression of concern), and a row "d|id" per email holds its state. An email and its studies' rows are written in one transaction, which
/// fails whole when any of the studies already has a row: a study can go into one email per subscriber, ever, and its
/// retraction and its expression of concern into one more each.
/// </summary>
public sealed class DeliveryStore(StorageClients storage)
{
    private const string StudyPrefix = "s|";
    private const string RetractionPrefix = "r|";
    private const string ConcernPrefix = "e|";
    private const string DeliveryPrefix = "d|";
    // '}' sorts right after '|': RowKey ge "s|" and lt "s}" is every sent-log row, and the same for retraction notices and emails.
    private const string StudyEnd = "s}";
    private const string RetractionEnd = "r}";
    private const string ConcernEnd = "e}";
    private const string DeliveryEnd = "d}";
    private TableClient Table => storage.Table(storage.Names.AlertLogTable);

    /// <summary>Keys of every study already in an email to this subscriber (sent or not).</summary>
    public Task<HashSet<string>> ClaimedAsync(string subscriberId, CancellationToken ct) => KeysAsync(subscriberId, StudyPrefix, StudyEnd, ct);

    /// <summary>Keys of every study whose retraction (or expression of concern, by <paramref name="label"/>) is already in an email to this
    /// subscriber (sent or not).</summary>
    public Task<HashSet<string>> NoticesToldAsync(string subscriberId, AlertLabel label, CancellationToken ct) =>
        label == AlertLabel.Concern ? KeysAsync(subscriberId, ConcernPrefix, ConcernEnd, ct) : KeysAsync(subscriberId, RetractionPrefix, RetractionEnd, ct);

    // The study keys of one subscriber's sent-log rows of one kind (RowKey from "x|" up to "x}").
    private async Task<HashSet<string>> KeysAsync(string subscriberId, string from, string to, CancellationToken ct)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId} and RowKey ge {from} and RowKey lt {to}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, select: ["StudyKey"], cancellationToken: ct))
            if (e.GetString("StudyKey") is { } key) set.Add(key);
        return set;
    }

    /// <summary>Stores a new email with a sent-log row for each of its studies, all or nothing. False when a study already has a row.</summary>
    public async Task<bool> TryCreateAsync(Delivery d, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (d.Items.Count is 0 or > 99) throw new ArgumentException("an email holds 1 to 99 studies (one transaction of at most 100 rows)", nameof(d));
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, ToEntity(d)) };
        actions.AddRange(d.Items.Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(d.SubscriberId, Row(i))
        {
            ["StudyKey"] = i.StudyKey,
            ["DeliveryId"] = d.Id,
            ["Label"] = i.Label.ToString(),
            ["ClaimedAt"] = d.CreatedAt,
        })));
        try
        {
            await Table.SubmitTransactionAsync(actions, ct);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces an email's row if it has not changed since it was read; returns it with its new ETag, or null when it had changed.</summary>
    public async Task<Delivery?> TryUpdateAsync(Delivery d, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(d);
        try
        {
            var response = await Table.UpdateEntityAsync(ToEntity(d), d.ETag, TableUpdateMode.Replace, ct);
            return d with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Records that the server accepted an email carrying exactly <paramref name="sent"/>, in one transaction conditional on the row as
    /// <paramref name="sending"/> read it: the email's row becomes "sent" and names those studies (and the ones left out), their
    /// sent-log rows get SentAt and the label the email showed, and the sent-log rows of the studies left out are deleted, so that
    /// a later pass can plan them again should they become eligible again. False when the row changed meanwhile (nothing written).
    /// </summary>
    public async Task<bool> MarkSentAsync(Delivery sending, IReadOnlyList<AlertItem> sent, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sending);
        ArgumentNullException.ThrowIfNull(sent);
        // An item is known by its sent-log row (the kind of row and the study), not by the study alone (one email may tell of a study's
        // retraction and of another's concern) nor by its label (a likely-eligible study shown as included keeps its "s|" row).
        var rows = sent.Select(Row).ToHashSet(StringComparer.Ordinal);
        if (sent.Count == 0 || !rows.IsSubsetOf(sending.Items.Select(Row)))
            throw new ArgumentException("an email is sent with one or more of the studies it was made up with", nameof(sent));
        var omitted = sending.Items.Where(i => !rows.Contains(Row(i))).ToList();
        var row = sending with { State = DeliveryState.Sent, SentAt = at, LastError = null, Items = sent, Omitted = omitted };
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, ToEntity(row), sending.ETag) };
        actions.AddRange(sent.Select(i => new TableTransactionAction(TableTransactionActionType.UpsertMerge,
            new TableEntity(sending.SubscriberId, Row(i)) { ["SentAt"] = at, ["Label"] = i.Label.ToString() })));
        actions.AddRange(omitted.Select(i => Release(sending.SubscriberId, i)));
        return await SubmitAsync(actions, ct);
    }

    /// <summary>Keeps an email as "dropped" (not sent) and deletes its studies' sent-log rows in the same transaction, so that they can
    /// be planned again; conditional on the row as <paramref name="d"/> read it. Null when the row changed meanwhile.</summary>
    public async Task<Delivery?> DropAsync(Delivery d, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(d);
        var row = d with { State = DeliveryState.Dropped, LastError = reason, Items = [], Omitted = [.. d.Omitted, .. d.Items] };
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, ToEntity(row), d.ETag) };
        actions.AddRange(d.Items.Select(i => Release(d.SubscriberId, i)));
        return await SubmitAsync(actions, ct) ? await GetAsync(d.SubscriberId, d.Id, ct) : null;
    }

    // A sent-log row is only ever written with its email (TryCreateAsync), so the email that owns it may delete it unconditionally.
    private static TableTransactionAction Release(string subscriberId, AlertItem item) =>
        new(TableTransactionActionType.Delete, new TableEntity(subscriberId, Row(item)), ETag.All);

    private static string Row(AlertItem item) => Prefix(item.Label) + KeyEncoding.Encode(item.StudyKey);

    private static string Prefix(AlertLabel label) => label switch
    {
        AlertLabel.Retracted => RetractionPrefix,
        AlertLabel.Concern => ConcernPrefix,
        _ => StudyPrefix,
    };

    private async Task<bool> SubmitAsync(List<TableTransactionAction> actions, CancellationToken ct)
    {
        try
        {
            await Table.SubmitTransactionAsync(actions, ct);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task<Delivery?> GetAsync(string subscriberId, string id, CancellationToken ct)
    {
        var hit = await Table.GetEntityIfExistsAsync<TableEntity>(subscriberId, DeliveryPrefix + id, cancellationToken: ct);
        return hit.HasValue ? FromEntity(hit.Value!) : null;
    }

    /// <summary>Finds an email by its id alone (the id a person copies from `alerts status`).</summary>
    public async Task<Delivery?> FindAsync(string id, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {DeliveryPrefix + id}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct)) return FromEntity(e);
        return null;
    }

    /// <summary>Every email in one state (all subscribers), or every email.</summary>
    public async Task<List<Delivery>> ListAsync(DeliveryState? state, CancellationToken ct)
    {
        var filter = state is { } s
            ? TableClient.CreateQueryFilter($"RowKey ge {DeliveryPrefix} and RowKey lt {DeliveryEnd} and State eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"RowKey ge {DeliveryPrefix} and RowKey lt {DeliveryEnd}");
        var list = new List<Delivery>();
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct)) list.Add(FromEntity(e));
        return list;
    }

    /// <summary>The sent-log of one subscriber: study key to the email it went into and when that was accepted (null: not yet).</summary>
    public async Task<List<(string StudyKey, string DeliveryId, AlertLabel Label, DateTimeOffset? SentAt)>> LogAsync(string subscriberId, CancellationToken ct)
    {
        var list = new List<(string, string, AlertLabel, DateTimeOffset?)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId} and RowKey ge {StudyPrefix} and RowKey lt {StudyEnd}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add((e.GetString("StudyKey") ?? "", e.GetString("DeliveryId") ?? "", Enum.Parse<AlertLabel>(e.GetString("Label") ?? nameof(AlertLabel.Included)), e.GetDateTimeOffset("SentAt")));
        return list;
    }

    private static TableEntity ToEntity(Delivery d) => new(d.SubscriberId, DeliveryPrefix + d.Id)
    {
        ["State"] = d.State.ToString(),
        ["Items"] = Items(d.Items),
        ["MessageId"] = d.MessageId,
        ["Attempts"] = d.Attempts,
        ["CreatedAt"] = d.CreatedAt,
        ["NextAttemptAt"] = d.NextAttemptAt,
        ["SendingAt"] = d.SendingAt,
        ["SentAt"] = d.SentAt,
        ["LastError"] = d.LastError is { Length: > 2000 } text ? text[..2000] : d.LastError,
        ["Omitted"] = d.Omitted.Count == 0 ? null : Items(d.Omitted),
    };

    private static string Items(IReadOnlyList<AlertItem> items) =>
        JsonSerializer.Serialize(items.Select(i => $"{i.Label}|{i.StudyKey}").ToList(), AlertsJson.Default.IReadOnlyListString);

    private static List<AlertItem> Items(string? json) =>
        (JsonSerializer.Deserialize(json ?? "[]", AlertsJson.Default.IReadOnlyListString) ?? [])
            .Select(x => x.Split('|', 2)).Select(p => new AlertItem(p[1], Enum.Parse<AlertLabel>(p[0]))).ToList();

    private static Delivery FromEntity(TableEntity e)
    {
        return new Delivery(e.PartitionKey, e.RowKey[DeliveryPrefix.Length..], Enum.Parse<DeliveryState>(e.GetString("State") ?? nameof(DeliveryState.Pending)), Items(e.GetString("Items")),
            e.GetString("MessageId") ?? "", e.GetInt32("Attempts") ?? 0, e.GetDateTimeOffset("CreatedAt") ?? default, e.GetDateTimeOffset("NextAttemptAt") ?? default,
            e.GetDateTimeOffset("SendingAt"), e.GetDateTimeOffset("SentAt"), e.GetString("LastError"), e.ETag) { Omitted = Items(e.GetString("Omitted")) };
    }
}
