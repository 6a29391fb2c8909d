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
