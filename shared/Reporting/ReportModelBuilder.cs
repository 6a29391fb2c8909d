using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;

namespace SpineReview.Reporting;

/// <summary>Builds the report model from stored facts. Pure: no I/O, no clock.</summary>
public static class ReportModelBuilder
{
    /// <summary>Assembles one version's model.</summary>
    /// <param name="previous">The previous version's manifest (null for the first): what it showed and included, and when.</param>
    /// <param name="method">How the review is run now; by default the current rule set and extractor.</param>
    /// <param name="living">The living mode from settings (by default the settings' defaults); the previous version's citation is added from <paramref name="previous"/>.</param>
    public static ReportModel Build(ReportVersion version, DateTimeOffset created, IReadOnlyList<StoredRecord> records, IReadOnlyList<RuleDecision> decisions,
        IReadOnlyDictionary<string, List<ExtractedField>> extractions, IReadOnlyList<SearchLogEntry> searches,
        ReportManifest? previous, PeopleScreening? people = null, IReadOnlyList<FieldAccuracy>? extractionAccuracy = null, ReviewMethod? method = null,
        LivingMode? living = null, IReadOnlyList<RecordChange>? recordChanges = null)
    {
        people ??= PeopleScreening.None;
        recordChanges ??= [];
        // Retractions are shown by the record's mark (⚠); the other notices the refresh found are listed with the study.
        var notices = recordChanges.Where(c => !c.Retracts).GroupBy(c => c.RecordKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => RecordChange.InListOrder(g), StringComparer.Ordinal);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(extractions);
        ArgumentNullException.ThrowIfNull(searches);
        method ??= new ReviewMethod(RuleVerdict.Version, FormExtractor.Version, people.ReviewersPerRecord, people.AutoExclude);
        var byKey = decisions.ToDictionary(d => d.RecordKey, StringComparer.Ordinal);
        var queue = people.Queue.ToDictionary(q => q.RecordKey, StringComparer.Ordinal);
        var sinceRun = previous?.LastHarvestRun;
        var cumulative = Count(records, byKey, queue);
        // This update: records harvested since the previous version; for the reviewers' stage, decisions settled since it,
        // whenever their record was harvested (a study found last month and included today is this update's inclusion).
        var update = Count(records.Where(r => sinceRun is null || string.CompareOrdinal(r.HarvestRun, sinceRun) > 0).ToList(), byKey, queue);
        if (previous is not null)
        {
            var settled = Count(records, byKey, queue, settledAfter: previous.Created);
            update = update with
            {
                IncludedConfirmed = settled.IncludedConfirmed, ExcludedByPeople = settled.ExcludedByPeople, ExcludedByModel = settled.ExcludedByModel,
            };
        }
        var previousShown = previous?.Studies.ToHashSet(StringComparer.Ordinal) ?? [];
        var previousIncluded = previous?.Included.ToHashSet(StringComparer.Ordinal) ?? [];

        // Studies shown: passed the rules and not excluded by people (or by the model, when settings let it exclude).
        var passed = records.Where(r => r.DuplicateOf is null && byKey.TryGetValue(r.Key, out var d) && !d.Excluded
                                        && !(queue.TryGetValue(r.Key, out var q) && q.Status == ScreeningStatus.Final && q.Included == false)).ToList();
        var studies = passed.Select(r =>
        {
            extractions.TryGetValue(r.Key, out var fields);
            var values = (fields ?? []).GroupBy(f => f.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.SelectMany(f => f.Distinct).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
            IReadOnlyList<string> Values(string f) => values.TryGetValue(f, out var v) ? v : [];
            var rec = r.Record;
            return new StudyRow(r.Key, rec.Title, FirstAuthor(rec), rec.JournalAbbreviation ?? rec.Journal, rec.Year, rec.Doi, rec.Pmid,
                Values("modality"), Values("region"), !previousShown.Contains(r.Key),
                queue.TryGetValue(r.Key, out var q) && q.Status == ScreeningStatus.Final && q.Included == true, values, Retractions.IsMarked(rec),
                notices.TryGetValue(r.Key, out var n) ? n.Select(c => c.Describe()).ToList() : null,
                n is not null && n.Any(c => c.Kind == RecordChange.ExpressionOfConcern));
        })
        .OrderByDescending(s => s.Year ?? 0).ThenBy(s => s.FirstAuthor, StringComparer.Ordinal).ThenBy(s => s.Key, StringComparer.Ordinal)
        .ToList();

        var previousRetracted = previous?.Retracted?.ToHashSet(StringComparer.Ordinal) ?? [];
        // Notices the previous version did not show (every one in a first version), for the studies shown, in table order. A manifest
        // made before notices were kept names none: then those found after its data are new.
        var previousNotices = previous?.Notices?.ToHashSet(StringComparer.Ordinal);
        var newNotices = studies.SelectMany(st => (notices.TryGetValue(st.Key, out var n) ? n : [])
            .Where(c => previous is null || (previousNotices is { } shown ? !shown.Contains(StudyRow.NoticeId(st.Key, c.Describe())) : c.Found > previous.Created))
            .Select(c => new StudyNotice(st, c.Describe()))).ToList() is { Count: > 0 } listed ? listed : null;
        var changes = previous is null
            ? new ChangesModel(studies.Where(s => s.Included).ToList(), studies.Where(s => !s.Included).ToList(), [], studies.Where(s => s.Retracted).ToList(),
                NewNotices: newNotices)
            : new ChangesModel(
                studies.Where(s => s.Included && !previousIncluded.Contains(s.Key)).ToList(),
                studies.Where(s => !s.Included && !previousShown.Contains(s.Key)).ToList(),
                Removed(previousShown, studies, records, byKey, queue),
                studies.Where(s => s.Retracted && !previousRetracted.Contains(s.Key)).ToList(),
                studies.Where(s => !s.Included && previousIncluded.Contains(s.Key)).ToList(),
                newNotices);

        // Dates come from the data, so the same data gives the same document. The cut-off is the date every source has
        // been searched up to: each source's last complete search, the earliest of those.
        var cutoff = searches.Where(s => s.Status == "complete").GroupBy(s => s.Source).Select(g => g.Max(s => s.To))
            .DefaultIfEmpty(DateOnly.FromDateTime(created.UtcDateTime)).Min();
        // Only studies still counted on their own: a record merged into another after it was queued is left out, as in the flow.
        var keptKeys = records.Where(r => r.DuplicateOf is null).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var keptQueue = people.Queue.Where(q => keptKeys.Contains(q.RecordKey)).ToList();
        var keptDecisions = people.Decisions.Where(d => keptKeys.Contains(d.RecordKey)).ToList();
        var quality = ScreeningQuality.Compute(keptQueue, keptDecisions, people.Model, people.HighThreshold) with
        {
            Stopping = people.Stopping is { } sample ? StoppingService.Judge(sample, keptQueue) : null,
        };
        var qualityUpdate = ScreeningQuality.Compute(keptQueue, keptDecisions, people.Model, people.HighThreshold, previous?.Created);
        return new ReportModel(version, created, cutoff, cumulative, update, studies, Results.Compute(studies), searches,
            studies.Count(s => s.NewInThisVersion), previous?.Version, changes, method, quality, qualityUpdate, people.AutoExclude, extractionAccuracy ?? [],
            Living: (living ?? LivingMode.From(new Configuration.ScheduleOptions(), new LivingOptions(), searches))
                with { Previous = previous is null ? null : new VersionCitation(previous.Version, previous.Created, previous.Sha256) });
    }

    private static string FirstAuthor(Records.BibRecord rec) =>
        rec.Authors.Count == 0 ? "[No authors listed]" : rec.Authors.Count == 1 ? rec.Authors[0].Name : rec.Authors[0].Name + " et al.";

    /// <summary>Studies the previous version showed that this one does not, each with the decision that removed it.</summary>
    private static List<RemovedStudy> Removed(HashSet<string> previousShown, List<StudyRow> studies, IReadOnlyList<StoredRecord> records,
        Dictionary<string, RuleDecision> rules, Dictionary<string, QueueEntry> queue)
    {
        var shown = studies.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var byKey = records.ToDictionary(r => r.Key, StringComparer.Ordinal);
        return previousShown.Where(k => !shown.Contains(k)).Order(StringComparer.Ordinal).Select(k =>
        {
            if (!byKey.TryGetValue(k, out var r)) return new RemovedStudy(k, k, "no longer stored");
            var citation = $"{FirstAuthor(r.Record)} ({r.Record.Year?.ToString(Fmt.C) ?? "n.d."}). {r.Record.Title}";
            if (r.DuplicateOf is { } of) return new RemovedStudy(k, citation, $"merged as a duplicate of {of}");
            if (rules.TryGetValue(k, out var d) && d.Excluded) return new RemovedStudy(k, citation, $"excluded by the rules ({d.RuleVersion}): {ReasonCodes.Describe(d.Reason ?? "")}");
            if (queue.TryGetValue(k, out var q) && q is { Status: ScreeningStatus.Final, Included: false })
                return new RemovedStudy(k, citation, $"excluded {(q.AutoExcluded ? "by the model" : "by reviewers")}: {ReasonCodes.Describe(q.Reason ?? "")}");
            return new RemovedStudy(k, citation, "no longer passes screening");
        }).ToList();
    }

    /// <param name="settledAfter">Count only the reviewers' (and the model's) final decisions settled after this time.</param>
    private static PrismaCounts Count(IReadOnlyList<StoredRecord> records, Dictionary<string, RuleDecision> decisions, Dictionary<string, QueueEntry> queue,
        DateTimeOffset? settledAfter = null)
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
        bool Settled(QueueEntry? q) => q is { Status: ScreeningStatus.Final } && (settledAfter is null || q.SettledAt > settledAfter);
        var byPeople = passed.Where(q => Settled(q) && !q!.AutoExcluded).ToList();
        var excludedByPeople = ReasonCodes.All.Select(code => (code, count: byPeople.Count(q => q!.Included == false && q.Reason == code)))
            .Where(x => x.count > 0).ToDictionary(x => x.code, x => x.count);
        return new PrismaCounts(bySource, records.Count - kept.Count, decided.Count, kept.Count - decided.Count, excluded,
            passed.Count, byPeople.Count(q => q!.Included == true), excludedByPeople,
            passed.Count(q => Settled(q) && q!.AutoExcluded), passed.Count(q => q is null || q.Status == ScreeningStatus.Pending),
            passed.Count(q => q is { Status: ScreeningStatus.Conflict }));
    }
}
