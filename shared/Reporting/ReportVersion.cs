using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpineReview.Reporting;

/// <summary>
/// A report's semantic version, MAJOR.MINOR.PATCH, read by the people who cite it:
/// MAJOR when what decides eligibility changed (rule set, reviewers per record, automatic exclusion);
/// MINOR when the studies shown or included changed, or the charting method did;
/// PATCH for everything else (new records that were excluded, corrections, screening progress, layout).
/// </summary>
[JsonConverter(typeof(ReportVersionJsonConverter))]
public readonly record struct ReportVersion(int Major, int Minor, int Patch) : IComparable<ReportVersion>
{
    public static ReportVersion First { get; } = new(1, 0, 0);

    public ReportVersion NextMajor() => new(Major + 1, 0, 0);
    public ReportVersion NextMinor() => new(Major, Minor + 1, 0);
    public ReportVersion NextPatch() => new(Major, Minor, Patch + 1);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");

    public int CompareTo(ReportVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public static bool operator <(ReportVersion a, ReportVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(ReportVersion a, ReportVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(ReportVersion a, ReportVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(ReportVersion a, ReportVersion b) => a.CompareTo(b) >= 0;

    /// <summary>Reads "1.4.2" (a leading "v" allowed); false for anything else.</summary>
    public static bool TryParse(string? text, out ReportVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().TrimStart('v', 'V').Split('.');
        if (parts.Length != 3) return false;
        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            if (parts[i].Length is 0 or > 9 || !parts[i].All(char.IsAsciiDigit) || (parts[i].Length > 1 && parts[i][0] == '0')) return false;
            numbers[i] = int.Parse(parts[i], CultureInfo.InvariantCulture);
        }
        version = new ReportVersion(numbers[0], numbers[1], numbers[2]);
        return true;
    }

    public static ReportVersion Parse(string text) => TryParse(text, out var v) ? v
        : throw new FormatException($"\"{text}\" is not a report version: give it as MAJOR.MINOR.PATCH, for example 1.4.2.");
}

/// <summary>Writes a version as its "1.4.2" string.</summary>
public sealed class ReportVersionJsonConverter : JsonConverter<ReportVersion>
{
    public override ReportVersion Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && ReportVersion.TryParse(reader.GetString(), out var v) ? v
            : throw new JsonException("A report version must be a \"MAJOR.MINOR.PATCH\" string.");

    public override void Write(Utf8JsonWriter writer, ReportVersion value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}

/// <summary>Decides the next version number from what changed since the previous version. Pure.</summary>
public static class ReportVersioning
{
    /// <returns>The version and a sentence saying why it is that kind of version.</returns>
    /// <param name="retracted">Studies shown newly marked retracted since the previous version.</param>
    /// <param name="notices">Corrections, errata, expressions of concern and journal versions found since the previous version.</param>
    public static (ReportVersion Version, string Why) Next(ReportManifest? previous, ReviewMethod method, IReadOnlyCollection<string> shown, IReadOnlyCollection<string> included,
        int retracted = 0, int notices = 0)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(shown);
        ArgumentNullException.ThrowIfNull(included);
        if (previous is null) return (ReportVersion.First, "first version");
        if (previous.Eligibility != method.Eligibility)
            return (previous.Version.NextMajor(), $"eligibility method changed: {previous.Eligibility} → {method.Eligibility}");
        var before = previous.Studies.ToHashSet(StringComparer.Ordinal);
        var beforeIncluded = previous.Included.ToHashSet(StringComparer.Ordinal);
        var added = shown.Count(k => !before.Contains(k));
        var removed = before.Count(k => !shown.Contains(k));
        var newlyIncluded = included.Count(k => !beforeIncluded.Contains(k));
        var noLongerIncluded = beforeIncluded.Count(k => !included.Contains(k));
        if (added + removed + newlyIncluded + noLongerIncluded > 0)
            return (previous.Version.NextMinor(), string.Create(CultureInfo.InvariantCulture,
                $"studies changed: {added} added, {removed} removed, {newlyIncluded} newly included by reviewers, {noLongerIncluded} no longer included"));
        if (previous.Extractor != method.ExtractorVersion)
            return (previous.Version.NextMinor(), $"charting method changed: {previous.Extractor} → {method.ExtractorVersion}");
        if (retracted + notices > 0)
            return (previous.Version.NextPatch(), string.Create(CultureInfo.InvariantCulture,
                $"same studies; the refresh found {retracted} newly retracted and {notices} {(notices == 1 ? "notice" : "notices")} (corrections, errata, expressions of concern, journal versions)"));
        return (previous.Version.NextPatch(), "same studies; counts, corrections or layout changed");
    }
}
