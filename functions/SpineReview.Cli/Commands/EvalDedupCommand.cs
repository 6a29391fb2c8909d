using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpineReview.Dedup;

namespace SpineReview.Cli.Commands;

/// <summary>`eval dedup`: deduplicate a benchmark, or every benchmark under a folder, and score the groups found.</summary>
internal static class EvalDedupCommand
{
    public static CliCommand Create(Runner runner)
    {
        var (records, truth) = (EvalCommands.ExistingFile("--records", "the benchmark's records: a bib-dedupe or ASySD CSV"),
            EvalCommands.ExistingFile("--truth", "its ground truth: one group per line, ids joined by ';'"));
        var panel = Syntax.Value("--panel", "DIR", "score every benchmark under DIR (each folder with a records CSV and a truth CSV named merged…)");
        Syntax.Check(panel, d => Directory.Exists(d) ? null : $"--panel {d}: no such folder");
        var json = EvalCommands.Json();
        var found = Syntax.Value("--found", "FILE", "also write the groups found, in the truth file's format, to inspect them");
        var command = new CliCommand("dedup", "deduplicate a benchmark and score it against its ground truth",
            "Usage: spine-review eval dedup --records FILE --truth FILE [--json] [--found FILE]\n       spine-review eval dedup --panel DIR [--json]\n\n" +
            "Deduplicates a benchmark and scores the groups found: precision, recall and F1 over pairs, and the pairs left to a person.")
            { records, truth, panel, json, found };
        command.Validators.Add(r =>
        {
            var one = r.GetResult(records) is not null || r.GetResult(truth) is not null || r.GetResult(found) is not null;
            if (r.GetResult(panel) is not null && one) r.AddError("--panel DIR scores every benchmark under DIR: give it without --records, --truth or --found");
            else if (r.GetResult(panel) is null && (r.GetResult(records) is null || r.GetResult(truth) is null))
                r.AddError("needs --records FILE and --truth FILE (one benchmark), or --panel DIR (every benchmark under DIR)");
        });
        runner.HandleOffline(command, async (p, c) =>
        {
            if (p.GetValue(panel) is { } dir) return await PanelAsync(dir, p.GetValue(json), c);
            if (p.GetValue(found) is { } target) OutputFiles.Check("--found", target);
            var (score, groups) = await ScoreAsync(p.GetValue(records)!, p.GetValue(truth)!, c);
            if (p.GetValue(found) is { } path)
            {
                var lines = groups.Select(g => "\"" + string.Join(';', g.Order(StringComparer.Ordinal)) + "\"").Prepend("merged_ids");
                await OutputFiles.WriteAsync("--found", path, Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), c.Cancellation);
            }
            if (p.GetValue(json))
            {
                await c.Out.WriteLineAsync(JsonSerializer.Serialize(score, EvalJsonContext.Default.DedupScore));
                return ExitCodes.Success;
            }
            await c.Out.WriteLineAsync($"records {score.Records}; true groups {score.GroupsTrue} ({score.PairsTrue} pairs); found groups {score.GroupsFound} ({score.PairsFound} pairs)");
            await c.Out.WriteLineAsync($"eval dedup done: precision {score.Precision:0.0000}, recall {score.Recall:0.0000}, F1 {score.F1:0.0000}, " +
                $"{score.FalsePositivePairs} false-positive pairs, {score.ReviewPairs} pairs for a person, {score.Seconds:0.000} s");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<(DedupScore Score, List<List<string>> Groups)> ScoreAsync(string records, string truth, CommandContext c)
    {
        var all = DedupFiles.ReadRecords(records);
        var groupsTrue = DedupFiles.ReadTruth(truth, all);
        var clock = Stopwatch.StartNew();
        var found = await c.ComputeAsync(() => Deduplicator.Find(all));
        clock.Stop();
        return (DedupEvaluation.Score(all.Count, groupsTrue, found.Groups, clock.Elapsed.TotalSeconds) with { ReviewPairs = found.ReviewPairs }, found.Groups);
    }

    // One row per benchmark; --json gives {"sets":[{"set":NAME, …the fields of eval dedup --json…}], …} with the totals.
    private static async Task<int> PanelAsync(string dir, bool asJson, CommandContext c)
    {
        var sets = DedupEvaluation.Panel(dir);
        var rows = new List<(string Name, DedupScore Score)>();
        foreach (var set in sets)
        {
            if (!asJson) await c.Err.WriteLineAsync($"eval dedup: {set.Name}");
            rows.Add((set.Name, (await ScoreAsync(set.Records, set.Truth, c)).Score));
        }
        var (fp, review, worst) = (rows.Sum(r => r.Score.FalsePositivePairs), rows.Sum(r => r.Score.ReviewPairs), rows.Min(r => r.Score.Recall));
        if (asJson)
        {
            var array = new JsonArray();
            foreach (var (name, score) in rows)
            {
                var row = (JsonObject)JsonSerializer.SerializeToNode(score, EvalJsonContext.Default.DedupScore)!;
                row.Insert(0, "set", name);
                array.Add((JsonNode)row);
            }
            var all = new JsonObject { ["sets"] = array, ["false_positive_pairs"] = fp, ["min_recall"] = worst, ["review_pairs"] = review };
            await c.Out.WriteLineAsync(all.ToJsonString());
            return ExitCodes.Success;
        }
        await c.Out.WriteLineAsync($"{"set",-32} {"records",8} {"pairs",7} {"found",7} {"false+",7} {"recall",8} {"person",7}");
        foreach (var (name, s) in rows)
            await c.Out.WriteLineAsync(FormattableString.Invariant($"{name,-32} {s.Records,8} {s.PairsTrue,7} {s.TruePositivePairs,7} {s.FalsePositivePairs,7} {s.Recall,8:0.0000} {s.ReviewPairs,7}"));
        await c.Out.WriteLineAsync(FormattableString.Invariant($"eval dedup done: {rows.Count} benchmarks, {fp} false-positive pairs in all, lowest recall {worst:0.0000}, {review} pairs for a person"));
        return ExitCodes.Success;
    }
}
