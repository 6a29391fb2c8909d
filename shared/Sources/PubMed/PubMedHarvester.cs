using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Configuration;
using SpineReview.Screening;
using SpineReview.Storage;

namespace SpineReview.Sources.PubMed;

/// <summary>Which window to harvest; nulls mean "from the watermark" and "to today".</summary>
public sealed record HarvestRequest(DateOnly? From = null, DateOnly? To = null);

/// <summary>What one source's harvest did: the figures the search log and the command line show.</summary>
public sealed record HarvestSummary(string Source, string Query, DateOnly From, DateOnly To, int Reported, int Retrieved, int New,
    int Duplicates, int AlreadyStored, int Calls, string Status);

/// <summary>Harvests PubMed: esearch over an entry-date window, efetch in batches, raw bytes archived, records stored and queued for screening.</summary>
public sealed class PubMedHarvester(
    StorageClients storage, PubMedClient client, RecordStore records, ScreeningStore screening, WorkQueues queues, StateStore state, SearchLog searchLog,
    RawArchive archive, IOptions<PubMedOptions> options, TimeProvider time, ILogger<PubMedHarvester> log)
{
    public const string Source = "pubmed";
    /// <summary>esearch returns at most this many ids per query; a larger window is split by date.</summary>
    public const int SearchCap = 9999;

    private sealed class Tally { public int Reported, Retrieved, New, Duplicates, AlreadyStored; public string? FirstUrl; }

    /// <summary>Harvests one window. The watermark moves only when every reported record was retrieved and stored.</summary>
    public async Task<HarvestSummary> HarvestAsync(HarvestRequest request, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        await storage.EnsureCreatedAsync(ct);
        var started = time.GetUtcNow();
        var runId = started.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var today = DateOnly.FromDateTime(started.UtcDateTime);
        var watermark = await state.GetWatermarkAsync(Source, ct);
        // The watermark day is searched again: records entered later that day are caught; ones seen are "already stored".
        var from = request.From ?? watermark ?? o.StartDate;
        var to = request.To ?? today;
        if (from > to) throw new ArgumentException($"The window starts after it ends ({from:yyyy-MM-dd} > {to:yyyy-MM-dd}).", nameof(request));

        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        var callsBefore = client.Calls;
        try
        {
            await HarvestWindowAsync(from, to, runId, tally, progress, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await searchLog.WriteAsync(Entry("failed", e.Message), ct);
            throw;
        }
        var complete = tally.Retrieved == tally.Reported;
        var status = complete ? "complete" : "incomplete";
        string? message = complete ? null : $"retrieved {tally.Retrieved} of {tally.Reported} reported; watermark kept at {watermark?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "start"}";
        if (complete) await state.SetWatermarkAsync(Source, to, ct);
        else log.LogWarning("PubMed harvest incomplete: {Message}", message);
        await searchLog.WriteAsync(Entry(status, message), ct);
        return new HarvestSummary(Source, client.Query, from, to, tally.Reported, tally.Retrieved, tally.New, tally.Duplicates, tally.AlreadyStored, client.Calls - callsBefore, status);

        SearchLogEntry Entry(string s, string? m) => new(Source, runId, started, client.Query, from, to, tally.FirstUrl ?? "", tally.Reported, tally.Retrieved,
            tally.New, tally.Duplicates, tally.AlreadyStored, client.Calls - callsBefore, clock.Elapsed.TotalSeconds, s, m);
    }

    private async Task HarvestWindowAsync(DateOnly from, DateOnly to, string runId, Tally tally, IProgress<string>? progress, CancellationToken ct)
    {
        var (search, url, raw) = await client.SearchAsync(from, to, ct);
        tally.FirstUrl ??= url;
        await archive.SaveAsync(Source, runId, $"esearch_{from:yyyyMMdd}_{to:yyyyMMdd}.xml", raw, ct);
        if (search.Count > SearchCap && from < to)
        {
            var mid = from.AddDays((to.DayNumber - from.DayNumber) / 2);
            progress?.Report($"pubmed: {search.Count} records in {from:yyyy-MM-dd}..{to:yyyy-MM-dd} exceed the esearch cap; splitting the window");
            await HarvestWindowAsync(from, mid, runId, tally, progress, ct);
            await HarvestWindowAsync(mid.AddDays(1), to, runId, tally, progress, ct);
            return;
        }
        tally.Reported += search.Count;
        progress?.Report($"pubmed: {search.Count} records reported for {from:yyyy-MM-dd}..{to:yyyy-MM-dd}");
        var batchSize = Math.Clamp(options.Value.BatchSize, 1, 10000);
        for (var start = 0; start < search.Count; start += batchSize)
        {
            var batch = await client.FetchAsync(search, start, batchSize, ct);
            await archive.SaveAsync(Source, runId, $"efetch_{from:yyyyMMdd}_{to:yyyyMMdd}_{start:D6}.xml", batch.Raw, ct);
            foreach (var record in batch.Records)
            {
                var (outcome, duplicateOf) = await records.RegisterAsync(record, runId, time.GetUtcNow(), ct);
                switch (outcome)
                {
                    case RecordOutcome.New:
                        tally.New++;
                        await queues.EnqueueAsync(queues.Screen, record.Key, ct);
                        break;
                    case RecordOutcome.Duplicate:
                        tally.Duplicates++;
                        break;
                    case RecordOutcome.AlreadyStored:
                        tally.AlreadyStored++;
                        // A run that stopped after storing but before screening: queue it again (screening is idempotent).
                        if (duplicateOf is null && await screening.GetRuleDecisionAsync(record.Key, ct) is null)
                            await queues.EnqueueAsync(queues.Screen, record.Key, ct);
                        break;
                }
            }
            tally.Retrieved += batch.Records.Count;
            progress?.Report($"pubmed: retrieved {tally.Retrieved}/{tally.Reported} (new {tally.New}, duplicates {tally.Duplicates}, already stored {tally.AlreadyStored})");
            if (batch.Records.Count == 0) break; // a short answer: reconciliation marks the run incomplete
        }
    }
}
