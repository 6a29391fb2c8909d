using System.Globalization;
using Microsoft.Extensions.Logging;
using SpineReview.Extraction.FullText;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Extraction;

/// <summary>Per field: how often the automatic value was what a person settled on, among the fields people checked.</summary>
public sealed record FieldAccuracy(string Field, int Checked, int Right)
{
    public double Accuracy => Checked == 0 ? 0 : (double)Right / Checked;
}

/// <summary>One field of a study's form as a person reviews it: the values in use, the automatic ones with their evidence and extractor, and any correction.</summary>
public sealed record FormField(string Field, IReadOnlyList<string> Values, IReadOnlyList<ExtractedValue> Automatic, string ExtractorVersion, Correction? Correction)
{
    /// <summary>What the automatic values were read from: "abstract", or "full text (source id, licence)".</summary>
    public string Basis { get; init; } = ExtractedField.AbstractBasis;
}

/// <summary>The extraction stage: fills the review's form with evidence, records in batches; people correct it.</summary>
public sealed class ExtractionService(RecordStore records, ExtractionStore store, StateStore state, TimeProvider time, ILogger<ExtractionService> log,
    FullTextStore fullTexts, IEnumerable<IFullTextSource> fullTextSources, WorkQueues queues)
{
    /// <summary>
    /// Extracts the records a queue message names (a batch, or one record in the older one-key shape) and returns how many it named.
    /// A body that is neither shape throws (the drain poison-queues it); a batch that fails is split in two messages, as in screening.
    /// </summary>
    public async Task<int> ExtractMessageAsync(string body, CancellationToken ct)
    {
        var batch = RecordBatch.Parse(body);
        return await queues.HandleOrSplitAsync(queues.Extract, batch, keys => ExtractManyAsync(keys, ct),
            e => ExtractionLog.BatchSplit(log, batch.RecordKeys.Count, e.Message), ct) ? batch.RecordKeys.Count : 0;
    }

    /// <summary>Extracts one record. Safe to run twice: its form row is replaced by the same form; corrections, rows of their own, are kept.</summary>
    public async Task<IReadOnlyList<ExtractedField>> ExtractAsync(RecordMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (await ExtractManyAsync([message.RecordKey], ct)).GetValueOrDefault(message.RecordKey) ?? [];
    }

    /// <summary>
    /// Extracts a batch of records: read with one query per source and <see cref="TableRows.KeysPerQuery"/> keys, the stored full
    /// texts found with one listing per source; full texts not stored yet are asked for one record at a time, as before. Each form
    /// is one row of its record's partition, written whole in one request. Safe to run twice: the form row is replaced by the same
    /// form; corrections, rows of their own, are kept.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ExtractedField>>> ExtractManyAsync(IReadOnlyList<string> recordKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordKeys);
        var stored = await records.GetManyAsync(recordKeys, ct);
        foreach (var key in recordKeys.Where(k => !stored.ContainsKey(k)).Distinct(StringComparer.Ordinal)) ExtractionLog.NotStored(log, key);
        if (stored.Count == 0) return new Dictionary<string, IReadOnlyList<ExtractedField>>();
        var withText = await fullTexts.StoredAmongAsync(stored.Keys, ct);
        var forms = new List<(string RecordKey, IReadOnlyList<ExtractedField> Fields)>();
        foreach (var record in stored.Values)
            forms.Add((record.Key, await ExtractWithFullTextAsync(record, fetch: true, textStored: withText.Contains(record.Key), ct)));
        await store.SaveManyAsync(forms, time.GetUtcNow(), ct);
        foreach (var (key, fields) in forms) ExtractionLog.Extracted(log, key, string.Join("/", fields[0].Distinct), string.Join("/", fields[2].Distinct));
        return forms.ToDictionary(f => f.RecordKey, f => f.Fields, StringComparer.Ordinal);
    }

    /// <summary>The form for a stored record: title, abstract, keywords and MeSH as text; affiliations for country and industry.</summary>
    public static IReadOnlyList<ExtractedField> Extract(StoredRecord stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return FormExtractor.Extract(Text(stored), stored.Record.Authors.SelectMany(a => a.Affiliations).ToList());
    }

    /// <summary>
    /// The form from the study's open-access full text when there is one (stored, or with <paramref name="fetch"/> asked of the
    /// full-text services and stored with its licence), else from title and abstract. A full text that cannot be fetched or
    /// read, or carries no open licence, is not used: the study stays on its abstract, and nothing fails.
    /// </summary>
    public Task<IReadOnlyList<ExtractedField>> ExtractWithFullTextAsync(StoredRecord stored, bool fetch, CancellationToken ct) =>
        ExtractWithFullTextAsync(stored, fetch, textStored: true, ct);

    // textStored false: a listing just found no full text stored for the record, so it is not read.
    private async Task<IReadOnlyList<ExtractedField>> ExtractWithFullTextAsync(StoredRecord stored, bool fetch, bool textStored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var text = textStored ? await fullTexts.GetAsync(stored.Key, ct) : null;
        if (text is null && fetch) text = await FetchAsync(stored, ct);
        if (text is null) return Extract(stored);
        JatsDocument doc;
        try { doc = FullTextDocument.Read(text.Body); }
        catch (FormatException e)
        {
            ExtractionLog.FullTextUnreadable(log, stored.Key, e.Message);
            return Extract(stored);
        }
        var basis = $"full text ({text.Source}, {text.Licence})";
        return FullTextExtractor.Extract(doc, stored.Record.Authors.SelectMany(a => a.Affiliations).ToList()).Select(f => f with { Basis = basis }).ToList();
    }

    private async Task<StoredFullText?> FetchAsync(StoredRecord stored, CancellationToken ct)
    {
        foreach (var source in fullTextSources)
        {
            FullTextAnswer? answer;
            try { answer = await source.FetchAsync(stored.Record, ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A full text is a bonus: a service that fails leaves the study on its abstract, and a later re-extraction asks again.
                ExtractionLog.FullTextFailed(log, stored.Key, e.Message);
                continue;
            }
            if (answer is null) continue;
            JatsLicence? licence;
            // JATS names its own licence; a PDF's is the one its service gave beside it (arXiv's metadata).
            try { licence = FullTextDocument.Read(answer.Body, answer.LicenceUrl).Licence; }
            catch (FormatException e)
            {
                ExtractionLog.FullTextUnreadable(log, stored.Key, e.Message);
                continue;
            }
            // Never a copy the publisher did not open: no licence, or one that is not open access, is not kept.
            if (licence is not { OpenAccess: true })
            {
                ExtractionLog.FullTextNotOpen(log, stored.Key, answer.Url);
                continue;
            }
            var text = new StoredFullText(answer.Body, $"{answer.Source} {answer.Id}", answer.Url, licence.Name);
            await fullTexts.SaveAsync(stored.Key, text, ct);
            return text;
        }
        return null;
    }

    /// <summary>The text a stored record's values are extracted from (their evidence offsets point into it): title, abstract, keywords, MeSH.</summary>
    public static string Text(StoredRecord stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var r = stored.Record;
        return string.Join("\n", [r.Title, r.Abstract ?? "", string.Join("; ", r.Keywords), string.Join("; ", r.Mesh)]);
    }

    /// <summary>Re-extracts every stored study whose values come from another extractor version; people's corrections stay.</summary>
    public async Task<(int Reextracted, int Current)> ReextractAsync(IProgress<string>? progress, CancellationToken ct)
    {
        var stored = await store.ListStoredAsync(ct);
        int done = 0, current = 0;
        foreach (var (key, fields) in stored)
        {
            if (fields.All(f => f.Automatic.ExtractorVersion == FormExtractor.Version) && fields.Count >= FormExtractor.Fields.Count) { current++; continue; }
            var record = await records.GetAsync(key, ct);
            if (record is null) continue;
            // A re-extraction reads the full text already stored; it does not go out to fetch one.
            await store.SaveAsync(key, await ExtractWithFullTextAsync(record, fetch: false, ct), time.GetUtcNow(), ct);
            if (++done % 25 == 0) progress?.Report($"re-extract: {done} studies");
        }
        return (done, current);
    }

    /// <summary>After an extractor upgrade, re-extracts every stored study once (people's corrections stay). Cheap when nothing changed.</summary>
    public async Task ReextractIfNewVersionAsync(IProgress<string>? progress, CancellationToken ct)
    {
        const string key = "extractor-version";
        if (await state.GetValueAsync(key, ct) == FormExtractor.Version) return;
        var (done, current) = await ReextractAsync(progress, ct);
        progress?.Report($"extract: {done} stored studies re-extracted with {FormExtractor.Version} ({current} were current); corrections kept");
        ExtractionLog.Reextracted(log, done, FormExtractor.Version);
        await state.SetValueAsync(key, FormExtractor.Version, ct);
    }

    /// <summary>A stored study's form, fields in the form's order; empty when no form is stored for <paramref name="recordKey"/>.</summary>
    public async Task<IReadOnlyList<FormField>> FormAsync(string recordKey, CancellationToken ct)
    {
        var fields = await store.GetAsync(recordKey, ct);
        return FormExtractor.Fields.Where(fields.ContainsKey)
            .Select(f => new FormField(f, fields[f].Effective, fields[f].Automatic.Values, fields[f].Automatic.ExtractorVersion, fields[f].Correction)
                { Basis = fields[f].Automatic.Basis }).ToList();
    }

    /// <summary>The text a stored form's evidence offsets point into: the kept full text's normalised text when the form was read from it, else <see cref="Text"/>.</summary>
    public async Task<string> TextAsync(StoredRecord stored, IReadOnlyList<FormField> form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(form);
        if (form.Any(f => f.Basis.StartsWith("full text", StringComparison.Ordinal)) && await fullTexts.GetAsync(stored.Key, ct) is { } kept)
        {
            try { return FullTextDocument.Read(kept.Body).Text; }
            catch (FormatException) { return Text(stored); }
        }
        return Text(stored);
    }

    /// <summary>A person's correction of one field; values are checked against the form's vocabulary.</summary>
    public async Task<Correction> CorrectAsync(string reviewer, string recordKey, string field, IReadOnlyList<string> values, string? note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (string.IsNullOrWhiteSpace(reviewer)) throw new CorrectionRefusedException("no reviewer identity: sign in (in Azure), or set Screening__Reviewer for the command line");
        if (!FormExtractor.Vocabulary.TryGetValue(field, out var rule))
            throw new CorrectionRefusedException($"\"{field}\" is not a field of the form; the fields are {string.Join(", ", FormExtractor.Fields)}");
        var clean = values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (rule.Single && clean.Count > 1) throw new CorrectionRefusedException($"{field} takes one value, not {clean.Count}");
        if (rule.Allowed is ["number"])
        {
            if (clean.Any(v => !long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new CorrectionRefusedException($"{field} takes a whole number as reported (for example 446), or nothing for \"not reported\"");
        }
        else if (rule.Allowed is { } allowed)
        {
            var bad = clean.Where(v => !allowed.Contains(v, StringComparer.Ordinal)).ToList();
            if (bad.Count > 0) throw new CorrectionRefusedException($"{field} cannot be \"{string.Join("\", \"", bad)}\"; its values are {string.Join(", ", allowed)}");
        }
        if (note is { Length: > 4000 }) throw new CorrectionRefusedException("keep the note under 4,000 characters");
        if (clean.Count > 50 || clean.Any(v => v.Length > 1000)) throw new CorrectionRefusedException("give at most 50 values of at most 1,000 characters each");
        if (await records.GetAsync(recordKey, ct) is null) throw new FormNotFoundException($"record {recordKey} is not stored");
        if ((await store.GetAsync(recordKey, ct)).Count == 0)
            throw new FormNotFoundException($"record {recordKey} has no extracted form to correct (forms are filled for records that passed the rules)");
        var correction = new Correction(clean, reviewer, time.GetUtcNow(), string.IsNullOrWhiteSpace(note) ? null : note.Trim());
        await store.CorrectAsync(recordKey, field, correction, ct);
        return correction;
    }

    /// <summary>Accuracy of the automatic values against people's corrections, per field (a correction equal to the automatic values confirms them).</summary>
    public static IReadOnlyList<FieldAccuracy> Accuracy(IEnumerable<StoredField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return fields.Where(f => f.Correction is not null).GroupBy(f => f.Automatic.Field)
            .Select(g => new FieldAccuracy(g.Key, g.Count(), g.Count(f => f.Automatic.Distinct.ToHashSet(StringComparer.Ordinal).SetEquals(f.Correction!.Values))))
            .OrderBy(a => FormExtractor.Fields.ToList().IndexOf(a.Field)).ToList();
    }
}

/// <summary>A correction refused for what the person gave (a field not on the form, a value outside its vocabulary), in words
/// written for them: what a page may show.</summary>
public sealed class CorrectionRefusedException(string message) : ArgumentException(message);

/// <summary>A correction refused because the record, or its form, is not stored, in words written for the person.</summary>
public sealed class FormNotFoundException(string message) : KeyNotFoundException(message);
