using System.Diagnostics;
using System.Text.Json;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Infra;

public class BuildTests
{
    private static string Bicep()
    {
        var env = Environment.GetEnvironmentVariable("SPINE_REVIEW_BICEP");
        var path = env is { Length: > 0 }
            ? env
            : Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
                "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        Assert.True(File.Exists(path), $"Bicep CLI not found at {path}: scripts/test.sh restores it from NuGet (infra/tools/BicepCli.csproj).");
        return path;
    }

    private static (int Code, string Out, string Err) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.RepoRoot };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit(120_000);
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Bicep_MainTemplate_BuildsAndLintsWithoutWarnings()
    {
        var bicep = Bicep();
        var main = Path.Combine(TestPaths.RepoRoot, "infra", "main.bicep");
        var build = Run(bicep, "build", main, "--stdout");
        Assert.True(build.Code == 0, build.Err);
        Assert.Equal("", build.Err.Trim());
        using var arm = JsonDocument.Parse(build.Out);
        var text = build.Out;
        Assert.Contains("Microsoft.Storage/storageAccounts", text, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Web/sites", text, StringComparison.Ordinal);
        var lint = Run(bicep, "lint", main);
        Assert.True(lint.Code == 0, lint.Err + lint.Out);
        Assert.Equal("", (lint.Out + lint.Err).Trim());
    }

    [Fact]
    public void FunctionsMetadata_ListsEveryFunctionWithItsTrigger()
    {
        var bin = Path.Combine(TestPaths.RepoRoot, "functions", "SpineReview.Functions", "bin");
        var metadata = Directory.GetFiles(bin, "functions.metadata", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        Assert.True(metadata is not null, $"functions.metadata not found under {bin}: build the Functions project");
        using var doc = JsonDocument.Parse(File.ReadAllText(metadata!));
        var functions = doc.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().First().GetProperty("type").GetString()!);
        Assert.Equal(new Dictionary<string, string>
        {
            ["HarvestPubMed"] = "timerTrigger",
            ["HarvestIeee"] = "timerTrigger",
            ["HarvestEuropePmc"] = "timerTrigger",
            ["HarvestArxiv"] = "timerTrigger",
            ["HarvestOpenAlex"] = "timerTrigger",
            ["ScreenRecord"] = "queueTrigger",
            ["ExtractRecord"] = "queueTrigger",
            ["RegenerateReport"] = "timerTrigger",
            ["GetLatestReport"] = "httpTrigger",
            ["RankScreening"] = "timerTrigger",
            ["ReextractStudies"] = "timerTrigger",
            ["ScreeningNext"] = "httpTrigger",
            ["ScreeningDecide"] = "httpTrigger",
            ["ScreeningConflicts"] = "httpTrigger",
            ["ScreeningResolve"] = "httpTrigger",
            ["ScreeningStatus"] = "httpTrigger",
            ["ExtractionForm"] = "httpTrigger",
            ["GetExport"] = "httpTrigger",
            ["ExtractionCorrect"] = "httpTrigger",
            ["AlertsSubscribe"] = "httpTrigger",
            ["AlertsConfirmPage"] = "httpTrigger",
            ["AlertsConfirm"] = "httpTrigger",
            ["AlertsUnsubscribePage"] = "httpTrigger",
            ["AlertsUnsubscribe"] = "httpTrigger",
            ["AlertsSubscribers"] = "httpTrigger",
            ["SendDigests"] = "timerTrigger",
            ["SendAlerts"] = "queueTrigger",
        }.OrderBy(k => k.Key), functions.OrderBy(k => k.Key));
    }

    [Fact]
    public void Settings_EveryOptionIsInTheSampleAndTheReadme()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "local.settings.sample.json")));
        var keys = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet();
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var options = new (string Section, Type Type)[]
        {
            ("Storage", typeof(SpineReview.Configuration.StorageOptions)),
            ("PubMed", typeof(SpineReview.Configuration.PubMedOptions)),
            ("Schedules", typeof(SpineReview.Configuration.ScheduleOptions)),
            ("Replay", typeof(SpineReview.Configuration.ReplayOptions)),
            ("Screening", typeof(SpineReview.Configuration.ScreeningOptions)),
            ("Alerts", typeof(SpineReview.Configuration.AlertOptions)),
            ("Smtp", typeof(SpineReview.Configuration.SmtpOptions)),
        };
        var sourceSettings = SpineReview.Sources.SourceDefaults.Sections.Values
            .SelectMany(section => typeof(SpineReview.Sources.SourceOptions).GetProperties().Where(p => p.CanWrite).Select(p => $"{section}__{p.Name}"));
        var names = options.SelectMany(o => o.Type.GetProperties().Where(p => p.CanWrite).Select(p => $"{o.Section}__{p.Name}"))
            .Concat(sourceSettings).Append("AzureWebJobsStorage").ToList();
        Assert.All(names, n => Assert.Contains(n, keys));
        // PubMed, storage and schedule settings are named whole in the README; the other sources share one table of keys.
        Assert.All(names.Where(n => !SpineReview.Sources.SourceDefaults.Sections.Values.Any(sec => n.StartsWith(sec + "__", StringComparison.Ordinal))),
            n => Assert.Contains($"`{n}`", readme, StringComparison.Ordinal));
        Assert.All(typeof(SpineReview.Sources.SourceOptions).GetProperties().Where(p => p.CanWrite),
            p => Assert.Contains($"`{p.Name}`", readme, StringComparison.Ordinal));
        Assert.All(SpineReview.Sources.SourceDefaults.Sections.Values, sec => Assert.Contains($"`{sec}__", readme, StringComparison.Ordinal));
    }
}
