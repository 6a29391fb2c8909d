using System.Diagnostics;
using System.Globalization;
using SpineReview.Dedup;

namespace SpineReview.Bench;

/// <summary>Deduplication at scale: the corpus benchmarks replicated to N records. Each replica is a different work
/// (its own volume and pages, three title words changed); within a replica the true duplicates stay duplicates,
/// with realistic perturbations (case, punctuation, a dropped word of the title, page ranges written short).</summary>
public static class DedupBench
{
    public static int Run(string corpus, int target, TextWriter output)
    {
        var (records, truth, fresh, allTruth, random) = Replicate(corpus, target);
        GC.Collect();
        var clock = Stopwatch.StartNew();
        var groups = Deduplicator.FindGroups(records);
        clock.Stop();
        var score = DedupEvaluation.Score(records.Count, truth, groups, clock.Elapsed.TotalSeconds);
        output.WriteLine($"dedup: {score.Records} records in {score.Seconds:0.00} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB");
        output.WriteLine($"groups true {score.GroupsTrue}, found {score.GroupsFound}; precision {score.Precision:0.0000}, recall {score.Recall:0.0000}, false-positive pairs {score.FalsePositivePairs}");
        if (Environment.GetEnvironmentVariable("SPINE_REVIEW_BENCH_FALSE_PAIRS") == "1") FalsePairs(records, truth, groups, output);
        Update(records, fresh, allTruth, random, output);
        return 0;
    }

    // Each false pair with both records as the matcher saw them: to tell a matcher's error from two records the replica made
    // indistinguishable.
    private static void FalsePairs(List<DedupRecord> records, List<IReadOnlyList<string>> truth, List<List<string>> groups, TextWriter output)
    {
        var workOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var g = 0; g < truth.Count; g++) foreach (var id in truth[g]) workOf[id] = g;
        var byId = records.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var g in groups)
            for (var a = 0; a < g.Count; a++)
                for (var b = a + 1; b < g.Count; b++)
                    if (!workOf.TryGetValue(g[a], out var wa) || !workOf.TryGetValue(g[b], out var wb) || wa != wb)
                        output.WriteLine($"  false pair:\n    {Describe(byId[g[a]])} doi {byId[g[a]].Doi}\n    {Describe(byId[g[b]])} doi {byId[g[b]].Doi}");
    }

    /// <summary>Where the batch run's time goes at each size: normal forms, blocking (keys, the largest blocks), the candidate pairs
    /// compared and the comparisons, each phase timed on its own on one thread through the public API; then the whole batch on one
    /// thread and on two.</summary>
    public static int Profile(string corpus, IReadOnlyList<int> sizes, TextWriter output)
    {
        var options = new DedupOptions();
        foreach (var n in sizes)
        {
            var (records, _, _, _, _) = Replicate(corpus, n);
            GC.Collect();
            var clock = Stopwatch.StartNew();
            var prepared = records.Select(Fingerprint.Of).ToList();
            var fingerprints = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var blocks = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var keysOf = new List<string>[prepared.Count];
            for (var i = 0; i < prepared.Count; i++)
            {
                keysOf[i] = [.. prepared[i].BlockingKeys()];
                foreach (var key in keysOf[i])
                {
                    if (!blocks.TryGetValue(key, out var list)) blocks[key] = list = [];
                    list.Add(i);
                }
            }
            var blocking = clock.Elapsed.TotalSeconds;
            clock.Restart();
            // Each pair once: in the first block (in the order keys were first seen) the two share.
            var order = blocks.Keys.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i, StringComparer.Ordinal);
            bool Used(string key) => blocks[key].Count is >= 2 and var c && c <= options.MaxBlockSize;
            var pairs = new List<(int, int)>();
            long pairsInBlocks = 0;
            var pairsByKind = new Dictionary<char, long>();
            foreach (var (key, members) in blocks)
            {
                if (!Used(key)) continue;
                pairsInBlocks += (long)members.Count * (members.Count - 1) / 2;
                var k = order[key];
                for (var a = 0; a < members.Count; a++)
                    for (var b = a + 1; b < members.Count; b++)
                        if (!keysOf[members[a]].Any(x => order[x] < k && Used(x) && keysOf[members[b]].Contains(x)))
                        {
                            pairs.Add((members[a], members[b]));
                            pairsByKind[key[0]] = pairsByKind.GetValueOrDefault(key[0]) + 1;
                        }
            }
            var enumerate = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var bands = new long[5];
            foreach (var (i, j) in pairs) bands[(int)Deduplicator.Judge(prepared[i], prepared[j], options).Band]++;
            var judging = clock.Elapsed.TotalSeconds;
            var whole = new List<string>();
            foreach (var threads in new[] { 1, 2 })
            {
                clock.Restart();
                Deduplicator.Find(records, options, threads);
                whole.Add($"{threads} thread{(threads > 1 ? "s" : "")} {clock.Elapsed.TotalSeconds:0.00} s");
            }
            var sizesSorted = blocks.Values.Select(b => b.Count).Where(c => c > 1).OrderDescending().ToList();
            output.WriteLine($"profile {n} records: normal forms {fingerprints:0.00} s; blocking {blocking:0.00} s ({blocks.Count} keys, {sizesSorted.Count} shared, " +
                $"largest {string.Join(" ", sizesSorted.Take(5))}, {sizesSorted.Count(c => c > options.MaxBlockSize)} over the cap)");
            output.WriteLine($"  pairs in blocks {pairsInBlocks}, distinct pairs {pairs.Count} ({string.Join(", ", pairsByKind.OrderBy(k => k.Key).Select(k => $"{k.Key}: {k.Value}"))}) " +
                $"enumerated in {enumerate:0.00} s; Judge (with the similarity) {judging:0.00} s ({judging / Math.Max(1, pairs.Count) * 1e6:0.00} µs a pair)");
            output.WriteLine($"  bands: distinct {bands[0]}, review {bands[1]}, link {bands[2]}, notice {bands[3]}, merge {bands[4]}");
            output.WriteLine($"  Deduplicator.Find, the whole batch: {string.Join(", ", whole)}");
        }
        return 0;
    }

    private static (List<DedupRecord> Records, List<IReadOnlyList<string>> Truth, List<DedupRecord> Fresh, List<IReadOnlyList<string>> AllTruth, Random Random)
        Replicate(string corpus, int target)
    {
        var sets = new[]
        {
            ("bib_dedupe/cytology_screening/records_pre_merged.csv", "bib_dedupe/cytology_screening/merged_record_ids.csv"),
            ("asysd_diabetes/labelled_test_set.csv", "asysd_diabetes/merged_record_ids_from_bib_dedupe.csv"),
        };
        var baseRecords = new List<DedupRecord>();
        var baseTruth = new List<string[]>();
        foreach (var (r, t) in sets)
        {
            var prefix = Path.GetFileName(Path.GetDirectoryName(Path.Combine(corpus, r)))!;
            baseRecords.AddRange(DedupFiles.ReadRecords(Path.Combine(corpus, r)).Select(x => x with { Id = $"{prefix}:{x.Id}" }));
            baseTruth.AddRange(DedupFiles.ReadTruth(Path.Combine(corpus, t)).Select(g => g.Select(id => $"{prefix}:{id}").ToArray()));
        }
        var random = new Random(20231127);
        // The records of one true group are one work: they get the same changes.
        var work = new Dictionary<string, string>();
        foreach (var g in baseTruth) foreach (var id in g) work[id] = g[0];
        var words = baseRecords.SelectMany(r => r.Title.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(w => w.Length > 5).Distinct().ToArray();
        // 500 more than the target: the new works of the incremental update below.
        var generate = target + 500;
        var records = new List<DedupRecord>(generate);
        var truth = new List<IReadOnlyList<string>>();
        for (var copy = 0; records.Count < generate; copy++)
        {
            // Three changed title words per work (the same change for every record of that work), plus a new volume and pages.
            var workChange = new Dictionary<string, (int Index, string Word)[]>();
            foreach (var r in baseRecords)
            {
                if (records.Count >= generate) break;
                var key = work.GetValueOrDefault(r.Id, r.Id);
                if (!workChange.TryGetValue(key, out var change))
                    workChange[key] = change = Enumerable.Range(0, 3).Select(_ => (random.Next(0, 50), words[random.Next(words.Length)])).ToArray();
                var titleWords = r.Title.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                if (copy > 0 && titleWords.Count > 0)
                    foreach (var (index, word) in change) titleWords[index % titleWords.Count] = word;
                var title = string.Join(' ', titleWords);
                // Perturbations a database export makes.
                if (random.NextDouble() < 0.2) title = title.ToUpperInvariant();
                if (random.NextDouble() < 0.2) title = title.Replace(":", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
                var pages = copy == 0 ? r.Pages : Shift(r.Pages, copy * 1000);
                records.Add(r with
                {
                    Id = $"{copy}:{r.Id}", Title = title, Pages = pages,
                    Volume = copy == 0 ? r.Volume : (int.TryParse(Normalise.Digits(r.Volume), out var v) ? (v + copy * 100).ToString(CultureInfo.InvariantCulture) : r.Volume),
                    Doi = copy == 0 || r.Doi is null ? r.Doi : $"{r.Doi}.r{copy}",
                });
            }
            truth.AddRange(baseTruth.Select(g => (IReadOnlyList<string>)g.Select(id => $"{copy}:{id}").ToList()));
        }
        var fresh = records.GetRange(target, records.Count - target);
        records.RemoveRange(target, records.Count - target);
        var allTruth = truth;
        var present = records.Select(r => r.Id).ToHashSet();
        truth = truth.Select(g => (IReadOnlyList<string>)g.Where(present.Contains).ToList()).Where(g => g.Count > 1).ToList();
        return (records, truth, fresh, allTruth, random);
    }

    // A monthly update against the stored set: 1,000 incoming records, 500 of them copies of stored records as another
    // database exports them (upper case, no punctuation, no DOI), 500 works not stored yet. Each is matched against the
    // index, then added to it, so the update's records are matched among themselves too.
    private static void Update(List<DedupRecord> stored, List<DedupRecord> fresh, List<IReadOnlyList<string>> truth, Random random, TextWriter output)
    {
        var options = new DedupOptions();
        var workOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var g in truth) foreach (var id in g) workOf[id] = g[0];
        string Work(string id) => workOf.GetValueOrDefault(id, id);
        var copies = Enumerable.Range(0, 500).Select(i =>
        {
            var r = stored[random.Next(stored.Count)];
            workOf[$"u{i}:{r.Id}"] = Work(r.Id);
            return r with { Id = $"u{i}:{r.Id}", Title = r.Title.ToUpperInvariant().Replace(":", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), Doi = null };
        }).ToList();
        var incoming = copies.Concat(fresh).OrderBy(_ => random.Next()).ToList();

        var clock = Stopwatch.StartNew();
        var index = new DedupIndex(options);
        foreach (var r in stored) index.Add(new DedupCandidate(r.Id, r.Id, Fingerprint.Of(r)));
        var build = clock.Elapsed.TotalSeconds;
        clock.Restart();
        int merged = 0, wrong = 0, linked = 0, review = 0;
        foreach (var r in incoming)
        {
            var f = Fingerprint.Of(r);
            var match = index.Match(f);
            switch (match?.Band)
            {
                case DedupBand.Merge or DedupBand.Notice:
                    merged++;
                    if (Work(match.CandidateKey) != Work(r.Id)) wrong++;
                    break;
                case DedupBand.Link: linked++; break;
                case DedupBand.Review: review++; break;
            }
            index.Add(new DedupCandidate(r.Id, match?.Band is DedupBand.Merge or DedupBand.Notice ? match.StudyKey : r.Id, f));
        }
        var seconds = clock.Elapsed.TotalSeconds;
        // A record should merge when its work is stored already or came earlier in the update.
        var seen = stored.Select(s => Work(s.Id)).ToHashSet(StringComparer.Ordinal);
        var expected = incoming.Count(r => !seen.Add(Work(r.Id)));
        output.WriteLine($"update: {incoming.Count} incoming records matched against {stored.Count} stored in {seconds:0.000} s (index of the stored set built in {build:0.00} s)");
        output.WriteLine($"update: merged {merged} ({wrong} with a different work), linked {linked}, to a person {review}; records whose work was stored or came earlier in the update: {expected}");
    }

    /// <summary>A set the matcher was never tuned on: the replay sample's records from five sources. The truth is what their
    /// identifiers say (records sharing a PMID, DOI or PMCID are one work); the matcher sees no identifier at all, so it must
    /// find each group from titles, authors and bibliographic details alone.</summary>
    public static int Sample(string replay, TextWriter output)
    {
        var records = new List<Records.BibRecord>();
        foreach (var source in new[] { "pubmed", "ieee", "europepmc", "arxiv", "openalex" })
            foreach (var file in Directory.GetFiles(Path.Combine(replay, source)).Where(f => !f.EndsWith("expected.json", StringComparison.Ordinal) && !f.Contains("esearch", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                using var stream = File.OpenRead(file);
                records.AddRange(Sources.SourceFiles.Parse(source, stream).Records);
            }
        var parent = Enumerable.Range(0, records.Count).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        var byId = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < records.Count; i++)
            foreach (var id in new[] { "pmid:" + records[i].Pmid, "doi:" + records[i].Doi, "pmcid:" + records[i].Pmcid }.Where(x => !x.EndsWith(':')))
                if (byId.TryGetValue(id, out var j)) parent[Find(i)] = Find(j); else byId[id] = i;
        var truth = Enumerable.Range(0, records.Count).GroupBy(Find).Where(g => g.Count() > 1)
            .Select(g => (IReadOnlyList<string>)g.Select(i => records[i].Key).ToList()).ToList();
        var blind = records.Select(r => DedupRecord.From(r) with { Doi = null }).ToList();
        var clock = Stopwatch.StartNew();
        var found = Deduplicator.Find(blind);
        var groups = found.Groups;
        var score = DedupEvaluation.Score(blind.Count, truth, groups, clock.Elapsed.TotalSeconds);
        output.WriteLine($"replay sample, identifiers hidden: {score.Records} records, {score.GroupsTrue} true groups ({score.PairsTrue} pairs); found {score.GroupsFound} groups ({score.PairsFound} pairs)");
        output.WriteLine($"precision {score.Precision:0.0000}, recall {score.Recall:0.0000}, false-positive pairs {score.FalsePositivePairs}, pairs for a person {found.ReviewPairs}");
        var foundPairs = groups.SelectMany(g => g.SelectMany(a => g.Where(b => string.CompareOrdinal(a, b) < 0).Select(b => (a, b)))).ToHashSet();
        var byKey = blind.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var g in truth)
            foreach (var a in g)
                foreach (var b in g.Where(b => string.CompareOrdinal(a, b) < 0))
                    if (!foundPairs.Contains((a, b)))
                        output.WriteLine($"  the same by identifiers, not found: {Describe(byKey[a])} || {Describe(byKey[b])}");
        var truthPairs = truth.SelectMany(g => g.SelectMany(a => g.Where(b => string.CompareOrdinal(a, b) < 0).Select(b => (a, b)))).ToHashSet();
        foreach (var g in groups)
            foreach (var a in g)
                foreach (var b in g.Where(b => string.CompareOrdinal(a, b) < 0))
                    if (!truthPairs.Contains((a, b))) output.WriteLine($"  merged but not the same by identifiers: {a} {b}");
        return 0;
    }

    private static string Describe(DedupRecord r) =>
        $"{r.Id}: {r.Title[..Math.Min(90, r.Title.Length)]} | {r.Authors[..Math.Min(40, r.Authors.Length)]} | {r.Year} | {r.Venue} {r.Volume}({r.Number}) {r.Pages}";

    private static string Shift(string pages, int by)
    {
        var first = Normalise.FirstPage(pages);
        return int.TryParse(first, out var p) ? (p + by).ToString(CultureInfo.InvariantCulture) : pages;
    }
}
