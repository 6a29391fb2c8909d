using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using SpineReview.Functions;
using SpineReview.Storage;
using Xunit;

namespace SpineReview.Tests.Infra;

/// <summary>A setting the code reads, by its app-setting name (<c>Section__Key</c>), and what reads it.</summary>
/// <param name="Property">The options property it binds to, when it is one.</param>
/// <param name="Default">The code's value when nothing is set (the options class's default after its own defaults).</param>
/// <param name="SharedBySections">How many configuration sections bind the same options type (the sources share one).</param>
internal sealed record CodeSetting(string Name, string ReadBy, PropertyInfo? Property = null, object? Default = null, int SharedBySections = 1)
{
    public string Section => Name.Split("__")[0];
}

/// <summary>
/// The settings the code reads, found by running the code rather than by a list that could fall behind: the composition
/// root (<see cref="SpineReviewServiceCollectionExtensions.AddSpineReview"/>) registers against a configuration that
/// records every key asked for; each options type bound from configuration is then created once, and the sections it
/// read give its settings (one per settable property). Direct reads (<c>configuration["..."]</c>) while registering and
/// while constructing the services are recorded too, and so are the <c>%Setting%</c> expressions and connection names in
/// the Functions app's trigger attributes. A new options class or a new direct read shows up here without a test change.
/// </summary>
internal static class CodeSettings
{
    /// <summary>Read from the environment but set by the platform itself, never by an app setting.</summary>
    public static IReadOnlyDictionary<string, string> PlatformProvided { get; } = new Dictionary<string, string>
    {
        [SpineReview.Web.PlatformPrincipal.AuthEnabledVariable] = "set by App Service when its authentication is on (shared/Web/PlatformPrincipal.cs)",
    };

    /// <summary>Read from configuration by a framework the app registers, not by the app's code: not the app's settings to document.</summary>
    public static IReadOnlyDictionary<string, string> FrameworkReads { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ReadOnlyDataProtectionKeyDirectory"] = "ASP.NET Core data protection's own key folder for read-only containers; the web app's keys are in Web__KeysDirectory or the <prefix>-keys blob",
    };

    private static readonly Lazy<IReadOnlyList<CodeSetting>> Found = new(Discover);

    public static IReadOnlyList<CodeSetting> All => Found.Value;

    private static List<CodeSetting> Discover()
    {
        var inner = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageClients.Setting] = "UseDevelopmentStorage=true" })
            .Build();
        var recorder = new RecordingConfiguration(inner);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSpineReview(recorder);
        var found = new Dictionary<string, CodeSetting>(StringComparer.OrdinalIgnoreCase);
        var rawReads = recorder.Take().Select(k => (Key: k, By: "a direct read in AddSpineReview (shared/Hosting.cs)")).ToList();

        using var provider = services.BuildServiceProvider();
        // Some checks read other options (the alert checks read the SMTP settings through IOptions<SmtpOptions>): create every
        // options type once first, so that creating one below records only the sections bound to it.
        foreach (var type in ConfigurationBoundOptionsTypes(services))
        {
            var options = provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
        }
        recorder.Take();
        var sections = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in ConfigurationBoundOptionsTypes(services))
        {
            var tokenSourceType = typeof(IOptionsChangeTokenSource<>).MakeGenericType(type);
            var nameProperty = tokenSourceType.GetProperty(nameof(IOptionsChangeTokenSource<object>.Name))!;
            var names = provider.GetServices(tokenSourceType).Select(s => (string?)nameProperty.GetValue(s) ?? Options.DefaultName).Distinct().ToList();
            var monitor = provider.GetRequiredService(typeof(IOptionsMonitor<>).MakeGenericType(type));
            var get = typeof(IOptionsMonitor<>).MakeGenericType(type).GetMethod(nameof(IOptionsMonitor<object>.Get))!;
            var bound = new List<(string Section, object Value)>();
            foreach (var name in names)
            {
                recorder.Take();
                var value = get.Invoke(monitor, [name])!;
                bound.AddRange(recorder.Take().Distinct(StringComparer.OrdinalIgnoreCase).Select(section => (section, value)));
            }
            foreach (var (section, value) in bound)
            {
                sections.Add(section);
                foreach (var (key, property, defaultValue) in Keys(type, value))
                {
                    var name = $"{section}__{key}";
                    found.TryAdd(name, new CodeSetting(name, $"{type.Name} (section {section})", property, defaultValue, bound.Count));
                }
            }
        }

        // Constructing the services runs their constructors, which is where a direct read would be (StorageClients reads its connection).
        foreach (var descriptor in services.Where(d => d.ServiceType.Assembly.GetName().Name!.StartsWith("SpineReview", StringComparison.Ordinal)
                                                       && !d.ServiceType.IsGenericTypeDefinition))
        {
            Assert.NotEmpty(provider.GetServices(descriptor.ServiceType));
            rawReads.AddRange(recorder.Take().Select(k => (k, $"a direct read constructing {descriptor.ServiceType.Name}")));
        }
        // Options created again inside a constructor read their own sections; those are not direct reads.
        foreach (var (key, by) in rawReads.Where(r => !sections.Contains(r.Key) && !FrameworkReads.ContainsKey(r.Key)))
            found.TryAdd(AppSettingName(key), new CodeSetting(AppSettingName(key), by));

        foreach (var (key, by) in TriggerSettings())
            found.TryAdd(AppSettingName(key), new CodeSetting(AppSettingName(key), by));

        // The Functions worker's telemetry reads its settings while registering, and reads on only when it is switched on.
        var telemetry = new RecordingConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [Telemetry.ConnectionSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000001" })
            .Build());
        new ServiceCollection().AddSpineReviewTelemetry(telemetry);
        foreach (var key in telemetry.Take())
            found.TryAdd(AppSettingName(key), new CodeSetting(AppSettingName(key), "a direct read in AddSpineReviewTelemetry (functions/SpineReview.Functions/Telemetry.cs)"));

        return found.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Configuration keys use ':'; app settings and environment variables use '__'.</summary>
    public static string AppSettingName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static IEnumerable<Type> ConfigurationBoundOptionsTypes(IServiceCollection services) =>
        services.Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(t => t.GetGenericArguments()[0])
            .Where(t => t.Assembly.GetName().Name!.StartsWith("SpineReview", StringComparison.Ordinal))
            .Distinct();

    /// <summary>The keys the configuration binder fills on <paramref name="type"/>: settable public properties, nested classes as sub-sections.</summary>
    private static IEnumerable<(string Key, PropertyInfo Property, object? Default)> Keys(Type type, object? instance, int depth = 0)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0))
        {
            var key = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            var value = instance is null ? null : property.GetValue(instance);
            if (IsLeaf(property.PropertyType) || depth >= 3)
                yield return (key, property, value);
            else
                foreach (var (sub, subProperty, subValue) in Keys(property.PropertyType, value, depth + 1))
                    yield return ($"{key}__{sub}", subProperty, subValue);
        }
    }

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
               || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(Uri)
               || typeof(IEnumerable).IsAssignableFrom(type);
    }

    /// <summary>Settings named in the Functions app's trigger attributes: %Section:Key% expressions and connection names.</summary>
    internal static IEnumerable<(string Key, string By)> TriggerSettings()
    {
        var assembly = typeof(SpineReview.Functions.Functions.DrainQueues).Assembly;
        foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)))
            foreach (var attribute in method.GetParameters().SelectMany(p => p.CustomAttributes))
            {
                var by = $"{attribute.AttributeType.Name} on {method.DeclaringType!.Name}.{method.Name}";
                var texts = attribute.ConstructorArguments.Select(a => a.Value).Concat(attribute.NamedArguments.Where(n => n.MemberName != "Connection").Select(n => n.TypedValue.Value)).OfType<string>();
                foreach (var text in texts)
                    foreach (var part in text.Split('%').Where((_, i) => i % 2 == 1))
                        yield return (part, by);
                foreach (var connection in attribute.NamedArguments.Where(n => n.MemberName == "Connection").Select(n => n.TypedValue.Value).OfType<string>())
                    yield return (connection, by);
            }
    }

    /// <summary>Answers from an inner configuration and records each key asked for at the root (sections and values).</summary>
    private sealed class RecordingConfiguration(IConfiguration inner) : IConfiguration
    {
        private readonly ConcurrentQueue<string> _reads = new();

        public string? this[string key]
        {
            get { _reads.Enqueue(key); return inner[key]; }
            set => inner[key] = value;
        }

        public IConfigurationSection GetSection(string key)
        {
            _reads.Enqueue(key);
            return inner.GetSection(key);
        }

        public IEnumerable<IConfigurationSection> GetChildren() => inner.GetChildren();
        public IChangeToken GetReloadToken() => inner.GetReloadToken();

        public List<string> Take()
        {
            var keys = new List<string>();
            while (_reads.TryDequeue(out var key)) keys.Add(key);
            return keys;
        }
    }
}
