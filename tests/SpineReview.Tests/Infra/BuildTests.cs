using System.Text.Json;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Infra;

public class BuildTests
{
    [Fact]
    public void Bicep_MainTemplateAndParameterFiles_BuildAndLintWithoutWarnings()
    {
        var main = Bicep.Infra("main.bicep");
        var build = Bicep.Run("build", main, "--stdout");
        Assert.True(build.Code == 0, build.Err);
        Assert.Equal("", build.Err.Trim());
        foreach (var type in new[] { "Microsoft.Storage/storageAccounts", "Microsoft.Web/sites", "Microsoft.KeyVault/vaults", "Microsoft.Insights/components",
                     "Microsoft.OperationalInsights/workspaces", "Microsoft.ManagedIdentity/userAssignedIdentities", "Microsoft.Authorization/roleAssignments" })
            Assert.Contains($"\"{type}", build.Out, StringComparison.Ordinal);
        var parameterFiles = Directory.GetFiles(Bicep.Infra(), "*.bicepparam");
        Assert.Equal(["main.dev.bicepparam", "main.prod.bicepparam"], parameterFiles.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in parameterFiles)
        {
            var parameters = Bicep.Run("build-params", file, "--stdout");
            Assert.True(parameters.Code == 0, parameters.Err);
            Assert.Equal("", parameters.Err.Trim());
        }
        foreach (var file in parameterFiles.Prepend(main))
        {
            var lint = Bicep.Run("lint", file);
            Assert.True(lint.Code == 0, lint.Err + lint.Out);
            Assert.Equal("", (lint.Out + lint.Err).Trim());
        }
    }

    [Fact]
    public void Bicep_EveryParameterOfMainAndItsModules_HasADescriptionSayingWhetherItIsRequired()
    {
        var templates = new List<(string Name, JsonElement Template)> { ("main.bicep", Bicep.MainTemplate) };
        var resources = Bicep.MainTemplate.GetProperty("resources");
        foreach (var resource in resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray())
            if (resource.TryGetProperty("properties", out var properties) && properties.TryGetProperty("template", out var template))
                templates.Add(($"module {resource.GetProperty("name").GetString()}", template));
        Assert.Equal(5, templates.Count);
        var undescribed = templates.SelectMany(t => t.Template.GetProperty("parameters").EnumerateObject()
                .Where(p => !(p.Value.TryGetProperty("metadata", out var m) && m.TryGetProperty("description", out var d)
                              && d.GetString() is { } text && (text.StartsWith("Required. ", StringComparison.Ordinal) || text.StartsWith("Optional. ", StringComparison.Ordinal))))
                .Select(p => $"{t.Name}: {p.Name}"))
            .ToList();
        Assert.True(undescribed.Count == 0, $"parameters without a 'Required. ...' or 'Optional. ...' description: {string.Join(", ", undescribed)}");
    }

    [Fact]
    public void Bicep_ParameterFiles_GiveSecureParametersNoLiteralValue()
    {
        var secure = Bicep.MainTemplate.GetProperty("parameters").EnumerateObject()
            .Where(p => p.Value.GetProperty("type").GetString()!.StartsWith("secure", StringComparison.OrdinalIgnoreCase)).Select(p => p.Name).ToList();
        Assert.Contains("ncbiApiKey", secure);
        foreach (var file in Directory.GetFiles(Bicep.Infra(), "*.bicepparam"))
            foreach (var line in File.ReadLines(file).Select(l => l.Trim()))
            {
                var name = secure.FirstOrDefault(s => line.StartsWith($"param {s} ", StringComparison.Ordinal) || line.StartsWith($"param {s}=", StringComparison.Ordinal));
                if (name is null) continue;
                var value = line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim();
                Assert.True(value == "''" || value.StartsWith("readEnvironmentVariable(", StringComparison.Ordinal),
                    $"{Path.GetFileName(file)} gives secure parameter {name} the value {value}: secrets come from the environment or Key Vault, never from a parameters file");
            }
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
            ["SearchCitations"] = "timerTrigger",
            ["RefreshStudies"] = "timerTrigger",
            ["DrainQueues"] = "timerTrigger",
            ["RegenerateReport"] = "timerTrigger",
            ["GetLatestReport"] = "httpTrigger",
            ["GetReportVersion"] = "httpTrigger",
            ["ListReports"] = "httpTrigger",
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
            ["AlertsSubscribers"] = "httpTrigger",
            ["SendDigests"] = "timerTrigger",
            // The web app: one HTTP function per page or action (Functions/WebPagesTests checks them against the routes).
            ["WebAdmin"] = "httpTrigger",
            ["WebAdminImport"] = "httpTrigger",
            ["WebAdminImportPage"] = "httpTrigger",
            ["WebAlertsConfirm"] = "httpTrigger",
            ["WebAlertsConfirmPage"] = "httpTrigger",
            ["WebAlertsUnsubscribe"] = "httpTrigger",
            ["WebAlertsUnsubscribePage"] = "httpTrigger",
            ["WebCharting"] = "httpTrigger",
            ["WebChartingCorrect"] = "httpTrigger",
            ["WebChartingStudy"] = "httpTrigger",
            ["WebConflicts"] = "httpTrigger",
            ["WebConflictsResolve"] = "httpTrigger",
            ["WebCss"] = "httpTrigger",
            ["WebDownloadCsv"] = "httpTrigger",
            ["WebDownloadRis"] = "httpTrigger",
            ["WebDuplicates"] = "httpTrigger",
            ["WebDuplicatesVerdict"] = "httpTrigger",
            ["WebHome"] = "httpTrigger",
            ["WebJs"] = "httpTrigger",
            ["WebRecords"] = "httpTrigger",
            ["WebReport"] = "httpTrigger",
            ["WebScreening"] = "httpTrigger",
            ["WebScreeningChange"] = "httpTrigger",
            ["WebScreeningDecide"] = "httpTrigger",
            ["WebScreeningNext"] = "httpTrigger",
            ["WebSignIn"] = "httpTrigger",
            ["WebSignInPage"] = "httpTrigger",
            ["WebSignOut"] = "httpTrigger",
            ["WebSubscribe"] = "httpTrigger",
        }.OrderBy(k => k.Key), functions.OrderBy(k => k.Key));
    }
}
