using System.Globalization;
using System.Text;

namespace SpineReview.Reporting;

/// <summary>A part of the report that draws itself at the writer's cursor.</summary>
public interface IReportComponent
{
    /// <summary>The section's title, as the contents list and the outline show it.</summary>
    string Title { get; }

    void Compose(PageWriter w, ReportModel m);
}

/// <summary>Number, date and label formats of the report, in one place (invariant culture: the same bytes everywhere).</summary>
internal static class Fmt
{
    public static readonly CultureInfo C = CultureInfo.InvariantCulture;
    public static string N(int n) => n.ToString("#,0", C);
    public static string N(double n) => n.ToString("#,0", C);
    /// <summary>"1 study", "2 studies".</summary>
    public static string Count(int n, string one, string many) => $"{N(n)} {(n == 1 ? one : many)}";
    public static string Pct(double p) => p.ToString("0", C) + "%";
    public static string Date(DateOnly d) => d.ToString("d MMMM yyyy", C);
    public static string Date(DateTimeOffset d) => d.UtcDateTime.ToString("d MMMM yyyy", C);

    /// <summary>A form value as people read it: "DecisionSupport" → "Decision support"; acronyms and names with hyphens stay.</summary>
    public static string Label(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('-', StringComparison.Ordinal) || value.Contains(' ', StringComparison.Ordinal) || value.All(c => !char.IsLower(c))) return value;
        var sb = new StringBuilder(value.Length + 4);
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (i > 0 && char.IsUpper(ch) && char.IsLower(value[i - 1]) && i + 1 < value.Length && char.IsLower(value[i + 1])) sb.Append(' ').Append(char.ToLowerInvariant(ch));
            else sb.Append(ch);
        }
        return sb.ToString();
    }
}
