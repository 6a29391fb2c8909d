using System.Diagnostics;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Sources.Imports;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Web;

/// <summary>Imported databases on the pages, and spine-review serve without its storage.</summary>
public sealed class WebSourcesTests
{
    private static readonly DateOnly Searched = new(2026, 11, 30);

    [Fact]
    public async Task Pages_ImportedSource_NamedAsTheReportNamesIt()
    {
        await using var web = await WebServer.StartAsync();
        await using (var file = File.OpenRead(Path.Combine(TestPaths.RepoRoot, "samples", "import", "embase-ovid.ris")))
            await web.Host.Get<ImportService>().ImportAsync(file, new ImportRequest("embase-ovid", "Embase", "Ovid", Searched, null, "embase-ovid.ris"), null, default);
        var keys = new List<string>();
        await foreach (var r in web.Host.Get<RecordStore>().ListAsync(default)) if (r.Record.Source == "embase-ovid") keys.Add(r.Key);
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            await web.Host.Get<ScreeningStore>().SaveRuleDecisionAsync(new RuleDecision(key, false, null, "none", RuleVerdict.Version, "", WebServer.T0), default);
            await web.Host.Get<ScreeningStore>().EnqueueAsync(key, 0.8, WebServer.T0, default);
        }
        var ana = await web.SignedInAsync("ana");
        var pages = new Dictionary<string, string>
        {
            ["/screening"] = await ana.GetStringAsync("/screening"),
            ["/records?box=identified"] = await web.Browser().GetStringAsync("/records?box=identified"),
            ["/"] = await web.Browser().GetStringAsync("/"),
        };
        foreach (var (path, html) in pages)
        {
            Assert.True(html.Contains("Embase (Ovid)", StringComparison.Ordinal), $"{path} does not name Embase (Ovid)");
            Assert.False(html.Contains(">embase-ovid<", StringComparison.Ordinal) || html.Contains("in embase-ovid", StringComparison.Ordinal) || html.Contains("· embase-ovid", StringComparison.Ordinal),
                $"{path} shows the stored name embase-ovid");
        }
    }

    [Fact]
    public async Task Serve_StorageNotReachable_OneClearLineSayingWhatToDo_Exit1()
    {
        var psi = new ProcessStartInfo(CliExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in new[] { "serve", "--port", "0" }) psi.ArgumentList.Add(a);
        psi.Environment["AzureWebJobsStorage"] =
            "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;SharedAccessSignature=sv=2020-08-04&sig=none";
        psi.Environment["Storage__Prefix"] = TestHost.NewPrefix();
        psi.Environment["Web__Reviewers"] = "ana";
        psi.Environment["Web__KeysDirectory"] = Directory.CreateTempSubdirectory("spine-serve-keys").FullName;
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var all = (await output + await error).Trim();
        Assert.Equal(1, process.ExitCode);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
        var lines = all.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, all);
        Assert.Contains("AzureWebJobsStorage", lines[0], StringComparison.Ordinal);
        Assert.Contains("Azurite", lines[0], StringComparison.Ordinal);
    }

    // The command line's own build output, beside the tests' (bin/CONFIGURATION/net10.0/linux-x64).
    private static string CliExecutable { get; } = Path.Combine(TestPaths.RepoRoot, "functions", "SpineReview.Cli",
        Path.GetRelativePath(Path.Combine(TestPaths.RepoRoot, "tests", "SpineReview.Tests"), AppContext.BaseDirectory), "spine-review");
}
