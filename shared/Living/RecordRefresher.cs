using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Sources;
using SpineReview.Sources.Crossref;
using SpineReview.Sources.OpenAlex;
using SpineReview.Sources.PubMed;
using SpineReview.Storage;

namespace SpineReview.Living;

/// <summary>What one refresh did: the studies looked at, what each source switched on was asked, and the changes found for the first time.</summary>
public sealed record RefreshResult(int Studies, IReadOnlyList<SourceAsked> Sources, IReadOnlyList<RecordChange> New);

/// <summary>One source's part in a refresh.</summary>
/// <param name="Source">"crossref", "pubmed" or "openalex".</param>
/// <param name="Asked">Studies it was asked about.</param>
/// <param name="Without">Studies it could not be asked about: no identifier it takes (a DOI for Crossref, a PMID for PubMed, either for OpenAlex).</param>
public sealed record SourceAsked(string Source, int Asked, int Without);

/// <summary>Keeps the stored metadata of included and provisionally eligible studies current (issue 21). Asks each source that is
/// switched on: Crossref for each study's DOI (its <c>updated-by</c>: retractions, corrections, expressions of concern, withdrawals,
/// and a preprint's journal version), PubMed for each study's PMID (the notices in its CommentsCorrections, and the publication
/// type "Retracted Publication"), OpenAlex for each study's DOI or PMID (<c>is_retracted</c>). Each change is kept once, with its
/// date where the source gives one. A retraction from any source also marks the stored record "Retracted Publication", as PubMed
/// marks one, so the report's table of studies flags it and "what is new" lists it. Run again, it finds nothing twice.</summary>
public sealed class RecordRefresher(CrossrefClient crossref, PubMedClient pubmed, IOptions<PubMedOptions> pubmedOptions, OpenAlexSource openAlex,
    IOptionsMonitor<SourceOptions> options, ScreeningStore screening, RecordStore records, RecordChangeStore changes, WorkQueues queues, TimeProvider time,
    ILogger<RecordRefresher> log)
{
    // NCBI takes up to 200 ids in one GET; more belong in a POST. A smaller PubMed:BatchSize is kept.
    private const int PubMedIdsPerRequest = 200;

    /// <summary>The sources the refresh asks, as switched on now (settings Crossref__Enabled, PubMed__Enabled, OpenAlex__Enabled).</summary>
    public IReadOnlyList<string> SourcesOn =>
    [
        .. options.Get(SourceName.Crossref.Name).Enabled ? [SourceName.Crossref.Name] : Array.Empty<string>(),
        .. pubmedOptions.Value.Enabled ? [SourceName.PubMed.Name] : Array.Empty<string>(),
        .. options.Get(SourceName.OpenAlex.Name).Enabled ? [SourceName.OpenAlex.Name] : Array.Empty<string>(),
    ];

    /// <summary>Refreshes every included study and every study still with the reviewers (passed the rules, not settled).</summary>
    /// <exception cref="InvalidOperationException">Crossref, PubMed and OpenAlex are all switched off.</exception>
    public async Task<RefreshResult> RefreshAsync(IProgress<string>? progress, CancellationToken ct)
    {
        var on = SourcesOn;
        if (on.Count == 0)
            throw new InvalidOperationException("Every source the refresh asks is switched off (settings Crossref__Enabled, PubMed__Enabled and OpenAlex__Enabled are all false). " +
                                                "Switch at least one on and run again.");
        var queue = (await screening.ListQueueAsync(null, ct))
            .Where(q => q.Status == ScreeningStatus.Final ? q.Included == true : !q.AutoExcluded)
            .OrderBy(q => q.RecordKey, StringComparer.Ordinal).ToList();
        var studies = new List<Study>();
        foreach (var q in queue)
        {
            if (await records.GetAsync(q.RecordKey, ct) is not { } stored) continue;
            var (doi, pmid) = (stored.Record.Doi, stored.Record.Pmid);
            if (doi is null || pmid is null)
            {
                await foreach (var linked in records.ListLinkedToAsync(q.RecordKey, ct)) (doi, pmid) = (doi ?? linked.Record.Doi, pmid ?? linked.Record.Pmid);
            }
            studies.Add(new Study(q.RecordKey, doi, pmid, q.Status == ScreeningStatus.Final && q.Included == true));
        }
        progress?.Report($"refresh: {queue.Count} included or provisionally eligible studies; asking {string.Join(", ", on.Select(SourceName.DisplayNameOf))}");

        var run = new Run(await changes.ListAsync(ct));
        var asked = new List<SourceAsked>();
        var failed = new List<(string Source, SourceException Error)>();
        // Notices an earlier version kept by their PubMed PMID are known by their DOI too, before Crossref, asked first, names them so.
        if (on.Contains(SourceName.PubMed.Name))
        {
            try { await NameKeptByPmidAsync(run, studies, progress, ct); }
            catch (SourceException e)
            {
                failed.Add((SourceName.PubMed.Name, e));
                progress?.Report($"refresh: PubMed failed: {e.Message}");
            }
        }
        // A source that fails does not keep the others from being asked: what they find is kept and told, then the run fails
        // naming the source, and the next run asks it again.
        async Task AskAsync(string source, Func<Task<SourceAsked>> ask)
        {
            if (!on.Contains(source)) return;
            try { asked.Add(await ask()); }
            catch (SourceException e)
            {
                failed.Add((source, e));
                progress?.Report($"refresh: {SourceName.DisplayNameOf(source)} failed: {e.Message}");
            }
        }
        await AskAsync(SourceName.Crossref.Name, () => AskCrossrefAsync(studies, run, progress, ct));
        await AskAsync(SourceName.PubMed.Name, () => AskPubMedAsync(studies, run, progress, ct));
        await AskAsync(SourceName.OpenAlex.Name, () => AskOpenAlexAsync(studies, run, progress, ct));

        // A nudge for the alert pass, which tells the subscribers who were sent a newly retracted study, or one newly given an
        // expression of concern (once each). Should a run stop before it, the hourly alert timer finds them all the same.
        foreach (var key in run.Found.Where(c => c.Retracts || c.Kind == RecordChange.ExpressionOfConcern).Select(c => c.RecordKey).Distinct(StringComparer.Ordinal))
            await queues.EnqueueAsync(queues.Alerts, key, ct);
        if (failed.Count > 0)
            throw new SourceException($"the refresh kept {run.Found.Count} new changes from the sources that answered, but " +
                string.Join("; ", failed.Select(f => $"{SourceName.DisplayNameOf(f.Source)} failed: {f.Error.Message}")) + ". Run the refresh again later.", failed[0].Error);
        return new RefreshResult(queue.Count, asked, run.Found);
    }

    private async Task<SourceAsked> AskCrossrefAsync(List<Study> studies, Run run, IProgress<string>? progress, CancellationToken ct)
    {
        var withDoi = studies.Where(s => s.Doi is not null).ToList();
        progress?.Report($"refresh: Crossref: asking about {withDoi.Count} studies with a DOI ({studies.Count - withDoi.Count} without)");
        foreach (var s in withDoi)
        {
            if (await crossref.GetWorkAsync(s.Doi!, ct) is not { } work) continue;
            foreach (var update in CrossrefUpdates.Parse(work.Raw))
                await KeepAsync(run, s, SourceName.Crossref.Name, update.Kind, update.Doi, update.Issued, update.By, namesNotice: true, progress, ct);
        }
        return new SourceAsked(SourceName.Crossref.Name, withDoi.Count, studies.Count - withDoi.Count);
    }

    private async Task<SourceAsked> AskPubMedAsync(List<Study> studies, Run run, IProgress<string>? progress, CancellationToken ct)
    {
        // Only PMIDs that are PMIDs (all digits): one malformed imported value would turn a whole batch into an error document.
        var withPmid = studies.Where(s => IsPmid(s.Pmid)).ToList();
        progress?.Report($"refresh: PubMed: asking about {withPmid.Count} studies with a PMID ({studies.Count - withPmid.Count} without)");
        var size = Math.Clamp(pubmedOptions.Value.BatchSize, 1, PubMedIdsPerRequest);
        var done = 0;
        foreach (var batch in withPmid.Chunk(size))
        {
            var articles = ByPmid(await pubmed.FetchNoticesAsync(batch.Select(s => s.Pmid!).Distinct(StringComparer.Ordinal).ToList(), ct));
            var noticeDois = await NoticeDoisAsync(articles.Values, size, progress, ct);
            foreach (var s in batch)
            {
                if (!articles.TryGetValue(s.Pmid!, out var article)) continue;
                foreach (var n in article.Notices)
                {
                    // A notice is named by its DOI, from its citation or else from the notice's own article, so that Crossref's
                    // name for it is the same; one PubMed has no DOI for is named by its PMID (as before: an earlier version named
                    // every notice cited without a DOI so, and that name still stands for the notice), and one PubMed cites without
                    // either by the study and the kind (two such notices of different kinds, or one beside the publication type,
                    // never share a name).
                    var byPmid = n.Pmid is { } p ? $"pmid:{p}" : null;
                    // A notice's article found with the study's own DOI (an electronic location copied from it) names nothing new.
                    var doi = n.Doi ?? (n.Pmid is { } q && noticeDois.TryGetValue(q, out var found) && !string.Equals(found, s.Doi, StringComparison.OrdinalIgnoreCase) ? found : null);
                    var notice = doi ?? byPmid ?? $"pmid:{s.Pmid}#{n.Kind}";
                    await KeepAsync(run, s, SourceName.PubMed.Name, n.Kind, notice, null, SourceName.PubMed.Name, namesNotice: doi is not null || byPmid is not null, progress, ct,
                        keptAs: doi is not null ? byPmid : null);
                }
                // The publication type alone (no retraction notice linked): PubMed says the study was retracted, not by which notice.
                if (article.MarkedRetracted && !article.Notices.Any(n => n.Retracts))
                    await KeepAsync(run, s, SourceName.PubMed.Name, "retraction", $"pmid:{s.Pmid}#retracted", null, SourceName.PubMed.Name, namesNotice: false, progress, ct);
            }
            done += batch.Length;
            if (withPmid.Count > size) progress?.Report($"refresh: PubMed: {done} of {withPmid.Count} asked");
        }
        return new SourceAsked(SourceName.PubMed.Name, withPmid.Count, studies.Count - withPmid.Count);
    }

    // Notices kept as "pmid:N" (by an earlier version, or when PubMed had no DOI for them): their DOI, looked up as for new ones,
    // names the same notice in this run, so that Crossref's name for it is not kept a second time.
    private async Task NameKeptByPmidAsync(Run run, List<Study> studies, IProgress<string>? progress, CancellationToken ct)
    {
        var asked = studies.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var kept = run.Kept.Where(c => asked.Contains(c.RecordKey) && c.Doi.StartsWith("pmid:", StringComparison.Ordinal) && IsPmid(c.Doi[5..])).ToList();
        if (kept.Count == 0) return;
        var pmids = kept.Select(c => new PubMedNotice(c.Kind, c.Doi[5..], null)).ToList();
        var dois = await NoticeDoisAsync([new PubMedArticleNotices("", pmids, false)], Math.Clamp(pubmedOptions.Value.BatchSize, 1, PubMedIdsPerRequest), progress, ct);
        var own = studies.ToDictionary(s => s.Key, s => s.Doi, StringComparer.Ordinal);
        foreach (var c in kept)
            if (dois.TryGetValue(c.Doi[5..], out var doi) && !string.Equals(doi, own[c.RecordKey], StringComparison.OrdinalIgnoreCase))
                run.Notices.Add(Run.Name(c.RecordKey, doi, c.Retracts));
    }

    private static Dictionary<string, PubMedArticleNotices> ByPmid(IEnumerable<PubMedArticleNotices> articles) =>
        articles.GroupBy(a => a.Pmid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    // The DOIs of the notices PubMed cites without one (an erratum's citation often gives only the journal, volume and page),
    // read from each notice's own article: one efetch per batch of notices. A notice PubMed does not return keeps its PMID as
    // its name; a failed request fails the source, as the first one would, so the next run asks again rather than keeping a
    // notice under a second name.
    private async Task<Dictionary<string, string>> NoticeDoisAsync(IEnumerable<PubMedArticleNotices> articles, int size, IProgress<string>? progress, CancellationToken ct)
    {
        var wanted = articles.SelectMany(a => a.Notices).Where(n => n.Doi is null && IsPmid(n.Pmid)).Select(n => n.Pmid!)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var dois = new Dictionary<string, string>(StringComparer.Ordinal);
        if (wanted.Count == 0) return dois;
        progress?.Report($"refresh: PubMed: looking up the DOI of {wanted.Count} notices cited without one");
        foreach (var batch in wanted.Chunk(size))
        {
            foreach (var notice in (await pubmed.FetchNoticesAsync(batch, ct)).Where(a => a.Doi is not null))
                dois.TryAdd(notice.Pmid, notice.Doi!);
        }
        return dois;
    }

    private async Task<SourceAsked> AskOpenAlexAsync(List<Study> studies, Run run, IProgress<string>? progress, CancellationToken ct)
    {
        // By DOI where the study has one that fits a filter (a comma or bar would split it), else by PMID.
        var byDoi = studies.Where(s => s.Doi is { } d && d.IndexOfAny([',', '|']) < 0).ToList();
        var byPmid = studies.Except(byDoi).Where(s => IsPmid(s.Pmid)).ToList();
        var askedCount = byDoi.Count + byPmid.Count;
        progress?.Report($"refresh: OpenAlex: asking about {askedCount} studies with a DOI or PMID ({studies.Count - askedCount} without)");
        foreach (var (by, group) in new[] { ("doi", byDoi), ("pmid", byPmid) })
        {
            foreach (var batch in group.Chunk(OpenAlexSource.FilterBatch))
            {
                string Id(Study s) => by == "doi" ? s.Doi! : s.Pmid!;
                var works = await openAlex.RetractionsAsync(by, batch.Select(Id).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), ct);
                foreach (var s in batch)
                {
                    var work = works.FirstOrDefault(w => string.Equals(by == "doi" ? w.Doi : w.Pmid, Id(s), StringComparison.OrdinalIgnoreCase));
                    // OpenAlex names no notice: the change is known by the study's own work in OpenAlex.
                    if (work is { IsRetracted: true })
                        await KeepAsync(run, s, SourceName.OpenAlex.Name, "retraction", $"openalex:{work.Id}", null, SourceName.OpenAlex.Name, namesNotice: false, progress, ct);
                }
            }
        }
        return new SourceAsked(SourceName.OpenAlex.Name, askedCount, studies.Count - askedCount);
    }

    // One change a source reported. The record is marked retracted whether the change is new or not: a run that stopped between
    // the two writes is finished by the next. A notice already kept for the study (the same DOI from another source, perhaps under
    // another kind, or under the name an earlier version gave it) is the same change; a source's word that the study was retracted, naming no notice, adds nothing to a retraction
    // already kept. What is left is kept by its insert-only row, so two refreshes at once keep it once.
    private async Task KeepAsync(Run run, Study s, string source, string kind, string notice, DateOnly? issued, string? by, bool namesNotice, IProgress<string>? progress,
        CancellationToken ct, string? keptAs = null)
    {
        var retracts = Retractions.IsRetractingKind(kind);
        // Marked at once (once a run), whether the notice is new or not: a run that stopped between the two writes is finished by the
        // next, and the alerts tell of a retraction only once the record is marked, so they never wait for the other sources' answers.
        if (retracts && run.Retracted.Add(s.Key)) await MarkRetractedAsync(s.Key, ct);
        // The same notice is one change whatever kind a source gives it, except that a retraction is never lost behind another kind.
        // keptAs: the name an earlier version kept the same notice under (a PubMed notice by its PMID, before its DOI was looked up).
        if (keptAs is not null && run.Notices.Contains(Run.Name(s.Key, keptAs, retracts)))
        {
            run.Notices.Add(Run.Name(s.Key, notice, retracts));
            return;
        }
        if (!run.Notices.Add(Run.Name(s.Key, notice, retracts))) return;
        if (retracts && !namesNotice && run.RetractionKept.Contains(s.Key)) return;
        if (retracts) run.RetractionKept.Add(s.Key);
        var change = new RecordChange(s.Key, kind, notice, issued, by, time.GetUtcNow(), s.Included);
        if (!await changes.TryAddAsync(change, ct)) return;
        run.Found.Add(change);
        progress?.Report($"refresh: {s.Key}: {change.Describe()}");
        RefreshLog.Found(log, s.Key, change.Kind, SourceName.DisplayNameOf(source), change.Doi);
    }

    private sealed record Study(string Key, string? Doi, string? Pmid, bool Included);

    private static bool IsPmid(string? pmid) => pmid is { Length: > 0 and <= 12 } p && p.All(char.IsAsciiDigit);

    // What this run knows: the notices kept for each study (before it and by it), the studies with a retraction kept, the studies
    // it marked retracted, and the changes it found first.
    private sealed class Run(IReadOnlyList<RecordChange> kept)
    {
        public static string Name(string key, string notice, bool retracts) => $"{key}|{notice}|{(retracts ? "retracts" : "")}";
        public IReadOnlyList<RecordChange> Kept { get; } = kept;
        public HashSet<string> Notices { get; } = kept.Select(c => Name(c.RecordKey, c.Doi, c.Retracts)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        public HashSet<string> RetractionKept { get; } = kept.Where(c => c.Retracts).Select(c => c.RecordKey).ToHashSet(StringComparer.Ordinal);
        public SortedSet<string> Retracted { get; } = new(StringComparer.Ordinal);
        public List<RecordChange> Found { get; } = [];
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
    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {Key} has a new {Kind} from {Source}: {Notice}")]
    public static partial void Found(ILogger logger, string key, string kind, string source, string notice);
}
