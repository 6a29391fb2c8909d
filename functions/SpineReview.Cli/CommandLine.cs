using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Cycle;
using SpineReview.Dedup;
using SpineReview.Reporting;
using SpineReview.Sources;
using SpineReview.Sources.PubMed;
using SpineReview.Storage;
// A person's dedup verdicts are DedupService's; the name stays until this file is rewritten (issue 16).
using RecordStore = SpineReview.Dedup.DedupService;

namespace SpineReview.Cli;

/// <summary>The spine-review command line: the console host that runs the same services as the Functions app.</summary>
public static class CommandLine
{
    private sealed record Command(string Name, string Synopsis, string Help, string[] Options, string[] Flags,
        Func<Arguments, Context, Task<int>> Run);

    /// <summary>What a command runs with: output streams, and the services built from settings.</summary>
    public sealed class Context(TextWriter output, TextWriter error, Func<IServiceProvider> services)
    {
        public TextWriter Out { get; } = output;
        public TextWriter Err { get; } = error;
        private IServiceProvider? _services;
        public IServiceProvider Services => _services ??= services();
        public IProgress<string> Progress => new SyncProgress<string>(line => Err.WriteLine(line));
    }

    private static readonly Command[] Commands =
    [
        new("cycle", "harvest, screen, extract and regenerate the report",
            """
            Usage: spine-review cycle [--replay DIR] [--out FILE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]

            Runs one whole living-review cycle: harvests every enabled source for the window since the
            last complete search, deduplicates, applies the rule pre-screen, extracts, and stores a new report
            version (blob latest.pdf in the reports container).
              --replay DIR   answer source requests from recorded responses in DIR (e.g. samples/replay)
              --out FILE     also write the PDF to FILE
              --from, --to   entry-date window instead of "since the last complete search" to "today"
            """,
            ["replay", "out", "from", "to"], [], RunCycleAsync),
        new("harvest", "search sources and store new records",
            """
            Usage: spine-review harvest [--source NAME|all] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--replay DIR]

            Searches one source, or every enabled one (the default), over a window (default: since the last complete
            search, to today), stores new records, links duplicates (shared DOI, PMID, PMCID or arXiv id; else title,
            authors and bibliographic details) and queues new records for screening. Sources: pubmed, ieee, europepmc, arxiv, openalex. A source that needs a key and has none is
            skipped with a message; the others run. Prints per source: query, window, reported total, retrieved,
            new, duplicates, calls, 429s and status.
            """,
            ["source", "from", "to", "replay"], [], RunHarvestAsync),
        new("screen", "rule pre-screen; people's screening: next, decide, conflicts, resolve, rank, status",
            """
            Usage: spine-review screen                 apply the rule pre-screen to every queued record
                   spine-review screen next [--json]   the highest-priority record waiting for you
                   spine-review screen decide KEY include|exclude|unsure [--reason CODE] [--note TEXT] [--etag ETAG]
                   spine-review screen conflicts [--json]
                   spine-review screen resolve KEY include|exclude [--reason CODE] [--note TEXT]
                   spine-review screen rank [--force]  retrain the model on people's decisions and re-rank the queue
                   spine-review screen status          where screening stands: queue, agreement, estimated recall

            Every record that passes the rules is screened by two people independently (setting
            Screening__ReviewersPerRecord); neither sees the other's decision. Agreement settles it; a disagreement,
            or an "unsure", goes to a third person (conflicts, resolve) who did not screen it.
            You are the reviewer named by setting Screening__Reviewer (for example: export Screening__Reviewer=jane.doe).
            An exclusion needs --reason, one of: before_2012, review, editorial_or_letter, animal, not_spine,
            not_imaging, not_deep_learning, technical_only. To change your own decision, decide again with the
            --etag your first decision printed.
            """,
            ["reason", "note", "etag"], ["json", "force"], RunScreenAsync),
        new("extract", "fill the extraction form; show, correct, re-extract",
            """
            Usage: spine-review extract                              extract every queued record
                   spine-review extract show KEY                     one study's form: values, evidence, corrections
                   spine-review extract correct KEY FIELD [VALUE ...] [--note TEXT]
                   spine-review extract rerun                        re-extract studies made by an older extractor version
                   spine-review extract accuracy                     per field: automatic values against people's corrections

            A correction wins over the automatic value and survives re-extraction; no VALUE means "not reported".
            You are the reviewer named by setting Screening__Reviewer. Fields: modality, mriSequence, region,
            condition, application, task, dlMethod, architectures, subjects, images, datasetOrigin, datasetNames,
            split, crossValidation, externalValidation, metrics, codeAvailable, codeUrl, country, industry.
            """,
            ["note"], [], RunExtractAsync),
        new("export", "the included studies with their extracted fields, as CSV or RIS",
            """
            Usage: spine-review export --format csv|ris --out FILE [--provisional]

            Writes the studies reviewers have included, with every field of the charting form (people's corrections
            in place of automatic values). CSV follows RFC 4180 (cells that would run as spreadsheet formulas are
            written as text); RIS imports into reference managers, with the charted values as keywords and notes.
              --provisional  also the studies that passed the rules and are still being screened (status column)
            """,
            ["format", "out"], ["provisional"], RunExportAsync),
        new("alerts", "send due email alerts; subscribe, confirm, unsubscribe, list, status, retry, close",
            """
            Usage: spine-review alerts                  send what is due: immediate alerts, daily and weekly digests, retries
                   spine-review alerts subscribe --email ADDRESS [--name NAME] [--modality M,...] [--region R,...]
                                                 [--condition C,...] [--task T,...] [--frequency immediate|daily|weekly]
                   spine-review alerts confirm TOKEN     the token from the confirmation email's link
                   spine-review alerts unsubscribe TOKEN the token from an alert's unsubscribe link
                   spine-review alerts list [--json]     every subscriber (an admin's view: addresses included)
                   spine-review alerts status            emails sent, waiting, failed or unconfirmed, with their ids
                   spine-review alerts retry ID          send a failed or unconfirmed email again (after checking it did not arrive)
                   spine-review alerts close ID          nothing more for that email (it did arrive, or should not be sent)

            Alerts tell subscribers about studies that became eligible after they confirmed: people's final
            decision is include (and, with setting Alerts__IncludeLikelyEligible=true, studies the model ranks above
            Screening__HighThreshold, labelled "likely eligible, not yet confirmed"). Each study goes to each subscriber
            once: an email that was interrupted while sending is kept as unconfirmed, never sent again on its own.
            Filters take the charting form's values; none means every eligible study:
              --modality   MRI, CT, Radiograph, Ultrasound, DEXA, Fluoroscopy, Other
              --region     Cervical, Thoracic, Lumbar, Sacral, WholeSpine
              --condition  Degenerative, Deformity, Fracture, Neoplasm, Osteoporosis, SpinalCord, Surgical, Other
              --task       Classification, Regression, Segmentation, Detection, Landmark, Generation
            Email goes through the SMTP server in settings Smtp__Host, Smtp__Port, Smtp__Security, Smtp__Username,
            Smtp__Password, Smtp__FromAddress; links start with Alerts__PublicBaseUrl.
            """,
            ["email", "name", "modality", "region", "condition", "task", "frequency"], ["json"], RunAlertsAsync),
        new("report", "regenerate the report now; list the versions; fetch one",
            """
            Usage: spine-review report [--out FILE]          build the report from what is stored
                   spine-review report list                  every version: number, created, data cut-off, counts, size, SHA-256
                   spine-review report get VERSION --out FILE   write one version's PDF (VERSION as 1.4.2, or latest)

            A new version is made only when something changed; its number is MAJOR.MINOR.PATCH: MAJOR when what
            decides eligibility changed, MINOR when the studies shown or included changed, PATCH otherwise.
            Every version is kept in blob storage with its manifest; latest.pdf is the newest.
              --out FILE   also write the PDF to FILE (report), or where to write it (report get)
            """,
            ["out"], [], RunReportAsync),
        new("eval", "score a stage on a benchmark: eval dedup | eval screening | eval extraction",
            """
            Usage: spine-review eval dedup --records FILE --truth FILE [--json] [--found FILE]
                   spine-review eval screening --dataset FILE|FOLDER [--runs N] [--seed S] [--json]
                   spine-review eval extraction --gold FILE [--json] [--misses]

            eval screening simulates prioritised screening of a labelled dataset (an ASReview CSV with title,
            abstract and label_included; or a SYNERGY folder with labels.csv and works_*.zip): each run starts from
            one random inclusion and one random exclusion, retrains after every label and screens the
            highest-ranked record next. Prints WSS@95, WSS@100 and RRF@10 (means over runs, default 10) for the
            project's model and for a TF-IDF + naive Bayes baseline run the same way.

            eval extraction screens each record of a gold JSONL file (the protocol's format) with the rules the cycle
            uses, extracts the form from its text, and scores eligibility, exclusion reasons and every field (set fields
            by micro precision/recall/F1 over the eligible records; numbers and yes/no fields by exact match).
              --misses       also list every wrong or missed value

            Deduplicates a benchmark (the bib-dedupe CSV or the ASySD CSV) and scores the groups found against its
            ground truth (one group per line, ids joined by ';', header merged_ids). Pairs are unordered pairs of
            records placed in one group. Needs no storage.
              --json         one JSON object on standard output, nothing else
              --found FILE   also write the groups found, in the truth file's format, to inspect them
            """,
            ["records", "truth", "found", "dataset", "runs", "seed", "gold"], ["json", "misses"], RunEvalAsync),
        new("dedup", "possible duplicates for a person; merge or split records",
            """
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
            """,
            ["into", "from", "by"], [], RunDedupAsync),
        new("parse", "print the normalised records of one raw response file",
            "Usage: spine-review parse SOURCE FILE\n\nParses a raw response file of SOURCE (pubmed, ieee, europepmc, arxiv, openalex, crossref; .gz too)\nand prints the normalised records, one JSON object a line. Needs no storage.",
            [], [], RunParseAsync),
    ];

    /// <summary>Runs one command line. Exit codes: 0 success, 1 the work failed, 2 bad usage.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(Usage());
            return args.Length == 0 ? 2 : 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            await error.WriteLineAsync($"spine-review: unknown command '{args[0]}'\n\n{Usage()}");
            return 2;
        }
        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            await output.WriteLineAsync(command.Help);
            return 0;
        }
        try
        {
            var parsed = Arguments.Parse(args.Skip(1), command.Options, command.Flags);
            var context = new Context(output, error, () => BuildServices(parsed, settings, configure));
            return await command.Run(parsed, context);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"spine-review {command.Name}: {e.Message}\n\n{command.Help}");
            return 2;
        }
        catch (OutputFileException e)
        {
            await error.WriteLineAsync($"spine-review {command.Name}: --out {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is InvalidDataException or UnauthorizedAccessException || (e is IOException && e is not DirectoryNotFoundException))
        {
            await error.WriteLineAsync($"spine-review {command.Name}: cannot read the input: {e.Message}");
            return 2;
        }
        catch (Exception e)
        {
            // Every failure ends in one line that says what went wrong; the exit code says it failed.
            await error.WriteLineAsync($"spine-review {command.Name} failed: {e.Message}");
            return 1;
        }
    }

    private static string Usage() =>
        "Usage: spine-review <command> [options]   (spine-review <command> --help for its options)\n\nCommands:\n" +
        string.Join("\n", Commands.Select(c => $"  {c.Name,-9} {c.Synopsis}")) +
        "\n\nSettings come from environment variables (A__B) or local.settings.json in the current folder, with the same names as the Functions app.";

    private static IServiceProvider BuildServices(Arguments args, IDictionary<string, string?>? settings, Action<IServiceCollection>? configure)
    {
        // The native build (dotnet publish -p:PublishAot=true) is for the offline commands: the Table storage client maps
        // entities by reflection, which native code cannot do, so storage commands stop here with a clear message.
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
            throw new UsageException("this native build of spine-review runs the commands that need no storage (parse, eval); " +
                "run storage commands with the regular build: scripts/run.sh, or dotnet run --project functions/SpineReview.Cli");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Locally the storage is Azurite unless a setting says otherwise.
            [StorageClients.Setting] = "UseDevelopmentStorage=true",
        });
        builder.Configuration.AddInMemoryCollection(LocalSettings.Read(Path.Combine(Environment.CurrentDirectory, "local.settings.json")));
        builder.Configuration.AddEnvironmentVariables();
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        if (args.Value("replay") is { } replay)
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Replay:Directory"] = Path.GetFullPath(replay) });
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; }).SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSpineReview(builder.Configuration);
        configure?.Invoke(builder.Services);
        return builder.Build().Services;
    }

    private static HarvestRequest Window(Arguments a)
    {
        var from = a.Date("from");
        var to = a.Date("to");
        if (from is not null && to is not null && from > to) throw new UsageException($"--from {from:yyyy-MM-dd} is after --to {to:yyyy-MM-dd}");
        return new HarvestRequest(from, to);
    }

    private static void CheckReplay(Arguments a)
    {
        if (a.Value("replay") is { } dir && !Directory.Exists(dir))
            throw new UsageException($"--replay {dir}: no such folder (the recorded sample set is samples/replay)");
        if (a.Positional.Count > 0) throw new UsageException($"unexpected argument '{a.Positional[0]}'");
    }

    private static async Task<int> RunCycleAsync(Arguments a, Context c)
    {
        CheckReplay(a);
        var window = Window(a);
        if (a.Value("out") is { } outPath) OutputFile.Check(outPath);
        var clock = Stopwatch.StartNew();
        var summary = await c.Services.GetRequiredService<CycleService>().RunAsync(window, c.Progress, CancellationToken.None);
        await PrintHarvestAsync(c.Out, summary.Harvests);
        var r = summary.Report;
        var written = await WriteOutAsync(a, c);
        var n = r.Counts;
        await c.Out.WriteLineAsync($"report: version {r.Version} ({r.Change}), {r.Pages} pages; identified {n.Identified}, duplicates {n.Duplicates}, " +
            $"excluded by rules {n.ExcludedByRules}, passed to reviewers {n.PassedRules}, included {n.Included}, provisionally eligible {n.Provisional}, new in this version {n.NewInThisVersion}");
        var al = summary.Alerts;
        await c.Out.WriteLineAsync(al.Configured
            ? $"alerts: {al.Sent} emails sent, {al.Planned} made up with {al.PlannedStudies} studies for {al.Subscribers} subscribers; {al.RetryLater} to retry, {al.Failed} failed, {al.Unconfirmed} unconfirmed"
            : "alerts: email is not set up (Smtp__Host): none sent");
        var h0 = summary.Harvests.Sum(h => h.New);
        var failedStages = summary.Screened.Failed + summary.Extracted.Failed;
        await c.Out.WriteLineAsync($"cycle done in {clock.Elapsed.TotalSeconds:0.0} s: {h0} new records, {summary.Screened.Done} screened by rules, {summary.Ranking.Ranked} waiting for reviewers (ranked by the model), {summary.Extracted.Done} extracted" +
            $"{(failedStages > 0 ? $", {failedStages} failed (left queued)" : "")}{(summary.Screened.Poisoned + summary.Extracted.Poisoned > 0 ? $", {summary.Screened.Poisoned + summary.Extracted.Poisoned} moved to the poison queues" : "")}, " +
            $"report version {r.Version}{(written is null ? "" : $" written to {written}")}, {al.Sent} alert emails sent");
        return summary.Harvests.Any(h => h.Status is "failed" or "incomplete") || failedStages > 0 ? 1 : 0;
    }

    private static async Task<string?> WriteOutAsync(Arguments a, Context c)
    {
        if (a.Value("out") is not { } path) return null;
        var latest = await c.Services.GetRequiredService<ReportService>().GetLatestAsync(CancellationToken.None)
                     ?? throw new InvalidOperationException("No report is stored yet.");
        return await CopyToFileAsync(latest, path);
    }

    /// <summary>Writes a stored PDF to a file.</summary>
    private static Task<string> CopyToFileAsync(StoredReport report, string path) => OutputFile.ReplaceAsync(path, async target =>
    {
        await using var source = await report.OpenAsync(CancellationToken.None);
        await source.CopyToAsync(target);
    });

    private static async Task PrintHarvestAsync(TextWriter o, IReadOnlyList<HarvestSummary> summaries)
    {
        await o.WriteLineAsync($"{"source",-10} {"window",-23} {"reported",8} {"retrieved",9} {"new",6} {"dupl.",6} {"stored",6} {"calls",6} {"429s",5} {"seconds",7}  status");
        foreach (var h in summaries)
            await o.WriteLineAsync($"{h.Source,-10} {$"{h.From:yyyy-MM-dd}..{h.To:yyyy-MM-dd}",-23} {h.Reported,8} {h.Retrieved,9} {h.New,6} {h.Duplicates,6} {h.AlreadyStored,6} {h.Calls,6} {h.TooMany,5} {h.Seconds,7:0.0}  {h.Status}{(h.Message is null ? "" : $": {h.Message}")}");
        foreach (var h in summaries)
            await o.WriteLineAsync($"query ({h.Source}): {h.Query}");
    }

    private static async Task<int> RunHarvestAsync(Arguments a, Context c)
    {
        CheckReplay(a);
        var source = a.Value("source") ?? "all";
        if (source != "all" && !SourceFiles.Names.Contains(source) || source == "crossref")
            throw new UsageException($"--source {source}: the sources are pubmed, ieee, europepmc, arxiv, openalex, or all (Crossref only enriches)");
        var harvester = c.Services.GetRequiredService<Harvester>();
        IReadOnlyList<HarvestSummary> summaries = source == "all"
            ? await harvester.HarvestAllAsync(Window(a), c.Progress, CancellationToken.None)
            : [await harvester.HarvestAsync(source, Window(a), c.Progress, CancellationToken.None)];
        await PrintHarvestAsync(c.Out, summaries);
        var bad = summaries.Where(h => h.Status is "failed" or "incomplete").Select(h => $"{h.Source} {h.Status}").ToList();
        await c.Out.WriteLineAsync($"harvest done: {summaries.Sum(h => h.New)} new, {summaries.Sum(h => h.Duplicates)} duplicates, " +
            $"{summaries.Sum(h => h.AlreadyStored)} already stored from {summaries.Count} sources{(bad.Count == 0 ? "" : $"; {string.Join(", ", bad)}")}");
        return bad.Count == 0 ? 0 : 1;
    }

    private static async Task<int> RunDrainAsync(Context c, string stage)
    {
        var cycle = c.Services.GetRequiredService<CycleService>();
        var n = stage == "screen"
            ? await cycle.DrainScreenAsync(c.Progress, CancellationToken.None)
            : await cycle.DrainExtractAsync(c.Progress, CancellationToken.None);
        await c.Out.WriteLineAsync($"{stage} done: {n.Done} records processed, {n.Failed} failed (left queued), {n.Poisoned} moved to the poison queue");
        return n.Failed > 0 ? 1 : 0;
    }

    private static async Task<int> RunExtractAsync(Arguments a, Context c)
    {
        if (a.Positional.Count == 0) return await RunDrainAsync(c, "extract");
        var action = a.Positional[0];
        var service = c.Services.GetRequiredService<SpineReview.Extraction.ExtractionService>();
        var store = c.Services.GetRequiredService<SpineReview.Extraction.ExtractionStore>();
        try
        {
            switch (action)
            {
                case "show":
                {
                    if (a.Positional.Count != 2) throw new UsageException("usage: spine-review extract show KEY");
                    var fields = await store.GetAsync(a.Positional[1], CancellationToken.None);
                    if (fields.Count == 0) throw new KeyNotFoundException($"no extracted form is stored for {a.Positional[1]} (extract runs on records that passed the rules)");
                    foreach (var name in SpineReview.Extraction.FormExtractor.Fields.Where(fields.ContainsKey))
                    {
                        var f = fields[name];
                        var auto = string.Join(", ", f.Automatic.Distinct);
                        await c.Out.WriteLineAsync($"{name,-19} {(auto.Length == 0 ? "-" : auto)}{(f.Correction is { } k ? $"   corrected by {k.By} on {k.At:yyyy-MM-dd}: {(k.Values.Count == 0 ? "not reported" : string.Join(", ", k.Values))}" : "")}");
                        foreach (var v in f.Automatic.Values.Where(v => v.Evidence.Length > 0).Take(2))
                            await c.Out.WriteLineAsync($"{"",19}   \"{v.Evidence}\"");
                    }
                    await c.Out.WriteLineAsync($"extract show done: {fields.Count} fields of {a.Positional[1]}, {fields.Values.Count(f => f.Correction is not null)} corrected, extractor {fields.Values.First().Automatic.ExtractorVersion}");
                    return 0;
                }
                case "correct":
                {
                    if (a.Positional.Count < 3) throw new UsageException("usage: spine-review extract correct KEY FIELD [VALUE ...] [--note TEXT]");
                    var reviewer = ConfiguredReviewer(c, "correcting");
                    var correction = await service.CorrectAsync(reviewer, a.Positional[1], a.Positional[2], a.Positional.Skip(3).ToList(), a.Value("note"), CancellationToken.None);
                    await c.Out.WriteLineAsync($"extract correct done: {a.Positional[2]} of {a.Positional[1]} set to {(correction.Values.Count == 0 ? "not reported" : string.Join(", ", correction.Values))} by {reviewer}");
                    return 0;
                }
                case "rerun":
                {
                    var (done, current) = await service.ReextractAsync(c.Progress, CancellationToken.None);
                    await c.Out.WriteLineAsync($"extract rerun done: {done} studies re-extracted with {SpineReview.Extraction.FormExtractor.Version}, {current} already current; corrections kept");
                    return 0;
                }
                case "accuracy":
                {
                    var accuracy = SpineReview.Extraction.ExtractionService.Accuracy((await store.ListStoredAsync(CancellationToken.None)).Values.SelectMany(f => f));
                    foreach (var x in accuracy)
                        await c.Out.WriteLineAsync(FormattableString.Invariant($"{x.Field,-19} {x.Accuracy,7:P1}  ({x.Right} of {x.Checked} checked by people)"));
                    await c.Out.WriteLineAsync($"extract accuracy done: {accuracy.Sum(x => x.Checked)} fields checked by people across {accuracy.Count} fields");
                    return 0;
                }
                default:
                    throw new UsageException($"unknown extract action '{action}': show, correct, rerun or accuracy");
            }
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
        {
            await c.Err.WriteLineAsync($"spine-review extract {action}: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAlertsAsync(Arguments a, Context c)
    {
        var action = a.Positional.Count > 0 ? a.Positional[0] : null;
        string One(string shape)
        {
            if (a.Positional.Count != 2) throw new UsageException($"usage: spine-review alerts {shape}");
            return a.Positional[1];
        }
        void None(string shape)
        {
            if (a.Positional.Count != 1) throw new UsageException($"usage: spine-review alerts {shape}");
        }
        var subscribeOptions = new[] { "email", "name", "modality", "region", "condition", "task", "frequency" };
        if (action != "subscribe" && subscribeOptions.FirstOrDefault(a.Has) is { } stray)
            throw new UsageException($"--{stray} goes with alerts subscribe");
        try
        {
            switch (action)
            {
                case null:
                {
                    var alerts = c.Services.GetRequiredService<SpineReview.Alerts.AlertService>();
                    var nudges = await alerts.DrainNudgesAsync(CancellationToken.None);
                    var r = await alerts.RunAsync(SpineReview.Alerts.AlertScope.All, c.Progress, CancellationToken.None);
                    if (!r.Configured)
                    {
                        await c.Out.WriteLineAsync("alerts done: email is not set up (set Smtp__Host and Smtp__FromAddress): 0 emails sent");
                        return 0;
                    }
                    await c.Out.WriteLineAsync($"alerts done: {r.Sent} emails sent; {r.Planned} made up with {r.PlannedStudies} studies for {r.Subscribers} subscribers due; " +
                        $"{r.RetryLater} to retry, {r.Failed} failed, {r.Unconfirmed} unconfirmed, {r.Dropped} dropped, {r.Waiting} waiting; {nudges} queue messages");
                    return r.HadFailures ? 1 : 0;
                }
                case "subscribe":
                {
                    None("subscribe --email ADDRESS [--name NAME] [--modality M,...] [--region R,...] [--condition C,...] [--task T,...] [--frequency immediate|daily|weekly]");
                    static List<string>? Many(string? v) => v is null ? null : [v];
                    var request = new SpineReview.Alerts.SubscriptionRequest(a.Value("email") ?? throw new UsageException("alerts subscribe needs --email ADDRESS"), a.Value("name"),
                        Many(a.Value("modality")), Many(a.Value("region")), Many(a.Value("condition")), Many(a.Value("task")), a.Value("frequency"));
                    var outcome = await c.Services.GetRequiredService<SpineReview.Alerts.SubscriptionService>().SubscribeAsync(request, CancellationToken.None);
                    await c.Out.WriteLineAsync(outcome == SpineReview.Alerts.SubscribeOutcome.ConfirmationSent
                        ? $"alerts subscribe done: a confirmation email was sent to {request.Email!.Trim()}; nothing else is sent until its link is followed"
                        : $"alerts subscribe done: a confirmation email went to {request.Email!.Trim()} a few minutes ago; none sent now (use the link in it)");
                    return 0;
                }
                case "confirm":
                {
                    var result = await c.Services.GetRequiredService<SpineReview.Alerts.SubscriptionService>().ConfirmAsync(One("confirm TOKEN"), CancellationToken.None);
                    var p = result.Subscriber.Preferences;
                    await c.Out.WriteLineAsync($"alerts confirm done: {result.Subscriber.Address} {(result.AlreadyDone ? "was already confirmed" : "is confirmed")}: {p.Filters.Describe()}, {p.Frequency.ToString().ToLowerInvariant()}");
                    return 0;
                }
                case "unsubscribe":
                {
                    var result = await c.Services.GetRequiredService<SpineReview.Alerts.SubscriptionService>().UnsubscribeAsync(One("unsubscribe TOKEN"), CancellationToken.None);
                    await c.Out.WriteLineAsync($"alerts unsubscribe done: subscriber {result.Subscriber.Id} {(result.AlreadyDone ? "was already unsubscribed" : "is unsubscribed and the address removed")}");
                    return 0;
                }
                case "list":
                {
                    None("list [--json]");
                    var list = await c.Services.GetRequiredService<SpineReview.Alerts.SubscriptionService>().ListAsync(CancellationToken.None);
                    if (a.Has("json"))
                    {
                        await c.Out.WriteLineAsync(JsonSerializer.Serialize(list.Select(s => new SubscriberJson(s.Id, s.Status == SpineReview.Alerts.SubscriberStatus.Unsubscribed ? null : s.Address,
                            s.Name, s.Status.ToString(), s.Preferences.Frequency.ToString(), s.Preferences.Filters.Modality, s.Preferences.Filters.Region, s.Preferences.Filters.Condition,
                            s.Preferences.Filters.Task, s.SubscribedAt, s.ConfirmedAt, s.UnsubscribedAt)).ToList(), AlertsJsonContext.Default.ListSubscriberJson));
                        return 0;
                    }
                    foreach (var s in list)
                        await c.Out.WriteLineAsync($"{s.Id}  {s.Status.ToString().ToLowerInvariant(),-12} {s.Preferences.Frequency.ToString().ToLowerInvariant(),-9} " +
                            $"{(s.Address.Length == 0 ? "(removed)" : s.Address)}{(s.Name is null ? "" : $" ({s.Name})")}: {s.Preferences.Filters.Describe()}" +
                            $"{(s.Requested is not null && s.Status == SpineReview.Alerts.SubscriberStatus.Confirmed ? "; a change waits for confirmation" : "")}");
                    await c.Out.WriteLineAsync($"alerts list done: {list.Count} subscribers, {list.Count(s => s.Status == SpineReview.Alerts.SubscriberStatus.Confirmed)} confirmed, " +
                        $"{list.Count(s => s.Status == SpineReview.Alerts.SubscriberStatus.Pending)} waiting for confirmation, {list.Count(s => s.Status == SpineReview.Alerts.SubscriberStatus.Unsubscribed)} unsubscribed");
                    return 0;
                }
                case "status":
                {
                    None("status");
                    var st = await c.Services.GetRequiredService<SpineReview.Alerts.AlertService>().StatusAsync(CancellationToken.None);
                    await c.Out.WriteLineAsync($"subscribers: {string.Join(", ", st.Subscribers.Select(x => $"{x.Value} {x.Key.ToString().ToLowerInvariant()}"))}");
                    await c.Out.WriteLineAsync($"emails: {string.Join(", ", st.Emails.Select(x => $"{x.Value} {x.Key.ToString().ToLowerInvariant()}"))}");
                    foreach (var d in st.NeedAttention.Concat(st.Waiting))
                        await c.Out.WriteLineAsync($"{d.Id}  {d.State.ToString().ToLowerInvariant(),-11} to {d.To}, {d.Studies} studies, {d.Attempts} attempts" +
                            $"{(d.State == SpineReview.Alerts.DeliveryState.Pending ? $", next attempt {d.NextAttemptAt:yyyy-MM-dd HH:mm}Z" : "")}{(d.LastError is null ? "" : $": {d.LastError}")}");
                    await c.Out.WriteLineAsync($"alerts status done: {st.Emails[SpineReview.Alerts.DeliveryState.Sent]} sent, {st.Waiting.Count} waiting, " +
                        $"{st.Emails[SpineReview.Alerts.DeliveryState.Failed]} failed, {st.Emails[SpineReview.Alerts.DeliveryState.Unconfirmed]} unconfirmed (failed and unconfirmed need a person: alerts retry ID or alerts close ID)");
                    return st.NeedAttention.Count > 0 ? 1 : 0;
                }
                case "retry" or "close":
                {
                    var id = One($"{action} ID");
                    var alerts = c.Services.GetRequiredService<SpineReview.Alerts.AlertService>();
                    var d = action == "retry" ? await alerts.RetryAsync(id, CancellationToken.None) : await alerts.CloseAsync(id, CancellationToken.None);
                    await c.Out.WriteLineAsync(action == "retry"
                        ? $"alerts retry done: email {d.Id} is pending again and goes out at the next pass (spine-review alerts)"
                        : $"alerts close done: email {d.Id} is closed; nothing more is sent for it");
                    return 0;
                }
                default:
                    throw new UsageException($"unknown alerts action '{action}': subscribe, confirm, unsubscribe, list, status, retry or close");
            }
        }
        catch (SpineReview.Alerts.AlertRejectedException e)
        {
            await c.Err.WriteLineAsync($"spine-review alerts{(action is null ? "" : " " + action)}: {e.Message}");
            return e.Status == 400 ? 2 : 1;
        }
    }

    private static async Task<int> RunExportAsync(Arguments a, Context c)
    {
        if (a.Positional.Count > 0) throw new UsageException($"unexpected argument '{a.Positional[0]}'");
        var format = a.Value("format") ?? throw new UsageException("export needs --format csv or --format ris");
        if (format is not ("csv" or "ris")) throw new UsageException($"--format {format}: the formats are csv and ris");
        var path = a.Value("out") ?? throw new UsageException("export needs --out FILE");
        OutputFile.Check(path);
        var studies = await c.Services.GetRequiredService<ExportService>().StudiesAsync(a.Has("provisional"), CancellationToken.None);
        var text = format == "csv" ? Exports.Csv(studies) : Exports.Ris(studies);
        var full = await OutputFile.ReplaceAsync(path, target => target.WriteAsync(new System.Text.UTF8Encoding(false).GetBytes(text)).AsTask());
        await c.Out.WriteLineAsync($"export done: {studies.Count(s => s.Status == ExportService.Included)} included{(a.Has("provisional") ? $" and {studies.Count(s => s.Status != ExportService.Included)} provisionally eligible" : "")} studies written to {full} ({format})");
        return 0;
    }

    private static async Task<int> RunReportAsync(Arguments a, Context c)
    {
        if (a.Value("out") is { } outPath) OutputFile.Check(outPath);
        var reports = c.Services.GetRequiredService<ReportService>();
        switch (a.Positional.FirstOrDefault())
        {
            case null:
                break;
            case "list":
                if (a.Positional.Count > 1) throw new UsageException($"unexpected argument '{a.Positional[1]}'");
                var versions = await reports.ListAsync(CancellationToken.None);
                await c.Out.WriteLineAsync("version  created           data cut-off  identified  included  provisional  new  pages  bytes      sha256");
                foreach (var v in versions)
                    await c.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{v.Version,-8} {v.Created.UtcDateTime,-17:yyyy-MM-dd HH:mm} {v.DataCutoff,-13:yyyy-MM-dd} {v.Identified,10}  {v.Included,8}  {v.Provisional,11}  {v.NewInThisVersion,3}  {v.Pages,5}  {v.Size,-9}  {(v.Sha256.Length > 16 ? v.Sha256[..16] + "…" : v.Sha256)}"));
                await c.Out.WriteLineAsync($"report list done: {versions.Count} version{(versions.Count == 1 ? "" : "s")}{(versions.Count > 0 ? $", latest {versions[^1].Version}" : "")}");
                return 0;
            case "get":
                if (a.Positional.Count != 2) throw new UsageException("give one version: spine-review report get VERSION --out FILE (VERSION as 1.4.2, or latest)");
                if (a.Value("out") is null) throw new UsageException("--out FILE is required: where to write the PDF");
                var wanted = a.Positional[1];
                StoredReport? stored;
                if (wanted == "latest") stored = await reports.GetLatestAsync(CancellationToken.None);
                else if (ReportVersion.TryParse(wanted, out var version)) stored = await reports.GetVersionAsync(version, CancellationToken.None);
                else throw new UsageException($"'{wanted}' is not a report version: give MAJOR.MINOR.PATCH (for example 1.4.2) or latest; 'spine-review report list' shows them");
                if (stored is null) throw new InvalidOperationException($"There is no report version {wanted}: 'spine-review report list' shows the versions there are.");
                var path = await CopyToFileAsync(stored, a.Value("out")!);
                await c.Out.WriteLineAsync($"report get done: version {stored.Version}, {stored.Size} bytes written to {path}");
                return 0;
            default:
                throw new UsageException($"unknown report command '{a.Positional[0]}': use list or get, or no argument to build the report");
        }
        var generated = await c.Services.GetRequiredService<ReportService>().GenerateAsync(CancellationToken.None);
        var m = generated.Manifest;
        // The bytes this run made or found unchanged, not whatever latest.pdf holds by the time they are written.
        var written = a.Value("out") is { } outFile ? await OutputFile.ReplaceAsync(outFile, target => target.WriteAsync(generated.Pdf).AsTask()) : null;
        await c.Out.WriteLineAsync($"report done: {(generated.Unchanged ? "nothing changed, still " : "")}version {m.Version}{(generated.Unchanged ? "" : $" ({m.Change})")}, {m.Pages} pages, {m.Size} bytes, " +
            $"{m.Counts.Included} included, {m.Counts.Provisional} provisionally eligible, {m.Counts.NewInThisVersion} new{(written is null ? "" : $"; written to {written}")}");
        return 0;
    }

    private static readonly JsonSerializerOptions RecordJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = RecordJsonContext.Default,
    };

    // Names and titles print as written ("+", accents), not as \u escapes.
    private static readonly JsonSerializerOptions ScreeningJson = new(ScreeningJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = ScreeningJsonContext.Default,
    };

    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<SpineReview.Records.BibRecord> RecordInfo =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<SpineReview.Records.BibRecord>)RecordJson.GetTypeInfo(typeof(SpineReview.Records.BibRecord));

    private static async Task<int> RunDedupAsync(Arguments a, Context c)
    {
        var action = a.Positional.Count > 0 ? a.Positional[0] : throw new UsageException("dedup takes an action: review, merge, split or distinct");
        var records = c.Services.GetRequiredService<RecordStore>();
        var time = c.Services.GetRequiredService<TimeProvider>();
        string Key() => a.Positional.Count == 2 ? a.Positional[1] : throw new UsageException($"dedup {action} takes one record key");
        string By() => a.Value("by") is { Length: > 0 } by ? by : throw new UsageException($"dedup {action} needs --by NAME: who decided");
        try
        {
            switch (action)
            {
                case "review":
                {
                    var pairs = await c.Services.GetRequiredService<DedupStore>().ListAsync(DedupStore.Review, default);
                    foreach (var p in pairs.OrderByDescending(p => p.TitleSimilarity))
                    {
                        var one = await records.GetAsync(p.RecordKey, default);
                        var two = await records.GetAsync(p.OtherKey, default);
                        await c.Out.WriteLineAsync(FormattableString.Invariant($"{p.RecordKey}  {p.OtherKey}  title similarity {p.TitleSimilarity:0.00}"));
                        await c.Out.WriteLineAsync($"    {one?.Record.Year} {one?.Record.Title}\n    {two?.Record.Year} {two?.Record.Title}");
                    }
                    await c.Err.WriteLineAsync($"dedup review: {pairs.Count} possible duplicate pair(s) wait for a decision");
                    return 0;
                }
                case "merge":
                {
                    var (key, into, by) = (Key(), a.Value("into") ?? throw new UsageException("dedup merge needs --into OTHER"), By());
                    var study = await records.MergeAsync(key, into, by, time.GetUtcNow(), default);
                    // No longer a study of its own: out of the reviewers' queue (its decisions stay on record).
                    await c.Services.GetRequiredService<SpineReview.Screening.ScreeningStore>().RemoveFromQueueAsync(key, default);
                    await c.Err.WriteLineAsync($"dedup merge: {key} is now linked to study {study} (decided by {by})");
                    return 0;
                }
                case "split":
                {
                    var (key, by) = (Key(), By());
                    var other = await records.SplitAsync(key, by, time.GetUtcNow(), default);
                    var queues = c.Services.GetRequiredService<WorkQueues>();
                    await queues.EnqueueAsync(queues.Screen, key, default);
                    await c.Err.WriteLineAsync($"dedup split: {key} is no longer linked to {other}; it is queued for screening (decided by {by})");
                    return 0;
                }
                case "distinct":
                {
                    var (key, other, by) = (Key(), a.Value("from") ?? throw new UsageException("dedup distinct needs --from OTHER"), By());
                    await records.KeepApartAsync(key, other, by, time.GetUtcNow(), default);
                    await c.Err.WriteLineAsync($"dedup distinct: {key} and {other} are kept as different works (decided by {by})");
                    return 0;
                }
                default:
                    throw new UsageException($"unknown dedup action '{action}'; actions: review, merge, split, distinct");
            }
        }
        catch (InvalidOperationException e)
        {
            await c.Err.WriteLineAsync($"spine-review dedup {action}: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunParseAsync(Arguments a, Context c)
    {
        if (a.Positional.Count != 2) throw new UsageException("parse takes SOURCE and FILE");
        var (source, file) = (a.Positional[0], a.Positional[1]);
        if (!SourceFiles.Names.Contains(source)) throw new UsageException($"unknown source '{source}'; sources: {string.Join(", ", SourceFiles.Names)}");
        if (!File.Exists(file)) throw new UsageException($"{file}: no such file");
        try
        {
            if (source == "pubmed" && SniffRoot(file) == "eSearchResult")
            {
                await using var s = OpenMaybeGzip(file);
                var result = PubMedXml.ParseESearch(s);
                if (result.Warnings.Count > 0)
                    throw new SourceException($"{file} is an esearch answer with errors: {string.Join("; ", result.Warnings)} (count {result.Count})");
                throw new SourceException($"{file} is an esearch answer (count {result.Count}, {result.Ids.Count} ids), not records; records come from efetch");
            }
            if (source == "pubmed" && !file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && new FileInfo(file).Length > 4_000_000)
            {
                // A large efetch file is parsed on every core, each part written to JSON lines in memory, then printed in order.
                var parts = PubMedFile.ParseParallel(file, records =>
                {
                    var buffer = new MemoryStream();
                    var n = 0;
                    using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = RecordJson.Encoder, SkipValidation = true }))
                        foreach (var record in records)
                        {
                            JsonSerializer.Serialize(json, record, RecordInfo);
                            json.Flush();
                            buffer.WriteByte((byte)'\n');
                            json.Reset();
                            n++;
                        }
                    return (buffer, n);
                });
                await c.Out.FlushAsync();
                var stdout = c.Out == Console.Out ? Console.OpenStandardOutput() : null;
                foreach (var (buffer, _) in parts)
                {
                    if (stdout is not null) { buffer.Position = 0; await buffer.CopyToAsync(stdout); }
                    else await c.Out.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                }
                if (stdout is not null) await stdout.FlushAsync();
                await c.Err.WriteLineAsync($"parse done: {parts.Sum(p => p.n)} records from {file}");
                return 0;
            }
            await using var stream = OpenMaybeGzip(file);
            var (records, reported) = SourceFiles.Parse(source, stream);
            foreach (var record in records)
                await c.Out.WriteLineAsync(JsonSerializer.Serialize(record, RecordInfo));
            await c.Err.WriteLineAsync($"parse done: {records.Count} records from {file}{(reported is int r ? $" (the source reported {r} in all)" : "")}");
            return 0;
        }
        catch (SourceException e)
        {
            await c.Err.WriteLineAsync($"spine-review parse: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunEvalAsync(Arguments a, Context c)
    {
        if (a.Positional.Count == 1 && a.Positional[0] == "screening") return await RunEvalScreeningAsync(a, c);
        if (a.Positional.Count == 1 && a.Positional[0] == "extraction") return await RunEvalExtractionAsync(a, c);
        if (a.Positional.Count != 1 || a.Positional[0] != "dedup") throw new UsageException("eval takes a stage: dedup, screening or extraction");
        var recordsFile = a.Value("records") ?? throw new UsageException("eval dedup needs --records FILE");
        var truthFile = a.Value("truth") ?? throw new UsageException("eval dedup needs --truth FILE");
        foreach (var f in new[] { recordsFile, truthFile })
            if (!File.Exists(f)) throw new UsageException($"{f}: no such file");
        var records = SpineReview.Dedup.DedupFiles.ReadRecords(recordsFile);
        var truth = SpineReview.Dedup.DedupFiles.ReadTruth(truthFile, records);
        var clock = Stopwatch.StartNew();
        var groups = SpineReview.Dedup.Deduplicator.FindGroups(records);
        clock.Stop();
        var score = SpineReview.Dedup.DedupEvaluation.Score(records.Count, truth, groups, clock.Elapsed.TotalSeconds);
        if (a.Value("found") is { } found)
            await File.WriteAllLinesAsync(found, ["merged_ids", .. groups.Select(g => "\"" + string.Join(';', g.Order(StringComparer.Ordinal)) + "\"")]);
        if (a.Has("json"))
        {
            await c.Out.WriteLineAsync(JsonSerializer.Serialize(score, EvalJsonContext.Default.DedupScore));
            return 0;
        }
        await c.Out.WriteLineAsync($"records {score.Records}; true groups {score.GroupsTrue} ({score.PairsTrue} pairs); found groups {score.GroupsFound} ({score.PairsFound} pairs)");
        await c.Out.WriteLineAsync($"eval dedup done: precision {score.Precision:0.0000}, recall {score.Recall:0.0000}, F1 {score.F1:0.0000}, " +
            $"{score.FalsePositivePairs} false-positive pairs, {score.Seconds:0.000} s");
        return 0;
    }

    private static async Task<int> RunEvalScreeningAsync(Arguments a, Context c)
    {
        var dataset = a.Value("dataset") ?? throw new UsageException("eval screening needs --dataset FILE (an ASReview CSV) or FOLDER (a SYNERGY dataset)");
        if (!File.Exists(dataset) && !Directory.Exists(dataset)) throw new UsageException($"--dataset {dataset}: no such file or folder");
        var runs = Int(a, "runs", 10, 1, 1000);
        var seed = Int(a, "seed", 1, 0, int.MaxValue);
        IReadOnlyList<SpineReview.Screening.Evaluation.LabelledRecord> data;
        try { data = SpineReview.Screening.Evaluation.ScreeningDataset.Read(dataset); }
        catch (FormatException e) { throw new InvalidDataException(e.Message, e); }
        var json = a.Has("json");
        if (!json) await c.Err.WriteLineAsync($"eval screening: {data.Count} records, {data.Count(d => d.Included)} included; {runs} runs per model");
        var result = SpineReview.Screening.Evaluation.ScreeningEvaluation.Evaluate(data, runs, seed, json ? null : c.Progress);
        var p = result.Project;
        var b = result.Baseline;
        if (json)
        {
            await c.Out.WriteLineAsync(JsonSerializer.Serialize(new ScreeningEvalJson(result.Records, result.Included, result.Runs, p.Wss95, p.Wss100, p.Rrf10,
                p.ScreenedAt95, p.Name, p.Wss95PerRun, new BaselineJson(b.Name, b.Wss95, b.Wss100, b.Rrf10, b.ScreenedAt95, b.Wss95PerRun), result.Seconds),
                ScreeningJson.GetTypeInfo(typeof(ScreeningEvalJson))));
            return 0;
        }
        await c.Out.WriteLineAsync($"{"model",-62} {"WSS@95",7} {"WSS@100",8} {"RRF@10",7} {"screened at 95%",16}");
        foreach (var m in new[] { p, b })
            await c.Out.WriteLineAsync(FormattableString.Invariant($"{m.Name,-62} {m.Wss95,7:P1} {m.Wss100,8:P1} {m.Rrf10,7:P1} {m.ScreenedAt95,16:0}"));
        await c.Out.WriteLineAsync(FormattableString.Invariant(
            $"eval screening done: {result.Records} records, {result.Included} included, {runs} runs; WSS@95 {p.Wss95:P1} against the baseline's {b.Wss95:P1}, {result.Seconds:0.0} s"));
        return 0;
    }

    private static async Task<int> RunEvalExtractionAsync(Arguments a, Context c)
    {
        var file = a.Value("gold") ?? throw new UsageException("eval extraction needs --gold FILE (the protocol's gold JSONL)");
        if (!File.Exists(file)) throw new UsageException($"--gold {file}: no such file");
        IReadOnlyList<SpineReview.Extraction.Evaluation.GoldRecord> gold;
        try { gold = SpineReview.Extraction.Evaluation.GoldSet.Read(file); }
        catch (FormatException bad) { throw new InvalidDataException(bad.Message, bad); }
        var score = SpineReview.Extraction.Evaluation.ExtractionEvaluation.Score(gold);
        if (a.Has("json"))
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteNumber("records", score.Records);
                w.WriteStartObject("eligibility");
                w.WriteNumber("precision", score.Eligibility.Precision);
                w.WriteNumber("recall", score.Eligibility.Recall);
                w.WriteNumber("accuracy", score.Eligibility.Accuracy);
                w.WriteEndObject();
                w.WriteNumber("exclusion_reason_accuracy", score.ExclusionReasonAccuracy);
                w.WriteStartObject("fields");
                foreach (var name in new[] { "modality", "region", "condition", "task", "architectures", "subjects", "images", "external_validation", "metrics", "code_available" })
                {
                    w.WriteStartObject(name);
                    // Set fields by precision/recall/F1, the others by accuracy; zeros when the file has no eligible record to score.
                    if (name is "modality" or "region" or "task" or "architectures" or "metrics")
                    {
                        var set = score.SetFields.GetValueOrDefault(name);
                        w.WriteNumber("precision", set?.Precision ?? 0);
                        w.WriteNumber("recall", set?.Recall ?? 0);
                        w.WriteNumber("f1", set?.F1 ?? 0);
                    }
                    else w.WriteNumber("accuracy", score.ExactFields.GetValueOrDefault(name)?.Accuracy ?? 0);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            await c.Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return 0;
        }
        var e = score.Eligibility;
        await c.Out.WriteLineAsync(FormattableString.Invariant($"eligibility (rules): precision {e.Precision:0.000}, recall {e.Recall:0.000}, accuracy {e.Accuracy:0.000}; exclusion reason right {score.ExclusionReasonAccuracy:0.000}"));
        foreach (var (name, set) in score.SetFields.OrderBy(x => x.Key, StringComparer.Ordinal))
            await c.Out.WriteLineAsync(FormattableString.Invariant($"{name,-20} precision {set.Precision:0.000}  recall {set.Recall:0.000}  F1 {set.F1:0.000}"));
        foreach (var (name, exact) in score.ExactFields.OrderBy(x => x.Key, StringComparer.Ordinal))
            await c.Out.WriteLineAsync(FormattableString.Invariant($"{name,-20} accuracy {exact.Accuracy:0.000} ({exact.Right} of {exact.Records})"));
        if (a.Has("misses"))
            foreach (var miss in score.Misses) await c.Out.WriteLineAsync("  " + miss);
        await c.Out.WriteLineAsync($"eval extraction done: {score.Records} records ({gold.Count(g => g.Eligible)} eligible), {score.Misses.Count} wrong or missed values");
        return 0;
    }

    private static int Int(Arguments a, string name, int fallback, int min, int max)
    {
        var v = a.Value(name);
        if (v is null) return fallback;
        return int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"--{name} takes a whole number from {min} to {max}, not '{v}'");
    }

    // The command line's reviewer: setting Screening:Reviewer (in Azure the platform's sign-in names the reviewer instead).
    private static string ConfiguredReviewer(Context c, string doing) =>
        c.Services.GetRequiredService<IOptions<SpineReview.Configuration.ScreeningOptions>>().Value.Reviewer is { Length: > 0 } r
            ? r : throw new UsageException($"who is {doing}? set Screening__Reviewer to your name (for example: export Screening__Reviewer=jane.doe)");

    private static async Task<int> RunScreenAsync(Arguments a, Context c)
    {
        if (a.Positional.Count == 0) return await RunDrainAsync(c, "screen");
        var action = a.Positional[0];
        var reviewer = () => ConfiguredReviewer(c, "screening");
        var people = () => c.Services.GetRequiredService<SpineReview.Screening.People.ReviewService>();
        void Args(int n, string shape)
        {
            if (a.Positional.Count != n) throw new UsageException($"usage: spine-review screen {shape}");
        }
        try
        {
            switch (action)
            {
                case "next":
                {
                    Args(1, "next [--json]");
                    var who = reviewer();
                    var item = await people().NextAsync(who, CancellationToken.None);
                    if (a.Has("json"))
                    {
                        await c.Out.WriteLineAsync(item is null ? "null" : JsonSerializer.Serialize(item, ScreeningJson.GetTypeInfo(typeof(SpineReview.Screening.People.ScreeningItem))));
                        return 0;
                    }
                    if (item is null)
                    {
                        await c.Out.WriteLineAsync($"screen next done: nothing is waiting for {who}");
                        return 0;
                    }
                    await c.Out.WriteLineAsync($"{item.RecordKey}   model probability {item.Probability:0.000}{(item.Likely ? " (likely eligible)" : "")}{(item.Audit ? "   [audit sample]" : "")}");
                    await c.Out.WriteLineAsync(item.Title);
                    await c.Out.WriteLineAsync($"{item.Authors}. {item.Journal} {item.Year}.{(item.Doi is null ? "" : $" doi:{item.Doi}")}{(item.Pmid is null ? "" : $" PMID {item.Pmid}")}");
                    await c.Out.WriteLineAsync();
                    await c.Out.WriteLineAsync(item.Abstract ?? "[no abstract]");
                    if (item.Keywords.Count > 0) await c.Out.WriteLineAsync($"\nKeywords: {string.Join("; ", item.Keywords)}");
                    await c.Out.WriteLineAsync($"\nDecide: spine-review screen decide {item.RecordKey} include | exclude --reason CODE | unsure");
                    await c.Out.WriteLineAsync($"screen next done: 1 of {item.WaitingForYou} records waiting for {who}");
                    return 0;
                }
                case "decide" or "resolve":
                {
                    Args(3, $"{action} KEY include|exclude{(action == "decide" ? "|unsure" : "")} [--reason CODE] [--note TEXT]");
                    var who = reviewer();
                    var service = people();
                    var result = action == "decide"
                        ? await service.DecideAsync(who, a.Positional[1], a.Positional[2], a.Value("reason"), a.Value("note"), a.Value("etag"), CancellationToken.None)
                        : await service.ResolveAsync(who, a.Positional[1], a.Positional[2], a.Value("reason"), a.Value("note"), a.Value("etag"), CancellationToken.None);
                    var outcome = result.Status switch
                    {
                        SpineReview.Screening.People.ScreeningStatus.Final => result.Included == true ? "included" : $"excluded ({result.Reason})",
                        SpineReview.Screening.People.ScreeningStatus.Conflict => "a conflict: it goes to a third reviewer",
                        _ => "waiting for the other reviewer",
                    };
                    await c.Out.WriteLineAsync($"etag {result.ETag}   (to change this decision: --etag '{result.ETag}')");
                    await c.Out.WriteLineAsync($"screen {action} done: {who} {result.Decision.Verdict.ToString().ToLowerInvariant()}{(result.Decision.Reason is null ? "" : $" ({result.Decision.Reason})")} on {result.Decision.RecordKey}; the record is now {outcome}");
                    return 0;
                }
                case "conflicts":
                {
                    Args(1, "conflicts [--json]");
                    var list = await people().ConflictsAsync(CancellationToken.None);
                    if (a.Has("json"))
                    {
                        await c.Out.WriteLineAsync(JsonSerializer.Serialize(list, ScreeningJson.GetTypeInfo(typeof(List<SpineReview.Screening.People.ConflictItem>))));
                        return 0;
                    }
                    foreach (var item in list)
                    {
                        await c.Out.WriteLineAsync($"{item.RecordKey}  {item.Year}  {item.Title}");
                        foreach (var d in item.Decisions)
                            await c.Out.WriteLineAsync($"    {d.Reviewer}: {d.Verdict.ToString().ToLowerInvariant()}{(d.Reason is null ? "" : $" ({d.Reason})")}{(d.Note is null ? "" : $" - {d.Note}")}");
                    }
                    await c.Out.WriteLineAsync($"screen conflicts done: {list.Count} records wait for a third reviewer (spine-review screen resolve KEY include|exclude)");
                    return 0;
                }
                case "rank":
                {
                    Args(1, "rank [--force]");
                    var m = await c.Services.GetRequiredService<SpineReview.Screening.RankingService>().RankAsync(a.Has("force"), CancellationToken.None);
                    await c.Out.WriteLineAsync($"top terms: {string.Join(", ", m.TopTerms)}");
                    await c.Out.WriteLineAsync(FormattableString.Invariant(
                        $"screen rank done: model training {m.Version} on {m.Includes} inclusions and {m.Exclusions} exclusions{(m.ColdStart ? " (cold start)" : "")}; {m.Ranked} records ranked; low threshold {(m.LowThreshold is { } l ? l.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) : "not set yet")}; {m.AutoExcluded} excluded by the model, {m.AuditSent} sent to the audit; {m.Seconds:0.00} s"));
                    return 0;
                }
                case "status":
                {
                    Args(1, "status");
                    var q = await people().QualityAsync(null, CancellationToken.None);
                    await c.Out.WriteLineAsync($"waiting for people: {q.Waiting}; conflicts: {q.Conflicts}; included by people: {q.IncludedByPeople}; excluded by people: {q.ExcludedByPeopleTotal}" +
                        $"{(q.ExcludedByPeople.Count == 0 ? "" : $" ({string.Join(", ", q.ExcludedByPeople.Select(x => $"{x.Key} {x.Value}"))})")}; excluded by the model: {q.AutoExcluded}");
                    await c.Out.WriteLineAsync($"agreement between reviewers (Cohen's kappa): {q.Reviewers}");
                    await c.Out.WriteLineAsync($"agreement of the model with people: {q.ModelVsPeople}");
                    await c.Out.WriteLineAsync(q.RecallSentence());
                    await c.Out.WriteLineAsync($"screen status done: {q.Waiting + q.Conflicts} records unsettled, {q.IncludedByPeople + q.ExcludedByPeopleTotal} settled by people");
                    return 0;
                }
                default:
                    throw new UsageException($"unknown screen action '{action}': next, decide, conflicts, resolve, rank or status");
            }
        }
        catch (SpineReview.Screening.People.DecisionRejectedException e)
        {
            await c.Err.WriteLineAsync($"spine-review screen {action}: {e.Message}");
            return e.Status == 401 ? 2 : 1;
        }
    }

    private static Stream OpenMaybeGzip(string file)
    {
        Stream s = File.OpenRead(file);
        return file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new System.IO.Compression.GZipStream(s, System.IO.Compression.CompressionMode.Decompress) : s;
    }

    private static string? SniffRoot(string file)
    {
        using var s = OpenMaybeGzip(file);
        try
        {
            using var r = System.Xml.XmlReader.Create(s, PubMedXml.ReaderSettings);
            while (r.Read())
                if (r.NodeType == System.Xml.XmlNodeType.Element) return r.LocalName;
        }
        catch (System.Xml.XmlException) { return null; }
        return null;
    }
}
