namespace SpineReview.Alerts;

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
