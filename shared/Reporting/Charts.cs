using ScottPlot;
using SkiaSharp;

namespace SpineReview.Reporting;

/// <summary>Charts drawn by ScottPlot straight onto the PDF page canvas, so they stay vectors with real text.</summary>
public static class Charts
{
    /// <summary>Grouped vertical bars: this version's share per category, and the baseline where one is known.</summary>
    public static void Bars(SKCanvas canvas, SKRect area, IReadOnlyList<CategoryShare> shares, string currentLabel, string baselineLabel)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentNullException.ThrowIfNull(shares);
        _ = Typography.Regular; // registers the report fonts with ScottPlot
        var plot = new Plot();
        plot.Font.Set(Typography.FontFamily);
        var current = new List<Bar>();
        var baseline = new List<Bar>();
        var accent = ScottPlot.Color.FromHex("#1f4e79");
        var grey = ScottPlot.Color.FromHex("#9aa5b1");
        for (var i = 0; i < shares.Count; i++)
        {
            current.Add(new Bar { Position = i * 3, Value = shares[i].Percent, FillColor = accent, LineWidth = 0 });
            if (shares[i].BaselinePercent is double b)
                baseline.Add(new Bar { Position = i * 3 + 1, Value = b, FillColor = grey, LineWidth = 0 });
        }
        var bars = plot.Add.Bars(current);
        bars.LegendText = currentLabel;
        var bars2 = plot.Add.Bars(baseline);
        bars2.LegendText = baselineLabel;
        // A legend entry's colour comes from the series' first bar; keep it right when a series is empty.
        bars2.Color = grey;
        bars.Color = accent;
        plot.Axes.Bottom.SetTicks(shares.Select((_, i) => i * 3 + 0.5).ToArray(), shares.Select(s => s.Category).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.YLabel("% of studies");
        plot.Axes.SetLimits(-1.2, shares.Count * 3 - 0.8, 0, 100);
        plot.Axes.Left.TickLabelStyle.FontSize = 9;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 9;
        plot.Axes.Left.Label.FontSize = 10;
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.Legend.FontSize = 9;
        plot.ShowLegend(Alignment.UpperRight);
        canvas.Save();
        canvas.Translate(area.Left, area.Top);
        canvas.ClipRect(new SKRect(0, 0, area.Width, area.Height));
        plot.Render(canvas, (int)area.Width, (int)area.Height);
        canvas.Restore();
    }
}
