using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Sources.Arxiv;
using SpineReview.Sources.Crossref;
using SpineReview.Sources.EuropePmc;
using SpineReview.Sources.Ieee;
using SpineReview.Sources.OpenAlex;
using SpineReview.Sources.PubMed;
using SpineReview.Sources.Replay;
using SpineReview.Storage;

namespace SpineReview.Sources;

/// <summary>Registers the harvest: every source's client and pipeline, enrichment, the raw archive and the harvester.</summary>
public static class SourcesRegistration
{
    /// <summary>Adds the sources; their settings are checked when the host starts. With Replay:Directory set, sources are answered
    /// from recorded files and, unless Storage:Prefix is set, stored under the demo prefix.</summary>
    public static IServiceCollection AddSources(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // A replayed run stores apart from the live review unless a prefix is chosen on purpose: the sample's watermarks would
        // otherwise cut the first live harvest short, and its records would stay in the review.
        var replayDirectory = configuration[$"{ReplayOptions.Section}:{nameof(ReplayOptions.Directory)}"];
        var prefixChosen = !string.IsNullOrWhiteSpace(configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.Prefix)}"]);
        if (!string.IsNullOrWhiteSpace(replayDirectory) && !prefixChosen)
            services.PostConfigure<StorageOptions>(o => o.Prefix = StorageOptions.DemoPrefix);
        services.AddOptions<ReplayOptions>().BindConfiguration(ReplayOptions.Section);
        services.AddOptions<PubMedOptions>().BindConfiguration(PubMedOptions.Section)
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "Setting PubMed:BaseUrl must be an absolute URL.")
            .Validate(o => o.BatchSize is >= 1 and <= 10000, "Setting PubMed:BatchSize must be between 1 and 10000.")
            .Validate(o => o.MaxRetries is >= 0 and <= 10, "Setting PubMed:MaxRetries must be between 0 and 10.")
            .Validate(o => o.RetryDelaySeconds >= 0, "Setting PubMed:RetryDelaySeconds must not be negative.")
            .Validate(o => o.TimeoutSeconds > 0, "Setting PubMed:TimeoutSeconds must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Tool), "Setting PubMed:Tool must name this tool for NCBI.")
            .ValidateOnStart();

        // Sources: each a client with the standard resilience handler (Retry-After honoured) around its own rate limiter.
        if (!string.IsNullOrWhiteSpace(replayDirectory)) services.TryAddSingleton(_ => new ReplayResponder(replayDirectory));
        services.AddSingleton<RawArchive>();
        services.TryAddSingleton<SourceMeters>();
        services.TryAddSingleton<RateGates>();
        // A handled retry is not news: Polly's own line for each attempt (an Error with the whole exception stack) and for each
        // attempt timeout is not written; the pipeline writes one Debug line per retry instead, and the source one Warning line,
        // with its URL, when a request fails for good (HttpSource).
        services.Configure<Polly.Telemetry.TelemetryOptions>(o => o.SeverityProvider = e =>
            e.Event.EventName is "ExecutionAttempt" or "OnRetry" or "OnTimeout" ? Polly.Telemetry.ResilienceEventSeverity.None : e.Event.Severity);

        var pubmed = services.AddHttpClient<PubMedClient>();
        Pipeline(pubmed, "pubmed", sp => sp.GetRequiredService<IOptions<PubMedOptions>>().Value.ToSourceOptions(), replayDirectory);
        services.AddTransient<PubMedSource>();
        services.AddTransient<ISource>(sp => sp.GetRequiredService<PubMedSource>());

        foreach (var (name, section) in SourceDefaults.Sections)
        {
            services.AddOptions<SourceOptions>(name).Configure(o => SourceDefaults.Apply(name, o)).BindConfiguration(section)
                .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), $"Setting {section}:BaseUrl must be an absolute URL.")
                .Validate(o => o.PageSize >= 1, $"Setting {section}:PageSize must be at least 1.")
                .Validate(o => o.RequestsPerSecond > 0, $"Setting {section}:RequestsPerSecond must be positive.")
                .Validate(o => o.MaxRetries is >= 0 and <= 10, $"Setting {section}:MaxRetries must be between 0 and 10.");
            var client = services.AddHttpClient(name);
            Pipeline(client, name, sp => sp.GetRequiredService<IOptionsMonitor<SourceOptions>>().Get(name), replayDirectory);
        }
        services.AddTransient<ISource>(sp => Create<IeeeSource>(sp, "ieee"));
        services.AddTransient<ISource>(sp => Create<EuropePmcSource>(sp, "europepmc"));
        services.AddTransient<ISource>(sp => Create<ArxivSource>(sp, "arxiv"));
        services.AddTransient(sp => Create<OpenAlexSource>(sp, "openalex"));
        services.AddTransient<ISource>(sp => sp.GetRequiredService<OpenAlexSource>());
        services.AddTransient(sp => Create<CrossrefClient>(sp, "crossref"));
        services.AddTransient<Records.IFullTextSource>(sp => Create<EuropePmcFullText>(sp, "europepmc"));
        // Asked after Europe PMC (in this order): its JATS, where there is one, is richer than a PDF read to text.
        services.AddTransient<Records.IFullTextSource>(sp => Create<ArxivFullText>(sp, "arxiv"));
        services.AddTransient<Harvester>();
        services.AddTransient<Imports.ImportService>();
        services.AddSingleton<ScreeningHandover>();
        services.AddSingleton<IStorageUpgrade, HandoverLayoutUpgrade>();
        services.AddTransient<Enricher>();
        return services;
    }

    private static T Create<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] T>(IServiceProvider sp, string name) =>
        ActivatorUtilities.CreateInstance<T>(sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(name), sp.GetRequiredService<IOptionsMonitor<SourceOptions>>().Get(name));

    /// <summary>A source's HTTP pipeline: resilience outside, then per-attempt metering under <paramref name="name"/>, then the rate
    /// limiter (so retries are spaced) shared by every client of <paramref name="gate"/> (default: the name), then the network or the replay.</summary>
    internal static void Pipeline(IHttpClientBuilder client, string name, Func<IServiceProvider, SourceOptions> options, string? replayDirectory, string? gate = null)
    {
        client.AddStandardResilienceHandler().Configure((HttpStandardResilienceOptions o, IServiceProvider sp) =>
        {
            var p = options(sp);
            o.Retry.MaxRetryAttempts = Math.Max(1, p.MaxRetries);
            o.Retry.Delay = TimeSpan.FromSeconds(p.RetryDelaySeconds);
            o.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
            o.Retry.UseJitter = true;
            o.Retry.ShouldRetryAfterHeader = true;
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger<HttpSource>();
            o.Retry.OnRetry = args =>
            {
                var reason = args.Outcome.Exception?.Message ?? $"HTTP {(int)args.Outcome.Result!.StatusCode} {args.Outcome.Result.ReasonPhrase}";
                SourceLog.Retrying(log, name, args.AttemptNumber + 1, reason, args.RetryDelay.TotalSeconds);
                return default;
            };
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(p.TimeoutSeconds);
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, p.TimeoutSeconds * 2.5));
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(p.TimeoutSeconds * (p.MaxRetries + 2) + 300);
        });
        // HttpClient's own log writes every failed attempt at Information with the exception's stack: its warnings only.
        client.Services.AddLogging(b => b.AddFilter($"System.Net.Http.HttpClient.{client.Name}", LogLevel.Warning));
        client.AddHttpMessageHandler(sp => new MeteringHandler(name, sp.GetRequiredService<SourceMeters>()));
        client.AddHttpMessageHandler(sp => new RateLimitHandler(
            sp.GetRequiredService<RateGates>().For(gate ?? name, options(sp).RequestsPerSecond), honourRateHeaders: name == "crossref"));
        if (!string.IsNullOrWhiteSpace(replayDirectory))
            client.ConfigurePrimaryHttpMessageHandler(sp => new ReplayHandler(sp.GetRequiredService<ReplayResponder>(), name));
    }
}
