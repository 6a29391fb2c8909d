using System.Diagnostics;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Infra;

/// <summary>scripts/deploy.sh against a stand-in for the Azure CLI that records its calls (no Azure here).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeployScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spine-deploy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Err, string[] Calls) Deploy(params string[] args)
    {
        var log = Path.Combine(_dir, "az.log");
        var az = Path.Combine(_dir, "az");
        File.WriteAllText(az, $$"""
            #!/usr/bin/env bash
            echo "$*" >> '{{log}}'
            case "$*" in
              *"deployment group show"*appName*) echo func-spine-dev-abc ;;
              *"deployment group show"*keyVaultName*) echo kv-spine-dev-abc ;;
              *"deployment group show"*reportUrl*) echo https://func-spine-dev-abc.azurewebsites.net/api/reports/latest ;;
            esac
            """);
        File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.RepoRoot };
        psi.ArgumentList.Add(Path.Combine(TestPaths.RepoRoot, "scripts", "deploy.sh"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = $"{_dir}:{Environment.GetEnvironmentVariable("PATH")}";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        return (p.ExitCode, err.Result, File.Exists(log) ? File.ReadAllLines(log) : []);
    }

    [Fact]
    public void Deploy_WithPackage_DeploysTheTemplateWithTheEnvironmentsParametersThenThePackage()
    {
        var package = Path.Combine(_dir, "app.zip");
        File.WriteAllText(package, "zip");

        var (code, err, calls) = Deploy("rg-review", "dev", "--package", package);

        Assert.True(code == 0, err);
        var infra = Path.Combine(TestPaths.RepoRoot, "infra");
        Assert.Equal($"deployment group create -g rg-review -n spine-review-dev --template-file {infra}/main.bicep --parameters {infra}/main.dev.bicepparam -o none", calls[0]);
        // The app is stopped while its package changes (no earlier version writes beside the new one's start), then started.
        var stop = Array.IndexOf(calls, "functionapp stop -g rg-review -n func-spine-dev-abc -o none");
        var zip = Array.IndexOf(calls, $"functionapp deployment source config-zip -g rg-review -n func-spine-dev-abc --src {package} -o none");
        var start = Array.IndexOf(calls, "functionapp start -g rg-review -n func-spine-dev-abc -o none");
        Assert.True(stop > 0 && zip > stop && start > zip, string.Join("\n", calls));
        Assert.Contains("https://func-spine-dev-abc.azurewebsites.net/api/reports/latest", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_WithoutResourceGroup_IsBadUsageAndCallsNothing()
    {
        var (code, _, calls) = Deploy("prod");

        Assert.Equal(2, code);
        Assert.Empty(calls);
    }
}
