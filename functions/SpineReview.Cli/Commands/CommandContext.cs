using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Cycle;
using SpineReview.Storage;
using SpineReview.Screening;

namespace SpineReview.Cli.Commands;

/// <summary>What the command line was started with: its streams and, from tests, settings and service overrides.</summary>
internal sealed record CliEnvironment(TextWriter Output, TextWriter Error, IDictionary<string, string?>? Settings, Action<IServiceCollection>? Configure);

/// <summary>What one command runs with: its streams, the token that Ctrl+C and SIGTERM cancel, and the services, built
/// from settings the first time one is asked for (parse and eval never build them).</summary>
internal sealed class CommandContext(CliEnvironment environment, string path, CancellationToken cancellation) : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _given = new(StringComparer.OrdinalIgnoreCase);
    private IHost? _host;

    public TextWriter Out => environment.Output;
    public TextWriter Err => environment.Error;

    /// <summary>The command's words, such as "screen decide".</summary>
    public string Path => path;

    public CancellationToken Cancellation => cancellation;

    /// <summary>Progress of long work, one line each on standard error, in order.</summary>
    public IProgress<string> Progress => new SyncProgress<string>(Err.WriteLine);

    public T Get<T>() where T : notnull => (_host ??= BuildHost()).Services.GetRequiredService<T>();

    /// <summary>Does what a host does when it starts, for the command's work: settings checked (those validated on start) and
    /// storage made ready (StorageInitializer). The other hosts' background services (the web app's key ring, retraining
    /// beside requests) are not the command line's, and no host lifetime takes Ctrl+C from the command.</summary>
    public async Task StartAsync()
    {
        _host ??= BuildHost();
        _host.Services.GetService<IStartupValidator>()?.Validate();
        await _host.Services.GetRequiredService<StorageInitializer>().CreateAsync(cancellation);
    }

    /// <summary>A setting given on the command line (such as --replay); it wins over the settings files and the environment.</summary>
    public void Set(string key, string value)
    {
        if (_host is not null) throw new InvalidOperationException($"Setting {key} came after the services were built.");
        _given[key] = value;
    }

    /// <summary>The command line's reviewer: setting Screening:Reviewer (in Azure the platform's sign-in names the reviewer instead).</summary>
    public string Reviewer(string doing) => Get<IOptions<ScreeningOptions>>().Value.Reviewer is { Length: > 0 } r
        ? r
        : throw new UsageException($"who is {doing}? set Screening__Reviewer to your name (for example: export Screening__Reviewer=jane.doe)");

    /// <summary>CPU-bound work that takes no token: Ctrl+C ends the wait at once, and the abandoned work ends with the process.</summary>
    public Task<T> ComputeAsync<T>(Func<T> work) => Task.Run(work, cancellation).WaitAsync(cancellation);

    private IHost BuildHost()
    {
        // The native build (dotnet publish -p:PublishAot=true) is for the offline commands: the Table storage client maps
        // entities by reflection, which native code cannot do, so storage commands stop here with a clear message.
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
            throw new UsageException("this native build of spine-review runs the commands that need no storage (parse, eval); " +
                "run storage commands with the regular build: scripts/run.sh, or dotnet run --project functions/SpineReview.Cli");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        AddSettings(builder.Configuration);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; }).SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSpineReview(builder.Configuration);
        environment.Configure?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>The settings every command reads, for a command that builds a host of its own (serve).</summary>
    public IConfiguration Settings()
    {
        var builder = new ConfigurationBuilder();
        AddSettings(builder);
        return builder.Build();
    }

    private void AddSettings(IConfigurationBuilder configuration)
    {
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Locally the storage is Azurite unless a setting says otherwise.
            [StorageClients.Setting] = "UseDevelopmentStorage=true",
        });
        configuration.AddInMemoryCollection(LocalSettings.Read(System.IO.Path.Combine(Environment.CurrentDirectory, "local.settings.json")));
        configuration.AddEnvironmentVariables();
        if (environment.Settings is not null) configuration.AddInMemoryCollection(environment.Settings);
        configuration.AddInMemoryCollection(_given);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable host) await host.DisposeAsync();
        else _host?.Dispose();
    }
}
