using System.CommandLine;
using System.Diagnostics;
using SpineReview.Cycle;

namespace SpineReview.Cli.Commands;

/// <summary>`cycle`: one whole living-review cycle; and the queue drains `screen` and `extract` run on their own.</summary>
internal static class CycleCommand
{
    public static Command Create(Runner runner)
    {
        var replay = Syntax.Replay();
        var output = Syntax.Value("--out", "FILE", "also write the PDF to FILE");
        var command = new CliCommand("cycle", "harvest, screen, extract and regenerate the report", """
            Usage: spine-review cycle [--replay DIR] [--out FILE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]

            Runs one whole living-review cycle: harvests every enabled source for the window since the
            last complete search, deduplicates, applies the rule pre-screen, extracts, and stores a new report
            version (blob latest.pdf in the reports container).
            """) { replay, output };
        var window = Syntax.Window(command);
        runner.Handle(command, async (p, c) =>
        {
            var clock = Stopwatch.StartNew();
            var summary = await c.Get<CycleService>().RunAsync(window(p), c.Progress, c.Cancellation);
            await HarvestCommand.PrintAsync(c.Out, summary.Harvests);
            var r = summary.Report;
            // The bytes this cycle made or found unchanged, not whatever latest.pdf holds by the time they are written.
            var written = p.GetValue(output) is { } path ? await OutputFiles.WriteAsync("--out", path, summary.Pdf, c.Cancellation) : null;
            var n = r.Counts;
            await c.Out.WriteLineAsync($"report: version {r.Version} ({r.Change}), {r.Pages} pages; identified {n.Identified}, duplicates {n.Duplicates}, " +
                $"excluded by rules {n.ExcludedByRules}, passed to reviewers {n.PassedRules}, included {n.Included}, provisionally eligible {n.Provisional}, new in this version {n.NewInThisVersion}");
            var al = summary.Alerts;
            await c.Out.WriteLineAsync(al.Configured
                ? $"alerts: {al.Sent} emails sent, {al.Planned} made up with {al.PlannedStudies} studies for {al.Subscribers} subscribers; {al.RetryLater} to retry, {al.Failed} failed, {al.Unconfirmed} unconfirmed"
                : "alerts: email is not set up (Smtp__Host): none sent");
            var found = summary.Harvests.Sum(h => h.New);
            var failedStages = summary.Screened.Failed + summary.Extracted.Failed;
            var poisoned = summary.Screened.Poisoned + summary.Extracted.Poisoned;
            await c.Out.WriteLineAsync($"cycle done in {clock.Elapsed.TotalSeconds:0.0} s: {found} new records, {summary.Screened.Done} screened by rules, {summary.Ranking.Ranked} waiting for reviewers (ranked by the model), {summary.Extracted.Done} extracted" +
                $"{(failedStages > 0 ? $", {failedStages} failed (left queued)" : "")}{(poisoned > 0 ? $", {poisoned} moved to the poison queues" : "")}, " +
                $"report version {r.Version}{(written is null ? "" : $" written to {written}")}, {al.Sent} alert emails sent");
            return summary.Harvests.Any(h => h.Status is "failed" or "incomplete") || failedStages > 0 ? ExitCodes.Failed : ExitCodes.Success;
        }, (p, c) =>
        {
            Syntax.UseReplay(p, replay, c);
            if (p.GetValue(output) is { } target) OutputFiles.Check("--out", target);
        });
        return command;
    }

    /// <summary>`screen` or `extract` without an action: process every record queued for that stage.</summary>
    public static async Task<int> DrainAsync(CommandContext c, string stage)
    {
        var cycle = c.Get<CycleService>();
        var n = stage == "screen"
            ? await cycle.DrainScreenAsync(c.Progress, c.Cancellation)
            : await cycle.DrainExtractAsync(c.Progress, c.Cancellation);
        await c.Out.WriteLineAsync($"{stage} done: {n.Done} records processed, {n.Failed} messages failed (left queued), {n.Poisoned} messages moved to the poison queue" +
            (n.Pending > 0 ? $", {n.Pending} messages still hidden on the queue (run it again later)" : ""));
        return n.Failed > 0 || n.Pending > 0 ? ExitCodes.Failed : ExitCodes.Success;
    }
}
