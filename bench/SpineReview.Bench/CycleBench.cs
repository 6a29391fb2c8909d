using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SpineReview.Cycle;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Sources;
using SpineReview.Storage;

namespace SpineReview.Bench;

/// <summary>The whole cycle (harvest, dedup, rules, ranking, extraction, report, alerts) on a generated first harvest, through
/// the storage in AzureWebJobsStorage. The five sources are replaced by sources that hand the generated records over page by page
/// (their HTTP and parsing are measured by the harvest and parse benchmarks); everything from the page on is the real cycle.</summary>
public static class CycleBench
{
    /// <summary>Counts every storage HTTP request (retries included: each is billed) by service.</summary>
    private sealed class RequestCounter : HttpPipelinePolicy
    {
        private long _tables, _queues, _blobs;
        public long Tables => Interlocked.Read(ref _tables);
        public long Queues => Interlocked.Read(ref _queues);
        public long Blobs => Interlocked.Read(ref _blobs);
        public long Total => Tables + Queues + Blobs;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Count(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Count(message);
            return ProcessNextAsync(message, pipeline);
        }

        // The ports bench.sh gave the benchmark's own Azurite (10111 and 10112 unless BENCH_CYCLE_PORT moved them).
        private static readonly int QueuePort = int.TryParse(Environment.GetEnvironmentVariable("BENCH_QUEUE_PORT"), CultureInfo.InvariantCulture, out var q) ? q : 10111;
        private static readonly int TablePort = int.TryParse(Environment.GetEnvironmentVariable("BENCH_TABLE_PORT"), CultureInfo.InvariantCulture, out var t) ? t : 10112;

        // Azurite serves each service on its own port; Azure on its own host name.
        private void Count(HttpMessage message)
        {
            var (host, port) = (message.Request.Uri.Host ?? "", message.Request.Uri.Port);
            if (host.Contains(".table.", StringComparison.Ordinal) || port is 10002 || port == TablePort) Interlocked.Increment(ref _tables);
            else if (host.Contains(".queue.", StringComparison.Ordinal) || port is 10001 || port == QueuePort) Interlocked.Increment(ref _queues);
            else Interlocked.Increment(ref _blobs);
        }
    }

    /// <summary>The process's memory sampled every 100 ms while a cycle runs, its highest value kept per stage: which stage holds the
    /// peak. The working set is what the peak figure measures; the managed heap is what the code holds of it (the rest is the
    /// runtime's, and memory the collector has not given back).</summary>
    private sealed class MemorySampler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Dictionary<string, (long WorkingSet, long Heap)> _peaks = new(StringComparer.Ordinal);
        private string _stage = "start";

        public MemorySampler() => _loop = Task.Run(LoopAsync);

        public string Stage { set { lock (_peaks) _stage = value; } }

        /// <summary>The highest working set and managed heap seen in a stage, in MiB.</summary>
        public (long WorkingSet, long Heap) PeakOf(string stage)
        {
            lock (_peaks) return _peaks.TryGetValue(stage, out var p) ? (p.WorkingSet / 1048576, p.Heap / 1048576) : (0, 0);
        }

        private async Task LoopAsync()
        {
            using var process = Process.GetCurrentProcess();
            while (!_stop.IsCancellationRequested)
            {
                process.Refresh();
                var (workingSet, heap) = (process.WorkingSet64, GC.GetTotalMemory(false));
                lock (_peaks)
                {
                    var p = _peaks.GetValueOrDefault(_stage);
                    _peaks[_stage] = (Math.Max(p.WorkingSet, workingSet), Math.Max(p.Heap, heap));
                }
                try { await Task.Delay(100, _stop.Token); } catch (OperationCanceledException) { }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    /// <summary>The harvest the generated sources hand over: the first, then the update.</summary>
    private sealed class Harvests
    {
        public FirstHarvest Current { get; set; } = new();
    }

    /// <summary>A source that returns generated records of the current harvest in pages of its usual size.</summary>
    private sealed class GeneratedSource(string name, Harvests harvests, int pageSize) : ISource
    {
        public string Name => name;
        public string Query => "generated first harvest (bench)";
        public bool Enabled => true;
        public string? MissingConfiguration => null;
        public DateOnly StartDate => new(2012, 1, 1);

        public async IAsyncEnumerable<SourcePage> SearchAsync(SearchWindow window, string? resumeCursor, [EnumeratorCancellation] CancellationToken ct)
        {
            var records = harvests.Current.BySource.GetValueOrDefault(name) ?? [];
            for (var start = 0; start < records.Count; start += pageSize)
            {
                ct.ThrowIfCancellationRequested();
                var page = records.Skip(start).Take(pageSize).ToList();
                // The page archived as the source would send it: its records as JSON, about as large as the source's own answer.
                var raw = JsonSerializer.SerializeToUtf8Bytes(page, RecordsJsonList.Default.ListBibRecord);
                yield return new SourcePage($"page_{start / pageSize:D5}.json", raw, $"bench://{name}/?start={start}", start == 0 ? records.Count : 0, page);
                await Task.Yield();
            }
        }
    }

    private static readonly Dictionary<string, int> PageSizes = new(StringComparer.Ordinal)
    {
        ["pubmed"] = 200, ["europepmc"] = 1000, ["openalex"] = 200, ["arxiv"] = 200, ["ieee"] = 200,
    };

    public static async Task<int> RunAsync(int records, int? limitSeconds, TextWriter output)
    {
        var made = Stopwatch.StartNew();
        var harvest = FirstHarvest.Generate(records);
        var order = SourceFiles.Names;
        var expected = InMemory(harvest.InHarvestOrder(order), new DedupOptions());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {records} records ({string.Join(", ", order.Where(harvest.BySource.ContainsKey).Select(s => $"{s} {harvest.BySource[s].Count}"))}), " +
            $"{harvest.DesignedDuplicates} made as copies; in memory the harvest's matching finds {expected} duplicates ({made.Elapsed.TotalSeconds:0.0} s)"));

        // What the benchmark itself holds before any cycle runs (the generated harvest, its in-memory matching done): the cycle's
        // figures below are beside this, not part of it.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using (var self = Process.GetCurrentProcess())
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"before the cycle: managed heap {GC.GetTotalMemory(false) / 1048576} MiB (the generated harvest), working set {self.WorkingSet64 / 1048576} MiB, peak so far {self.PeakWorkingSet64 / 1048576} MiB"));
        var counter = new RequestCounter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageClients.Setting] = Environment.GetEnvironmentVariable("AzureWebJobsStorage") ?? "UseDevelopmentStorage=true",
            ["Storage:Prefix"] = "bench" + Guid.NewGuid().ToString("N")[..8],
            // Every field is filled as the sources fill it: nothing to complete from Crossref.
            ["Crossref:Enabled"] = "false",
        }).Build();
        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddSpineReview(configuration);
        services.RemoveAll<ISource>();
        // No full texts asked of Europe PMC: a benchmark of the storage path makes no outside calls (without a network every
        // study's request failed after its retries, about 7 s of back-off a study, which was all the extraction stage measured).
        services.RemoveAll<IFullTextSource>();
        var harvests = new Harvests { Current = harvest };
        foreach (var name in harvest.BySource.Keys) services.AddSingleton<ISource>(new GeneratedSource(name, harvests, PageSizes[name]));
        services.RemoveAll<StorageClients>();
        services.AddSingleton(sp => new StorageClients(configuration, sp.GetRequiredService<StorageNames>(), [counter]));
        await using var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredService<StorageClients>();
        await provider.GetRequiredService<StorageInitializer>().CreateAsync();

        var first = await RunCycleAsync(provider, counter, records, limitSeconds, output);
        if (first.Summary is null)
        {
            await WriteCutOffAsync(provider, counter, first, records, limitSeconds, output, FormattableString.Invariant($"whole cycle: {records} records"));
            await BenchStorage.DeleteAsync(storage);
            return 1;
        }
        output.WriteLine("per stage:");
        foreach (var s in first.Stages) output.WriteLine(s);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"storage requests: {first.Requests} ({counter.Tables} table, {counter.Queues} queue, {counter.Blobs} blob) = {first.Requests / (double)records:0.00} per record"));
        var same = WriteCounts(first.Summary, records, expected, output);
        await WriteIndexReadAsync(provider, counter, output);

        // The update: a later harvest against what the first stored, as a second whole cycle.
        var update = harvest.Update(UpdateRecords);
        harvests.Current = update;
        var expectedAll = InMemory(harvest.InHarvestOrder(order).Concat(update.InHarvestOrder(order)), new DedupOptions());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"update: generated {UpdateRecords} records ({string.Join(", ", order.Where(update.BySource.ContainsKey).Select(s => $"{s} {update.BySource[s].Count}"))}), " +
            $"{update.DesignedDuplicates} made as copies; in memory {expectedAll - expected} of them are duplicates"));
        var second = await RunCycleAsync(provider, counter, UpdateRecords, limitSeconds, output);
        if (second.Summary is null)
        {
            // The first cycle finished: the last line stays its figure; the update's cut-off is said on a line of its own.
            await WriteCutOffAsync(provider, counter, second, records + UpdateRecords, limitSeconds, output, FormattableString.Invariant($"update: {UpdateRecords} records against {records} stored"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"whole cycle: {records} records in {first.Seconds:0.0} s, peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB"));
            await BenchStorage.DeleteAsync(storage);
            return 1;
        }
        output.WriteLine("update per stage:");
        foreach (var s in second.Stages) output.WriteLine(s);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"update storage requests: {second.Requests} = {second.Requests / (double)UpdateRecords:0.00} per record of the update"));
        same &= WriteCounts(second.Summary, records + UpdateRecords, expectedAll, output);
        await BenchStorage.DeleteAsync(storage);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"update: {UpdateRecords} records against {records} stored in {second.Seconds:0.0} s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"whole cycle: {records} records in {first.Seconds:0.0} s, peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB"));
        return same ? 0 : 1;
    }

    /// <summary>The records of the update run after the first cycle (a daily update against everything stored).</summary>
    private const int UpdateRecords = 500;

    private sealed record CycleRun(CycleSummary? Summary, double Seconds, List<string> Stages, long Requests, string Stage);

    // One whole cycle with a progress line per stage and every 5 s, and a line per stage at its end (time and requests per record).
    private static async Task<CycleRun> RunCycleAsync(IServiceProvider provider, RequestCounter counter, int records, int? limitSeconds, TextWriter output)
    {
        using var limit = limitSeconds is { } l ? new CancellationTokenSource(TimeSpan.FromSeconds(l)) : new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var stage = "start";
        var (stageStart, stageRequests, lastLine, startRequests) = (TimeSpan.Zero, 0L, TimeSpan.Zero, counter.Total);
        var stages = new List<string>();
        await using var memory = new MemorySampler();
        void EndStage()
        {
            if (stage == "start") return;
            var requests = counter.Total - stageRequests;
            var (workingSet, heap) = memory.PeakOf(stage);
            stages.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {stage,-8} {(clock.Elapsed - stageStart).TotalSeconds,8:0.0} s  {requests,10} storage requests ({requests / (double)records:0.00} per record), peak working set {workingSet} MiB, managed heap {heap} MiB"));
        }
        var progress = new SyncProgress<string>(line =>
        {
            var now = clock.Elapsed;
            if (line.StartsWith('[') && line.IndexOf(']', StringComparison.Ordinal) is > 0 and var end && line.IndexOf(':', end) is > 0 and var colon)
            {
                EndStage();
                (stage, stageStart, stageRequests) = (line[(end + 2)..colon], now, counter.Total);
                memory.Stage = stage;
            }
            else if (now - lastLine < TimeSpan.FromSeconds(5)) return;
            lastLine = now;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{now.TotalSeconds,7:0.0} s, {counter.Total,9} requests] {line}"));
            output.Flush();
        });
        try
        {
            var summary = await provider.GetRequiredService<CycleService>().RunAsync(new HarvestRequest(), progress, limit.Token);
            EndStage();
            return new CycleRun(summary, clock.Elapsed.TotalSeconds, stages, counter.Total - startRequests, stage);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            EndStage();
            return new CycleRun(null, clock.Elapsed.TotalSeconds, stages, counter.Total - startRequests, stage);
        }
    }

    private static async Task WriteCutOffAsync(IServiceProvider provider, RequestCounter counter, CycleRun run, int records, int? limitSeconds, TextWriter output, string what)
    {
        foreach (var s in run.Stages) output.WriteLine(s);
        var stored = 0;
        await foreach (var _ in provider.GetRequiredService<RecordStore>().ListAsync(default)) stored++;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cut off at the time limit ({limitSeconds} s) in stage {run.Stage}, {stored} of {records} records stored, {counter.Total} storage requests"));
        await WriteIndexReadAsync(provider, counter, output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what} not finished within {run.Seconds:0} s, peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB"));
    }

    // The report's PRISMA counts through storage beside the harvest's matching in memory on the same records in the same order.
    private static bool WriteCounts(CycleSummary summary, int records, int expected, TextWriter output)
    {
        var counts = summary.Report.Counts;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PRISMA through storage: identified {counts.Identified}, duplicates {counts.Duplicates}, excluded by rules {counts.ExcludedByRules}, passed rules {counts.PassedRules}; " +
            $"in memory: identified {records}, duplicates {expected}"));
        var same = counts.Identified == records && counts.Duplicates == expected;
        output.WriteLine(same ? "counts: equal to the in-memory computation" : "counts: DIFFER from the in-memory computation");
        return same;
    }

    // What the next (incremental) harvest pays before its first page: the index of everything now stored, read once.
    private static async Task WriteIndexReadAsync(IServiceProvider provider, RequestCounter counter, TextWriter output)
    {
        var (clock, before) = (Stopwatch.StartNew(), counter.Total);
        var index = await provider.GetRequiredService<DedupService>().LoadIndexAsync(default);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"index read for the next run: {index.Count} records, {index.Claims} claimed rows in {clock.Elapsed.TotalSeconds:0.0} s, {counter.Total - before} storage requests"));
    }

    // The harvest's decisions, in memory and in the order it stores: an identifier already kept links a record to its study; else
    // the matcher's merge, version link, or notice link against every record indexed so far; a study's identifiers are kept.
    private static int InMemory(IEnumerable<BibRecord> inOrder, DedupOptions options)
    {
        var identifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = new DedupIndex(options);
        var duplicates = 0;
        foreach (var r in inOrder)
        {
            string? study = null;
            foreach (var (kind, value) in IdentifierIndex.Of(r))
                if (identifiers.TryGetValue(kind + ":" + value, out var held)) { study = held; break; }
            var f = Fingerprint.Of(r);
            if (study is null && index.Match(f) is { } m && (m.Band is DedupBand.Merge or DedupBand.Link || (m.Band == DedupBand.Notice && f.Kind != NoticeKind.None)))
                study = m.StudyKey;
            if (study is null)
                foreach (var (kind, value) in IdentifierIndex.Of(r)) identifiers.TryAdd(kind + ":" + value, r.Key);
            else duplicates++;
            index.Add(new DedupCandidate(r.Key, study ?? r.Key, f));
        }
        return duplicates;
    }
}

/// <summary>JSON of a page of records (the archived raw page of a generated source).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(List<BibRecord>))]
internal sealed partial class RecordsJsonList : System.Text.Json.Serialization.JsonSerializerContext;
