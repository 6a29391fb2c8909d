using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Alerts;
using SpineReview.Configuration;
using SpineReview.Cycle;
using SpineReview.Extraction;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Sources.Arxiv;
using SpineReview.Sources.Crossref;
using SpineReview.Sources.EuropePmc;
using SpineReview.Sources.Ieee;
using SpineReview.Sources.OpenAlex;
using SpineReview.Sources.PubMed;
using SpineReview.Sources.Replay;
using SpineReview.Storage;

namespace SpineReview;

/// <summary>The one composition root both hosts call.</summary>
public static class SpineReviewServiceCollectionExtensions
{
    /// <summary>Registers every SpineReview service, bound to configuration (the same setting names in both hosts).</summary>
    public static IServiceCollection AddSpineReview(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        // Options bind through IConfiguration; hosts register theirs, a bare ServiceCollection gets this one.
        services.TryAddSingleton(configuration);

        // A replayed run stores apart from the live review unless a prefix is chosen on purpose: the sample's watermarks would
        // otherwise cut the first live harvest short, and its records would stay in the review.
        var replayDirectory = configuration[$"{ReplayOptions.Section}:{nameof(ReplayOptions.Directory)}"];
        services.AddOptions<StorageOptions>()
            .Configure(o => { if (!string.IsNullOrWhiteSpace(replayDirectory)) o.Prefix = StorageOptions.DemoPrefix; })
            .BindConfiguration(StorageOptions.Section);
        services.AddOptions<PubMedOptions>().BindConfiguration(PubMedOptions.Section)
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "Setting PubMed:BaseUrl must be an absolute URL.")
            .Validate(o => o.BatchSize is >= 1 and <= 10000, "Setting PubMed:BatchSize must be between 1 and 10000.")
            .Validate(o => o.MaxRetries is >= 0 and <= 10, "Setting PubMed:MaxRetries must be between 0 and 10.")
            .Validate(o => o.RetryDelaySeconds >= 0, "Setting PubMed:RetryDelaySeconds must not be negative.")
            .Validate(o => o.TimeoutSeconds > 0, "Setting PubMed:TimeoutSeconds must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Tool), "Setting PubMed:Tool must name this tool for NCBI.");
        services.AddOptions<ScheduleOptions>().BindConfiguration(ScheduleOptions.Section);
        services.AddOptions<ReplayOptions>().BindConfiguration(ReplayOptions.Section);
        services.AddOptions<Dedup.DedupOptions>().BindConfiguration("Dedup");
        services.AddOptions<ScreeningOptions>().BindConfiguration(ScreeningOptions.Section)
            .Validate(o => o.ReviewersPerRecord is >= 1 and <= 5, "Setting Screening:ReviewersPerRecord must be between 1 and 5.")
            .Validate(o => o.AuditRate is >= 0 and <= 1, "Setting Screening:AuditRate must be between 0 and 1 (0.10 sends 10% to people).")
            .Validate(o => o.AutoExcludeRecall is > 0.5 and < 1, "Setting Screening:AutoExcludeRecall must be above 0.5 and below 1 (for example 0.98).")
            .Validate(o => o.MinIncludesForAutoExclude >= 5, "Setting Screening:MinIncludesForAutoExclude must be at least 5.")
            .Validate(o => o.HighThreshold is > 0 and < 1, "Setting Screening:HighThreshold must be between 0 and 1.");

        // Alerts and SMTP are checked when alerts first use them, not when the host starts: a mistake in the e-mail settings
        // stops the alerts (every pass fails with the message naming the setting) but never the harvest, screening or report.
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicBaseUrl)
                           || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" && string.IsNullOrEmpty(u.Query),
                "Setting Alerts:PublicBaseUrl must be the app's absolute https address without a query (for example https://spine-review.example.org); confirm and unsubscribe links start with it.")
            .Validate(o => !Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var u) || u.Scheme != "http" || MailRules.IsLoopback(u.Host),
                "Setting Alerts:PublicBaseUrl must start with https://: one-click unsubscribe (RFC 8058) needs an https link in List-Unsubscribe. " +
                "http is accepted only for localhost, 127.0.0.1 and ::1 (local runs and tests).")
            .Validate<IOptions<SmtpOptions>>((o, smtp) => !string.IsNullOrWhiteSpace(o.PublicBaseUrl) || !smtp.Value.Configured || MailRules.IsLoopback(smtp.Value.Host),
                "Setting Alerts:PublicBaseUrl is not set, and Smtp:Host names a server that is not on this machine: set Alerts__PublicBaseUrl to the app's public " +
                "https address (for example https://spine-review.example.org). Without it the links in real mail would point at localhost.")
            .Validate(o => DigestSchedule.TryParseAt(o.DailyAt, out _), "Setting Alerts:DailyAt must be a time as HH:mm in UTC (for example 07:00).")
            .Validate(o => Enum.IsDefined(o.WeeklyOn), "Setting Alerts:WeeklyOn must be a day of the week (for example Monday).")
            .Validate(o => o.MaxAttempts is >= 1 and <= 20, "Setting Alerts:MaxAttempts must be between 1 and 20.")
            .Validate(o => o.RetryDelayMinutes is >= 0 and <= 1440, "Setting Alerts:RetryDelayMinutes must be between 0 and 1440 (the first wait; it doubles).")
            .Validate(o => o.SendingLeaseMinutes is >= 1 and <= 1440, "Setting Alerts:SendingLeaseMinutes must be between 1 and 1440, and longer than sending one email can take.")
            .Validate<IOptions<SmtpOptions>>((o, smtp) => o.SendingLeaseMinutes >= smtp.Value.TimeoutSeconds * 2 / 60,
                "Setting Alerts:SendingLeaseMinutes must be at least twice Smtp:TimeoutSeconds (in minutes: Smtp:TimeoutSeconds * 2 / 60): " +
                "a shorter lease could mark an email unconfirmed while it is still being sent.")
            .Validate(o => o.ConfirmationValidHours is > 0 and <= 720, "Setting Alerts:ConfirmationValidHours must be above 0 and at most 720 (30 days).")
            .Validate(o => o.ConfirmationIntervalMinutes is >= 0 and <= 1440, "Setting Alerts:ConfirmationIntervalMinutes must be between 0 and 1440.")
            .Validate(o => o.MaxStudiesPerEmail is >= 1 and <= 99, "Setting Alerts:MaxStudiesPerEmail must be between 1 and 99.")
            .Validate(o => o.SubjectPrefix is not null && o.SubjectPrefix.Length <= 60 && OneLine(o.SubjectPrefix),
                "Setting Alerts:SubjectPrefix must be one line (no CR, LF or Unicode line separator: a line break in a subject could add mail headers) of at most 60 characters.");
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section)
            .Validate(o => o.Port is >= 1 and <= 65535, "Setting Smtp:Port must be between 1 and 65535 (587 for STARTTLS, 465 for TLS on connect).")
            .Validate(o => Enum.IsDefined(o.Security), "Setting Smtp:Security must be None, StartTls, SslOnConnect or Auto.")
            .Validate(o => o.TimeoutSeconds is >= 1 and <= 600, "Setting Smtp:TimeoutSeconds must be between 1 and 600.")
            .Validate(o => (o.Host ?? "").IndexOfAny(['\r', '\n', ' ', '/']) < 0, "Setting Smtp:Host must be a server name only (for example smtp.azurecomm.net), without a scheme or spaces.")
            .Validate(o => !o.Configured || FromOk(o), "Setting Smtp:FromAddress must be the sender's email address (one the provider lets you send from) when Smtp:Host is set.")
            .Validate(o => OneLine(o.FromName ?? "") && (o.FromName ?? "").Length <= 100,
                "Setting Smtp:FromName must be one line (no CR, LF or Unicode line separator: a line break in a header could add headers of its own) of at most 100 characters.")
            .Validate(o => o.Security != SmtpSecurity.None || string.IsNullOrEmpty(o.Username) || MailRules.IsLoopback(o.Host),
                "Setting Smtp:Security is None with a user name: the password would cross the network unencrypted. Use StartTls (port 587) or SslOnConnect (465).")
            .Validate(o => o.Security != SmtpSecurity.Auto || string.IsNullOrEmpty(o.Username),
                "Setting Smtp:Security is Auto with a user name: Auto goes without TLS when the server does not offer STARTTLS, so anyone who strips that offer " +
                "on the way would get the password in clear. Use StartTls (port 587) or SslOnConnect (465).")
            .Validate(o => string.IsNullOrEmpty(o.Username) || !string.IsNullOrEmpty(o.Password),
                "Setting Smtp:Username is set and Smtp:Password is not: give the password too (a secret: Key Vault or the environment), or neither for a server without login.");

        // Storage: one set of clients per process.
        services.AddSingleton(sp => new StorageNames(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Prefix));
        services.AddSingleton(sp => new StorageClients(configuration, sp.GetRequiredService<StorageNames>()));
        services.AddSingleton<DedupStore>();
        services.AddSingleton<RecordStore>();
        services.AddSingleton<ScreeningStore>();
        services.AddSingleton<ExtractionStore>();
        services.AddSingleton<StateStore>();
        services.AddSingleton<SearchLog>();
        services.AddSingleton<RawArchive>();
        services.AddSingleton<WorkQueues>();
        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<DeliveryStore>();

        // Sources: each a client with the standard resilience handler (Retry-After honoured) around its own rate limiter.
        if (!string.IsNullOrWhiteSpace(replayDirectory)) services.TryAddSingleton(_ => new ReplayResponder(replayDirectory));
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
        services.AddTransient<ISource>(sp => Create<OpenAlexSource>(sp, "openalex"));
        services.AddTransient(sp => Create<CrossrefClient>(sp, "crossref"));
        services.AddTransient<Harvester>();
        services.AddTransient<Enricher>();

        // Stages.
        services.AddTransient<ScreeningService>();
        services.AddTransient<RankingService>();
        services.AddTransient<Screening.People.ReviewService>();
        services.AddTransient<ExtractionService>();
        services.AddSingleton<ReportArchive>();
        services.AddSingleton<ReportRenderer>();
        services.AddTransient<ReportService>();
        services.AddTransient<ExportService>();
        services.AddTransient<CycleService>();
        services.AddTransient<Dedup.DedupService>();

        // Alerts: MailKit over the SMTP server from settings.
        services.AddSingleton<SmtpMailer>();
        services.AddSingleton<AlertLinks>();
        services.TryAddSingleton<AlertSendHooks>();
        services.AddTransient<SubscriptionService>();
        services.AddTransient<AlertService>();
        return services;
    }

    // The rule a header value is held to when mail is made up (MailRules.OneLine): no CR, LF, NEL or Unicode line or paragraph separator.
    private static bool OneLine(string value)
    {
        try
        {
            MailRules.OneLine("setting", value);
            return true;
        }
        catch (AlertRejectedException)
        {
            return false;
        }
    }

    private static bool FromOk(SmtpOptions o)
    {
        try
        {
            MailRules.Address(o.FromAddress);
            return true;
        }
        catch (AlertRejectedException)
        {
            return false;
        }
    }

    private static T Create<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] T>(IServiceProvider sp, string name) =>
        ActivatorUtilities.CreateInstance<T>(sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(name), sp.GetRequiredService<IOptionsMonitor<SourceOptions>>().Get(name));

    // Resilience outside, then per-attempt metering, then the rate limiter (so retries are spaced), then the network or the replay.
    private static void Pipeline(IHttpClientBuilder client, string name, Func<IServiceProvider, SourceOptions> options, string? replayDirectory)
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
            sp.GetRequiredService<RateGates>().For(name, options(sp).RequestsPerSecond), honourRateHeaders: name == "crossref"));
        if (!string.IsNullOrWhiteSpace(replayDirectory))
            client.ConfigurePrimaryHttpMessageHandler(sp => new ReplayHandler(sp.GetRequiredService<ReplayResponder>(), name));
    }
}
