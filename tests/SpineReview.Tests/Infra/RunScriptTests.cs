using System.Diagnostics;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Infra;

/// <summary>scripts/run.sh in a copy of the scripts, with stand-ins for the build and the command line that record how they
/// were called (the real run is the cycle tests' work); the Azurite the tests use is already listening.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RunScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spine-run-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static void Executable(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + text + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The prefix the command line was started with (or "unset") and its arguments.</summary>
    private (int Code, string Err, string Called) Run(IDictionary<string, string> environment, params string[] args)
    {
        TestHost.RequireAzurite();
        Directory.CreateDirectory(Path.Combine(_root, "scripts"));
        foreach (var script in new[] { "run.sh", "lib.sh" })
            File.Copy(Path.Combine(TestPaths.RepoRoot, "scripts", script), Path.Combine(_root, "scripts", script), overwrite: true);
        // The scripts read the Node version they need and the versions they expect installed from the lock file.
        foreach (var file in new[] { "package.json", "package-lock.json" })
            File.Copy(Path.Combine(TestPaths.RepoRoot, file), Path.Combine(_root, file), overwrite: true);
        using var lockFile = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "package-lock.json")));
        var called = Path.Combine(_root, "called");
        foreach (var name in new[] { "azurite", "maildev" })
        {
            Executable(Path.Combine(_root, "node_modules", ".bin", name), "exit 1");
            var version = lockFile.RootElement.GetProperty("packages").GetProperty("node_modules/" + name).GetProperty("version").GetString();
            Directory.CreateDirectory(Path.Combine(_root, "node_modules", name));
            File.WriteAllText(Path.Combine(_root, "node_modules", name, "package.json"), $"{{\"name\":\"{name}\",\"version\":\"{version}\"}}");
        }
        Executable(Path.Combine(_root, "stand-ins", "dotnet"), "exit 0");
        Executable(Path.Combine(_root, "functions", "SpineReview.Cli", "bin", "Release", "net10.0", "linux-x64", "spine-review"),
            $"echo \"prefix=${{Storage__Prefix-unset}} $*\" > '{called}'");
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        psi.ArgumentList.Add(Path.Combine(_root, "scripts", "run.sh"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = $"{Path.Combine(_root, "stand-ins")}:{Environment.GetEnvironmentVariable("PATH")}";
        psi.Environment.Remove("Storage__Prefix");
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        return (p.ExitCode, err.Result, File.Exists(called) ? File.ReadAllText(called).Trim() : "");
    }

    [Fact]
    public void Run_Replayed_StoresUnderTheDemoPrefixUnlessOneIsChosen_LiveKeepsTheLiveReviewsSettings()
    {
        var (code, err, called) = Run(new Dictionary<string, string>());
        Assert.True(code == 0, err);
        Assert.StartsWith("prefix=spinedemo cycle --replay ", called, StringComparison.Ordinal);
        Assert.Contains("spinedemo", err, StringComparison.Ordinal);

        Assert.StartsWith("prefix=trial cycle --replay ", Run(new Dictionary<string, string> { ["Storage__Prefix"] = "trial" }).Called, StringComparison.Ordinal);
        Assert.StartsWith("prefix=unset cycle --out ", Run(new Dictionary<string, string>(), "--live").Called, StringComparison.Ordinal);
    }
}
