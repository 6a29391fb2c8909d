using System.CommandLine;
using System.Text;
using SpineReview.Reporting;

namespace SpineReview.Cli.Commands;

/// <summary>`export`: the included studies with every charted field, as CSV or RIS.</summary>
internal static class ExportCommand
{
    public static Command Create(Runner runner)
    {
        var format = Syntax.Value("--format", "csv|ris", "CSV (RFC 4180) or RIS");
        Syntax.Check(format, f => f is "csv" or "ris" ? null : $"--format {f}: the formats are csv and ris");
        var output = Syntax.Value("--out", "FILE", "where to write the export");
        var provisional = Syntax.Flag("--provisional", "also the studies that passed the rules and are still being screened (status column)");
        var command = new CliCommand("export", "the included studies with their extracted fields, as CSV or RIS", """
            Usage: spine-review export --format csv|ris --out FILE [--provisional]

            Writes the studies reviewers have included, with every field of the charting form (people's corrections
            in place of automatic values). CSV follows RFC 4180 (cells that would run as spreadsheet formulas are
            written as text); RIS imports into reference managers, with the charted values as keywords and notes.
            """) { format, output, provisional };
        Syntax.Require(command, format, "needs --format csv or --format ris");
        Syntax.Require(command, output, "needs --out FILE");
        runner.Handle(command, async (p, c) =>
        {
            var (kind, all) = (p.GetValue(format)!, p.GetValue(provisional));
            OutputFiles.Check("--out", p.GetValue(output)!);
            var studies = await c.Get<ExportService>().StudiesAsync(all, c.Cancellation);
            var text = kind == "csv" ? Exports.Csv(studies) : Exports.Ris(studies);
            var full = await OutputFiles.WriteAsync("--out", p.GetValue(output)!, new UTF8Encoding(false).GetBytes(text), c.Cancellation);
            await c.Out.WriteLineAsync($"export done: {studies.Count(s => s.Status == ExportService.Included)} included{(all ? $" and {studies.Count(s => s.Status != ExportService.Included)} provisionally eligible" : "")} studies written to {full} ({kind})");
            return ExitCodes.Success;
        });
        return command;
    }
}
