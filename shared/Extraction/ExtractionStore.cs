using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
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
public sealed partial class ExtractionStore(StorageClients storage, ILogger<ExtractionStore> log)
{
    /// <summary>The row key of a record's automatic form (no field of the form is named so).</summary>
    public const string FormRow = "form";

    // Azure Table storage keeps a string property under 64 KiB (UTF-16: 32,768 characters) and an entity under 1 MiB; a form's
    // JSON is cut into parts of 30,000 characters, at most 15 of them (900 KB as UTF-16, with room for the other columns).
    private const int PartChars = 30_000;
    private const int MaxParts = 15;

    // Evidence lengths tried, longest first, when a form's JSON does not fit a row: 0 drops the snippet (its offsets stay).
    private static readonly int[] EvidenceCaps = [2_000, 500, 120, 0];

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

    private TableEntity FormEntity(string recordKey, IEnumerable<ExtractedField> fields, DateTimeOffset now)
    {
        var form = fields.Select(f => new StoredFormField(f.Field, f.Values, f.ExtractorVersion, f.Basis)).ToList();
        // A form is read back by field name: a name given twice would make the whole record unreadable later, so it is refused here.
        if (NamedTwice(form) is { } twice)
            throw new ArgumentException($"the extracted form of {recordKey} names the field \"{twice.Key}\" {twice.Count()} times; an extractor gives each field once, so nothing was stored", nameof(fields));
        var json = JsonSerializer.Serialize(form, ExtractionJson.Default.ListStoredFormField);
        if (json.Length > PartChars * MaxParts)
        {
            // Evidence is a reading aid; the values and their offsets into the text are what the review uses, so the snippets give way.
            var full = json.Length;
            foreach (var cap in EvidenceCaps)
            {
                json = JsonSerializer.Serialize(form.Select(f => f with { Values = f.Values.Select(v => v.Evidence.Length <= cap ? v : v with { Evidence = cap == 0 ? "" : v.Evidence[..cap] + "…" }).ToList() }).ToList(),
                    ExtractionJson.Default.ListStoredFormField);
                if (json.Length <= PartChars * MaxParts)
                {
                    EvidenceShortened(log, recordKey, full, cap);
                    break;
                }
            }
            if (json.Length > PartChars * MaxParts)
                throw new InvalidOperationException($"the extracted values of {recordKey} alone are {json.Length:N0} characters of JSON without their evidence, more than one table row holds ({PartChars * MaxParts:N0}); the extractor gave far too many or too long values for this record");
        }
        var parts = (json.Length + PartChars - 1) / PartChars;
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
        return ToStored(recordKey, rows).ToDictionary(f => f.Automatic.Field, StringComparer.Ordinal);
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
        return rows.ToDictionary(kv => kv.Key, kv => ToStored(kv.Key, kv.Value), StringComparer.Ordinal);
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

    // One record's rows as fields: the automatic values from the form row, or, only when there is no readable form row, from the
    // fields' own rows written in the earlier shape (one row per field): a form row is a later extraction, and a field it lacks was
    // dropped by the extractor, not left over. A correction from the field's row in either shape always counts.
    private List<StoredField> ToStored(string recordKey, List<TableEntity> rows)
    {
        var read = rows.FirstOrDefault(e => e.RowKey == FormRow) is { } f ? ReadForm(recordKey, f) : null;
        var form = read ?? [];
        var automatic = form.ToDictionary(x => x.Field, StringComparer.Ordinal);
        var corrections = new Dictionary<string, Correction>(StringComparer.Ordinal);
        foreach (var e in rows.Where(e => e.RowKey != FormRow))
        {
            if (read is null && !automatic.ContainsKey(e.RowKey) && e.GetString("Values") is { } values
                && ReadColumn(recordKey, e.RowKey, "Values", values, ExtractionJson.Default.IReadOnlyListExtractedValue) is { } earlierValues)
            {
                var earlier = new ExtractedField(e.RowKey, earlierValues, e.GetString("ExtractorVersion") ?? "") { Basis = e.GetString("Basis") ?? ExtractedField.AbstractBasis };
                automatic[e.RowKey] = earlier;
                form.Add(earlier);
            }
            if (e.GetString("CorrectedValues") is { } corrected
                && ReadColumn(recordKey, e.RowKey, "CorrectedValues", corrected, ExtractionJson.Default.IReadOnlyListString) is { } correctedValues)
                corrections[e.RowKey] = new Correction(correctedValues,
                    e.GetString("CorrectedBy") ?? "", e.GetDateTimeOffset("CorrectedAt") ?? default, e.GetString("CorrectionNote") is { Length: > 0 } note ? note : null);
        }
        // A correction of a field no automatic value was stored for (the form's extractor dropped the field, or gave none) still counts.
        // Its automatic side is that extractor's empty answer, of the form's version, so the form still reads as current.
        var version = read is [{ } first, ..] ? first.ExtractorVersion : "";
        foreach (var field in corrections.Keys.Where(k => !automatic.ContainsKey(k)).ToList())
            form.Add(automatic[field] = new ExtractedField(field, [], version));
        return form.Select(x => new StoredField(x, corrections.GetValueOrDefault(x.Field))).ToList();
    }

    // A form row that cannot be read is null (and a warning): one damaged row must not stop every report, export and re-extraction
    // that reads the table. The record then reads as not extracted, which `extract rerun` sees and repairs by replacing the row.
    private List<ExtractedField>? ReadForm(string recordKey, TableEntity e)
    {
        static string Column(int i) => "Form" + i.ToString(CultureInfo.InvariantCulture);
        string? problem = null;
        List<StoredFormField>? form = null;
        // Read as an object: a column of another type would make GetInt32 throw.
        var hasParts = e.TryGetValue("Parts", out var partsValue);
        if (partsValue is not int parts || parts is < 1 or > MaxParts)
            problem = hasParts ? $"its Parts column is \"{partsValue}\"" : "its Parts column is missing";
        else if (Enumerable.Range(0, parts).FirstOrDefault(i => !(e.TryGetValue(Column(i), out var v) && v is string), -1) is var missing and >= 0)
            problem = $"it lacks part {missing} of the {parts} its Parts column names";
        else if (e.ContainsKey(Column(parts)))
            problem = $"it holds more parts than the {parts} its Parts column names";
        else
        {
            try { form = JsonSerializer.Deserialize(string.Concat(Enumerable.Range(0, parts).Select(i => (string)e[Column(i)])), ExtractionJson.Default.ListStoredFormField); }
            catch (JsonException x) { problem = $"its JSON does not parse ({x.Message})"; }
            if (problem is null && form is null) problem = "its JSON is null";
            else if (form?.FindIndex(x => x is null || x.Field is null || x.Values is null || x.Values.Any(v => v is null)) is >= 0 and var bad)
                problem = $"field {bad} of its JSON lacks its name or values";
            else if (form is not null && NamedTwice(form) is { } twice)
                problem = $"it names the field \"{twice.Key}\" twice";
        }
        if (problem is not null)
        {
            FormUnreadable(log, recordKey, problem);
            return null;
        }
        return form!.Select(x => new ExtractedField(x.Field, x.Values, x.ExtractorVersion ?? "") { Basis = x.Basis ?? ExtractedField.AbstractBasis }).ToList();
    }

    // A field row's JSON column, or null (and a warning) when it does not parse or holds a null value: like a damaged form row, one
    // damaged field row must not stop every report and export; the field reads as the rest of the record's rows make it.
    private List<T>? ReadColumn<T>(string recordKey, string field, string column, string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<IReadOnlyList<T>> type)
    {
        string problem;
        try
        {
            var values = JsonSerializer.Deserialize(json, type);
            if (values is not null && values.All(v => v is not null)) return values.ToList();
            problem = values is null ? "it is null" : "it holds a null value";
        }
        catch (JsonException x) { problem = $"its JSON does not parse ({x.Message})"; }
        if (column == "Values") FieldValuesUnreadable(log, field, recordKey, problem);
        else FieldCorrectionUnreadable(log, field, recordKey, problem);
        return null;
    }

    // The first field a form names more than once, or null: a form is read back by field name.
    private static IGrouping<string, StoredFormField>? NamedTwice(IEnumerable<StoredFormField> form) =>
        form.GroupBy(f => f.Field, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extract: the stored form of {RecordKey} cannot be read ({Problem}); it reads as not extracted (its corrections still count), and `spine-review extract rerun` extracts it again, which replaces the row")]
    private static partial void FormUnreadable(ILogger logger, string recordKey, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extract: the Values column of the field {Field} of {RecordKey} cannot be read ({Problem}); its automatic values are left out, and `spine-review extract rerun` extracts the record again")]
    private static partial void FieldValuesUnreadable(ILogger logger, string field, string recordKey, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extract: the CorrectedValues column of the field {Field} of {RecordKey} cannot be read ({Problem}); the correction is left out: correct the field again in the charting page")]
    private static partial void FieldCorrectionUnreadable(ILogger logger, string field, string recordKey, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Extract: the form of {RecordKey} is {Chars} characters of JSON, more than a table row holds; stored with each evidence snippet cut to {Cap} characters (every value and its offsets kept)")]
    private static partial void EvidenceShortened(ILogger logger, string recordKey, int chars, int cap);
}

/// <summary>A field of a stored form as its JSON keeps it.</summary>
internal sealed record StoredFormField(string Field, IReadOnlyList<ExtractedValue> Values, string ExtractorVersion, string Basis);

