namespace SpineReview.Configuration;

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
    /// <summary>Citation searching: the works citing and cited by the included studies (OpenAlex), weekly.</summary>
    public string SearchCitations { get; set; } = "0 50 3 * * 1";
    /// <summary>Retractions, corrections and journal versions of the included and eligible studies (Crossref), weekly.</summary>
    public string RefreshStudies { get; set; } = "0 0 5 * * 1";
    /// <summary>Retrain the screening model and re-rank the queue (only when decisions arrived since the last training).</summary>
    public string RankScreening { get; set; } = "0 */15 * * * *";
    /// <summary>Check for a new extractor version and re-extract stored studies once (cheap when nothing changed).</summary>
    public string ReextractStudies { get; set; } = "0 0 4 * * *";
    /// <summary>Screen and extract the records queued (in batches) and send the immediate alerts people's inclusions nudged: a timer
    /// instead of queue triggers, which the platform polls every few seconds. Five minutes after each RankScreening round.</summary>
    public string DrainQueues { get; set; } = "0 5,20,35,50 * * * *";
    /// <summary>Send what is due of the email alerts: daily and weekly digests when their hour has come, retries whose wait is over, and
    /// immediate alerts a queue message was lost for. Hourly: the digest hour itself is setting Alerts:DailyAt.</summary>
    public string SendDigests { get; set; } = "0 15 * * * *";
}
