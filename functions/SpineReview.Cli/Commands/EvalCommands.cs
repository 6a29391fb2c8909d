using System.CommandLine;
using System.Text;
using System.Text.Json;
using SpineReview.Extraction.Evaluation;
using SpineReview.Screening.Evaluation;

namespace SpineReview.Cli.Commands;

/// <summary>`eval`: score a stage on a benchmark. Needs no storage.</summary>
internal static class EvalCommands
{
    public static Command Create(Runner runner)
    {
        var command = new CliCommand("eval", "score a stage on a benchmark: eval dedup | eval screening | eval stopping | eval extraction", """
            Usage: spine-review eval dedup --records FILE --truth FILE [--json] [--found FILE]
                   spine-review eval dedup --panel DIR [--json]
                   spine-review eval screening --dataset FILE|FOLDER [--runs N] [--seed S] [--json]
                   spine-review eval screening --panel DIR [--runs N] [--seed S] [--json]
                   spine-review eval stopping --panel DIR [--runs N] [--seed S] [--target R] [--json]
                   spine-review eval extraction --gold FILE [--json] [--misses]

            eval screening simulates prioritised screening of a labelled dataset (an ASReview CSV with title,
            abstract and label_included; or a SYNERGY folder with labels.csv and works_*.zip): each run starts from
            one random inclusion and one random exclusion, retrains after every label and screens the
            highest-ranked record next. Prints WSS@95, WSS@100 and RRF@10 (means over runs, default 10) for the
            project's model and for a TF-IDF + naive Bayes baseline run the same way. With --panel DIR it runs every
            labelled set under DIR and puts the project's model beside each peer (eval screening --help names them).

            eval stopping simulates the stopping rule on every set of a panel: ranked screening, then a random sample
            of the rest until a hypergeometric test says recall reached the target with 95% confidence.

            eval extraction screens each record of a gold JSONL file (the protocol's format) with the rules the cycle
            uses, extracts the form from its text, and scores eligibility, exclusion reasons and every field (set fields
            by micro precision/recall/F1 over the eligible records; numbers and yes/no fields by exact match).

            eval dedup deduplicates a benchmark (the bib-dedupe CSV or the ASySD CSV) and scores the groups found against its
            ground truth (one group per line, ids joined by ';', header merged_ids). Pairs are unordered pairs of
            records placed in one group; pairs left to a person (possible duplicates) are counted beside them. With --panel
            DIR it scores every benchmark under DIR (a folder with a records CSV and a truth CSV named merged…), one row each.
            Needs no storage.
            """);
        command.Add(EvalDedupCommand.Create(runner));
        command.Add(EvalScreeningCommands.Screening(runner));
        command.Add(EvalScreeningCommands.Stopping(runner));
        command.Add(Extraction(runner));
        return command;
    }

    internal static Option<bool> Json() => Syntax.Flag("--json", "one JSON object on standard output, nothing else");

    internal static Option<string?> ExistingFile(string name, string description)
    {
        var option = Syntax.Value(name, "FILE", description);
        Syntax.Check(option, Syntax.NoSuchFile);
        return option;
    }

    /// <summary>`eval screening --dataset`: the project's model and the baseline on one labelled set.</summary>
    public static async Task<int> ScreeningOneAsync(string dataset, int n, int seed, bool asJson, CommandContext c)
    {
        IReadOnlyList<LabelledRecord> data;
        try { data = ScreeningDataset.Read(dataset); }
        catch (FormatException e) { throw new InvalidDataException(e.Message, e); }
        if (!asJson) await c.Err.WriteLineAsync($"eval screening: {data.Count} records, {data.Count(d => d.Included)} included; {n} runs per model");
        var result = await c.ComputeAsync(() => ScreeningEvaluation.Evaluate(data, n, seed, asJson ? null : c.Progress));
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
