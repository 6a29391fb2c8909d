using System.Diagnostics;
using System.Text.Json;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Infra;

/// <summary>The Bicep CLI restored from NuGet (scripts/test.sh sets SPINE_REVIEW_BICEP), and infra/main.bicep compiled once.</summary>
internal static class Bicep
{
    public const string Version = "0.49.2";

    public static string Infra(params string[] parts) => Path.Combine([TestPaths.RepoRoot, "infra", .. parts]);

    public static string Cli()
    {
        var env = Environment.GetEnvironmentVariable("SPINE_REVIEW_BICEP");
        var path = env is { Length: > 0 }
            ? env
            : Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
                "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
        Assert.True(File.Exists(path), $"Bicep CLI not found at {path}: scripts/test.sh restores it from NuGet (infra/tools/BicepCli.csproj).");
        return path;
    }

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Cli()) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.RepoRoot };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), $"bicep {string.Join(' ', args)} did not finish within 2 minutes");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static readonly Lazy<JsonElement> Compiled = new(() =>
    {
        var build = Run("build", Infra("main.bicep"), "--stdout");
        Assert.True(build.Code == 0, build.Err);
        using var doc = JsonDocument.Parse(build.Out);
        return doc.RootElement.Clone();
    });

    /// <summary>infra/main.bicep as the ARM JSON template it compiles to.</summary>
    public static JsonElement MainTemplate => Compiled.Value;

    /// <summary>The app settings main.bicep passes to the Function App module: name to value (an ARM expression when it starts with '[').</summary>
    public static IReadOnlyDictionary<string, string> AppSettings() => ModuleParameter("appSettings");

    /// <summary>The secrets main.bicep gives the Key Vault module: their names, which must be the keys of the values it may write.</summary>
    public static IReadOnlyCollection<string> KeyVaultSecretNames()
    {
        var names = ModuleParameterValue("secretNames").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), ModuleParameter("secretValues").Keys.Order(StringComparer.Ordinal));
        return names;
    }

    /// <summary>Settings main.bicep marks as local-only (metadata localOnlySettings): name to why.</summary>
    public static IReadOnlyDictionary<string, string> LocalOnlySettings() =>
        MainTemplate.GetProperty("metadata").TryGetProperty("localOnlySettings", out var local)
            ? local.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : new Dictionary<string, string>();

    private static Dictionary<string, string> ModuleParameter(string name) =>
        ModuleParameterValue(name).EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);

    /// <summary>The literal (object or array) main.bicep passes to a module parameter of this name.</summary>
    private static JsonElement ModuleParameterValue(string name)
    {
        var found = Objects(MainTemplate)
            .Where(o => o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("value", out var v)
                        && v.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            .Select(o => o.GetProperty(name).GetProperty("value"))
            .ToList();
        Assert.True(found.Count == 1, $"expected one module parameter '{name}' with a literal value in the compiled infra/main.bicep, found {found.Count}");
        return found[0];
    }

    private static IEnumerable<JsonElement> Objects(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            yield return e;
            foreach (var child in e.EnumerateObject().SelectMany(p => Objects(p.Value))) yield return child;
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in e.EnumerateArray().SelectMany(Objects)) yield return child;
        }
    }
}
