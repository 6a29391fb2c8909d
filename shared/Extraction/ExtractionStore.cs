using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Extraction;

/// <summary>A person's correction of one field: the values they set, who and when. It wins over the automatic values.</summary>
public sealed record Correction(IReadOnlyList<string> Values, string By, DateTimeOffset At, string? Note);

/// <summary>One stored field: the automatic values with evidence, and a person's correction when there is one.</summary>
public sealed record StoredField(ExtractedField Automatic, Correction? Correction)
{
    /// <summary>The values the review uses: the correction when a person made one, else the automatic values.</summary>
    public IReadOnlyList<string> Effective => Correction?.Values ?? Automatic.Distinct.ToList();
}

/// <summary>
/// Extracted values: a record's automatic form is one row (<see cref="FormRow"/>) of the record's partition, its fields' JSON in
/// string columns; a person's correction of a field is the row named after the field, which automatic extraction never writes,
/// so re-extraction cannot lose it. Rows of the earlier shape (one row per field, the values beside the correction) are still read.
/// </summary>
public sealed class ExtractionStore(StorageClients storage)
{
    /// <summary>The row key of a record's automatic form (no field of the form is named so).</summary>
    public const string FormRow = "form";

    // Azure Table storage keeps a string property under 64 KiB (UTF-16: 32,768 characters) and an entity under 1 MiB; a form's
    // JSON is cut into parts of 30,000 characters, at most 15 of them (900 KB as UTF-16, with room for the other columns).
    private const int PartChars = 30_000;
    private const int MaxParts = 15;

    private TableClient Table => storage.Table(storage.Names.ExtractionsTable);

    public async Task SaveAsync(string recordKey, IEnumerable<ExtractedField> fields, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fields);
        // Replace, not merge: a form with fewer parts than the one before leaves no stale part behind. Corrections are other rows.
        await Table.UpsertEntityAsync(FormEntity(recordKey, fields, now), TableUpdateMode.Replace, ct);
    }

    /// <summary>Stores the forms of many records: each record's form is one row of its own partition (beside a person's corrections),
    /// a few records at a time.</summary>
    public async Task SaveManyAsync(IReadOnlyList<(string RecordKey, IReadOnlyList<ExtractedField> Fields)> forms, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(forms);
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (form, token) => await SaveAsync(form.RecordKey, form.Fields, now, token));
    }

    private static TableEntity FormEntity(string recordKey, IEnumerable<ExtractedField> fields, DateTimeOffset now)
    {
        var json = JsonSerializer.Serialize(fields.Select(f => new StoredFormField(f.Field, f.Values, f.ExtractorVersion, f.Basis)).ToList(),
            ExtractionJson.Default.ListStoredFormField);
        var parts = (json.Length + PartChars - 1) / PartChars;
        if (parts > MaxParts)
            throw new InvalidOperationException($"the extracted form of {recordKey} is {json.Length:N0} characters of JSON, more than one table row holds ({PartChars * MaxParts:N0}); its evidence is too long to store");
        var entity = new TableEntity(recordKey, FormRow) { ["Parts"] = parts, ["ExtractedAt"] = now };
        for (var i = 0; i < parts; i++) entity["Form" + i.ToString(CultureInfo.InvariantCulture)] = json.Substring(i * PartChars, Math.Min(PartChars, json.Length - i * PartChars));
        return entity;
    }

    /// <summary>Stores a person's correction of one field (an empty list says "none of these"); it survives re-extraction.</summary>
    public Task CorrectAsync(string recordKey, string field, Correction correction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(correction);
        return Table.UpsertEntityAsync(new TableEntity(recordKey, field)
        {
            ["CorrectedValues"] = JsonSerializer.Serialize(correction.Values, ExtractionJson.Default.IReadOnlyListString),
            ["CorrectedBy"] = correction.By,
            ["CorrectedAt"] = correction.At,
            // Never null: a merge leaves a null column as it was, which would keep an earlier reviewer's note.
            ["CorrectionNote"] = correction.Note ?? "",
        }, TableUpdateMode.Merge, ct);
    }

    /// <summary>One record's stored fields, by field name.</summary>
    public async Task<Dictionary<string, StoredField>> GetAsync(string recordKey, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {recordKey}"), cancellationToken: ct))
            rows.Add(e);
        return ToStored(rows).ToDictionary(f => f.Automatic.Field, StringComparer.Ordinal);
    }

    /// <summary>Every stored field of every record, grouped by record key.</summary>
    public async Task<Dictionary<string, List<StoredField>>> ListStoredAsync(CancellationToken ct)
    {
        var rows = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        await foreach (var e in Table.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            if (!rows.TryGetValue(e.PartitionKey, out var list)) rows[e.PartitionKey] = list = [];
            list.Add(e);
        }
        return rows.ToDictionary(kv => kv.Key, kv => ToStored(kv.Value), StringComparer.Ordinal);
    }

    /// <summary>Every extracted field as the review uses it (a person's correction in place of the automatic values).</summary>
    public async Task<Dictionary<string, List<ExtractedField>>> ListAsync(CancellationToken ct) => Effective(await ListStoredAsync(ct));

    /// <summary>The fields as the review uses them, from stored fields already read: a correction in place of the automatic values.</summary>
    public static Dictionary<string, List<ExtractedField>> Effective(Dictionary<string, List<StoredField>> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.ToDictionary(kv => kv.Key, kv => kv.Value.Select(f => f.Correction is { } c
            ? new ExtractedField(f.Automatic.Field, c.Values.Select(v => new ExtractedValue(v, $"corrected by {c.By}", 0, 0)).ToList(), f.Automatic.ExtractorVersion) { Basis = f.Automatic.Basis }
            : f.Automatic).ToList(), StringComparer.Ordinal);
    }

    // One record's rows as fields: the automatic values from the form row, or from a field's own row written in the earlier shape
    // (one row per field) when there is no form row or it lacks the field; a correction from the field's row in either shape.
    private static List<StoredField> ToStored(List<TableEntity> rows)
    {
        var form = rows.FirstOrDefault(e => e.RowKey == FormRow) is { } f ? ReadForm(f) : [];
        var automatic = form.ToDictionary(x => x.Field, StringComparer.Ordinal);
        var corrections = new Dictionary<string, Correction>(StringComparer.Ordinal);
        foreach (var e in rows.Where(e => e.RowKey != FormRow))
        {
            if (!automatic.ContainsKey(e.RowKey) && e.GetString("Values") is { } values)
            {
                var earlier = new ExtractedField(e.RowKey, JsonSerializer.Deserialize(values, ExtractionJson.Default.IReadOnlyListExtractedValue) ?? [],
                    e.GetString("ExtractorVersion") ?? "") { Basis = e.GetString("Basis") ?? ExtractedField.AbstractBasis };
                automatic[e.RowKey] = earlier;
                form.Add(earlier);
            }
            if (e.GetString("CorrectedValues") is { } corrected)
                corrections[e.RowKey] = new Correction(JsonSerializer.Deserialize(corrected, ExtractionJson.Default.IReadOnlyListString) ?? [],
                    e.GetString("CorrectedBy") ?? "", e.GetDateTimeOffset("CorrectedAt") ?? default, e.GetString("CorrectionNote") is { Length: > 0 } note ? note : null);
        }
        // A correction of a field no automatic value was stored for (not written by this code, but a row may hold one) still counts.
        foreach (var field in corrections.Keys.Where(k => !automatic.ContainsKey(k)))
            form.Add(automatic[field] = new ExtractedField(field, [], ""));
        return form.Select(x => new StoredField(x, corrections.GetValueOrDefault(x.Field))).ToList();
    }

    private static List<ExtractedField> ReadForm(TableEntity e)
    {
        var parts = e.GetInt32("Parts") ?? 0;
        var json = string.Concat(Enumerable.Range(0, parts).Select(i => e.GetString("Form" + i.ToString(CultureInfo.InvariantCulture))
            ?? throw new InvalidDataException($"the extracted form of {e.PartitionKey} lacks part {i} of {parts}; extract it again (spine-review extract)")));
        return (JsonSerializer.Deserialize(json, ExtractionJson.Default.ListStoredFormField) ?? [])
            .Select(x => new ExtractedField(x.Field, x.Values, x.ExtractorVersion) { Basis = x.Basis }).ToList();
    }
}

/// <summary>A field of a stored form as its JSON keeps it.</summary>
internal sealed record StoredFormField(string Field, IReadOnlyList<ExtractedValue> Values, string ExtractorVersion, string Basis);

