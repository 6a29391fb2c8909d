using System.Diagnostics;
using System.Text.Json;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Dedup;

/// <summary>What storing one record of a page did: its outcome and the study it is linked to (null for a study).</summary>
public sealed record PageOutcome(BibRecord Record, RecordOutcome Outcome, string? DuplicateOf);

/// <summary>The harvest's bulk path: a run's index read once, a page matched in memory, and the page written in entity-group
/// transactions (records, then identifier and title claims kind by kind), with the per-record path for whatever storage refuses.</summary>
public sealed partial class DedupService
{
    // The order every writer claims in (IdentifierIndex.Of, then the title): see ClaimAsync.
    private static readonly string[] ClaimOrder = ["pmid", "doi", "pmcid", "arxiv", TitleKind];

    /// <summary>Reads what matching needs of everything stored (each record's compact form and link, every claimed row: whole-table
    /// reads of 1,000 rows a request) into an index for a harvest run. A record stored before the Records table had its compact
    /// form is read whole once and the form written onto it, so the next run does not read it again.</summary>
    public async Task<HarvestIndex> LoadIndexAsync(CancellationToken ct)
    {
        var index = new HarvestIndex(options.Value);
        await ReadIntoAsync(index, ct);
        return index;
    }

    private async Task ReadIntoAsync(HarvestIndex index, CancellationToken ct)
    {
        // Read before the tables: a study linked to another while they are read changes it, and the first page sees that.
        var mark = await dedup.RelinkMarkAsync(ct);
        var links = new List<StoredLink>();
        var claims = new List<(string Kind, string EncodedValue, string RecordKey)>();
        // The two tables are read at the same time: the load is two streams of pages, not one after the other.
        await Task.WhenAll(
            Task.Run(async () => { await foreach (var l in records.ListLinksAsync(ct)) links.Add(l); }, ct),
            Task.Run(async () => { await foreach (var c in identifiers.ListAsync(ct)) claims.Add(c); }, ct));
        var fingerprints = new Fingerprint?[links.Count];
        Parallel.For(0, links.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            if (links[i].Dedup is { } json && JsonSerializer.Deserialize(json, DedupJson.Default.DedupRecord) is { } d) fingerprints[i] = Fingerprint.Of(d);
        });
        index.Clear();
        index.RelinkMark = mark;
        for (var i = 0; i < links.Count; i++)
        {
            var f = fingerprints[i];
            if (f is null)
            {
                if (await records.GetAsync(links[i].Key, ct) is not { } stored) continue;
                f = Fingerprint.Of(stored.Record);
                await records.SetDedupAsync(links[i].Key, Compact(f), ct);
            }
            index.Put(links[i].Key, f, links[i].DuplicateOf);
        }
        foreach (var (kind, value, holder) in claims) index.ClaimStored(kind, value, holder);
    }

    /// <summary>Stores a page of harvested records against a run's index, each as <see cref="RegisterAsync"/> would (the same
    /// outcomes, the same claim protocol), in a handful of requests: the page is matched in memory, its records written in
    /// entity-group transactions, then the new studies' identifiers and titles claimed kind by kind in the order every writer
    /// uses. A record storage refuses in a transaction (stored already, a row another writer claimed first) goes the per-record
    /// way, which settles exactly those cases. Outcomes in page order.</summary>
    public async Task<IReadOnlyList<PageOutcome>> RegisterPageAsync(IReadOnlyList<BibRecord> page, string harvestRun, DateTimeOffset now, HarvestIndex index,
        Func<BibRecord, CancellationToken, Task<BibRecord>>? prepare, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(index);
        var plan = index.Plan(page);
        var outcomes = new PageOutcome?[page.Count];
        var stored = new BibRecord[page.Count];
        // Matching is on the record as harvested; a study is completed (enriched) first, so that it is written once.
        await Parallel.ForEachAsync(Enumerable.Range(0, page.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
            stored[i] = plan[i].Plan == PagePlan.Study && prepare is not null ? await prepare(page[i], token) : page[i]);

        var perRecord = new List<int>();
        var writes = new List<int>();
        for (var i = 0; i < page.Count; i++)
            switch (plan[i].Plan)
            {
                case PagePlan.Stored: outcomes[i] = new PageOutcome(page[i], RecordOutcome.AlreadyStored, plan[i].DuplicateOf); break;
                case PagePlan.PerRecord: perRecord.Add(i); break;
                default: writes.Add(i); break;
            }
        var notWritten = await records.AddManyAsync(
            writes.Select(i => new NewRecord(stored[i], plan[i].DuplicateOf, plan[i].DuplicateBy, Compact(plan[i].Fingerprint))).ToList(), harvestRun, now, ct);
        perRecord.AddRange(writes.Where(i => notWritten.Contains(page[i].Key)));
        var written = writes.Where(i => !notWritten.Contains(page[i].Key)).ToList();

        // A study is one only by winning its rows: kind by kind, each kind one partition, so a kind's rows for the page are one or
        // two transactions. A record that meets a row held already leaves the batch there (it claims no later kind in it) and is
        // settled on its own, as a writer that loses a claim always was.
        var claiming = written.Where(i => plan[i].Plan == PagePlan.Study).ToList();
        var settle = new List<int>();
        foreach (var kind in ClaimOrder)
        {
            var rows = new List<(string Value, string Key)>();
            var values = new HashSet<string>(StringComparer.Ordinal);
            var twice = new HashSet<string>(StringComparer.Ordinal);
            foreach (var i in claiming)
                if (ClaimValue(kind, stored[i], plan[i]) is { } value)
                {
                    // A row may come once in a transaction: a value a completed record gained (a DOI from Crossref) may be another study's on the page.
                    if (values.Add(KeyEncoding.Encode(value))) rows.Add((value, page[i].Key));
                    else twice.Add(page[i].Key);
                }
            if (rows.Count == 0) continue;
            var held = new HashSet<string>(await identifiers.ClaimManyAsync(kind, rows, ct), StringComparer.Ordinal);
            held.UnionWith(twice);
            if (held.Count == 0) continue;
            settle.AddRange(claiming.Where(i => held.Contains(page[i].Key)));
            claiming.RemoveAll(i => held.Contains(page[i].Key));
        }
        foreach (var i in claiming)
        {
            outcomes[i] = new PageOutcome(page[i], RecordOutcome.New, null);
            // The completed record may carry an identifier the harvested one lacked (a DOI from Crossref): it was claimed too.
            await IndexAsync(index, stored[i], plan[i].Fingerprint, page[i].Key, null, ct);
            if (plan[i].Review is { } review) await dedup.AddReviewAsync(page[i].Key, review.CandidateKey, review.TitleSimilarity, ct);
        }
        foreach (var i in settle.Order())
        {
            var key = page[i].Key;
            if (await ClaimAsync(stored[i], plan[i].Fingerprint, key, ct) is { } winner)
            {
                index.Put(key, plan[i].Fingerprint, winner);
                outcomes[i] = new PageOutcome(page[i], RecordOutcome.Duplicate, winner);
                continue;
            }
            await IndexAsync(index, stored[i], plan[i].Fingerprint, key, null, ct);
            if (plan[i].Review is { } review) await dedup.AddReviewAsync(key, review.CandidateKey, review.TitleSimilarity, ct);
            outcomes[i] = new PageOutcome(page[i], RecordOutcome.New, null);
        }

        // Stored already, a key twice in the page, a title another record holds: the per-record path, in page order.
        foreach (var i in perRecord.Order())
        {
            var (outcome, study) = await RegisterAsync(page[i], harvestRun, now, ct, prepare, index);
            outcomes[i] = new PageOutcome(page[i], outcome, study);
        }

        // Written first, read after: a study linked to another since the index was read (a person's merge, a writer that lost a claim)
        // changed the relink mark before that merge listed the records linked to it. Unchanged, the merge will see this page's
        // links; changed, the index is read again (after this page's writes) and a link that leads to a study no longer one is
        // moved on, as FollowAsync does for one record.
        var duplicates = written.Where(i => plan[i].Plan == PagePlan.Duplicate).ToList();
        var reread = duplicates.Count > 0 && await dedup.RelinkMarkAsync(ct) != index.RelinkMark;
        if (reread) await ReadIntoAsync(index, ct);
        foreach (var i in duplicates)
        {
            var study = plan[i].DuplicateOf!;
            if (reread)
            {
                // Its link as stored now: the writer that relinked the study may have moved it on already (LoseAsync, MergeAsync).
                study = index.StudyOf(page[i].Key);
                if (index.StudyOf(study) != study)
                {
                    study = await FollowAsync(page[i].Key, study, ct);
                    index.Put(page[i].Key, plan[i].Fingerprint, study);
                }
            }
            outcomes[i] = new PageOutcome(page[i], RecordOutcome.Duplicate, study);
        }
        Debug.Assert(outcomes.All(o => o is not null));
        return outcomes.Select(o => o!).ToList();
    }

    private static string? ClaimValue(string kind, BibRecord record, PageDecision decision) =>
        kind == TitleKind ? decision.TitleClaim : IdentifierIndex.Of(record).Where(i => i.Kind == kind).Select(i => i.Value).FirstOrDefault();
}
