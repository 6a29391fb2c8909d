using System.CommandLine;
using SpineReview.Dedup;

namespace SpineReview.Cli.Commands;

/// <summary>`dedup`: the possible duplicates for a person, and a person's verdicts on them.</summary>
internal static class DedupCommands
{
    public static Command Create(Runner runner)
    {
        var command = new CliCommand("dedup", "possible duplicates for a person; merge or split records", """
            Usage: spine-review dedup review
                   spine-review dedup merge KEY --into OTHER --by NAME
                   spine-review dedup split KEY --by NAME
                   spine-review dedup distinct KEY --from OTHER --by NAME

            review   lists the pairs the matcher was unsure of (title similarity between the review and merge
                     thresholds), with both titles, for a person to decide.
            merge    a person's verdict: KEY is the same work as OTHER; KEY (and records linked to it) are linked to
                     OTHER's study and no longer counted or screened on their own.
            split    a person's verdict: KEY, linked to another record, is a different work; it becomes a study of
                     its own, is queued for screening, and later runs never link the two again.
            distinct a person's verdict on a listed pair: different works; the pair leaves the review list.
            Keys look like pubmed:12345678 or arxiv:2101.01234. NAME is who decided (kept with the verdict).
            """);
        command.Add(Review(runner));
        command.Add(Verdict(runner, "merge", "KEY is the same work as OTHER: it joins OTHER's study", "--into", async (s, key, other, by, c) =>
        {
            var study = await s.MergeAsync(key, other!, by, c.Get<TimeProvider>().GetUtcNow(), c.Cancellation);
            return $"dedup merge: {key} is now linked to study {study} (decided by {by})";
        }));
        command.Add(Verdict(runner, "split", "KEY, linked to another record, is a different work: a study of its own", null, async (s, key, _, by, c) =>
        {
            var other = await s.SplitAsync(key, by, c.Get<TimeProvider>().GetUtcNow(), c.Cancellation);
            return $"dedup split: {key} is no longer linked to {other}; it is queued for screening (decided by {by})";
        }));
        command.Add(Verdict(runner, "distinct", "a listed pair is two different works: it leaves the review list", "--from", async (s, key, other, by, c) =>
        {
            await s.KeepApartAsync(key, other!, by, c.Get<TimeProvider>().GetUtcNow(), c.Cancellation);
            return $"dedup distinct: {key} and {other} are kept as different works (decided by {by})";
        }));
        return command;
    }

    private static CliCommand Review(Runner runner)
    {
        var command = new CliCommand("review", "the pairs the matcher was unsure of, with both titles", """
            Usage: spine-review dedup review

            Lists the pairs the matcher was unsure of (title similarity between the review and merge thresholds),
            most similar first, with both titles, for a person to decide: dedup merge, split or distinct.
            """);
        runner.Handle(command, async (_, c) =>
        {
            var pairs = await c.Get<DedupService>().ReviewListAsync(c.Cancellation);
            foreach (var p in pairs)
            {
                await c.Out.WriteLineAsync(FormattableString.Invariant($"{p.Pair.RecordKey}  {p.Pair.OtherKey}  title similarity {p.Pair.TitleSimilarity:0.00}"));
                await c.Out.WriteLineAsync($"    {p.Year} {p.Title}\n    {p.OtherYear} {p.OtherTitle}");
            }
            await c.Err.WriteLineAsync($"dedup review: {pairs.Count} possible duplicate pair(s) wait for a decision");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A verdict: KEY, the other record (--into or --from, when the verdict names one) and --by.</summary>
    private static CliCommand Verdict(Runner runner, string action, string summary, string? otherOption,
        Func<DedupService, string, string?, string, CommandContext, Task<string>> decide)
    {
        var key = Syntax.Word("KEY", "the record, e.g. pubmed:12345678 or arxiv:2101.01234");
        var other = otherOption is null ? null : Syntax.Value(otherOption, "OTHER", "the other record");
        var by = Syntax.Value("--by", "NAME", "who decided (kept with the verdict)");
        var command = new CliCommand(action, summary,
            $"Usage: spine-review dedup {action} KEY{(otherOption is null ? "" : $" {otherOption} OTHER")} --by NAME\n\nA person's verdict: {summary}.") { key };
        if (other is not null)
        {
            command.Add(other);
            Syntax.Require(command, other, $"needs {otherOption} OTHER");
        }
        command.Add(by);
        Syntax.Check(by, name => name.Length > 0 ? null : "needs --by NAME: who decided");
        Syntax.Require(command, by, "needs --by NAME: who decided");
        runner.Handle(command, async (p, c) =>
        {
            var message = await decide(c.Get<DedupService>(), p.GetValue(key)!, other is null ? null : p.GetValue(other), p.GetValue(by)!, c);
            await c.Err.WriteLineAsync(message);
            return ExitCodes.Success;
        });
        return command;
    }
}
