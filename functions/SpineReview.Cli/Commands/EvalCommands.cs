using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SpineReview.Dedup;
using SpineReview.Extraction.Evaluation;
using SpineReview.Screening.Evaluation;

namespace SpineReview.Cli.Commands;

/// <summary>`eval`: score a stage on a benchmark. Needs no storage.</summary>
internal static class EvalCommands
{
    public static Command Create(Runner runner)
    {
        var command = new CliCommand("eval", "score a stage on a benchmark: eval dedup | eval screening | eval extraction", """
            Usage: spine-review eval dedup --records FILE --truth FILE [--json] [--found FILE]
                   spine-review eval screening --dataset FILE|FOLDER [--runs N] [--seed S] [--json]
                   spine-review eval extraction --gold FILE [--json] [--misses]

            eval screening simulates prioritised screening of a labelled dataset (an ASReview CSV with title,
            abstract and label_included; or a SYNERGY folder with labels.csv and works_*.zip): each run starts from
            one random inclusion and one random exclusion, retrains after every label and screens the
            highest-ranked record next. Prints WSS@95, WSS@100 and RRF@10 (means over runs, default 10) for the
            project's model and for a TF-IDF + naive Bayes baseline run the same way.

            eval extraction screens each record of a gold JSONL file (the protocol's format) with the rules the cycle
            uses, extracts the form from its text, and scores eligibility, exclusion reasons and every field (set fields
            by micro precision/recall/F1 over the eligible records; numbers and yes/no fields by exact match).

            eval dedup deduplicates a benchmark (the bib-dedupe CSV or the ASySD CSV) and scores the groups found against its
            ground truth (one group per line, ids joined by ';', header merged_ids). Pairs are unordered pairs of
            records placed in one group. Needs no storage.
            """);
        command.Add(Dedup(runner));
        command.Add(Screening(runner));
        command.Add(Extraction(runner));
        return command;
    }

    private static Option<bool> Json() => Syntax.Flag("--json", "one JSON object on standard output, nothing else");

    private static Option<string?> ExistingFile(string name, string description)
    {
        var option = Syntax.Value(name, "FILE", description);
        Syntax.Check(option, Syntax.NoSuchFile);
        return option;
    }

    private static CliCommand Dedup(Runner runner)
    {
        var (records, truth) = (ExistingFile("--records", "the benchmark's records: a bib-dedupe or ASySD CSV"), ExistingFile("--truth", "its ground truth: one group per line, ids joined by ';'"));
        var json = Json();
        var found = Syntax.Value("--found", "FILE", "also write the groups found, in the truth file's format, to inspect them");
        var command = new CliCommand("dedup", "deduplicate a benchmark and score it against its ground truth",
            "Usage: spine-review eval dedup --records FILE --truth FILE [--json] [--found FILE]\n\nDeduplicates a benchmark and scores the groups found: precision, recall and F1 over pairs.")
            { records, truth, json, found };
        Syntax.Require(command, records, "needs --records FILE");
        Syntax.Require(command, truth, "needs --truth FILE");
        runner.HandleOffline(command, async (p, c) =>
        {
            if (p.GetValue(found) is { } target) OutputFiles.Check("--found", target);
            var all = DedupFiles.ReadRecords(p.GetValue(records)!);
            var groupsTrue = DedupFiles.ReadTruth(p.GetValue(truth)!, all);
            var clock = Stopwatch.StartNew();
            var groups = await c.ComputeAsync(() => Deduplicator.FindGroups(all));
            clock.Stop();
            var score = DedupEvaluation.Score(all.Count, groupsTrue, groups, clock.Elapsed.TotalSeconds);
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
                $"{score.FalsePositivePairs} false-positive pairs, {score.Seconds:0.000} s");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Screening(Runner runner)
    {
        var dataset = Syntax.Value("--dataset", "FILE|FOLDER", "an ASReview CSV, or a SYNERGY folder (labels.csv and works_*.zip)");
        Syntax.Check(dataset, d => File.Exists(d) || Directory.Exists(d) ? null : $"--dataset {d}: no such file or folder");
        var runs = Syntax.Number("--runs", "N", 1, 1000, "simulated runs per model (default 10)");
        var seed = Syntax.Number("--seed", "S", 0, int.MaxValue, "seed of the first run (default 1)");
        var json = Json();
        var command = new CliCommand("screening", "simulate prioritised screening of a labelled dataset",
            "Usage: spine-review eval screening --dataset FILE|FOLDER [--runs N] [--seed S] [--json]\n\nWSS@95, WSS@100 and RRF@10 of the project's model and of a TF-IDF + naive Bayes baseline (eval --help says how).")
            { dataset, runs, seed, json };
        Syntax.Require(command, dataset, "needs --dataset FILE (an ASReview CSV) or FOLDER (a SYNERGY dataset)");
        runner.HandleOffline(command, async (p, c) =>
        {
            var (n, asJson) = (p.GetValue(runs) ?? 10, p.GetValue(json));
            IReadOnlyList<LabelledRecord> data;
            try { data = ScreeningDataset.Read(p.GetValue(dataset)!); }
            catch (FormatException e) { throw new InvalidDataException(e.Message, e); }
            if (!asJson) await c.Err.WriteLineAsync($"eval screening: {data.Count} records, {data.Count(d => d.Included)} included; {n} runs per model");
            var result = await c.ComputeAsync(() => ScreeningEvaluation.Evaluate(data, n, p.GetValue(seed) ?? 1, asJson ? null : c.Progress));
            var (m, b) = (result.Project, result.Baseline);
            if (asJson)
            {
                await c.Out.WriteLineAsync(JsonSerializer.Serialize(new ScreeningEvalJson(result.Records, result.Included, result.Runs, m.Wss95, m.Wss100, m.Rrf10,
                    m.ScreenedAt95, m.Name, m.Wss95PerRun, new BaselineJson(b.Name, b.Wss95, b.Wss100, b.Rrf10, b.ScreenedAt95, b.Wss95PerRun), result.Seconds),
                    CliJson.Screening.GetTypeInfo(typeof(ScreeningEvalJson))));
                return ExitCodes.Success;
            }
            await c.Out.WriteLineAsync($"{"model",-62} {"WSS@95",7} {"WSS@100",8} {"RRF@10",7} {"screened at 95%",16}");
            foreach (var x in new[] { m, b })
                await c.Out.WriteLineAsync(FormattableString.Invariant($"{x.Name,-62} {x.Wss95,7:P1} {x.Wss100,8:P1} {x.Rrf10,7:P1} {x.ScreenedAt95,16:0}"));
            await c.Out.WriteLineAsync(FormattableString.Invariant(
                $"eval screening done: {result.Records} records, {result.Included} included, {n} runs; WSS@95 {m.Wss95:P1} against the baseline's {b.Wss95:P1}, {result.Seconds:0.0} s"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Extraction(Runner runner)
    {
        var gold = ExistingFile("--gold", "the protocol's gold JSONL");
        var json = Json();
        var misses = Syntax.Flag("--misses", "also list every wrong or missed value");
        var command = new CliCommand("extraction", "screen and extract a gold JSONL file and score every field",
            "Usage: spine-review eval extraction --gold FILE [--json] [--misses]\n\nScores eligibility, exclusion reasons and every field of the form (eval --help says how).")
            { gold, json, misses };
        Syntax.Require(command, gold, "needs --gold FILE (the protocol's gold JSONL)");
        runner.HandleOffline(command, async (p, c) =>
        {
            IReadOnlyList<GoldRecord> records;
            try { records = GoldSet.Read(p.GetValue(gold)!); }
            catch (FormatException bad) { throw new InvalidDataException(bad.Message, bad); }
            var score = await c.ComputeAsync(() => ExtractionEvaluation.Score(records));
            if (p.GetValue(json))
            {
                await c.Out.WriteLineAsync(ExtractionJson(score));
                return ExitCodes.Success;
            }
            var e = score.Eligibility;
            await c.Out.WriteLineAsync(FormattableString.Invariant($"eligibility (rules): precision {e.Precision:0.000}, recall {e.Recall:0.000}, accuracy {e.Accuracy:0.000}; exclusion reason right {score.ExclusionReasonAccuracy:0.000}"));
            foreach (var (name, set) in score.SetFields.OrderBy(x => x.Key, StringComparer.Ordinal))
                await c.Out.WriteLineAsync(FormattableString.Invariant($"{name,-20} precision {set.Precision:0.000}  recall {set.Recall:0.000}  F1 {set.F1:0.000}"));
            foreach (var (name, exact) in score.ExactFields.OrderBy(x => x.Key, StringComparer.Ordinal))
                await c.Out.WriteLineAsync(FormattableString.Invariant($"{name,-20} accuracy {exact.Accuracy:0.000} ({exact.Right} of {exact.Records})"));
            if (p.GetValue(misses))
                foreach (var miss in score.Misses) await c.Out.WriteLineAsync("  " + miss);
            await c.Out.WriteLineAsync($"eval extraction done: {score.Records} records ({records.Count(g => g.Eligible)} eligible), {score.Misses.Count} wrong or missed values");
            return ExitCodes.Success;
        });
        return command;
    }

    // The object ../shared/design/INTERFACES.md names, fields in its order.
    private static string ExtractionJson(ExtractionScore score)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("records", score.Records);
            w.WriteStartObject("eligibility");
            w.WriteNumber("precision", score.Eligibility.Precision);
            w.WriteNumber("recall", score.Eligibility.Recall);
            w.WriteNumber("accuracy", score.Eligibility.Accuracy);
            w.WriteEndObject();
            w.WriteNumber("exclusion_reason_accuracy", score.ExclusionReasonAccuracy);
            w.WriteStartObject("fields");
            foreach (var name in new[] { "modality", "region", "condition", "task", "architectures", "subjects", "images", "external_validation", "metrics", "code_available" })
            {
                w.WriteStartObject(name);
                // Set fields by precision/recall/F1, the others by accuracy; zeros when the file has no eligible record to score.
                if (name is "modality" or "region" or "task" or "architectures" or "metrics")
                {
                    var set = score.SetFields.GetValueOrDefault(name);
                    w.WriteNumber("precision", set?.Precision ?? 0);
                    w.WriteNumber("recall", set?.Recall ?? 0);
                    w.WriteNumber("f1", set?.F1 ?? 0);
                }
                else w.WriteNumber("accuracy", score.ExactFields.GetValueOrDefault(name)?.Accuracy ?? 0);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
