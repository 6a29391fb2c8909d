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
        var records = new List<DedupRecord>(target);
        var truth = new List<IReadOnlyList<string>>();
        for (var copy = 0; records.Count < target; copy++)
        {
            // Three changed title words per work (the same change for every record of that work), plus a new volume and pages.
            var workChange = new Dictionary<string, (int Index, string Word)[]>();
            foreach (var r in baseRecords)
            {
                if (records.Count >= target) break;
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
        var present = records.Select(r => r.Id).ToHashSet();
        truth = truth.Select(g => (IReadOnlyList<string>)g.Where(present.Contains).ToList()).Where(g => g.Count > 1).ToList();
        GC.Collect();
        var clock = Stopwatch.StartNew();
        var groups = Deduplicator.FindGroups(records);
        clock.Stop();
        var score = DedupEvaluation.Score(records.Count, truth, groups, clock.Elapsed.TotalSeconds);
        output.WriteLine($"dedup: {score.Records} records in {score.Seconds:0.00} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB");
        output.WriteLine($"groups true {score.GroupsTrue}, found {score.GroupsFound}; precision {score.Precision:0.0000}, recall {score.Recall:0.0000}, false-positive pairs {score.FalsePositivePairs}");
        return 0;
    }

    private static string Shift(string pages, int by)
    {
        var first = Normalise.FirstPage(pages);
        return int.TryParse(first, out var p) ? (p + by).ToString(CultureInfo.InvariantCulture) : pages;
    }
}
