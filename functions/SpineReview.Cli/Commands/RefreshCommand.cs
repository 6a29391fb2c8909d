using System.CommandLine;
using SpineReview.Living;
using SpineReview.Records;

namespace SpineReview.Cli.Commands;

/// <summary>`refresh`: what has happened to the included and provisionally eligible studies since they were stored.</summary>
internal static class RefreshCommand
{
    public static Command Create(Runner runner)
    {
        var command = new CliCommand("refresh", "find retractions, corrections and journal versions of the studies", """
            Usage: spine-review refresh

            Asks about every included study and every study still with the reviewers, each source that is switched on:
            Crossref about its DOI (each retraction, correction, erratum, expression of concern, withdrawal in its
            "updated-by", from the publisher or Retraction Watch, and the journal version of a preprint), PubMed about its
            PMID (the retraction, erratum, expression of concern, update and republication notices it links, and the
            publication type "Retracted Publication"), OpenAlex about its DOI or PMID ("is_retracted"). Each change is kept
            once, with its date where the source gives one. A retracted or withdrawn study is marked "Retracted Publication"
            as PubMed marks one: the next report flags it in the table of studies and lists it under "what is new", and each
            subscriber an alert sent it to gets one retraction notice at the next alert pass (`spine-review alerts`, or the
            alert function); an expression of concern gets one too. Corrections, errata and journal versions are marked ‡ in
            the report and listed in the exports. Prints each change found for the first time; run again, it finds nothing
            twice. A source that fails does not stop the others: their changes are kept, then the command fails naming it.
            Asks the sources switched on (Crossref__Enabled, PubMed__Enabled, OpenAlex__Enabled); fails when none is.
            """);
        runner.Handle(command, async (_, c) =>
        {
            var refresher = c.Get<RecordRefresher>();
            var result = await refresher.RefreshAsync(c.Progress, c.Cancellation);
            foreach (var change in result.New)
                await c.Out.WriteLineAsync($"{change.RecordKey,-24} {(change.Included ? "included" : "eligible"),-8} {change.Describe()}");
            var asked = string.Join(", ", result.Sources.Select(s => $"{SourceName.DisplayNameOf(s.Source)} about {s.Asked}" +
                (s.Without > 0 ? $" ({s.Without} without {(s.Source == SourceName.Crossref.Name ? "DOI" : s.Source == SourceName.PubMed.Name ? "PMID" : "DOI or PMID")})" : "")));
            await c.Out.WriteLineAsync($"refresh done: {result.New.Count} new changes ({result.New.Count(x => x.Retracts)} retractions) " +
                $"for {result.Studies} studies; asked {asked}");
            return ExitCodes.Success;
        });
        return command;
    }
}
