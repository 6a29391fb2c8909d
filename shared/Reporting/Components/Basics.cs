using System.Globalization;

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

    /// <summary>A form value as people read it: "DecisionSupport" → "Decision support". Names (ResNet, U-Net, MRI) stay as they are.</summary>
    public static string Label(string value) => Labels.TryGetValue(value, out var label) ? label : value;

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["DecisionSupport"] = "Decision support", ["OutcomePrediction"] = "Outcome prediction", ["WholeSpine"] = "Whole spine",
        ["SpinalCord"] = "Spinal cord", ["SingleCentre"] = "Single centre", ["MultiCentre"] = "Multicentre", ["PublicDataset"] = "Public dataset",
        ["CrossSectional"] = "Cross-sectional", ["CaseControl"] = "Case-control", ["CaseSeries"] = "Case series", ["DataScience"] = "Data science",
    };
}
