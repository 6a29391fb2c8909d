using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SpineReview.Screening;
using SpineReview.Screening.People;

namespace SpineReview.Cli.Commands;

/// <summary>`screen`: the rule pre-screen of the queue, and people's screening from the terminal.</summary>
internal static class ScreenCommands
{
    public static Command Create(Runner runner)
    {
        var command = new CliCommand("screen", "rule pre-screen; people's screening: next, decide, conflicts, resolve, rank, status, stopping", """
            Usage: spine-review screen                 apply the rule pre-screen to every queued record
                   spine-review screen next [--json]   the highest-priority record waiting for you
                   spine-review screen decide KEY include|exclude|unsure [--reason CODE] [--note TEXT] [--etag ETAG]
                   spine-review screen conflicts [--json]
                   spine-review screen resolve KEY include|exclude [--reason CODE] [--note TEXT]
                   spine-review screen rank [--force]  retrain the model on people's decisions and re-rank the queue
                   spine-review screen status          where screening stands: queue, agreement, estimated recall, stopping rule
                   spine-review screen stopping [--propose] [--target R] [--json]
                                                       the stopping rule: draw its random sample once, then where it stands

            Every record that passes the rules is screened by two people independently (setting
            Screening__ReviewersPerRecord); neither sees the other's decision. Agreement settles it; a disagreement,
            or an "unsure", goes to a third person (conflicts, resolve) who did not screen it.
            You are the reviewer named by setting Screening__Reviewer (for example: export Screening__Reviewer=jane.doe).
            An exclusion needs --reason, one of: before_2012, review, editorial_or_letter, animal, not_spine,
            not_imaging, not_deep_learning, technical_only. To change your own decision, decide again with the
            --etag your first decision printed.
            """);
        runner.Handle(command, (_, c) => CycleCommand.DrainAsync(c, "screen"));
        command.Add(Next(runner));
        command.Add(Decide(runner, "decide", "your independent decision on a record", "include|exclude|unsure"));
        command.Add(Conflicts(runner));
        command.Add(Decide(runner, "resolve", "a third reviewer settles a conflict", "include|exclude"));
        command.Add(Rank(runner));
        command.Add(Status(runner));
        command.Add(Stopping(runner));
        return command;
    }

    private const string You = " You are the reviewer named by setting Screening__Reviewer.";

    private static CliCommand Sub(string name, string summary, string usage, string more = "") =>
        new(name, summary, $"Usage: spine-review screen {usage}\n\n{char.ToUpperInvariant(summary[0])}{summary[1..]}.{more}");

    private static CliCommand Next(Runner runner)
    {
        var json = Syntax.Flag("--json", "the record as one JSON object (null when nothing is waiting)");
        var command = Sub("next", "the highest-priority record waiting for you", "next [--json]", You);
        command.Add(json);
        runner.Handle(command, async (p, c) =>
        {
            var who = c.Reviewer("screening");
            // One person at a terminal: the order served is retrained on every decision so far (only when one arrived).
            await c.Get<RankingService>().RankAsync(force: false, c.Cancellation);
            var item = await c.Get<ReviewService>().NextAsync(who, c.Cancellation);
            if (p.GetValue(json))
            {
                await c.Out.WriteLineAsync(item is null ? "null" : JsonSerializer.Serialize(item, CliJson.Screening.GetTypeInfo(typeof(ScreeningItem))));
                return ExitCodes.Success;
            }
            if (item is null)
            {
                await c.Out.WriteLineAsync($"screen next done: nothing is waiting for {who}");
                return ExitCodes.Success;
            }
            await c.Out.WriteLineAsync($"{item.RecordKey}   model probability {item.Probability:0.000}{(item.Likely ? " (likely eligible)" : "")}{(item.Audit ? "   [audit sample]" : "")}");
            await c.Out.WriteLineAsync(item.Title);
            await c.Out.WriteLineAsync($"{item.Authors}. {item.Journal} {item.Year}.{(item.Doi is null ? "" : $" doi:{item.Doi}")}{(item.Pmid is null ? "" : $" PMID {item.Pmid}")}");
            await c.Out.WriteLineAsync();
            await c.Out.WriteLineAsync(item.Abstract ?? "[no abstract]");
            if (item.Keywords.Count > 0) await c.Out.WriteLineAsync($"\nKeywords: {string.Join("; ", item.Keywords)}");
            await c.Out.WriteLineAsync($"\nDecide: spine-review screen decide {item.RecordKey} include | exclude --reason CODE | unsure");
            await c.Out.WriteLineAsync($"screen next done: 1 of {item.WaitingForYou} records waiting for {who}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Decide(Runner runner, string action, string summary, string verdicts)
    {
        var key = Syntax.Word("KEY", "the record, e.g. pubmed:12345678");
        var verdict = Syntax.Word("VERDICT", verdicts);
        var reason = Syntax.Value("--reason", "CODE", "why excluded: before_2012, review, editorial_or_letter, animal, not_spine, not_imaging, not_deep_learning, technical_only");
        var note = Syntax.Value("--note", "TEXT", "a note kept with the decision");
        var etag = Syntax.Value("--etag", "ETAG", "the etag an earlier decision printed, to change that decision");
        var command = Sub(action, summary, $"{action} KEY {verdicts} [--reason CODE] [--note TEXT]{(action == "decide" ? " [--etag ETAG]" : "")}", You +
            " An exclusion needs --reason." + (action == "decide" ? " To change your own decision, decide again with the --etag your first decision printed." : ""));
        command.Add(key);
        command.Add(verdict);
        command.Add(reason);
        command.Add(note);
        command.Add(etag);
        runner.Handle(command, async (p, c) =>
        {
            var who = c.Reviewer("screening");
            var service = c.Get<ReviewService>();
            var (k, v, r, n, e) = (p.GetValue(key)!, p.GetValue(verdict)!, p.GetValue(reason), p.GetValue(note), p.GetValue(etag));
            var result = action == "decide"
                ? await service.DecideAsync(who, k, v, r, n, e, c.Cancellation)
                : await service.ResolveAsync(who, k, v, r, n, e, c.Cancellation);
            var outcome = result.Status switch
            {
                ScreeningStatus.Final => result.Included == true ? "included" : $"excluded ({result.Reason})",
                ScreeningStatus.Conflict => "a conflict: it goes to a third reviewer",
                _ => "waiting for the other reviewer",
            };
            await c.Out.WriteLineAsync($"etag {result.ETag}   (to change this decision: --etag '{result.ETag}')");
            await c.Out.WriteLineAsync($"screen {action} done: {who} {result.Decision.Verdict.ToString().ToLowerInvariant()}{(result.Decision.Reason is null ? "" : $" ({result.Decision.Reason})")} on {result.Decision.RecordKey}; the record is now {outcome}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Conflicts(Runner runner)
    {
        var json = Syntax.Flag("--json", "the list as one JSON array");
        var command = Sub("conflicts", "records whose reviewers disagreed, with both decisions", "conflicts [--json]");
        command.Add(json);
        runner.Handle(command, async (p, c) =>
        {
            var list = await c.Get<ReviewService>().ConflictsAsync(c.Cancellation);
            if (p.GetValue(json))
            {
                await c.Out.WriteLineAsync(JsonSerializer.Serialize(list, CliJson.Screening.GetTypeInfo(typeof(List<ConflictItem>))));
                return ExitCodes.Success;
            }
            foreach (var item in list)
            {
                await c.Out.WriteLineAsync($"{item.RecordKey}  {item.Year}  {item.Title}");
                foreach (var d in item.Decisions)
                    await c.Out.WriteLineAsync($"    {d.Reviewer}: {d.Verdict.ToString().ToLowerInvariant()}{(d.Reason is null ? "" : $" ({d.Reason})")}{(d.Note is null ? "" : $" - {d.Note}")}");
            }
            await c.Out.WriteLineAsync($"screen conflicts done: {list.Count} records wait for a third reviewer (spine-review screen resolve KEY include|exclude)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Rank(Runner runner)
    {
        var force = Syntax.Flag("--force", "retrain even when no decision and no queued record changed since the last training");
        var command = Sub("rank", "retrain the model on people's decisions and re-rank the queue", "rank [--force]");
        command.Add(force);
        runner.Handle(command, async (p, c) =>
        {
            var m = await c.Get<RankingService>().RankAsync(p.GetValue(force), c.Cancellation);
            await c.Out.WriteLineAsync($"top terms: {string.Join(", ", m.TopTerms)}");
            await c.Out.WriteLineAsync(FormattableString.Invariant(
                $"screen rank done: model training {m.Version} on {m.Includes} inclusions and {m.Exclusions} exclusions{(m.ColdStart ? " (cold start)" : "")}; {m.Ranked} records ranked; low threshold {(m.LowThreshold is { } l ? l.ToString("0.0000", CultureInfo.InvariantCulture) : "not set yet")}; {m.AutoExcluded} excluded by the model, {m.AuditSent} sent to the audit; {m.Seconds:0.00} s"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Status(Runner runner)
    {
        var command = Sub("status", "where screening stands: queue, agreement, estimated recall", "status");
        runner.Handle(command, async (_, c) =>
        {
            var q = await c.Get<ReviewService>().QualityAsync(null, c.Cancellation);
            await c.Out.WriteLineAsync($"waiting for people: {q.Waiting}; conflicts: {q.Conflicts}; included by people: {q.IncludedByPeople}; excluded by people: {q.ExcludedByPeopleTotal}" +
                $"{(q.ExcludedByPeople.Count == 0 ? "" : $" ({string.Join(", ", q.ExcludedByPeople.Select(x => $"{x.Key} {x.Value}"))})")}; excluded by the model: {q.AutoExcluded}");
            await c.Out.WriteLineAsync($"agreement between reviewers (Cohen's kappa): {q.Reviewers}");
            await c.Out.WriteLineAsync($"agreement of the model with people: {q.ModelVsPeople}");
            await c.Out.WriteLineAsync(q.RecallSentence());
            await c.Out.WriteLineAsync((q with { Stopping = await c.Get<StoppingService>().StateAsync(c.Cancellation) }).StoppingSentence());
            await c.Out.WriteLineAsync($"screen status done: {q.Waiting + q.Conflicts} records unsettled, {q.IncludedByPeople + q.ExcludedByPeopleTotal} settled by people");
            return ExitCodes.Success;
        });
        return command;
    }

    private static CliCommand Stopping(Runner runner)
    {
        var propose = Syntax.Flag("--propose", "draw the random sample from every record people have not screened (once: a second --propose keeps the first)");
        var redraw = Syntax.Flag("--redraw", "with --propose: when records arrived after the sample was drawn, draw a new one over everything waiting now (the old one is archived)");
        var target = Syntax.Value("--target", "R", "the recall to claim with 95% confidence when drawing the sample (default 0.95)");
        Syntax.Check(target, t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is > 0 and < 1 ? null
            : $"--target takes a share above 0 and below 1, such as 0.95, not '{t}'");
        var json = Syntax.Flag("--json", "the state as one JSON object (null before a sample is drawn)");
        var command = Sub("stopping", "the stopping rule: a random sample of the records left after ranked screening, and the recall it supports",
            "stopping [--propose [--redraw]] [--target R] [--json]",
            " Screen the sample's records in the order listed (spine-review screen decide KEY ...): only an unbroken run from the" +
            " start of the sample counts. The rule then states the recall that holds with 95% confidence, or how many more sample records to screen.");
        command.Add(propose);
        command.Add(redraw);
        command.Add(target);
        command.Add(json);
        runner.Handle(command, async (p, c) =>
        {
            var service = c.Get<StoppingService>();
            var goal = p.GetValue(target) is { } t ? double.Parse(t, CultureInfo.InvariantCulture) : 0.95;
            StoppingState? state;
            if (p.GetValue(redraw) && !p.GetValue(propose)) throw new UsageException("--redraw draws a new sample: give it with --propose");
            var before = p.GetValue(redraw) ? await service.SampleAsync(c.Cancellation) : null;
            try { state = p.GetValue(propose) ? await service.ProposeAsync(goal, c.Cancellation, p.GetValue(redraw)) : await service.StateAsync(c.Cancellation); }
            catch (InvalidOperationException e) { throw new InvalidDataException(e.Message, e); }
            if (before is not null && state?.DrawnAt == before.DrawnAt)
                await c.Err.WriteLineAsync("no record arrived after the sample was drawn: it covers every record waiting, so it is kept; screen it in its order");
            if (p.GetValue(json))
            {
                await c.Out.WriteLineAsync(state is null ? "null" : JsonSerializer.Serialize(state, CliJson.Screening.GetTypeInfo(typeof(StoppingState))));
                return ExitCodes.Success;
            }
            if (state is null)
            {
                await c.Out.WriteLineAsync("screen stopping done: no random sample drawn yet; draw one with spine-review screen stopping --propose");
                return ExitCodes.Success;
            }
            await c.Out.WriteLineAsync(state.Sentence());
            if (state.Next.Count > 0) await c.Out.WriteLineAsync($"next in the sample: {string.Join(" ", state.Next)}");
            await c.Out.WriteLineAsync(FormattableString.Invariant(
                $"screen stopping done: sample drawn {state.DrawnAt:yyyy-MM-dd HH:mm}Z from {state.Urn} records; {state.Screened} screened, {state.Included} eligible; ") +
                (state.Assessment.TargetMet ? "target met" : FormattableString.Invariant($"{state.Assessment.MoreToScreen} more to screen")) +
                (state.Arrived == 0 ? "" : FormattableString.Invariant($"; {state.Arrived} arrived since, outside the sample")));
            return ExitCodes.Success;
        });
        return command;
    }
}
