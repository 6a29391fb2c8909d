using SpineReview.Extraction;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;

namespace SpineReview.Reporting;

/// <summary>Builds the report model from stored facts. Pure: no I/O, no clock.</summary>
public static class ReportModelBuilder
{
    public static readonly string[] ModalityOrder = ["MRI", "CT", "Radiograph", "Ultrasound", "DEXA", "Fluoroscopy", "Other"];

    /// <summary>Assembles one version's model.</summary>
    /// <param name="previousKeys">Keys of the studies shown by the previous version (empty for the first).</param>
    /// <param name="sinceRun">Harvest runs newer than the previous version belong to "this update".</param>
    public static ReportModel Build(int version, DateTimeOffset created, IReadOnlyList<StoredRecord> records, IReadOnlyList<RuleDecision> decisions,
        IReadOnlyDictionary<string, List<ExtractedField>> extractions, IReadOnlyList<SearchLogEntry> searches,
        IReadOnlySet<string> previousKeys, int? previousVersion, string? sinceRun, PeopleScreening? people = null, DateTimeOffset? previousCreated = null,
        IReadOnlyList<FieldAccuracy>? extractionAccuracy = null)
    {
        people ??= PeopleScreening.None;
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(extractions);
        ArgumentNullException.ThrowIfNull(previousKeys);
        var byKey = decisions.ToDictionary(d => d.RecordKey, StringComparer.Ordinal);
        var queue = people.Queue.ToDictionary(q => q.RecordKey, StringComparer.Ordinal);
        var cumulative = Count(records, byKey, queue);
        var update = Count(records.Where(r => sinceRun is null || string.CompareOrdinal(r.HarvestRun, sinceRun) > 0).ToList(), byKey, queue);

        // Studies shown: passed the rules and not excluded by people (or by the model, when settings let it exclude).
        var passed = records.Where(r => r.DuplicateOf is null && byKey.TryGetValue(r.Key, out var d) && !d.Excluded
                                        && !(queue.TryGetValue(r.Key, out var q) && q.Status == ScreeningStatus.Final && q.Included == false)).ToList();
        var studies = passed.Select(r =>
        {
            extractions.TryGetValue(r.Key, out var fields);
            IReadOnlyList<string> Values(string f) => fields?.FirstOrDefault(x => x.Field == f)?.Distinct.ToList() ?? [];
            var rec = r.Record;
            return new StudyRow(r.Key, rec.Title, rec.Authors.Count == 0 ? "[No authors listed]" : rec.Authors.Count == 1 ? rec.Authors[0].Name : rec.Authors[0].Name + " et al.",
                rec.JournalAbbreviation ?? rec.Journal, rec.Year, rec.Doi, rec.Pmid, Values("modality"), Values("region"), !previousKeys.Contains(r.Key),
                queue.TryGetValue(r.Key, out var q) && q.Status == ScreeningStatus.Final && q.Included == true);
        })
        .OrderByDescending(s => s.Year ?? 0).ThenBy(s => s.FirstAuthor, StringComparer.Ordinal).ThenBy(s => s.Key, StringComparer.Ordinal)
        .ToList();

        var n = studies.Count;
        var modalities = ModalityOrder.Select(m =>
        {
            var count = studies.Count(s => s.Modality.Contains(m));
            return new CategoryShare(m, count, n == 0 ? 0 : 100.0 * count / n, Baseline2023.ModalityPercent.TryGetValue(m, out var b) ? b : null);
        }).ToList();

        // Dates come from the data, so the same data gives the same document.
        var cutoff = searches.Where(s => s.Status == "complete").Select(s => s.To).DefaultIfEmpty(DateOnly.FromDateTime(created.UtcDateTime)).Max();
        // Only studies still counted on their own: a record merged into another after it was queued is left out, as in the flow.
        var keptKeys = records.Where(r => r.DuplicateOf is null).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var keptQueue = people.Queue.Where(q => keptKeys.Contains(q.RecordKey)).ToList();
        var keptDecisions = people.Decisions.Where(d => keptKeys.Contains(d.RecordKey)).ToList();
        var quality = ScreeningQuality.Compute(keptQueue, keptDecisions, people.Model, people.HighThreshold);
        var qualityUpdate = ScreeningQuality.Compute(keptQueue, keptDecisions, people.Model, people.HighThreshold, previousCreated);
        return new ReportModel(version, created, cutoff, cumulative, update, studies, modalities, searches,
            studies.Count(s => s.NewInThisVersion), previousVersion, quality, qualityUpdate, people.AutoExclude, extractionAccuracy ?? []);
    }

    private static PrismaCounts Count(IReadOnlyList<StoredRecord> records, Dictionary<string, RuleDecision> decisions, Dictionary<string, QueueEntry> queue)
    {
        var bySource = records.GroupBy(r => r.Record.Source).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        var kept = records.Where(r => r.DuplicateOf is null).ToList();
        var decided = kept.Where(r => decisions.ContainsKey(r.Key)).Select(r => decisions[r.Key]).ToList();
        var excluded = ReasonCodes.All
            .Select(code => (code, count: decided.Count(d => d.Excluded && d.Reason == code)))
            .Where(x => x.count > 0)
            .ToDictionary(x => x.code, x => x.count);
        var passed = kept.Where(r => decisions.TryGetValue(r.Key, out var d) && !d.Excluded).Select(r => queue.GetValueOrDefault(r.Key)).ToList();
        var byPeople = passed.Where(q => q is { Status: ScreeningStatus.Final, AutoExcluded: false }).ToList();
        var excludedByPeople = ReasonCodes.All.Select(code => (code, count: byPeople.Count(q => q!.Included == false && q.Reason == code)))
            .Where(x => x.count > 0).ToDictionary(x => x.code, x => x.count);
        return new PrismaCounts(bySource, records.Count - kept.Count, decided.Count, kept.Count - decided.Count, excluded,
            passed.Count, byPeople.Count(q => q!.Included == true), excludedByPeople,
            passed.Count(q => q is { AutoExcluded: true }), passed.Count(q => q is null || q.Status == ScreeningStatus.Pending),
            passed.Count(q => q is { Status: ScreeningStatus.Conflict }));
    }
}
