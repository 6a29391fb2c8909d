using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SpineReview.Screening.Evaluation;

namespace SpineReview.Cli.Commands;

/// <summary>`eval screening` (one set, or a panel of sets beside the peers) and `eval stopping` (the stopping rule simulated on a panel).</summary>
internal static class EvalScreeningCommands
{
    private static Option<bool> Json() => Syntax.Flag("--json", "one JSON object on standard output, nothing else");

    private static Option<string?> Panel(string what)
    {
        var panel = Syntax.Value("--panel", "DIR", $"a folder of labelled sets, searched recursively: ASReview CSVs and SYNERGY folders; {what}");
        Syntax.Check(panel, d => Directory.Exists(d) ? null : $"--panel {d}: no such folder (give the folder that holds the labelled sets)");
        return panel;
    }

    public static CliCommand Screening(Runner runner)
    {
        var dataset = Syntax.Value("--dataset", "FILE|FOLDER", "an ASReview CSV, or a SYNERGY folder (labels.csv and works_*.zip)");
        Syntax.Check(dataset, d => File.Exists(d) || Directory.Exists(d) ? null : $"--dataset {d}: no such file or folder");
        var panel = Panel("one row per set and the mean, the project's model beside each peer");
        var runs = Syntax.Number("--runs", "N", 1, 1000, "simulated runs per model (default 10)");
        var seed = Syntax.Number("--seed", "S", 0, int.MaxValue, "seed of the first run (default 1)");
        var json = Json();
        var command = new CliCommand("screening", "simulate prioritised screening of a labelled dataset, or of every set in a panel",
            "Usage: spine-review eval screening --dataset FILE|FOLDER [--runs N] [--seed S] [--json]\n" +
            "       spine-review eval screening --panel DIR [--runs N] [--seed S] [--json]\n\n" +
            "WSS@95, WSS@100 and RRF@10 of the project's model and of a TF-IDF + naive Bayes baseline (eval --help says how).\n" +
            "With --panel: every set under DIR, one row per set and the mean, for the project's model and each peer (TF-IDF +\n" +
            "naive Bayes with double balance; TF-IDF words and bigrams + balanced linear SVM; TF-IDF + balanced logistic\n" +
            "regression), all with the same seeds, starting records and retraining. A set that cannot be screened by text\n" +
            "(no titles and abstracts) is listed as skipped, with why.")
            { dataset, panel, runs, seed, json };
        command.Validators.Add(r =>
        {
            if ((r.GetResult(dataset) is null) == (r.GetResult(panel) is null))
                r.AddError("needs --dataset FILE|FOLDER (one labelled set) or --panel DIR (every set in a folder), one of the two");
        });
        runner.HandleOffline(command, async (p, c) =>
        {
            var (n, asJson, first) = (p.GetValue(runs) ?? 10, p.GetValue(json), p.GetValue(seed) ?? 1);
            if (p.GetValue(panel) is not { } folder) return await EvalCommands.ScreeningOneAsync(p.GetValue(dataset)!, n, first, asJson, c);
            await c.Err.WriteLineAsync($"eval screening: the sets under {folder}; {n} runs per model and set; models: " +
                string.Join(", ", ScreeningPanel.Models.Select(m => $"{m.Id} ({m.Spec.Name})")));
            var result = await c.ComputeAsync(() => ScreeningPanel.Run(folder, n, first, c.Progress));
            if (result.Sets.Count == 0)
                throw new InvalidDataException($"{folder}: no usable labelled set (an ASReview CSV with title, abstract and label_included, or a SYNERGY folder); " +
                    (result.Skipped.Count == 0 ? "none found" : $"skipped: {string.Join("; ", result.Skipped.Select(s => $"{s.Name}: {s.Reason}"))}"));
            if (asJson)
            {
                await c.Out.WriteLineAsync(JsonSerializer.Serialize(result, EvalJsonContext.Default.PanelResult));
                return ExitCodes.Success;
            }
            var ids = ScreeningPanel.Models.Select(m => m.Id).ToList();
            await c.Out.WriteLineAsync($"{"WSS@95 (WSS@100, RRF@10)",-40}" + string.Concat(ids.Select(i => $"{i,24}")));
            string Cell(PanelFigures f) => FormattableString.Invariant($"{f.Wss95:0.000} ({f.Wss100:0.00}, {f.Rrf10:0.00})");
            foreach (var row in result.Sets)
                await c.Out.WriteLineAsync($"{row.Name,-40}" + string.Concat(row.Models.Select(f => $"{Cell(f),24}")));
            await c.Out.WriteLineAsync($"{"mean",-40}" + string.Concat(result.Mean.Select(f => $"{Cell(f),24}")));
            foreach (var s in result.Skipped) await c.Out.WriteLineAsync($"skipped {s.Name}: {s.Reason}");
            var project = result.Mean[0];
            var bestPeer = result.Mean.Skip(1).MaxBy(m => m.Wss95)!;
            var worst = result.Sets.MinBy(r => r.Models[0].Wss95 - r.Models.Skip(1).Max(m => m.Wss95))!;
            await c.Out.WriteLineAsync(FormattableString.Invariant(
                $"eval screening done: {result.Sets.Count} sets ({result.Skipped.Count} skipped), {n} runs; mean WSS@95 project {project.Wss95:0.000}, best peer {bestPeer.Id} {bestPeer.Wss95:0.000}; ") +
                FormattableString.Invariant($"worst set against its best peer: {worst.Name} {worst.Models[0].Wss95 - worst.Models.Skip(1).Max(m => m.Wss95):+0.000;-0.000}; {result.Seconds:0} s"));
            return ExitCodes.Success;
        });
        return command;
    }

    public static CliCommand Stopping(Runner runner)
    {
        var panel = Panel("the rule is simulated on each");
        var runs = Syntax.Number("--runs", "N", 1, 1000, "simulated reviews per set (default 10)");
        var seed = Syntax.Number("--seed", "S", 0, int.MaxValue, "seed of the first run (default 1)");
        var target = new Option<double?>("--target")
        {
            HelpName = "R",
            Description = "the recall to claim with 95% confidence (default 0.95)",
            CustomParser = r =>
            {
                var v = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t is > 0 and < 1) return t;
                r.AddError($"--target takes a share above 0 and below 1, such as 0.95, not '{v}'");
                return null;
            },
        };
        var json = Json();
        var command = new CliCommand("stopping", "simulate the stopping rule on every set of a panel",
            "Usage: spine-review eval stopping --panel DIR [--runs N] [--seed S] [--target R] [--json]\n\n" +
            "Each run screens in the project's ranked order until a stretch of records (5% of the set, at least 20) brings\n" +
            "no inclusion, then screens random records from the rest until a hypergeometric test rejects \"recall below the\n" +
            "target\" at 95% confidence (Callaghan and Mueller-Hansen 2020). Per set: the share of runs whose true recall at the\n" +
            "stop reached the target, the mean true recall, the records screened against screening everything, and, beside it,\n" +
            "the status's probability-sum estimate when ranked screening ended.")
            { panel, runs, seed, target, json };
        Syntax.Require(command, panel, "needs --panel DIR (a folder of labelled sets)");
        runner.HandleOffline(command, async (p, c) =>
        {
            var (folder, n, goal, asJson) = (p.GetValue(panel)!, p.GetValue(runs) ?? 10, p.GetValue(target) ?? 0.95, p.GetValue(json));
            await c.Err.WriteLineAsync(FormattableString.Invariant($"eval stopping: the sets under {folder}; {n} runs per set; target recall {goal:0.00} at 95% confidence"));
            var result = await c.ComputeAsync(() => StoppingSimulation.RunPanel(folder, n, p.GetValue(seed) ?? 1, goal, 0.95, c.Progress));
            if (result.Sets.Count == 0)
                throw new InvalidDataException($"{folder}: no usable labelled set; " +
                    (result.Skipped.Count == 0 ? "none found" : $"skipped: {string.Join("; ", result.Skipped.Select(s => $"{s.Name}: {s.Reason}"))}"));
            if (asJson)
            {
                await c.Out.WriteLineAsync(JsonSerializer.Serialize(result, EvalJsonContext.Default.StoppingPanelResult));
                return ExitCodes.Success;
            }
            await c.Out.WriteLineAsync($"{"set",-40} {"reached",8} {"recall",7} {"screened",9} {"ranked",7} {"sampled",8} {"at switch",10} {"p-sum est.",11}");
            foreach (var r in result.Sets.Append(result.Overall))
                await c.Out.WriteLineAsync(FormattableString.Invariant(
                    $"{r.Name,-40} {r.ReachedTarget,8:P0} {r.TrueRecall,7:0.000} {r.ScreenedShare,9:P0} {r.Ranked,7:0} {r.Sampled,8:0} {r.RecallAtSwitch,10:0.000} {(r.EstimateAtSwitch is { } e ? e.ToString("0.000", CultureInfo.InvariantCulture) : "-"),11}"));
            foreach (var s in result.Skipped) await c.Out.WriteLineAsync($"skipped {s.Name}: {s.Reason}");
            var o = result.Overall;
            await c.Out.WriteLineAsync(FormattableString.Invariant(
                $"eval stopping done: {o.Runs} runs on {result.Sets.Count} sets; true recall at the stop reached {goal:0.00} in {o.ReachedTarget:P1} of runs (mean {o.TrueRecall:0.000}); ") +
                FormattableString.Invariant($"{o.ScreenedShare:P0} of records screened at the stop against 100% for screening everything; the probability-sum estimate claimed the target while recall was below it in {o.EstimateOverclaims:P0} of runs; {result.Seconds:0} s"));
            return ExitCodes.Success;
        });
        return command;
    }
}
