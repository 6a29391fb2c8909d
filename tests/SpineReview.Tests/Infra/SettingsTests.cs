using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Infra;

/// <summary>
/// Every setting the code reads (<see cref="CodeSettings"/>) is in the three places a person or Azure looks for it:
/// local.settings.sample.json, the README's Settings section and the app settings of infra/main.bicep (or marked
/// local-only there); and infra/main.bicep sets nothing the code does not read, with the code's defaults.
/// </summary>
public partial class SettingsTests
{
    /// <summary>App settings for the Functions host and the platform, not for the code (the Application Insights settings are read by both).</summary>
    private static readonly Dictionary<string, string> HostAppSettings = new(StringComparer.Ordinal);

    /// <summary>Values of local.settings.sample.json that only the local Functions host reads.</summary>
    private static readonly HashSet<string> LocalHostSettings = new(StringComparer.Ordinal) { "FUNCTIONS_WORKER_RUNTIME" };

    private static HashSet<string> SampleKeys()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The README from "## Settings" to the next second-level heading.</summary>
    private static string ReadmeSettings()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var start = Array.FindIndex(lines, l => l.Trim() == "## Settings");
        Assert.True(start >= 0, "README.md has no '## Settings' section");
        var end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        return string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]);
    }

    /// <summary>A setting is present by its own name or as the start of nested names (AzureWebJobsStorage__clientId for the
    /// AzureWebJobsStorage connection made with an identity, Recipients__0 for a list).</summary>
    private static bool Has(IEnumerable<string> names, string setting) =>
        names.Any(n => n.Equals(setting, StringComparison.Ordinal) || n.StartsWith(setting + "__", StringComparison.Ordinal));

    // Settings of one options type bound under several sections (the sources) share one README table of keys.
    private static bool InReadme(string readme, CodeSetting setting) =>
        setting.SharedBySections > 1
            ? readme.Contains($"`{setting.Name[(setting.Section.Length + 2)..]}`", StringComparison.Ordinal) && readme.Contains($"`{setting.Section}__", StringComparison.Ordinal)
            : readme.Contains($"`{setting.Name}`", StringComparison.Ordinal);

    [Fact]
    public void CodeSettings_AreFoundByRunningTheCode()
    {
        var settings = CodeSettings.All.ToDictionary(s => s.Name);
        Assert.Superset(
            new HashSet<string> { "AzureWebJobsStorage", "Storage__Prefix", "PubMed__ApiKey", "PubMed__StartDate", "Ieee__DailyCallBudget", "Crossref__Email", "Dedup__MaxBlockSize",
             "Schedules__RankScreening", "Screening__TrustIdentityHeaders", "Replay__Directory" },
            settings.Keys.ToHashSet());
        Assert.DoesNotContain("PubMed__RequestsPerSecond", settings.Keys); // computed from the key, not bound
        Assert.Equal(5, settings["Ieee__ApiKey"].SharedBySections);
        Assert.Equal(200, settings["Ieee__DailyCallBudget"].Default);
        Assert.Equal(1.0 / 3, settings["Arxiv__RequestsPerSecond"].Default);
        Assert.Equal(new DateOnly(2012, 1, 1), settings["PubMed__StartDate"].Default);
        Assert.Contains(("Schedules:HarvestPubMed", "TimerTriggerAttribute on HarvestSources.HarvestPubMed"), CodeSettings.TriggerSettings());
        // No queue trigger: the platform would poll its queue all month (docs/deployment.md); the DrainQueues timer takes the queues.
        Assert.DoesNotContain(CodeSettings.TriggerSettings(), t => t.By.StartsWith("QueueTriggerAttribute", StringComparison.Ordinal));
        Assert.Contains(("Schedules:DrainQueues", "TimerTriggerAttribute on DrainQueues.Run"), CodeSettings.TriggerSettings());
    }

    [Fact]
    public void EverySettingTheCodeReads_IsInTheSampleTheReadmeAndTheBicepAppSettings()
    {
        var sample = SampleKeys();
        var readme = ReadmeSettings();
        var bicep = Bicep.AppSettings().Keys;
        var localOnly = Bicep.LocalOnlySettings();
        var problems = new List<string>();
        foreach (var setting in CodeSettings.All)
        {
            var missing = new List<string>();
            if (!Has(sample, setting.Name)) missing.Add("local.settings.sample.json (Values)");
            if (!InReadme(readme, setting))
                missing.Add(setting.SharedBySections > 1
                    ? $"README.md, section Settings (`{setting.Name[(setting.Section.Length + 2)..]}` in the shared table and `{setting.Section}__…`)"
                    : $"README.md, section Settings (a row for `{setting.Name}`)");
            if (!Has(bicep, setting.Name) && !localOnly.ContainsKey(setting.Name))
                missing.Add("infra/main.bicep, the functionApp module's appSettings (or metadata localOnlySettings, saying why)");
            if (missing.Count > 0) problems.Add($"{setting.Name} (read by {setting.ReadBy}) is missing from: {string.Join("; ", missing)}");
        }
        Assert.True(problems.Count == 0, $"{problems.Count} setting(s) the code reads are not everywhere they belong:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void BicepAppSettings_AreAllReadByTheCodeOrTheFunctionsHost()
    {
        var code = CodeSettings.All.Select(s => s.Name).ToList();
        bool Read(string name) => code.Any(c => name.Equals(c, StringComparison.Ordinal) || name.StartsWith(c + "__", StringComparison.Ordinal));
        var stale = Bicep.AppSettings().Keys.Where(k => !HostAppSettings.ContainsKey(k) && !Read(k))
            .Select(k => $"{k}: set in infra/main.bicep but read by nothing")
            .Concat(Bicep.LocalOnlySettings().Keys.Where(k => !Read(k)).Select(k => $"{k}: marked local-only in infra/main.bicep but read by nothing"))
            .ToList();
        Assert.True(stale.Count == 0, string.Join('\n', stale));
        var both = Bicep.LocalOnlySettings().Keys.Where(Bicep.AppSettings().ContainsKey).ToList();
        Assert.True(both.Count == 0, $"marked local-only yet set in infra/main.bicep: {string.Join(", ", both)}");
    }

    [Fact]
    public void SampleSettings_AreAllReadByTheCodeOrTheLocalHost()
    {
        var code = CodeSettings.All.Select(s => s.Name).ToList();
        var stale = SampleKeys().Where(k => !LocalHostSettings.Contains(k) && !code.Any(c => k.Equals(c, StringComparison.Ordinal) || k.StartsWith(c + "__", StringComparison.Ordinal))).ToList();
        Assert.True(stale.Count == 0, $"local.settings.sample.json sets what nothing reads: {string.Join(", ", stale)}");
    }

    [Fact]
    public void BicepAppSettings_LiteralValuesAreTheCodeDefaults()
    {
        var bicep = Bicep.AppSettings();
        var problems = new List<string>();
        foreach (var setting in CodeSettings.All.Where(s => s.Property is not null))
        {
            // A value that starts with '[' is an ARM expression: a parameter, a Key Vault reference, a resource's endpoint.
            if (!bicep.TryGetValue(setting.Name, out var literal) || literal.StartsWith('[')) continue;
            if (!SameValue(setting.Property!.PropertyType, setting.Default, literal))
                problems.Add($"{setting.Name}: infra/main.bicep sets '{literal}', the code's default is '{Text(setting.Default)}' (change one of them, or take it from a parameter)");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static bool SameValue(Type type, object? codeDefault, string literal)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return literal == ((string?)codeDefault ?? "");
        if (literal.Length == 0) return codeDefault is null;
        var value = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(literal);
        // Rates such as one request every three seconds are written to three places.
        if (value is double d && codeDefault is double expected) return Math.Abs(d - expected) <= 1e-3 * Math.Max(1, Math.Abs(expected));
        return Equals(value, codeDefault);
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static readonly string[] SecretSuffixes = ["ApiKey", "Password", "Secret", "Token", "Username", "UserName", "ConnectionString"];
    private static readonly string[] KeyedSources = ["PubMed__ApiKey", "Ieee__ApiKey", "OpenAlex__ApiKey"];
    private static readonly string[] IdentityKeys = ["clientId", "blobServiceUri", "queueServiceUri", "tableServiceUri"];

    private static bool LooksSecret(string name) => SecretSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));

    [GeneratedRegex(@"@Microsoft\.KeyVault\(SecretUri=\{0\}/(?<secret>[a-z0-9-]+)/\)")]
    private static partial Regex KeyVaultReference();

    [Fact]
    public void BicepAppSettings_SecretsAreKeyVaultReferencesOrEmpty()
    {
        var settings = Bicep.AppSettings();
        var secretNames = Bicep.KeyVaultSecretNames();
        var problems = new List<string>();
        foreach (var (name, value) in settings.Where(s => LooksSecret(s.Key) && s.Value.Length > 0))
        {
            var reference = KeyVaultReference().Match(value);
            if (!reference.Success) problems.Add($"{name} is '{value}': a secret must be a Key Vault reference (@Microsoft.KeyVault(SecretUri=...)) or empty");
            else if (!secretNames.Contains(reference.Groups["secret"].Value))
                problems.Add($"{name} refers to secret '{reference.Groups["secret"].Value}', which the keyVault module does not know ({string.Join(", ", secretNames)})");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.All(KeyedSources, n => Assert.Matches(KeyVaultReference(), settings[n]));
        Assert.Superset(new HashSet<string> { "ncbi-api-key", "ieee-api-key", "openalex-api-key", "smtp-username", "smtp-password" }, secretNames.ToHashSet());
    }

    [Fact]
    public void BicepAppSettings_StorageSignsInWithTheUserAssignedIdentity()
    {
        var settings = Bicep.AppSettings();
        Assert.DoesNotContain(StorageClients.Setting, settings.Keys); // a connection string would carry an account key
        Assert.Equal("managedidentity", settings[$"{StorageClients.Setting}__credential"]);
        // What StorageClients and the Functions host read in identity mode (StorageClientsTests builds clients from the same names).
        foreach (var key in IdentityKeys)
            Assert.StartsWith("[", settings[$"{StorageClients.Setting}__{key}"]);
        Assert.Contains("clientId", settings[$"{StorageClients.Setting}__clientId"], StringComparison.Ordinal);
        // The host and the worker's telemetry exporter sign in to Application Insights with the same identity.
        var authentication = settings[SpineReview.Functions.Telemetry.AuthenticationSetting];
        Assert.Contains("Authorization=AAD", authentication, StringComparison.Ordinal);
        Assert.Contains("ClientId={0}", authentication, StringComparison.Ordinal);
        Assert.Contains(settings[$"{StorageClients.Setting}__clientId"].Trim('[', ']'), authentication, StringComparison.Ordinal);
    }

    [Fact]
    public void BicepStorageLayout_IsTheNamesTheCodeUses()
    {
        var layout = Bicep.MainTemplate.GetProperty("variables").GetProperty("storageLayout");
        var names = new StorageNames("p");
        IEnumerable<string> Bicep_(string kind) => layout.GetProperty(kind).EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal);
        IEnumerable<string> Code(IEnumerable<string> full) => full.Select(n => n[names.Prefix.Length..]).Order(StringComparer.Ordinal);
        Assert.Equal(Code(names.Tables), Bicep_("tables"));
        Assert.Equal(Code(names.Queues), Bicep_("queues"));
        Assert.Equal(Code(names.Containers), Bicep_("containers"));
    }

    [Fact]
    public void BicepFunctionApp_IsFlexConsumptionOnTheProjectsDotnetWithOptionalOpenAuthentication()
    {
        var resources = AllObjects(Bicep.MainTemplate).Where(o => o.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String).ToList();
        JsonElement Resource(string type, string? nameContains = null) => resources.Single(r => r.GetProperty("type").GetString() == type
            && (nameContains is null || r.GetProperty("name").GetString()!.Contains(nameContains, StringComparison.Ordinal)));

        var plan = Resource("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());

        var config = Resource("Microsoft.Web/sites").GetProperty("properties").GetProperty("functionAppConfig");
        var targetFramework = XDocument.Load(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props")).Descendants("TargetFramework").Single().Value;
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal(targetFramework.Replace("net", "", StringComparison.Ordinal), config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal("UserAssignedIdentity", config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());

        // Signed-in routes check the principal themselves; the report, exports and subscription links must stay public.
        var auth = Resource("Microsoft.Web/sites/config", "authsettingsV2");
        Assert.StartsWith("[parameters('enableAuthentication')]", auth.GetProperty("condition").GetString());
        var validation = auth.GetProperty("properties").GetProperty("globalValidation");
        Assert.False(validation.GetProperty("requireAuthentication").GetBoolean());
        Assert.Equal("AllowAnonymous", validation.GetProperty("unauthenticatedClientAction").GetString());
    }

    private static IEnumerable<JsonElement> AllObjects(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => AllObjects(p.Value)).Prepend(e),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(AllObjects),
        _ => [],
    };
}
