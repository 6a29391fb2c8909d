using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Sources;
using SpineReview.Sources.Crossref;
using SpineReview.Storage;

namespace SpineReview.Living;

/// <summary>What one refresh did: studies looked at, asked about (those with a DOI), and the changes found for the first time.</summary>
public sealed record RefreshResult(int Studies, int Asked, int WithoutDoi, IReadOnlyList<RecordChange> New);

/// <summary>Keeps the stored metadata of included and provisionally eligible studies current (issue 21): asks Crossref for each
/// study's DOI and keeps every retraction, correction, expression of concern, withdrawal and journal version it links (once, with
/// its date). A retraction or withdrawal also marks the stored record "Retracted Publication", as PubMed marks one, so the
/// report's table of studies flags it and "what is new" lists it. Run again, it finds nothing twice.</summary>
public sealed class RecordRefresher(CrossrefClient crossref, IOptionsMonitor<SourceOptions> options, ScreeningStore screening, RecordStore records,
    RecordChangeStore changes, WorkQueues queues, TimeProvider time, ILogger<RecordRefresher> log)
{
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
                if (await changes.TryAddAsync(change, ct))
                {
                    found.Add(change);
                    progress?.Report($"refresh: {q.RecordKey}: {change.Describe()}");
                    RefreshLog.Found(log, q.RecordKey, change.Kind, change.Doi);
                }
                // Marked at once, whether the change is new or not: a run that stopped between the two writes is finished by the next,
                // and the alerts tell of a retraction only once the record is marked.
                if (update.Retracts) await MarkRetractedAsync(q.RecordKey, ct);
            }
        }
        // A nudge for the alert pass, which tells the subscribers who were sent a newly retracted study, or one newly given an
        // expression of concern (once each). Should a run stop before it, the hourly alert timer finds them all the same.
        foreach (var key in found.Where(c => c.Retracts || c.Kind == RecordChange.ExpressionOfConcern).Select(c => c.RecordKey).Distinct(StringComparer.Ordinal))
            await queues.EnqueueAsync(queues.Alerts, key, ct);
        return new RefreshResult(studies.Count, asked, withoutDoi, found);
    }

    /// <summary>Every change found so far, oldest first.</summary>
    public Task<IReadOnlyList<RecordChange>> ListAsync(CancellationToken ct) => changes.ListAsync(ct);

    // The record keeps everything it had; the type is added, as PubMed adds it, to the record as it is when written (the store
    // reads it again when another writer came in between).
    private async Task MarkRetractedAsync(string key, CancellationToken ct)
    {
        if (await records.GetAsync(key, ct) is null) return;
        await records.UpdateRecordAsync(key, r => r.PublicationTypes.Contains(Retractions.PublicationType, StringComparer.OrdinalIgnoreCase) ? null
            : r with { PublicationTypes = [.. r.PublicationTypes, Retractions.PublicationType] }, ct);
    }
}

/// <summary>The refresh's log lines.</summary>
internal static partial class RefreshLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {Key} has a new {Kind} linked by Crossref: {Doi}")]
    public static partial void Found(ILogger logger, string key, string kind, string doi);
}
