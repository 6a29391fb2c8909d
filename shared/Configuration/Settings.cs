namespace SpineReview.Configuration;

/// <summary>Storage naming. The connection itself is the Functions setting AzureWebJobsStorage, shared by both hosts.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    /// <summary>Prefix of every table, queue and container name (lower-case letters and digits, starting with a letter).</summary>
    public string Prefix { get; set; } = "spine";

    /// <summary>The prefix of a replayed run (Replay:Directory set) when Storage:Prefix is not set: the recorded sample stays apart from the live review.</summary>
    public const string DemoPrefix = "spinedemo";
}

/// <summary>PubMed E-utilities settings.</summary>
public sealed class PubMedOptions
{
    public const string Section = "PubMed";
    /// <summary>False leaves PubMed out of every harvest.</summary>
    public bool Enabled { get; set; } = true;
    public string BaseUrl { get; set; } = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/";
    /// <summary>NCBI API key: raises the limit from 3 to 10 requests per second. A secret: never logged.</summary>
    public string? ApiKey { get; set; }
    /// <summary>The tool name NCBI asks callers to send.</summary>
    public string Tool { get; set; } = "spine-review";
    /// <summary>A contact address NCBI can write to about heavy use.</summary>
    public string? Email { get; set; }
    /// <summary>The review's query in PubMed syntax; empty means the protocol's three concept blocks.</summary>
    public string? Query { get; set; }
    /// <summary>Records per efetch call (1-10000).</summary>
    public int BatchSize { get; set; } = 200;
    /// <summary>The first entry date searched when nothing has been harvested yet.</summary>
    public DateOnly StartDate { get; set; } = new(2012, 1, 1);
    /// <summary>Retries of a failed call (HTTP fault, error document, truncated XML) before the run fails.</summary>
    public int MaxRetries { get; set; } = 4;
    /// <summary>First retry delay in seconds; it doubles on each retry.</summary>
    public double RetryDelaySeconds { get; set; } = 2;
    /// <summary>Seconds one call may take before it is abandoned and retried.</summary>
    public double TimeoutSeconds { get; set; } = 60;

    /// <summary>The settings every source shares, for the HTTP pipeline and <see cref="Sources.HttpSource"/>.</summary>
    public Sources.SourceOptions ToSourceOptions() => new()
    {
        Enabled = Enabled, BaseUrl = BaseUrl, ApiKey = ApiKey, Email = Email, Query = Query, PageSize = BatchSize,
        RequestsPerSecond = RequestsPerSecond, StartDate = StartDate, MaxRetries = MaxRetries, RetryDelaySeconds = RetryDelaySeconds,
        TimeoutSeconds = TimeoutSeconds,
    };

    /// <summary>NCBI's published limit: 10 requests/s with a key, 3 without.</summary>
    public double RequestsPerSecond => string.IsNullOrWhiteSpace(ApiKey) ? 3 : 10;
}

/// <summary>Timer schedules (NCRONTAB, six fields) read by the Functions host through %Schedules:...%.</summary>
public sealed class ScheduleOptions
{
    public const string Section = "Schedules";
    public string HarvestPubMed { get; set; } = "0 0 3 * * *";
    public string HarvestIeee { get; set; } = "0 10 3 * * *";
    public string HarvestEuropePmc { get; set; } = "0 20 3 * * *";
    public string HarvestArxiv { get; set; } = "0 30 3 * * *";
    public string HarvestOpenAlex { get; set; } = "0 40 3 * * *";
    public string RegenerateReport { get; set; } = "0 30 4 * * *";
    /// <summary>Retrain the screening model and re-rank the queue (only when decisions arrived since the last training).</summary>
    public string RankScreening { get; set; } = "0 */15 * * * *";
    /// <summary>Check for a new extractor version and re-extract stored studies once (cheap when nothing changed).</summary>
    public string ReextractStudies { get; set; } = "0 0 4 * * *";
    /// <summary>Send what is due of the email alerts: daily and weekly digests when their hour has come, retries whose wait is over, and
    /// immediate alerts a queue message was lost for. Hourly: the digest hour itself is setting Alerts:DailyAt.</summary>
    public string SendDigests { get; set; } = "0 15 * * * *";
}

/// <summary>Local-only: answer source requests from a recorded folder instead of the network.</summary>
public sealed class ReplayOptions
{
    public const string Section = "Replay";
    /// <summary>Folder with one sub-folder per source (see samples/replay/README.md); empty means live.</summary>
    public string? Directory { get; set; }
}

/// <summary>People's screening and the learning model (section "Screening").</summary>
public sealed class ScreeningOptions
{
    public const string Section = "Screening";
    /// <summary>Independent screening decisions each record needs before agreement can settle it.</summary>
    public int ReviewersPerRecord { get; set; } = 2;
    /// <summary>Let the model exclude records below the calibrated low threshold without a person. Off by default.</summary>
    public bool AutoExclude { get; set; }
    /// <summary>Share of would-be automatic exclusions sent to people instead, as an audit of the model.</summary>
    public double AuditRate { get; set; } = 0.10;
    /// <summary>Share of known inclusions (out of fold) that must score above the low threshold.</summary>
    public double AutoExcludeRecall { get; set; } = 0.98;
    /// <summary>Known inclusions needed before a low threshold is calibrated at all.</summary>
    public int MinIncludesForAutoExclude { get; set; } = 20;
    /// <summary>Probability above which a record counts as likely eligible (served first; may be alerted as "not yet confirmed").</summary>
    public double HighThreshold { get; set; } = 0.5;
    /// <summary>
    /// Believe the X-MS-CLIENT-PRINCIPAL headers without App Service authentication (only behind a proxy you trust that sets
    /// them, or for local testing). In Azure, leave it off and turn App Service authentication on.
    /// </summary>
    public bool TrustIdentityHeaders { get; set; }
    /// <summary>Console host only: who is screening at this terminal (in Azure the identity comes from the platform's sign-in).</summary>
    public string? Reviewer { get; set; }
}

/// <summary>Email alerts on newly eligible studies (section "Alerts").</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";
    /// <summary>Where people reach this app: links to confirm, unsubscribe and the latest report start here (for example https://spine-review.example.org).
    /// https, except for a loopback host. Required when Smtp:Host is a server elsewhere; empty otherwise means <see cref="LocalBaseUrl"/>.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>The local Functions host's address, used when PublicBaseUrl is empty and mail goes to a server on this machine.</summary>
    public const string LocalBaseUrl = "http://localhost:7071";
    /// <summary>Also alert studies the model ranks above Screening:HighThreshold, labelled "likely eligible, not yet confirmed". Off by default.</summary>
    public bool IncludeLikelyEligible { get; set; }
    /// <summary>Hour (UTC, HH:mm) from which daily and weekly digests are due.</summary>
    public string DailyAt { get; set; } = "07:00";
    /// <summary>Day on which weekly digests are due (from DailyAt on).</summary>
    public DayOfWeek WeeklyOn { get; set; } = DayOfWeek.Monday;
    /// <summary>Attempts at sending one email before it is kept as failed for a person.</summary>
    public int MaxAttempts { get; set; } = 5;
    /// <summary>Wait before the second attempt, in minutes; it doubles after each failed attempt.</summary>
    public double RetryDelayMinutes { get; set; } = 5;
    /// <summary>An email still marked "sending" this long after the attempt began was interrupted: it is kept as "unconfirmed" for a person, never re-sent blindly.</summary>
    public double SendingLeaseMinutes { get; set; } = 15;
    /// <summary>Hours a confirmation link stays valid.</summary>
    public double ConfirmationValidHours { get; set; } = 72;
    /// <summary>At most one confirmation email per address in this many minutes (a form cannot be used to flood someone's inbox).</summary>
    public double ConfirmationIntervalMinutes { get; set; } = 10;
    /// <summary>Most studies in one email; more make further emails.</summary>
    public int MaxStudiesPerEmail { get; set; } = 50;
    /// <summary>Start of every subject line.</summary>
    public string SubjectPrefix { get; set; } = "[SpineReview]";
    /// <summary>Sign-in names (comma- or semicolon-separated) allowed to list subscribers over HTTP.</summary>
    public string? Admins { get; set; }

    /// <summary>The admins named in <see cref="Admins"/>.</summary>
    public IReadOnlyList<string> AdminList() =>
        (Admins ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>No TLS (a local test server only; refused with credentials).</summary>
    None,
    /// <summary>Plain connection upgraded with STARTTLS, required (port 587: Azure Communication Services, most providers).</summary>
    StartTls,
    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
    /// <summary>TLS on port 465, STARTTLS when the server offers it elsewhere.</summary>
    Auto,
}

/// <summary>The SMTP server alerts are sent through (section "Smtp"): Azure Communication Services or any other provider.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";
    /// <summary>Server name (for example smtp.azurecomm.net); empty means alerts are not set up and nothing is sent.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    /// <summary>User name; empty means no authentication.</summary>
    public string? Username { get; set; }
    /// <summary>A secret: Key Vault or the environment only, never the repository; never logged.</summary>
    public string? Password { get; set; }
    /// <summary>Sender address (must be one the provider lets you send from).</summary>
    public string? FromAddress { get; set; }
    public string FromName { get; set; } = "SpineReview alerts";
    /// <summary>Seconds one network operation may take.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Whether a server is named at all.</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(Host);
}
