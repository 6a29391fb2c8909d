using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Azure;
using SpineReview.Extraction;

namespace SpineReview.Alerts;

/// <summary>How often a subscriber hears about new studies.</summary>
public enum AlertFrequency
{
    /// <summary>As soon as the cycle (or the alerts queue) finds a new eligible study.</summary>
    Immediate,
    /// <summary>One digest a day, from setting Alerts:DailyAt.</summary>
    Daily,
    /// <summary>One digest a week, on Alerts:WeeklyOn from Alerts:DailyAt.</summary>
    Weekly,
}

/// <summary>Where a subscription stands.</summary>
public enum SubscriberStatus
{
    /// <summary>Asked for, not confirmed: nothing is sent but the confirmation email.</summary>
    Pending,
    Confirmed,
    /// <summary>Unsubscribed: the address is removed; nothing more is sent.</summary>
    Unsubscribed,
}

/// <summary>
/// What a subscriber cares about, per charted field: a study matches when, for every field with values here, it has at least
/// one of them (an empty list means any). Values are the charting form's vocabulary.
/// </summary>
public sealed record AlertFilters(IReadOnlyList<string> Modality, IReadOnlyList<string> Region, IReadOnlyList<string> Condition, IReadOnlyList<string> Task)
{
    /// <summary>The charting-form fields a subscriber can filter on, in this order.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["modality", "region", "condition", "task"];

    /// <summary>No filter: every eligible study.</summary>
    public static AlertFilters All { get; } = new([], [], [], []);

    /// <summary>The values given for one field.</summary>
    public IReadOnlyList<string> For(string field) => field switch
    {
        "modality" => Modality,
        "region" => Region,
        "condition" => Condition,
        "task" => Task,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a filter field"),
    };

    /// <summary>Checks values against the charting form's vocabulary (any letter case) and returns them in the form's spelling.</summary>
    public static AlertFilters Parse(IEnumerable<string>? modality, IEnumerable<string>? region, IEnumerable<string>? condition, IEnumerable<string>? task) =>
        new(Clean("modality", modality), Clean("region", region), Clean("condition", condition), Clean("task", task));

    private static List<string> Clean(string field, IEnumerable<string>? given)
    {
        var allowed = FormExtractor.Vocabulary[field].Allowed!;
        var list = new List<string>();
        foreach (var raw in (given ?? []).SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            MailRules.OneLine(field, raw);
            var hit = allowed.FirstOrDefault(a => string.Equals(a, raw, StringComparison.OrdinalIgnoreCase))
                ?? throw new AlertRejectedException($"{field} \"{(raw.Length > 40 ? raw[..40] + "..." : raw)}\" is not a value of the charting form; use one of {string.Join(", ", allowed)} (or none for all)");
            if (!list.Contains(hit, StringComparer.Ordinal)) list.Add(hit);
        }
        return list;
    }

    /// <summary>Whether a study with these charted values (field to values, people's corrections in place) is one the subscriber wants.</summary>
    public bool Matches(IReadOnlyDictionary<string, IReadOnlyList<string>> charted)
    {
        ArgumentNullException.ThrowIfNull(charted);
        foreach (var field in Fields)
        {
            var wanted = For(field);
            if (wanted.Count == 0) continue;
            if (!charted.TryGetValue(field, out var values) || !values.Any(v => wanted.Contains(v, StringComparer.Ordinal))) return false;
        }
        return true;
    }

    /// <summary>In words, for emails and listings: "every eligible study" or "modality MRI or CT; region Lumbar".</summary>
    public string Describe()
    {
        var parts = Fields.Where(f => For(f).Count > 0).Select(f => $"{f} {string.Join(" or ", For(f))}").ToList();
        return parts.Count == 0 ? "every eligible study" : string.Join("; ", parts);
    }
}

/// <summary>Filters and frequency together.</summary>
public sealed record AlertPreferences(AlertFilters Filters, AlertFrequency Frequency)
{
    /// <summary>Reads a frequency word: immediate, daily or weekly.</summary>
    public static AlertFrequency ParseFrequency(string? word) => (word ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "immediate" or "immediately" => AlertFrequency.Immediate,
        "daily" or "day" => AlertFrequency.Daily,
        "weekly" or "week" => AlertFrequency.Weekly,
        _ => throw new AlertRejectedException($"frequency \"{MailRules.Flatten(word ?? "", 30)}\" is not one of immediate, daily, weekly"),
    };
}

/// <summary>One subscriber as stored.</summary>
/// <param name="Id">Random, chosen when the address first subscribes (<see cref="AlertTokens.NewSubscriberId"/>): nothing about the address can be
/// learnt from it, nor it from the address. The address finds it through an index row (<see cref="SubscriberStore.FindIdAsync"/>).</param>
/// <param name="Requested">Preferences asked for and not yet confirmed (a confirmed subscriber's change waits for the new link).</param>
/// <param name="Since">Studies that became eligible after this moment are new to this subscriber (their first confirmation).</param>
/// <param name="DigestCursor">When the last daily or weekly digest was made up for this subscriber.</param>
/// <param name="ConfirmHash">SHA-256 of the confirmation secret (the secret itself is only in the email).</param>
/// <param name="UnsubscribeSecret">The secret of the unsubscribe link every alert carries.</param>
public sealed record Subscriber(string Id, string Address, string? Name, SubscriberStatus Status, AlertPreferences Preferences, AlertPreferences? Requested,
    DateTimeOffset SubscribedAt, DateTimeOffset? Since, DateTimeOffset? ConfirmedAt, DateTimeOffset? UnsubscribedAt, DateTimeOffset? DigestCursor,
    string? ConfirmHash, DateTimeOffset? ConfirmRequestedAt, bool ConfirmUsed, DateTimeOffset? ConfirmationSentAt, string UnsubscribeSecret, ETag ETag);

/// <summary>
/// Link tokens: "subscriber id" + "." + a 256-bit random secret (base64url). The id finds the row; the secret is compared in
/// constant time. Never logged whole (<see cref="Redact"/>).
/// </summary>
public static class AlertTokens
{
    /// <summary>A new subscriber id: 128 random bits from the operating system's cryptographic generator, as hex. Tokens and Message-IDs
    /// carry it, so it must not be derivable from the address.</summary>
    public static string NewSubscriberId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Key of the index row that finds a subscriber by address: SHA-256 of the lower-case address, as hex. Only in the table,
    /// beside the address itself; never in a link, a header or a log.</summary>
    public static string AddressKey(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address.ToLowerInvariant())));
    }

    /// <summary>How ids were made before they were random (the first 128 bits of <see cref="AddressKey"/>): only to find subscribers stored
    /// then, who have no index row.</summary>
    public static string LegacySubscriberId(string address) => AddressKey(address)[..32];

    /// <summary>A new random secret from the operating system's cryptographic generator.</summary>
    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string Token(string subscriberId, string secret) => $"{subscriberId}.{secret}";

    /// <summary>Splits a token; false for anything that is not the shape this app makes.</summary>
    public static bool TryParse(string? token, out string subscriberId, out string secret)
    {
        subscriberId = secret = "";
        if (token is null || token.Length != 32 + 1 + 43 || token[32] != '.') return false;
        var id = token[..32];
        var s = token[33..];
        if (!id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        if (!s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        (subscriberId, secret) = (id, s);
        return true;
    }

    /// <summary>Compares two strings in time that does not depend on where they differ.</summary>
    public static bool Same(string? a, string? b)
    {
        if (a is null || b is null) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
    }

    /// <summary>The first characters of a token, enough to tell two apart in a log, too few to use.</summary>
    public static string Redact(string? token) => string.IsNullOrEmpty(token) ? "(none)" : token[..Math.Min(8, token.Length)] + "…";
}
