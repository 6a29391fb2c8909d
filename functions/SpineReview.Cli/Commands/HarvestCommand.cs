using System.CommandLine;
using SpineReview.Sources;

namespace SpineReview.Cli.Commands;

/// <summary>`harvest`: search one source or all of them and store what is new.</summary>
internal static class HarvestCommand
{
    public static Command Create(Runner runner)
    {
        var source = Syntax.Value("--source", "NAME|all", "one source (pubmed, ieee, europepmc, arxiv, openalex, citations) or all enabled databases (the default)");
        Syntax.Check(source, s => s == "all" || s == "citations" || SourceFiles.Names.Contains(s) && s != "crossref"
            ? null
            : $"--source {s}: the sources are pubmed, ieee, europepmc, arxiv, openalex, citations, or all (Crossref only enriches)");
        var replay = Syntax.Replay();
        var command = new CliCommand("harvest", "search sources and store new records", """
            Usage: spine-review harvest [--source NAME|all] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--replay DIR]

            Searches one source, or every enabled one (the default), over a window (default: since the last complete
            search, to today), stores new records, links duplicates (shared DOI, PMID, PMCID or arXiv id; else title,
            authors and bibliographic details) and queues new records for screening. Sources: pubmed, ieee, europepmc, arxiv, openalex. A source that needs a key and has none is
            skipped with a message; the others run. --source citations follows the citations of the included studies
            through OpenAlex (the works they reference and the works citing them; citation searching, counted under
            "other methods" in the PRISMA flow); "all" leaves it out. Prints per source: query, window, reported total, retrieved,
            new, duplicates, calls, 429s and status. With --replay DIR the sources are answered from recorded responses,
            stored under the prefix spinedemo unless Storage__Prefix is set; a live harvest refuses storage that holds them.
            """) { source };
        var window = Syntax.Window(command);
        command.Add(replay);
        runner.Handle(command, async (p, c) =>
        {
            var name = p.GetValue(source) ?? "all";
            var harvester = c.Get<Harvester>();
            IReadOnlyList<HarvestSummary> summaries = name == "all"
                ? await harvester.HarvestAllAsync(window(p), c.Progress, c.Cancellation)
                : [await harvester.HarvestAsync(name, window(p), c.Progress, c.Cancellation)];
            await PrintAsync(c.Out, summaries);
            var bad = summaries.Where(h => h.Status is "failed" or "incomplete").Select(h => $"{h.Source} {h.Status}").ToList();
            await c.Out.WriteLineAsync($"harvest done: {summaries.Sum(h => h.New)} new, {summaries.Sum(h => h.Duplicates)} duplicates, " +
                $"{summaries.Sum(h => h.AlreadyStored)} already stored from {summaries.Count} sources{(bad.Count == 0 ? "" : $"; {string.Join(", ", bad)}")}");
            return bad.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
        }, (p, c) => Syntax.UseReplay(p, replay, c));
        return command;
    }

    /// <summary>One row per source, then each source's query.</summary>
    public static async Task PrintAsync(TextWriter o, IReadOnlyList<HarvestSummary> summaries)
    {
        await o.WriteLineAsync($"{"source",-10} {"window",-23} {"reported",8} {"retrieved",9} {"new",6} {"dupl.",6} {"stored",6} {"calls",6} {"429s",5} {"seconds",7}  status");
        foreach (var h in summaries)
            await o.WriteLineAsync($"{h.Source,-10} {$"{h.From:yyyy-MM-dd}..{h.To:yyyy-MM-dd}",-23} {h.Reported,8} {h.Retrieved,9} {h.New,6} {h.Duplicates,6} {h.AlreadyStored,6} {h.Calls,6} {h.TooMany,5} {h.Seconds,7:0.0}  {h.Status}{(h.Message is null ? "" : $": {h.Message}")}");
        foreach (var h in summaries)
            await o.WriteLineAsync($"query ({h.Source}): {h.Query}");
    }
}
