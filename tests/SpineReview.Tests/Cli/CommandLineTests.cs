using SpineReview.Records;
using SpineReview.Cli;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Cli;

public class CommandLineTests
{
    private static async Task<(int Code, string Out, string Err)> Run(IDictionary<string, string?>? settings, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, settings);
        return (code, output.ToString(), error.ToString());
    }

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => Run(null, args);

    [Fact]
    public async Task NoArguments_PrintsUsage_Exit2()
    {
        var (code, output, _) = await Run();
        Assert.Equal(2, code);
        Assert.Contains("Usage: spine-review", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_Exit2WithUsage()
    {
        var (code, _, err) = await Run("frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("unknown command 'frobnicate'", err, StringComparison.Ordinal);
        Assert.Contains("Commands:", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_Exit2WithTheCommandsUsage()
    {
        var (code, _, err) = await Run("cycle", "--frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("unknown option --frobnicate", err, StringComparison.Ordinal);
        Assert.Contains("Usage: spine-review cycle", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cycle")]
    [InlineData("harvest")]
    [InlineData("screen")]
    [InlineData("extract")]
    [InlineData("report")]
    [InlineData("parse")]
    [InlineData("eval")]
    [InlineData("dedup")]
    [InlineData("export")]
    [InlineData("alerts")]
    public async Task Help_EveryCommand_SaysWhatItTakes(string command)
    {
        var (code, output, _) = await Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains($"Usage: spine-review {command}", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("screen decide", new[] { "screen", "decide", "pubmed:1", "include", "--frobnicate" }, "spine-review screen decide: unknown option --frobnicate")]
    [InlineData("screen next", new[] { "screen", "next", "--reason", "review" }, "spine-review screen next: --reason goes with screen decide, screen resolve")]
    [InlineData("report", new[] { "report", "--out" }, "spine-review report: option --out needs a value")]
    [InlineData("screen decide", new[] { "screen", "decide" }, "spine-review screen decide: missing KEY and VERDICT")]
    [InlineData("report", new[] { "report", "frobnicate" }, "spine-review report: unknown report action 'frobnicate': list or get")]
    [InlineData("eval", new[] { "eval" }, "spine-review eval: takes one of: dedup, screening, stopping or extraction")]
    [InlineData("export", new[] { "export", "--format", "csv" }, "spine-review export: needs --out FILE")]
    [InlineData("export", new[] { "export", "--format", "csv", "extra" }, "spine-review export: unexpected argument 'extra'\nspine-review export: needs --out FILE")]
    [InlineData("harvest", new[] { "harvest", "--from", "2024-02-01", "--to", "2024-01-01" }, "--from 2024-02-01 is after --to 2024-01-01")]
    [InlineData("dedup split", new[] { "dedup", "split", "pubmed:1", "--by", "" }, "needs --by NAME: who decided")]
    [InlineData("cycle", new[] { "cycle", "--replay", "/no/such/folder" }, "--replay /no/such/folder: no such folder")]
    public async Task BadUsage_Exit2_TheMessageSaysWhatWasWrong_ThenTheCommandsHelp(string command, string[] args, string message)
    {
        var (code, output, err) = await Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(message, err, StringComparison.Ordinal);
        // The help of the command the mistake was made on follows the message.
        Assert.Contains($"\n\nUsage: spine-review {command}", err, StringComparison.Ordinal);
    }

    // Every sub-command of ../shared/design/INTERFACES.md and README.md, with the options it takes.
    [Theory]
    [InlineData("cycle", "--replay DIR", "--out FILE", "--from YYYY-MM-DD", "--to YYYY-MM-DD")]
    [InlineData("harvest", "--source NAME|all", "--from YYYY-MM-DD", "--to YYYY-MM-DD", "--replay DIR")]
    [InlineData("screen next", "--json")]
    [InlineData("screen decide", "KEY", "VERDICT", "--reason CODE", "--note TEXT", "--etag ETAG")]
    [InlineData("screen conflicts", "--json")]
    [InlineData("screen resolve", "KEY", "VERDICT", "--reason CODE", "--note TEXT")]
    [InlineData("screen rank", "--force")]
    [InlineData("screen status")]
    [InlineData("extract show", "KEY")]
    [InlineData("extract correct", "KEY", "FIELD", "VALUE", "--note TEXT")]
    [InlineData("extract rerun")]
    [InlineData("extract accuracy")]
    [InlineData("export", "--format csv|ris", "--out FILE", "--provisional")]
    [InlineData("alerts subscribe", "--email ADDRESS", "--name NAME", "--modality M,...", "--region R,...", "--condition C,...", "--task T,...", "--frequency immediate|daily|weekly")]
    [InlineData("alerts confirm", "TOKEN")]
    [InlineData("alerts unsubscribe", "TOKEN")]
    [InlineData("alerts list", "--json")]
    [InlineData("alerts status")]
    [InlineData("alerts retry", "ID")]
    [InlineData("alerts close", "ID")]
    [InlineData("report", "--out FILE")]
    [InlineData("report list")]
    [InlineData("report get", "VERSION", "--out FILE")]
    [InlineData("eval dedup", "--records FILE", "--truth FILE", "--json", "--found FILE")]
    [InlineData("eval screening", "--dataset FILE|FOLDER", "--runs N", "--seed S", "--json")]
    [InlineData("eval extraction", "--gold FILE", "--json", "--misses")]
    [InlineData("dedup review")]
    [InlineData("dedup merge", "KEY", "--into OTHER", "--by NAME")]
    [InlineData("dedup split", "KEY", "--by NAME")]
    [InlineData("dedup distinct", "KEY", "--from OTHER", "--by NAME")]
    [InlineData("parse", "SOURCE", "FILE")]
    [InlineData("refresh")]
    public async Task Help_EverySubcommand_ItsUsageAndEachArgumentAndOptionItTakes(string command, params string[] takes)
    {
        var (code, output, err) = await Run([.. command.Split(' '), "--help"]);
        Assert.True(code == 0, err);
        Assert.StartsWith($"Usage: spine-review {command}", output, StringComparison.Ordinal);
        foreach (var item in takes.Append("-h, -?, --help"))
            Assert.Contains($"\n  {item} ", output.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Root_ListsEveryCommandAndTheExitCodes()
    {
        var (code, output, _) = await Run("--help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "cycle", "harvest", "refresh", "screen", "extract", "export", "alerts", "report", "eval", "dedup", "parse" })
            Assert.Contains($"\n  {command} ", output, StringComparison.Ordinal);
        Assert.Contains("130 cancelled by Ctrl+C (143 by SIGTERM)", output, StringComparison.Ordinal);
        Assert.Equal(output, (await Run("help")).Out);
        Assert.Equal((await Run("screen", "decide", "--help")).Out, (await Run("help", "screen", "decide")).Out);
        var (unknown, _, err) = await Run("help", "frobnicate");
        Assert.Equal(2, unknown);
        Assert.StartsWith("spine-review help: unknown command 'frobnicate'", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheAssemblysInformationalVersion()
    {
        var (code, output, err) = await Run("--version");
        Assert.True(code == 0, err);
        var expected = typeof(CommandLine).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Equal(expected + Environment.NewLine, output);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Fact]
    public async Task Cancelled_TheTokenReachesTheServices_Exit130WithACancelledMessage()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(["report", "list"], output, error, new Dictionary<string, string?> { ["Storage:Prefix"] = TestHost.NewPrefix() }, cancellationToken: cancelled.Token);
        Assert.Equal(130, code);
        Assert.StartsWith("spine-review report list: cancelled;", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("report list done", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadDate_Exit2()
    {
        var (code, _, err) = await Run("harvest", "--from", "yesterday");
        Assert.Equal(2, code);
        Assert.Contains("YYYY-MM-DD", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParsePubmed_File_PrintsOneJsonRecordPerArticle()
    {
        var (code, output, err) = await Run("parse", "pubmed", Path.Combine(TestPaths.Fixtures, "pubmed", "test_current_medline.xml.gz"));
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        foreach (var field in new[] { "source", "sourceId", "pmid", "doi", "pmcid", "arxivId", "title", "abstract", "year", "journal", "authors", "publicationTypes", "mesh", "keywords", "language" })
            Assert.True(first.RootElement.TryGetProperty(field, out _), $"field {field} missing");
        Assert.Equal("36400559", first.RootElement.GetProperty("pmid").GetString());
        Assert.Contains("parse done: 4 records", err, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ParsePubmed_ESearchErrorDocument_Exit1WithNcbiMessage()
    {
        var (code, _, err) = await Run("parse", "pubmed", TestPaths.Corpus("pubmed", "eutils_json_klortho", "esearch.baderror.xml"));
        Assert.Equal(1, code);
        Assert.Contains("Invalid db name specified", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParsePubmed_MissingFile_Exit2()
    {
        var (code, _, err) = await Run("parse", "pubmed", "/no/such/file.xml");
        Assert.Equal(2, code);
        Assert.Contains("no such file", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cycle_StorageUnreachable_Exit1NamingTheSettingAndAzurite()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;SharedAccessSignature=sv=2020-08-04&sig=none",
            ["Storage:Prefix"] = TestHost.NewPrefix(),
        };
        var (code, _, err) = await Run(settings, "report");
        Assert.Equal(1, code);
        Assert.Contains("AzureWebJobsStorage", err, StringComparison.Ordinal);
        Assert.Contains("Azurite", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cycle_WithReplayAndOut_WritesThePdfAndEndsWithASummary()
    {
        TestHost.RequireAzurite();
        var prefix = TestHost.NewPrefix();
        var outFile = Path.Combine(Path.GetTempPath(), $"{prefix}.pdf");
        var settings = new Dictionary<string, string?>(TestHost.PubMedOnly()) { ["Storage:Prefix"] = prefix };
        var (code, output, err) = await Run(settings, "cycle", "--replay", TestPaths.Replay, "--out", outFile, "--from", "2024-01-01", "--to", "2024-06-30");
        Assert.True(code == 0, err);
        Assert.Contains("[1/6] harvest", err, StringComparison.Ordinal);
        Assert.Contains("[5/6] report", err, StringComparison.Ordinal);
        Assert.Contains("[6/6] alerts", err, StringComparison.Ordinal);
        var last = output.TrimEnd().Split('\n').Last();
        Assert.StartsWith("cycle done", last, StringComparison.Ordinal);
        Assert.Contains("report version 1.0.0", last, StringComparison.Ordinal);
        Assert.True(File.Exists(outFile));
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(outFile), 0, 4), StringComparison.Ordinal);

        // The versions are listed, and one is fetched by number: the same bytes as written by the cycle.
        var (listCode, listed, _) = await Run(settings, "report", "list");
        Assert.Equal(0, listCode);
        Assert.Contains("\n1.0.0 ", listed, StringComparison.Ordinal);
        Assert.EndsWith("report list done: 1 version, latest 1.0.0", listed.TrimEnd(), StringComparison.Ordinal);
        var copy = outFile + ".v1.pdf";
        var (getCode, got, getErr) = await Run(settings, "report", "get", "1.0.0", "--out", copy);
        Assert.True(getCode == 0, getErr);
        Assert.StartsWith("report get done: version 1.0.0", got, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(outFile), File.ReadAllBytes(copy));
        Assert.Equal(2, (await Run(settings, "report", "get", "1.0", "--out", copy)).Code);
        var (missingCode, _, missingErr) = await Run(settings, "report", "get", "2.0.0", "--out", copy);
        Assert.Equal(1, missingCode);
        Assert.Contains("There is no report version 2.0.0", missingErr, StringComparison.Ordinal);
        File.Delete(outFile);
        File.Delete(copy);
        await using var cleanup = TestHost.Create(prefix: prefix);
    }

    [Fact]
    public async Task EvalDedup_Json_PrintsOneObjectWithTheInterfaceFields()
    {
        var folder = Path.Combine(TestPaths.Fixtures, "dedup", "special_cases");
        var (code, output, _) = await Run("eval", "dedup", "--records", Path.Combine(folder, "records_pre_merged.csv"), "--truth", Path.Combine(folder, "merged_record_ids.csv"), "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        foreach (var field in new[] { "records", "groups_true", "groups_found", "pairs_true", "pairs_found", "true_positive_pairs", "false_positive_pairs", "precision", "recall", "f1", "seconds" })
            Assert.True(doc.RootElement.TryGetProperty(field, out _), $"field {field} missing");
        Assert.Equal(12, doc.RootElement.GetProperty("records").GetInt32());
        Assert.Equal(0, doc.RootElement.GetProperty("false_positive_pairs").GetInt32());
    }

    [Fact]
    public async Task EvalDedup_Panel_OneRowPerBenchmarkWithThePairsLeftToAPerson()
    {
        var (code, output, _) = await Run("eval", "dedup", "--panel", Path.Combine(TestPaths.Fixtures, "dedup"), "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var sets = doc.RootElement.GetProperty("sets").EnumerateArray().ToList();
        Assert.Equal(["cytology_screening", "special_cases"], sets.Select(s => s.GetProperty("set").GetString()));
        Assert.Equal([1856, 12], sets.Select(s => s.GetProperty("records").GetInt32()));
        Assert.All(sets, s => Assert.True(s.TryGetProperty("review_pairs", out _)));
        Assert.Equal(0, doc.RootElement.GetProperty("false_positive_pairs").GetInt64());
        Assert.True(doc.RootElement.GetProperty("min_recall").GetDouble() >= 0.99);
    }

    [Fact]
    public async Task EvalDedup_PanelWithRecords_Exit2()
    {
        var (code, _, err) = await Run("eval", "dedup", "--panel", Path.Combine(TestPaths.Fixtures, "dedup"), "--records", "x.csv");
        Assert.Equal(2, code);
        Assert.Contains("--panel", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalDedup_MissingTruth_Exit2()
    {
        var (code, _, err) = await Run("eval", "dedup", "--records", "x.csv");
        Assert.Equal(2, code);
        Assert.Contains("--truth", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalScreening_Json_InterfaceFields_ProjectAtLeastTheBaseline()
    {
        var (code, output, err) = await Run("eval", "screening", "--dataset", TestPaths.Fixture("screening", "synergy", "Jeyaraman_2020"), "--runs", "2", "--json");
        Assert.True(code == 0, err);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        foreach (var field in new[] { "records", "included", "runs", "wss95", "wss100", "rrf10", "screened_at_95", "baseline" })
            Assert.True(root.TryGetProperty(field, out _), $"field {field} missing");
        Assert.Equal((1175, 96, 2), (root.GetProperty("records").GetInt32(), root.GetProperty("included").GetInt32(), root.GetProperty("runs").GetInt32()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("baseline").GetProperty("name").GetString()));
        // Random order would save nothing: both models must save work, the project's at least as much as the baseline's.
        var project = root.GetProperty("wss95").GetDouble();
        var baseline = root.GetProperty("baseline").GetProperty("wss95").GetDouble();
        Assert.True(baseline > 0.4, $"baseline WSS@95 {baseline}");
        Assert.True(project >= baseline, $"project WSS@95 {project} below the baseline's {baseline}");
    }

    [Fact]
    public async Task EvalScreening_BadDatasetOrRuns_Exit2()
    {
        var (code, _, err) = await Run("eval", "screening", "--dataset", "no-such-file.csv");
        Assert.Equal(2, code);
        Assert.Contains("no such file or folder", err, StringComparison.Ordinal);
        (code, _, err) = await Run("eval", "screening", "--dataset", TestPaths.Fixture("screening", "synergy", "Jeyaraman_2020"), "--runs", "0");
        Assert.Equal(2, code);
        Assert.Contains("--runs takes a whole number", err, StringComparison.Ordinal);
        (code, _, err) = await Run("eval", "screening", "--dataset", TestPaths.Fixture("screening", "synergy", "Muthu_2021"));
        Assert.Equal(2, code);
        Assert.Contains("no works_*.zip", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Screen_FromTheTerminal_NextDecideStatus()
    {
        var prefix = TestHost.NewPrefix();
        await using var host = TestHost.Create(prefix: prefix);
        var record = new SpineReview.Records.BibRecord
        {
            Source = "pubmed", SourceId = "860001", Pmid = "860001", Year = 2024, Title = "Deep learning grading of lumbar spinal stenosis on MRI",
            Abstract = "A convolutional neural network graded stenosis on 1,000 lumbar MRI studies.",
        };
        await host.Get<SpineReview.Dedup.DedupService>().RegisterAsync(record, "run1", DateTimeOffset.UnixEpoch, default);
        await host.Get<SpineReview.Screening.ScreeningStore>().EnqueueAsync(record.Key, 0.5, DateTimeOffset.UnixEpoch, default);

        var anonymous = await Run(new Dictionary<string, string?> { ["Storage:Prefix"] = prefix }, "screen", "next");
        Assert.Equal(2, anonymous.Code);
        Assert.Contains("Screening__Reviewer", anonymous.Err, StringComparison.Ordinal);

        var ana = new Dictionary<string, string?> { ["Storage:Prefix"] = prefix, ["Screening:Reviewer"] = "ana" };
        var next = await Run(ana, "screen", "next");
        Assert.True(next.Code == 0, next.Err);
        Assert.Contains(record.Key, next.Out, StringComparison.Ordinal);
        Assert.Contains("Deep learning grading of lumbar spinal stenosis", next.Out, StringComparison.Ordinal);

        var noReason = await Run(ana, "screen", "decide", record.Key, "exclude");
        Assert.Equal(1, noReason.Code);
        Assert.Contains("needs a reason code", noReason.Err, StringComparison.Ordinal);

        var decided = await Run(ana, "screen", "decide", record.Key, "include", "--note", "clear");
        Assert.True(decided.Code == 0, decided.Err);
        Assert.StartsWith("screen decide done: ana include", decided.Out.TrimEnd().Split('\n').Last(), StringComparison.Ordinal);
        Assert.Contains("waiting for the other reviewer", decided.Out, StringComparison.Ordinal);

        var empty = await Run(ana, "screen", "next");
        Assert.Contains("nothing is waiting for ana", empty.Out, StringComparison.Ordinal);
        var status = await Run(ana, "screen", "status");
        Assert.True(status.Code == 0, status.Err);
        Assert.Contains("waiting for people: 1", status.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalExtraction_DevelopmentGoldSet_InterfaceFieldsAndTheTargets()
    {
        var gold = Path.Combine(TestPaths.RepoRoot, "samples", "gold", "extraction-dev.jsonl");
        var (code, output, err) = await Run("eval", "extraction", "--gold", gold, "--json");
        Assert.True(code == 0, err);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("records").GetInt32() >= 40);
        Assert.True(root.GetProperty("eligibility").GetProperty("recall").GetDouble() >= 0.95);
        var fields = root.GetProperty("fields");
        foreach (var f in new[] { "modality", "region", "architectures", "task" })
            Assert.True(fields.GetProperty(f).GetProperty("f1").GetDouble() >= 0.90, $"{f} F1 below 0.90");
        foreach (var f in new[] { "subjects", "external_validation", "code_available" })
            Assert.True(fields.GetProperty(f).GetProperty("accuracy").GetDouble() >= 0.90, $"{f} accuracy below 0.90");
        foreach (var f in new[] { "condition", "images", "metrics" })
            Assert.True(fields.TryGetProperty(f, out _), $"field {f} missing");
        Assert.True(root.TryGetProperty("exclusion_reason_accuracy", out _));
    }

    [Fact]
    public async Task EvalExtraction_BadLine_Exit2WithItsNumber()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "{\"id\":\"A\",\"text\":\"t\",\"eligible\":true}\n{not json}\n");
            var (code, _, err) = await Run("eval", "extraction", "--gold", file);
            Assert.Equal(2, code);
            Assert.Contains("line 2", err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Extract_ShowCorrectAccuracy_FromTheTerminal()
    {
        var prefix = TestHost.NewPrefix();
        await using var host = TestHost.Create(prefix: prefix);
        var record = new SpineReview.Records.BibRecord
        {
            Source = "pubmed", SourceId = "880001", Pmid = "880001", Year = 2023, Title = "Deep learning detection of vertebral fractures on CT",
            Abstract = "A DenseNet detected fractures on CT of 665 patients; code is available at https://github.com/example/vfx.",
        };
        await host.Get<SpineReview.Dedup.DedupService>().RegisterAsync(record, "run1", DateTimeOffset.UnixEpoch, default);
        await host.Get<SpineReview.Extraction.ExtractionService>().ExtractAsync(new RecordMessage(record.Key), default);
        var ana = new Dictionary<string, string?> { ["Storage:Prefix"] = prefix, ["Screening:Reviewer"] = "ana" };

        var show = await Run(ana, "extract", "show", record.Key);
        Assert.True(show.Code == 0, show.Err);
        Assert.Contains("subjects", show.Out, StringComparison.Ordinal);
        Assert.Contains("665 patients", show.Out, StringComparison.Ordinal);

        var bad = await Run(ana, "extract", "correct", record.Key, "modality", "PET");
        Assert.Equal(1, bad.Code);
        Assert.Contains("its values are", bad.Err, StringComparison.Ordinal);

        var corrected = await Run(ana, "extract", "correct", record.Key, "subjects", "660", "--note", "5 excluded");
        Assert.True(corrected.Code == 0, corrected.Err);
        Assert.StartsWith("extract correct done: subjects", corrected.Out.TrimEnd().Split('\n').Last(), StringComparison.Ordinal);
        var accuracy = await Run(ana, "extract", "accuracy");
        Assert.Contains("subjects", accuracy.Out, StringComparison.Ordinal);
        Assert.Contains("0 of 1 checked by people", accuracy.Out, StringComparison.Ordinal);
    }
}
