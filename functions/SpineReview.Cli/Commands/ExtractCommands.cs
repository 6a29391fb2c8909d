using System.CommandLine;
using SpineReview.Extraction;

namespace SpineReview.Cli.Commands;

/// <summary>`extract`: the charting form of every queued record; a study's form, people's corrections, re-extraction.</summary>
internal static class ExtractCommands
{
    public static Command Create(Runner runner)
    {
        var command = new CliCommand("extract", "fill the extraction form; show, correct, re-extract", """
            Usage: spine-review extract                              extract every queued record
                   spine-review extract show KEY                     one study's form: values, evidence, corrections
                   spine-review extract correct KEY FIELD [VALUE ...] [--note TEXT]
                   spine-review extract rerun                        re-extract studies made by an older extractor version
                   spine-review extract accuracy                     per field: automatic values against people's corrections

            A correction wins over the automatic value and survives re-extraction; no VALUE means "not reported".
            You are the reviewer named by setting Screening__Reviewer. Fields: modality, mriSequence, region,
            condition, application, task, dlMethod, architectures, subjects, images, datasetOrigin, datasetNames,
            split, crossValidation, externalValidation, metrics, codeAvailable, codeUrl, country, industry.
            """);
        runner.Handle(command, (_, c) => CycleCommand.DrainAsync(c, "extract"));
        command.Add(Show(runner));
        command.Add(Correct(runner));
        command.Add(Rerun(runner));
        command.Add(Accuracy(runner));
        return command;
    }

    private static Argument<string> Key() => Syntax.Word("KEY", "the study's record, e.g. pubmed:12345678");

    private static CliCommand Show(Runner runner)
    {
        var key = Key();
        var command = new CliCommand("show", "one study's form: values, evidence, corrections", """
            Usage: spine-review extract show KEY

            Prints every field of the study's charting form: the automatic value with up to two quotes of its evidence,
            and a person's correction where there is one.
            """) { key };
        runner.Handle(command, async (p, c) =>
        {
            var record = p.GetValue(key)!;
            var fields = await c.Get<ExtractionStore>().GetAsync(record, c.Cancellation);
            if (fields.Count == 0) throw new KeyNotFoundException($"no extracted form is stored for {record} (extract runs on records that passed the rules)");
            foreach (var name in FormExtractor.Fields.Where(fields.ContainsKey))
            {
                var f = fields[name];
                var auto = string.Join(", ", f.Automatic.Distinct);
                await c.Out.WriteLineAsync($"{name,-19} {(auto.Length == 0 ? "-" : auto)}{(f.Correction is { } k ? $"   corrected by {k.By} on {k.At:yyyy-MM-dd}: {(k.Values.Count == 0 ? "not reported" : string.Join(", ", k.Values))}" : "")}");
                foreach (var v in f.Automatic.Values.Where(v => v.Evidence.Length > 0).Take(2))
                    await c.Out.WriteLineAsync($"{"",19}   \"{v.Evidence}\"");
            }
            await c.Out.WriteLineAsync($"extract show done: {fields.Count} fields of {record}, {fields.Values.Count(f => f.Correction is not null)} corrected, extractor {fields.Values.First().Automatic.ExtractorVersion}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Correct(Runner runner)
    {
        var key = Key();
        var field = Syntax.Word("FIELD", "the form's field, e.g. subjects or modality (extract --help lists them)");
        var values = new Argument<string[]>("VALUE") { Arity = ArgumentArity.ZeroOrMore, Description = "the right values; none means \"not reported\"" };
        var note = Syntax.Value("--note", "TEXT", "a note kept with the correction");
        var command = new CliCommand("correct", "a person's correction of one field", """
            Usage: spine-review extract correct KEY FIELD [VALUE ...] [--note TEXT]

            A correction wins over the automatic value and survives re-extraction; no VALUE means "not reported".
            You are the reviewer named by setting Screening__Reviewer.
            """) { key, field, values, note };
        runner.Handle(command, async (p, c) =>
        {
            var reviewer = c.Reviewer("correcting");
            var (record, name) = (p.GetValue(key)!, p.GetValue(field)!);
            var correction = await c.Get<ExtractionService>().CorrectAsync(reviewer, record, name, p.GetValue(values) ?? [], p.GetValue(note), c.Cancellation);
            await c.Out.WriteLineAsync($"extract correct done: {name} of {record} set to {(correction.Values.Count == 0 ? "not reported" : string.Join(", ", correction.Values))} by {reviewer}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Rerun(Runner runner)
    {
        var command = new CliCommand("rerun", "re-extract studies made by an older extractor version", """
            Usage: spine-review extract rerun

            Re-extracts every study whose form an older extractor version made; people's corrections are kept.
            """);
        runner.Handle(command, async (_, c) =>
        {
            var (done, current) = await c.Get<ExtractionService>().ReextractAsync(c.Progress, c.Cancellation);
            await c.Out.WriteLineAsync($"extract rerun done: {done} studies re-extracted with {FormExtractor.Version}, {current} already current; corrections kept");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Accuracy(Runner runner)
    {
        var command = new CliCommand("accuracy", "per field: automatic values against people's corrections", """
            Usage: spine-review extract accuracy

            Per field, over the values people corrected: the share where the correction equals the automatic value
            (a person confirmed it).
            """);
        runner.Handle(command, async (_, c) =>
        {
            var accuracy = ExtractionService.Accuracy((await c.Get<ExtractionStore>().ListStoredAsync(c.Cancellation)).Values.SelectMany(f => f));
            foreach (var x in accuracy)
                await c.Out.WriteLineAsync(FormattableString.Invariant($"{x.Field,-19} {x.Accuracy,7:P1}  ({x.Right} of {x.Checked} checked by people)"));
            await c.Out.WriteLineAsync($"extract accuracy done: {accuracy.Sum(x => x.Checked)} fields checked by people across {accuracy.Count} fields");
            return ExitCodes.Success;
        });
        return command;
    }
}
