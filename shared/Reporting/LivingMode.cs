using System.Globalization;
using SpineReview.Configuration;
using SpineReview.Records;

namespace SpineReview.Reporting;

/// <summary>Settings of the living mode the report states (PRISMA-LSR): when the review will be retired.</summary>
public sealed class LivingOptions
{
    public const string Section = "Living";

    /// <summary>The retirement criterion, as the report states it.</summary>
    public string RetireWhen { get; set; } =
        "when two consecutive yearly checks find no new eligible study, or when the review team judges the question answered; " +
        "the last version then says that it is the last";
}

/// <summary>The previous version as this one cites it: number, date and the SHA-256 of its PDF.</summary>
public sealed record VersionCitation(ReportVersion Version, DateTimeOffset Created, string Sha256);

/// <summary>How one source is searched, as the living-mode section lists it.</summary>
public sealed record SourceSchedule(string Source, string How, string Schedule);

/// <summary>The living mode of this version (PRISMA-LSR): the search schedule per source, when a new version is made and why
/// this one was, the previous version cited, and the retirement criterion.</summary>
/// <param name="Why">What made this version (the versioning rule's sentence).</param>
public sealed record LivingMode(IReadOnlyList<SourceSchedule> Schedules, string ReportSchedule, string RetireWhen, string? Why = null,
    VersionCitation? Previous = null)
{
    /// <summary>The rule that makes a new version, as the report states it (<see cref="ReportVersioning"/> applies it).</summary>
    public const string VersionRule =
        "The report is regenerated after the searches; a new version is made only when what it shows has changed. Its number says " +
        "what changed: MAJOR when what decides eligibility changed (rule set, reviewers per record, automatic exclusion); MINOR when " +
        "the studies shown or included changed, or the charting method did; PATCH for anything else (records found and excluded, " +
        "corrections, screening progress).";

    /// <summary>The living mode for the sources harvested through their APIs (from the schedule settings) and those imported
    /// as files (from the search log).</summary>
    public static LivingMode From(ScheduleOptions schedules, LivingOptions living, IReadOnlyList<SearchLogEntry> searches)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(living);
        ArgumentNullException.ThrowIfNull(searches);
        var api = new (SourceName Source, string Cron)[]
        {
            (SourceName.PubMed, schedules.HarvestPubMed), (SourceName.Ieee, schedules.HarvestIeee), (SourceName.EuropePmc, schedules.HarvestEuropePmc),
            (SourceName.Arxiv, schedules.HarvestArxiv), (SourceName.OpenAlex, schedules.HarvestOpenAlex),
        };
        var rows = api.Select(a => new SourceSchedule(a.Source.DisplayName, "API search since its last complete search", Describe(a.Cron))).ToList();
        rows.Add(new SourceSchedule(SourceName.Citations.DisplayName, "works citing and cited by the included studies, through OpenAlex", Describe(schedules.SearchCitations)));
        foreach (var import in searches.Where(s => s.IsImport).GroupBy(s => s.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var dates = import.Select(s => s.To).Distinct().Order().Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
            rows.Add(new SourceSchedule(SourceName.Of(import.OrderBy(s => s.Started).Last()).DisplayName, "searched on the platform by a reviewer, export imported",
                $"searched {string.Join(", ", dates)}"));
        }
        return new LivingMode(rows, Describe(schedules.RegenerateReport), living.RetireWhen);
    }

    /// <summary>An NCRONTAB schedule in words ("daily at 03:00 UTC", "weekly on Monday at 02:15 UTC"); any other as written.</summary>
    public static string Describe(string cron)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var f = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 6 || f[0] != "0" || !int.TryParse(f[1], CultureInfo.InvariantCulture, out var minute) || !int.TryParse(f[2], CultureInfo.InvariantCulture, out var hour)
            || f[4] != "*")
            return $"NCRONTAB {cron} (UTC)";
        var at = $"at {hour:00}:{minute:00} UTC";
        if (f[3] == "*" && f[5] == "*") return $"daily {at}";
        if (f[3] == "*" && int.TryParse(f[5], CultureInfo.InvariantCulture, out var day) && day is >= 0 and <= 6)
            return $"weekly on {CultureInfo.InvariantCulture.DateTimeFormat.GetDayName((DayOfWeek)day)} {at}";
        if (f[5] == "*" && int.TryParse(f[3], CultureInfo.InvariantCulture, out var date)) return $"monthly on day {date} {at}";
        return $"NCRONTAB {cron} (UTC)";
    }
}
