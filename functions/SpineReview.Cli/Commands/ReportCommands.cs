using System.CommandLine;
using System.Globalization;
using SpineReview.Reporting;

namespace SpineReview.Cli.Commands;

/// <summary>`report`: regenerate the report now; list the stored versions; fetch one.</summary>
internal static class ReportCommands
{
    public static Command Create(Runner runner)
    {
        var output = Syntax.Value("--out", "FILE", "also write the PDF to FILE");
        var command = new CliCommand("report", "regenerate the report now; list the versions; fetch one", """
            Usage: spine-review report [--out FILE]          build the report from what is stored
                   spine-review report list                  every version: number, created, data cut-off, counts, size, SHA-256
                   spine-review report get VERSION --out FILE   write one version's PDF (VERSION as 1.4.2, or latest)

            A new version is made only when something changed; its number is MAJOR.MINOR.PATCH: MAJOR when what
            decides eligibility changed, MINOR when the studies shown or included changed, PATCH otherwise.
            Every version is kept in blob storage with its manifest; latest.pdf is the newest.
            """) { output };
        runner.Handle(command, async (p, c) =>
        {
            if (p.GetValue(output) is { } target) OutputFiles.Check("--out", target);
            var generated = await c.Get<ReportService>().GenerateAsync(c.Cancellation);
            var m = generated.Manifest;
            // The bytes this run made or found unchanged, not whatever latest.pdf holds by the time they are written.
            var written = p.GetValue(output) is { } path ? await OutputFiles.WriteAsync("--out", path, generated.Pdf, c.Cancellation) : null;
            await c.Out.WriteLineAsync($"report done: {(generated.Unchanged ? "nothing changed, still " : "")}version {m.Version}{(generated.Unchanged ? "" : $" ({m.Change})")}, {m.Pages} pages, {m.Size} bytes, " +
                $"{m.Counts.Included} included, {m.Counts.Provisional} provisionally eligible, {m.Counts.NewInThisVersion} new{(written is null ? "" : $"; written to {written}")}");
            return ExitCodes.Success;
        });
        command.Add(List(runner));
        command.Add(Get(runner));
        return command;
    }

    private static CliCommand List(Runner runner)
    {
        var command = new CliCommand("list", "every version with its counts, size and SHA-256", """
            Usage: spine-review report list

            Every stored version: number, created, data cut-off, counts, pages, size and the start of its SHA-256.
            """);
        runner.Handle(command, async (_, c) =>
        {
            var versions = await c.Get<ReportService>().ListAsync(c.Cancellation);
            await c.Out.WriteLineAsync("version  created           data cut-off  identified  included  provisional  new  pages  bytes      sha256");
            foreach (var v in versions)
                await c.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{v.Version,-8} {v.Created.UtcDateTime,-17:yyyy-MM-dd HH:mm} {v.DataCutoff,-13:yyyy-MM-dd} {v.Identified,10}  {v.Included,8}  {v.Provisional,11}  {v.NewInThisVersion,3}  {v.Pages,5}  {v.Size,-9}  {(v.Sha256.Length > 16 ? v.Sha256[..16] + "…" : v.Sha256)}"));
            await c.Out.WriteLineAsync($"report list done: {versions.Count} version{(versions.Count == 1 ? "" : "s")}{(versions.Count > 0 ? $", latest {versions[^1].Version}" : "")}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Get(Runner runner)
    {
        var version = Syntax.Word("VERSION", "MAJOR.MINOR.PATCH (for example 1.4.2), or latest");
        Syntax.Check(version, v => v == "latest" || ReportVersion.TryParse(v, out _)
            ? null
            : $"'{v}' is not a report version: give MAJOR.MINOR.PATCH (for example 1.4.2) or latest; 'spine-review report list' shows them");
        var output = Syntax.Value("--out", "FILE", "where to write the PDF");
        var command = new CliCommand("get", "write one version's PDF", """
            Usage: spine-review report get VERSION --out FILE

            Writes one stored version's PDF (VERSION as 1.4.2, or latest) to FILE.
            """) { version, output };
        Syntax.Require(command, output, "--out FILE is required: where to write the PDF");
        runner.Handle(command, async (p, c) =>
        {
            OutputFiles.Check("--out", p.GetValue(output)!);
            var reports = c.Get<ReportService>();
            var wanted = p.GetValue(version)!;
            var stored = wanted == "latest"
                ? await reports.GetLatestAsync(c.Cancellation)
                : await reports.GetVersionAsync(ReportVersion.Parse(wanted), c.Cancellation);
            if (stored is null) throw new InvalidOperationException($"There is no report version {wanted}: 'spine-review report list' shows the versions there are.");
            var path = await OutputFiles.WriteAsync("--out", p.GetValue(output)!, async (target, ct) =>
            {
                await using var source = await stored.OpenAsync(ct);
                await source.CopyToAsync(target, ct);
            }, c.Cancellation);
            await c.Out.WriteLineAsync($"report get done: version {stored.Version}, {stored.Size} bytes written to {path}");
            return ExitCodes.Success;
        });
        return command;
    }
}
