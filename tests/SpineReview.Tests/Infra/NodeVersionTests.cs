using System.Diagnostics;
using System.Text.Json;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Infra;

/// <summary>
/// The Node.js version the scripts require is the one the pinned npm packages (Azurite, maildev) ask for: scripts/lib.sh
/// derives it from package-lock.json, and package.json and the README say the same.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeVersionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spine-node-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Lib(string commands, string? pathFirst = null)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.RepoRoot };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"source scripts/lib.sh; {commands}");
        if (pathFirst is not null) psi.Environment["PATH"] = $"{pathFirst}:{Environment.GetEnvironmentVariable("PATH")}";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        return (p.ExitCode, output.Trim(), err.Result);
    }

    /// <summary>The highest lower bound of the devDependencies' engines in package-lock.json, read here independently of the script.</summary>
    private static int LockedRequirement()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "package.json")));
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "package-lock.json")));
        var packages = lockFile.RootElement.GetProperty("packages");
        return package.RootElement.GetProperty("devDependencies").EnumerateObject().Max(dependency =>
        {
            var entry = packages.GetProperty($"node_modules/{dependency.Name}");
            Assert.Equal(dependency.Value.GetString(), entry.GetProperty("version").GetString()); // pinned exactly
            var range = entry.TryGetProperty("engines", out var engines) && engines.TryGetProperty("node", out var node) ? node.GetString()! : "*";
            return range.Split("||").Min(alternative => new string(alternative.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit).ToArray()) is { Length: > 0 } digits ? int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) : 0);
        });
    }

    [Fact]
    public void RequiredNode_IsWhatThePinnedPackagesAskFor_AndPackageJsonAndReadmeSayIt()
    {
        var (code, output, err) = Lib("required_node");
        Assert.True(code == 0, err);
        var required = int.Parse(output.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(LockedRequirement(), required);

        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "package.json")));
        Assert.Equal($">={required}", package.RootElement.GetProperty("engines").GetProperty("node").GetString());
        Assert.Contains($"Node.js {required} or later", File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void RequireToolchains_OlderNode_StopsNamingTheVersionNeededAndThePackage()
    {
        var (_, required, _) = Lib("required_node");
        var real = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "node")).First(File.Exists);
        // A Node one major too old that answers the version questions and runs everything else with the real one.
        var node = Path.Combine(_dir, "node");
        var old = int.Parse(required.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) - 1;
        File.WriteAllText(node, $$"""
            #!/usr/bin/env bash
            [ "$1" = --version ] && { echo v{{old}}.9.0; exit 0; }
            [ "$1" = -p ] && { echo {{old}}; exit 0; }
            exec '{{real}}' "$@"
            """);
        File.SetUnixFileMode(node, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (code, _, err) = Lib("require_toolchains", _dir);

        Assert.Equal(1, code);
        Assert.Contains($"Node.js v{old}.9.0 found; the pinned npm packages need Node.js {old + 1} or later", err, StringComparison.Ordinal);
        Assert.Contains(required.Split(' ')[1], err, StringComparison.Ordinal);
    }
}
