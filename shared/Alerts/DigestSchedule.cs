using System.Globalization;
using Microsoft.Extensions.Options;

namespace SpineReview.Alerts;

/// <summary>When a subscriber's digest is due. Pure: the moment is passed in.</summary>
public static class DigestSchedule
{
    /// <summary>Reads setting Alerts:DailyAt (HH:mm, UTC).</summary>
    public static bool TryParseAt(string? text, out TimeOnly at) =>
        TimeOnly.TryParseExact(text ?? "", ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out at);

    /// <summary>
    /// The latest digest moment at or before <paramref name="now"/>: for daily, today's (or else yesterday's) <paramref name="at"/>;
    /// for weekly, the latest <paramref name="day"/> at that hour; for immediate, now itself.
    /// </summary>
    public static DateTimeOffset LastSlot(AlertFrequency frequency, DateTimeOffset now, TimeOnly at, DayOfWeek day)
    {
        if (frequency == AlertFrequency.Immediate) return now;
        var utc = now.ToUniversalTime();
        var today = new DateTimeOffset(utc.Date + at.ToTimeSpan(), TimeSpan.Zero);
        var daily = utc >= today ? today : today.AddDays(-1);
        if (frequency == AlertFrequency.Daily) return daily;
        var back = ((int)daily.DayOfWeek - (int)day + 7) % 7;
        return daily.AddDays(-back);
    }

    /// <summary>Whether a confirmed subscriber's next email may be made up now: always for immediate; for a digest, when a digest
    /// moment has passed since the last digest (or since confirmation, for the first).</summary>
    public static bool Due(Subscriber subscriber, DateTimeOffset now, TimeOnly at, DayOfWeek day)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        if (subscriber.Preferences.Frequency == AlertFrequency.Immediate) return true;
        var last = subscriber.DigestCursor ?? subscriber.ConfirmedAt ?? now;
        return LastSlot(subscriber.Preferences.Frequency, now, at, day) > last;
    }
}

/// <summary>The links alerts carry, from setting Alerts:PublicBaseUrl.</summary>
public sealed class AlertLinks(IOptions<AlertOptions> options)
{
    private string Base => (string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? AlertOptions.LocalBaseUrl : options.Value.PublicBaseUrl).TrimEnd('/');

    public string Confirm(string token) => $"{Base}/api/alerts/confirm?token={Uri.EscapeDataString(token)}";

    public string Unsubscribe(string token) => $"{Base}/api/alerts/unsubscribe?token={Uri.EscapeDataString(token)}";

    public string LatestReport => $"{Base}/api/reports/latest";

    /// <summary>The List-Id header (RFC 2919): a name and a dot-atom made from the app's host.</summary>
    public string ListId => $"SpineReview alerts <alerts.{(Uri.TryCreate(Base, UriKind.Absolute, out var u) ? u.Host : "localhost")}>";
}
