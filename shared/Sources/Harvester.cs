using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Sources;

/// <summary>Which window to harvest; nulls mean "from the watermark" and "to today".</summary>
public sealed record HarvestRequest(DateOnly? From = null, DateOnly? To = null);

/// <summary>What one source's harvest did: the figures the search log, the command line and the report show.</summary>
public sealed record HarvestSummary(string Source, string Query, DateOnly From, DateOnly To, int Reported, int Retrieved, int New,
    int Duplicates, int AlreadyStored, int Calls, int TooMany, double Seconds, string Status, string? Message = null);

/// <summary>What storing a batch of records did to each of them.</summary>
public sealed record StoredCounts(int New, int Duplicates, int AlreadyStored);

/// <summary>Harvests any source the same way: pages archived as received, records stored and linked, new ones queued
/// for screening, counts reconciled, the watermark moved only when everything reported was retrieved.</summary>
public sealed class Harvester(
    IEnumerable<ISource> sources, StorageClients storage, DedupService dedup, Crossref.Enricher enricher, ScreeningHandover handover,
    StateStore state, SearchLog searchLog, RawArchive archive, SourceMeters meters, TimeProvider time, ILogger<Harvester> log,
    Replay.ReplayResponder? replay = null)
{
    private readonly Dictionary<string, ISource> _sources = sources.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>Every source known, in harvest order.</summary>
    public IReadOnlyList<ISource> Sources => SourceFiles.Names.Where(_sources.ContainsKey).Select(n => _sources[n]).ToList();

    /// <summary>Any registered source by name, the other methods (citation searching) included; null when none has it.</summary>
    public ISource? Find(string name) => _sources.GetValueOrDefault(name);

    /// <summary>Pages fetched ahead of storing (PubMed: 64 × 200 records, about 130 MB at most).</summary>
    public const int FetchAhead = 64;

    /// <summary>Records of pages fetched ahead stored together at most (one Europe PMC page; five of PubMed's).</summary>
    public const int StoreTogether = 1000;

    /// <summary>Days before the watermark searched again on each incremental run.</summary>
    public const int OverlapDays = 3;

    private sealed class Tally { public int Reported, Retrieved, New, Duplicates, AlreadyStored; public string? FirstUrl; public List<string> Notes { get; } = []; }

    /// <summary>Harvests every enabled source in turn; a source that fails or lacks a setting does not stop the others.</summary>
    public async Task<IReadOnlyList<HarvestSummary>> HarvestAllAsync(HarvestRequest request, IProgress<string>? progress, CancellationToken ct)
    {
        var summaries = new List<HarvestSummary>();
        // One index for the sources of a harvest, read when the first page arrives and kept up to date with what they store.
        var index = LoadIndexOnce(progress, ct);
        foreach (var source in Sources.Where(s => s.Enabled))
        {
            var (summary, failure) = await RunAsync(source.Name, request, progress, index, ct);
            // A source's own failure is its row; anything else (storage, storage holding the other kind of harvest) stops the harvest.
            if (failure is not null && failure.SourceException is not SourceException) failure.Throw();
            if (failure is not null) progress?.Report($"{source.Name}: failed: {summary.Message}");
            summaries.Add(summary);
        }
        return summaries;
    }

    /// <summary>Harvests one source. A source without its required setting is skipped with the reason; a window cut
    /// short by a daily quota goes on from its cursor next time; any window can be run again safely.</summary>
    public async Task<HarvestSummary> HarvestAsync(string name, HarvestRequest request, IProgress<string>? progress, CancellationToken ct)
    {
        var (summary, failure) = await RunAsync(name, request, progress, LoadIndexOnce(progress, ct), ct);
        failure?.Throw();
        return summary;
    }

    // A failure of the search comes back with the row it leaves (the window searched, the calls made) for the caller to throw.
    private async Task<(HarvestSummary Summary, ExceptionDispatchInfo? Failure)> RunAsync(string name, HarvestRequest request, IProgress<string>? progress,
        Lazy<Task<HarvestIndex>> index, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_sources.TryGetValue(name, out var source))
            throw new ArgumentException($"Unknown source '{name}'. Sources: {string.Join(", ", _sources.Keys)}.", nameof(name));
        var started = time.GetUtcNow();
        var today = DateOnly.FromDateTime(started.UtcDateTime);
        var missing = replay is null ? source.MissingConfiguration
            : replay.Has(name) ? null : $"no recorded responses for {name} in the replay folder";
        if (missing is not null)
        {
            progress?.Report($"{name}: skipped: {missing}");
            SourceLog.Skipped(log, name, missing);
            return (new HarvestSummary(name, source.Query, request.From ?? today, request.To ?? today, 0, 0, 0, 0, 0, 0, 0, 0, "skipped", missing), null);
        }
        var claimed = await CheckOriginAsync(ct);

        var runId = started.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var watermark = await state.GetWatermarkAsync(name, ct);
        var open = request.From is null && request.To is null ? await state.GetOpenWindowAsync(name, ct) : null;
        // The days before the watermark are searched again: sources date entries in their own time zone and index some
        // records days after their date; records seen before are "already stored" and cost nothing.
        var from = open?.From ?? request.From ?? (watermark is { } w ? w.AddDays(-OverlapDays) : source.StartDate);
        var to = open?.To ?? request.To ?? today;
        if (from > to) throw new ArgumentException($"The window starts after it ends ({from:yyyy-MM-dd} > {to:yyyy-MM-dd}).", nameof(request));

        var tally = new Tally { Reported = open?.Reported ?? 0, Retrieved = open?.Retrieved ?? 0 };
        var clock = Stopwatch.StartNew();
        var (calls0, tooMany0) = meters.Read(name);
        SearchLogEntry Entry(string status, string? message)
        {
            var (calls, tooMany) = meters.Read(name);
            return new(name, runId, started, source.Query, from, to, tally.FirstUrl ?? "", tally.Reported, tally.Retrieved, tally.New, tally.Duplicates,
                tally.AlreadyStored, (int)(calls - calls0), clock.Elapsed.TotalSeconds, status, message, (int)(tooMany - tooMany0));
        }
        HarvestSummary Summary(SearchLogEntry e) => new(name, source.Query, from, to, e.Reported, e.Retrieved, e.New, e.Duplicates, e.AlreadyStored,
            e.Calls, e.TooMany, e.Seconds, e.Status, e.Message);

        progress?.Report($"{name}: searching {from:yyyy-MM-dd}..{to:yyyy-MM-dd}{(open is null ? "" : $" (going on from {open.Cursor})")}");
        try
        {
            // Fetching runs ahead of storing through a bounded channel, so a source is asked at the pace it allows
            // while earlier pages are still being written.
            var pages = System.Threading.Channels.Channel.CreateBounded<SourcePage>(new System.Threading.Channels.BoundedChannelOptions(FetchAhead) { SingleReader = true, SingleWriter = true });
            using var stopFetching = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var fetching = Task.Run(async () =>
            {
                try
                {
                    await foreach (var page in source.SearchAsync(new SearchWindow(from, to), open?.Cursor, stopFetching.Token))
                        await pages.Writer.WriteAsync(page, stopFetching.Token);
                    pages.Writer.Complete();
                }
                catch (Exception e)
                {
                    pages.Writer.Complete(e);
                }
            }, CancellationToken.None);
            try
            {
                await foreach (var first in pages.Reader.ReadAllAsync(ct))
                {
                    // Pages fetched ahead while the last ones were written are stored together, up to StoreTogether records: the
                    // tables are spread over hash buckets, so a page of 200 fills a transaction per bucket thinly and a group
                    // fills them better (docs/storage-path.md, "Buckets"). Only pages already here: storing never waits for one.
                    var group = new List<SourcePage> { first };
                    while (group.Sum(p => p.Records.Count) < StoreTogether && pages.Reader.TryRead(out var next)) group.Add(next);
                    if (!claimed) claimed = await ClaimOriginAsync(ct);
                    foreach (var page in group)
                    {
                        tally.FirstUrl ??= page.RequestUrl;
                        tally.Reported += page.ReportedDelta;
                        if (page.Note is not null) { tally.Notes.Add(page.Note); progress?.Report($"{name}: note: {page.Note}"); }
                        await archive.SaveAsync(name, runId, page.Part, page.Raw, ct);
                    }
                    var records = group.SelectMany(p => p.Records).ToList();
                    if (records.Count > 0) await StorePageAsync(records, runId, tally, await index.Value, ct);
                    tally.Retrieved += records.Count;
                    // The cursor after the group's last page: a run stopped before the next group goes on from there.
                    if (group.LastOrDefault(p => p.ResumeCursor is not null)?.ResumeCursor is { } cursor)
                        await state.SetOpenWindowAsync(name, new OpenWindow(from, to, cursor, tally.Reported, tally.Retrieved), ct);
                    if (records.Count > 0)
                        progress?.Report($"{name}: retrieved {tally.Retrieved}/{tally.Reported} (new {tally.New}, duplicates {tally.Duplicates}, already stored {tally.AlreadyStored})");
                }
            }
            finally
            {
                await stopFetching.CancelAsync();
                await fetching;
            }
        }
        catch (QuotaExhaustedException e)
        {
            var paused = Entry("paused", e.Message);
            await searchLog.WriteAsync(paused, ct);
            progress?.Report($"{name}: paused: {e.Message}");
            return (Summary(paused), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The search log keeps the request that failed; the row a person reads keeps the short message.
            var failed = Entry("failed", e is SourceException { RequestUrl: { } url } ? $"{e.Message} Request: {url}" : e.Message);
            await searchLog.WriteAsync(failed, ct);
            return (Summary(failed) with { Message = e.Message }, ExceptionDispatchInfo.Capture(e));
        }

        var complete = tally.Retrieved == tally.Reported;
        string? message = null;
        // The watermark moves only over a window joined to it: a window chosen by hand further on leaves a gap unsearched.
        var joined = watermark is null ? from <= source.StartDate : from <= watermark.Value.AddDays(1);
        if (!complete)
        {
            message = $"retrieved {tally.Retrieved} of {tally.Reported} reported; watermark kept at {watermark?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "the start"}";
            SourceLog.Incomplete(log, name, message);
        }
        else if (!joined)
            message = $"window {from:yyyy-MM-dd}..{to:yyyy-MM-dd} does not join the watermark ({watermark?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"}); the watermark stays";
        else if (to > (watermark ?? DateOnly.MinValue))
            await state.SetWatermarkAsync(name, to, ct);
        // Otherwise the window ends at or before the watermark (run again the same day): complete, and the watermark stays.
        if (open is not null || complete) await state.ClearOpenWindowAsync(name, ct);
        if (tally.Notes.Count > 0) message = string.Join("; ", new[] { message }.Concat(tally.Notes.Distinct()).OfType<string>());
        var entry = Entry(complete ? "complete" : "incomplete", message);
        await searchLog.WriteAsync(entry, ct);
        return (Summary(entry), null);
    }

    /// <summary>Stores records read elsewhere (an imported export file) the way a harvested page's are: each stored unless
    /// this source record is stored already, linked when it duplicates a stored study, completed from Crossref and handed
    /// over to screening when new. Run again, it stores nothing twice and hands over what a stopped run did not.</summary>
    public async Task<StoredCounts> StoreRecordsAsync(IReadOnlyList<Records.BibRecord> records, string runId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        var tally = new Tally();
        if (records.Count == 0) return new StoredCounts(0, 0, 0);
        if (!await CheckOriginAsync(ct)) await ClaimOriginAsync(ct);
        await StorePageAsync(records, runId, tally, await LoadIndexOnce(null, ct).Value, ct);
        return new StoredCounts(tally.New, tally.Duplicates, tally.AlreadyStored);
    }

    // The replayed sample and a live review never share storage: a live harvest over the sample would go on from the sample's
    // watermark (years of literature never searched) and keep its placeholder records; a replay would mix them into a review.
    // True when this kind is already on record, so nothing needs to be claimed.
    private async Task<bool> CheckOriginAsync(CancellationToken ct)
    {
        if (await state.GetHarvestOriginAsync(ct) is not { } origin) return false;
        return origin.Replayed == (replay is not null) ? true : throw MixedOrigins(origin);
    }

    // Marks fresh storage with this harvest's kind before its first page is stored; of two kinds at once, one wins and the other stops here.
    private async Task<bool> ClaimOriginAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var origin = await state.ClaimHarvestOriginAsync(replay is not null, now, ct);
        if (origin.Replayed != (replay is not null)) throw MixedOrigins(origin);
        // Storage harvested before origins were recorded cannot say where it came from; the recorded demo used to run under the
        // live review's prefix, and its watermarks would cut a first live harvest short. Say so, once, where a person will see it.
        if (replay is null && origin.Since == now && (await searchLog.ListAsync(ct)).Count > 0)
            SourceLog.OriginUnknown(log, storage.Names.Prefix);
        return true;
    }

    private InvalidOperationException MixedOrigins(HarvestOrigin origin)
    {
        var prefix = storage.Names.Prefix;
        var since = origin.Since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new InvalidOperationException(origin.Replayed
            ? $"Storage prefix '{prefix}' holds the replayed sample (stored from recorded responses since {since}), not a live review: a live harvest " +
              "here would search only from the sample's watermark and keep the sample's records. Run the live review under a prefix of its own " +
              $"(set Storage__Prefix to another name that no other review uses), or remove the sample first: delete exactly these tables, queues " +
              $"and containers, then run again: {string.Join(", ", storage.Names.Tables.Concat(storage.Names.Queues).Concat(storage.Names.Containers))}."
            : $"Storage prefix '{prefix}' holds a live review (harvested from the sources since {since}): the recorded sample would mix its records " +
              $"into it. Replay under a prefix of its own: leave Storage__Prefix unset (a replayed run then uses '{StorageOptions.DemoPrefix}') " +
              "or set it to another name.");
    }

    // The index of everything stored, read once for a harvest (or an import) when its first page is stored.
    private Lazy<Task<HarvestIndex>> LoadIndexOnce(IProgress<string>? progress, CancellationToken ct) => new(async () =>
    {
        var clock = Stopwatch.StartNew();
        var index = await dedup.LoadIndexAsync(ct);
        SourceLog.IndexLoaded(log, index.Count, index.Claims, clock.Elapsed.TotalSeconds);
        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"dedup index: {index.Count} stored records and {index.Claims} claimed identifiers and titles read in {clock.Elapsed.TotalSeconds:0.0} s"));
        return index;
    });

    // A page is matched in memory and written in a handful of transactions (DedupService.RegisterPageAsync); its new studies are
    // handed over to screening together.
    private async Task StorePageAsync(IReadOnlyList<Records.BibRecord> page, string runId, Tally tally, HarvestIndex index, CancellationToken ct)
    {
        var outcomes = await dedup.RegisterPageAsync(page, runId, time.GetUtcNow(), index, enricher.EnrichAsync, ct);
        var handOver = new List<string>();
        var notYet = new List<string>();
        foreach (var o in outcomes)
            switch (o.Outcome)
            {
                case RecordOutcome.New:
                    tally.New++;
                    handOver.Add(o.Record.Key);
                    break;
                case RecordOutcome.Duplicate:
                    tally.Duplicates++;
                    break;
                case RecordOutcome.AlreadyStored:
                    tally.AlreadyStored++;
                    // A run that stopped after storing but before handing the record over: queue it now.
                    if (o.DuplicateOf is null) notYet.Add(o.Record.Key);
                    break;
            }
        if (handOver.Count > 0) await handover.HandOverManyAsync(handOver, ct);
        if (notYet.Count > 0) await handover.HandOverIfNotYetManyAsync(notYet, ct);
    }
}
