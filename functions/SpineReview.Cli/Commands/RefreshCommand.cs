using System.CommandLine;
using SpineReview.Living;

namespace SpineReview.Cli.Commands;

/// <summary>`refresh`: what has happened to the included and provisionally eligible studies since they were stored.</summary>
internal static class RefreshCommand
{
    public static Command Create(Runner runner)
    {
        var command = new CliCommand("refresh", "find retractions, corrections and journal versions of the studies", """
            Usage: spine-review refresh

            Asks Crossref about the DOI of every included study and every study still with the reviewers, and keeps each
            retraction, correction, erratum, expression of concern, withdrawal (its "updated-by", from the publisher or
            Retraction Watch) and the journal version of a preprint ("is-preprint-of") with its date. A retracted or withdrawn
            study is marked "Retracted Publication" as PubMed marks one: the next report flags it in the table of studies and
            lists it under "what is new", and each subscriber an alert sent it to gets one retraction notice at the next alert
            pass (`spine-review alerts`, or the alert function). Prints each change found for the first time; run again, it
            finds nothing twice.
            Needs Crossref (Crossref__Enabled, Crossref__Email for the polite pool).
            """);
        runner.Handle(command, async (_, c) =>
        {
            var refresher = c.Get<RecordRefresher>();
            var result = await refresher.RefreshAsync(c.Progress, c.Cancellation);
            foreach (var change in result.New)
                await c.Out.WriteLineAsync($"{change.RecordKey,-24} {(change.Included ? "included" : "eligible"),-8} {change.Describe()}");
            await c.Out.WriteLineAsync($"refresh done: {result.New.Count} new changes ({result.New.Count(x => x.Retracts)} retractions) " +
                $"from {result.Asked} studies asked of Crossref; {result.WithoutDoi} of {result.Studies} have no DOI and were not asked");
            return ExitCodes.Success;
        });
        return command;
    }
}
