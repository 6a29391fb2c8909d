namespace SpineReview.Screening;

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
    /// <summary>How often the web app on one's own machine (spine-review serve) retrains the model when decisions arrived; in
    /// Azure the RankScreening timer does it (Schedules:RankScreening).</summary>
    public int RetrainEverySeconds { get; set; } = 60;
    /// <summary>Console host only: who is screening at this terminal (in Azure the identity comes from the platform's sign-in).</summary>
    public string? Reviewer { get; set; }
}
