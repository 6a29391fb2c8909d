using System.CommandLine;
using SpineReview.Records;
using SpineReview.Sources.Imports;

namespace SpineReview.Cli.Commands;

/// <summary>`import`: a database's export file as one search of a source the person names.</summary>
internal static class ImportCommand
{
    public static Command Create(Runner runner)
    {
        var file = Syntax.Word("FILE", "the export file: RIS, MEDLINE (.nbib), BibTeX or EndNote XML, recognised from its content");
        Syntax.Check(file, Syntax.NoSuchFile);
        var source = Syntax.Value("--source", "NAME", "the source its records are stored under, e.g. embase-ovid (lower-case letters, digits, hyphens); the same name for every export of that database");
        Syntax.Check(source, s => SourceName.TryImport(s, "database", "platform", out _, out var error) ? null : $"--source {s}: {error}");
        var database = Syntax.Value("--database", "NAME", "the database searched, as the report names it (Embase, Web of Science Core Collection, Scopus, CINAHL)");
        var platform = Syntax.Value("--platform", "NAME", "the platform it was searched on (Ovid, Clarivate, Elsevier, EBSCOhost)");
        var searched = Syntax.Date("--searched", "the date the search was run on the platform");
        var queryFile = Syntax.Value("--query-file", "FILE", "a text file holding the query as run, for the report's methods and appendix");
        Syntax.Check(queryFile, Syntax.NoSuchFile);
        var command = new CliCommand("import", "import a database's export file as one search", """
            Usage: spine-review import FILE --source NAME --database NAME --platform NAME --searched YYYY-MM-DD [--query-file FILE]

            Reads the records of a database's export (RIS from Ovid, Web of Science, Scopus and others; MEDLINE/.nbib from
            PubMed; BibTeX; EndNote XML), recognised from the content whatever the file is called, in UTF-8 or UTF-16 (with
            or without a byte-order mark); a line that is not UTF-8 is read as Windows-1252 and named in a warning. Stores them as source NAME, links duplicates of stored records, and queues new ones for screening,
            as a harvest does; the search is logged (database, platform, date, query, entries in the file, records read),
            so the report's PRISMA flow and methods count it. An entry that cannot be read is named by its line and the rest
            are imported (exit code 1 then). Importing the same file again under the same NAME is the same search: nothing
            is stored twice.
            """) { file, source, database, platform, searched, queryFile };
        Syntax.Require(command, source, "--source NAME is needed: the name the imported database's records are stored under (e.g. embase-ovid)");
        Syntax.Require(command, database, "--database NAME is needed: the database that was searched (e.g. Embase)");
        Syntax.Require(command, platform, "--platform NAME is needed: the platform it was searched on (e.g. Ovid)");
        Syntax.Require(command, searched, "--searched YYYY-MM-DD is needed: the date the search was run");
        runner.Handle(command, async (p, c) =>
        {
            var path = p.GetValue(file)!;
            var query = p.GetValue(queryFile) is { } q ? (await File.ReadAllTextAsync(q, c.Cancellation)).Trim() : null;
            var request = new ImportRequest(p.GetValue(source)!, p.GetValue(database)!, p.GetValue(platform)!, p.GetValue(searched)!.Value, query, Path.GetFileName(path));
            var imports = c.Get<ImportService>();
            if (imports.Check(request, DateOnly.FromDateTime(c.Get<TimeProvider>().GetUtcNow().UtcDateTime)) is { } wrong) throw new UsageException(wrong);
            await using var stream = File.OpenRead(path);
            var r = await imports.ImportAsync(stream, request, c.Progress, c.Cancellation);
            await c.Out.WriteLineAsync($"source:     {r.Source} ({r.DisplayName})");
            await c.Out.WriteLineAsync($"file:       {request.FileName} ({ImportService.Describe(r.Format)}, sha256 {r.Sha256[..12]})");
            await c.Out.WriteLineAsync($"search:     run {r.RunId}, searched {request.Searched:yyyy-MM-dd}{(r.Resumed ? $", begun on {r.FirstImported:yyyy-MM-dd HH:mm} UTC and stopped before its end: finished now" : r.Rerun ? $", imported before on {r.FirstImported:yyyy-MM-dd HH:mm} UTC: the same search" : "")}");
            await c.Out.WriteLineAsync($"entries:    {r.Entries} in the file, {r.Read} read, {r.Problems.Count} not read");
            await c.Out.WriteLineAsync($"records:    {r.New} new, {r.Duplicates} duplicates, {r.AlreadyStored} already stored");
            foreach (var problem in r.Problems) await c.Out.WriteLineAsync($"not read:   {problem}");
            if (r.EncodingWarning is { } encoding) await c.Out.WriteLineAsync($"warning:    {encoding}");
            await c.Out.WriteLineAsync(r.Rerun && !r.Resumed
                ? $"import done: {request.FileName} was imported before as {r.Source}; nothing new stored, the search log keeps the one search"
                : $"import done: {r.New} new, {r.Duplicates} duplicates, {r.AlreadyStored} already stored from {r.Read} of {r.Entries} entries of {request.FileName}" +
                  (r.Problems.Count > 0 ? $"; {r.Problems.Count} not read" : ""));
            return r.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
