using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Sources;
using SpineReview.Sources.Crossref;
using SpineReview.Storage;

namespace SpineReview.Living;

/// <summary>A change a refresh found to a stored study, kept with its date: a notice Crossref links to the study's DOI, or the
/// journal version of a preprint.</summary>
/// <param name="RecordKey">The study (the record kept for it).</param>
/// <param name="Kind">"retraction", "correction", "erratum", "expression_of_concern", "withdrawal", or "journal-version".</param>
/// <param name="Doi">The notice's DOI, or the journal version's.</param>
/// <param name="Issued">When the notice was issued, as Crossref dates it; null when not dated.</param>
/// <param name="By">Who asserted it ("publisher", "retraction-watch").</param>
/// <param name="Found">When a refresh first found it.</param>
/// <param name="Included">The study was included when the change was found (not only provisionally eligible).</param>
public sealed record RecordChange(string RecordKey, string Kind, string Doi, DateOnly? Issued, string? By, DateTimeOffset Found, bool Included);

/// <summary>What one refresh did: studies looked at, asked about (those with a DOI), and the changes found for the first time.</summary>
public sealed record RefreshResult(int Studies, int Asked, int WithoutDoi, IReadOnlyList<RecordChange> New);

/// <summary>Keeps the stored metadata of included and provisionally eligible studies current (issue 21): asks Crossref for each
/// study's DOI and keeps every retraction, correction, expression of concern, withdrawal and journal version it links (once, with
/// its date). A retraction or withdrawal also marks the stored record "Retracted Publication", as PubMed marks one, so the
/// report's table of studies flags it and "what is new" lists it. Run again, it finds nothing twice.</summary>
public sealed class RecordRefresher(CrossrefClient crossref, IOptionsMonitor<SourceOptions> options, ScreeningStore screening, RecordStore records,
    StorageClients storage, TimeProvider time, ILogger<RecordRefresher> log)
{
    /// <summary>The publication type PubMed gives a retracted article, which the report reads.</summary>
    public const string RetractedType = "Retracted Publication";

    private const string Partition = "changes";

    private TableClient State => storage.Table(storage.Names.StateTable);

    /// <summary>Refreshes every included study and every study still with the reviewers (passed the rules, not settled).</summary>
    /// <exception cref="InvalidOperationException">Crossref is switched off (setting Crossref__Enabled).</exception>
    public async Task<RefreshResult> RefreshAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (!options.Get(SourceName.Crossref.Name).Enabled)
            throw new InvalidOperationException("Crossref is switched off (setting Crossref__Enabled is false); the refresh asks Crossref about each study's DOI. Switch it on and run again.");
        var studies = (await screening.ListQueueAsync(null, ct))
            .Where(q => q.Status == ScreeningStatus.Final ? q.Included == true : !q.AutoExcluded)
            .OrderBy(q => q.RecordKey, StringComparer.Ordinal).ToList();
        progress?.Report($"refresh: {studies.Count} included or provisionally eligible studies");
        int asked = 0, withoutDoi = 0;
        var found = new List<RecordChange>();
        foreach (var q in studies)
        {
            if (await records.GetAsync(q.RecordKey, ct) is not { } stored) continue;
            var doi = stored.Record.Doi;
            if (doi is null)
            {
                await foreach (var linked in records.ListLinkedToAsync(q.RecordKey, ct)) doi ??= linked.Record.Doi;
            }
            if (doi is null) { withoutDoi++; continue; }
            asked++;
            if (await crossref.GetWorkAsync(doi, ct) is not { } work) continue;
            var included = q.Status == ScreeningStatus.Final && q.Included == true;
            foreach (var update in CrossrefUpdates.Parse(work.Raw))
            {
                var change = new RecordChange(q.RecordKey, update.Kind, update.Doi, update.Issued, update.By, time.GetUtcNow(), included);
                if (await AddAsync(change, ct))
                {
                    found.Add(change);
                    progress?.Report($"refresh: {q.RecordKey}: {Describe(change)}");
                    RefreshLog.Found(log, q.RecordKey, change.Kind, change.Doi);
                }
                // Marked whether the change is new or not: a run that stopped between the two writes is finished by the next.
                if (update.Retracts) await MarkRetractedAsync(q.RecordKey, ct);
            }
        }
        return new RefreshResult(studies.Count, asked, withoutDoi, found);
    }

    /// <summary>Every change found so far, oldest first.</summary>
    public async Task<IReadOnlyList<RecordChange>> ListAsync(CancellationToken ct)
    {
        var list = new List<RecordChange>();
        await foreach (var e in State.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
        {
            list.Add(new RecordChange(e.GetString("RecordKey")!, e.GetString("Kind")!, e.GetString("Doi")!,
                e.GetString("Issued") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                e.GetString("By"), e.GetDateTimeOffset("Found") ?? default, e.GetBoolean("Included") ?? false));
        }
        return list.OrderBy(c => c.Found).ThenBy(c => c.RecordKey, StringComparer.Ordinal).ToList();
    }

    /// <summary>"retraction 10.1/x (2026-03-02, retraction-watch)".</summary>
    public static string Describe(RecordChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var details = new[] { change.Issued?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), change.By }.OfType<string>().ToList();
        return $"{change.Kind.Replace('_', ' ')} {change.Doi}{(details.Count == 0 ? "" : $" ({string.Join(", ", details)})")}";
    }

    // One row per study, kind and notice, insert-only: two refreshes at once, or one run again, keep one.
    private async Task<bool> AddAsync(RecordChange c, CancellationToken ct)
    {
        var entity = new TableEntity(Partition, KeyEncoding.Encode($"{c.RecordKey}|{c.Kind}|{c.Doi}"))
        {
            ["RecordKey"] = c.RecordKey, ["Kind"] = c.Kind, ["Doi"] = c.Doi, ["Issued"] = c.Issued?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["By"] = c.By, ["Found"] = c.Found, ["Included"] = c.Included,
        };
        try
        {
            await State.AddEntityAsync(entity, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    // The record keeps everything it had; the type is added, as PubMed adds it, to the record as it is when written (the store
    // reads it again when another writer came in between).
    private async Task MarkRetractedAsync(string key, CancellationToken ct)
    {
        if (await records.GetAsync(key, ct) is null) return;
        await records.UpdateRecordAsync(key, r => r.PublicationTypes.Contains(RetractedType, StringComparer.OrdinalIgnoreCase) ? null
            : r with { PublicationTypes = [.. r.PublicationTypes, RetractedType] }, ct);
    }
}

/// <summary>The refresh's log lines.</summary>
internal static partial class RefreshLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {Key} has a new {Kind} linked by Crossref: {Doi}")]
    public static partial void Found(ILogger logger, string key, string kind, string doi);
}
