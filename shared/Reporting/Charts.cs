using ScottPlot;
using SkiaSharp;

namespace SpineReview.Reporting;

/// <summary>Charts drawn by ScottPlot straight onto the PDF page canvas, so they stay vectors with real, selectable text.</summary>
public static class Charts
{
    private static readonly ScottPlot.Color Current = Colour(Typography.Accent);
    private static readonly ScottPlot.Color Baseline = Colour(Typography.ChartBaseline);
    private static readonly ScottPlot.Color Later = Colour(Typography.Highlight);
    private static readonly ScottPlot.Color Second = Colour(Typography.ChartSecond);

    private static ScottPlot.Color Colour(SKColor c) => new(c.Red, c.Green, c.Blue);

    /// <summary>Horizontal bars, one group per category from the top: this version's share, and the 2023 share where the paper states one.</summary>
    public static void HorizontalBars(PageWriter w, SKRect area, IReadOnlyList<CategoryShare> shares, string currentLabel, string baselineLabel)
    {
        ArgumentNullException.ThrowIfNull(shares);
        area = Legend(w, area, [(currentLabel, Current), (baselineLabel, Baseline)]);
        var plot = NewPlot();
        var current = new List<Bar>();
        var baseline = new List<Bar>();
        var n = shares.Count;
        for (var i = 0; i < n; i++)
        {
            var y = (n - 1 - i) * 3;
            current.Add(new Bar { Position = y + 1.5, Value = shares[i].Percent, FillColor = Current, LineWidth = 0, Size = 1.2, Label = Fmt.Pct(shares[i].Percent) });
            if (shares[i].BaselinePercent is double b)
                baseline.Add(new Bar { Position = y + 0.3, Value = b, FillColor = Baseline, LineWidth = 0, Size = 1.2, Label = Fmt.Pct(b) });
        }
        AddSeries(plot, current, currentLabel, Current, horizontal: true);
        AddSeries(plot, baseline, baselineLabel, Baseline, horizontal: true);
        plot.Axes.Left.SetTicks(shares.Select((_, i) => (double)(n - 1 - i) * 3 + 0.9).ToArray(), shares.Select(s => Fmt.Label(s.Category)).ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.Label.Text = "% of studies";
        var top = Math.Max(100, shares.Max(s => Math.Max(s.Percent, s.BaselinePercent ?? 0)));
        plot.Axes.SetLimits(0, top * 1.2, -0.8, n * 3 - 0.2);
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
                Render(w.Canvas, area, plot);
    }

    /// <summary>Studies per publication year; years after the 2023 review's searches in a second colour. Years are written as years (no separators).</summary>
    public static void Years(PageWriter w, SKRect area, IReadOnlyList<(int Year, int Count)> perYear, int lastYearSearched)
    {
        ArgumentNullException.ThrowIfNull(perYear);
        area = Legend(w, area, [($"Up to {lastYearSearched} (covered by the 2023 review's searches)", Current), ($"After {lastYearSearched}", Later)]);
        var plot = NewPlot();
        if (perYear.Count == 0) { Render(w.Canvas, area, plot); return; }
        var first = perYear[0].Year;
        var last = perYear[^1].Year;
        var counts = perYear.ToDictionary(p => p.Year, p => p.Count);
        var before = new List<Bar>();
        var after = new List<Bar>();
        for (var year = first; year <= last; year++)
        {
            var count = counts.GetValueOrDefault(year);
            var bar = new Bar { Position = year, Value = count, FillColor = year <= lastYearSearched ? Current : Later, LineWidth = 0, Size = 0.75, Label = count > 0 ? Fmt.N(count) : "" };
            (year <= lastYearSearched ? before : after).Add(bar);
        }
        AddSeries(plot, before, $"Up to {lastYearSearched} (covered by the 2023 review's searches)", Current, horizontal: false);
        AddSeries(plot, after, $"After {lastYearSearched}", Later, horizontal: false);
        var years = Enumerable.Range(first, last - first + 1).ToArray();
        // A year label needs about 32 points: label every step-th year so they never overlap.
        var step = Math.Max(1, (int)Math.Ceiling(years.Length * 32.0 / Math.Max(1, area.Width - 60)));
        plot.Axes.Bottom.SetTicks(years.Where((_, i) => i % step == 0).Select(y => (double)y).ToArray(),
            years.Where((_, i) => i % step == 0).Select(y => y.ToString(Fmt.C)).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.Label.Text = "Studies";
        var max = perYear.Max(p => p.Count);
        plot.Axes.SetLimits(first - 0.7, last + 0.7, 0, Math.Max(1, max) * 1.18);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true, LabelFormatter = v => v.ToString("0", Fmt.C) };
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
                Render(w.Canvas, area, plot);
    }

    /// <summary>Studies per size bin (Fig. 7), subjects and images side by side.</summary>
    public static void SizeBins(PageWriter w, SKRect area, IReadOnlyList<SizeDistribution> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var plot = NewPlot();
        var colours = new[] { Current, Second };
        area = Legend(w, area, sizes.Select((s, i) => ($"{s.Measure} (reported by {Fmt.N(s.Reported)})", colours[i % 2])).ToArray());
        var bins = Results.SizeBins;
        for (var s = 0; s < sizes.Count; s++)
        {
            var bars = sizes[s].Bins.Select((b, i) => new Bar
            {
                Position = i * 3 + s + 0.5, Value = b.Count, FillColor = colours[s % 2], LineWidth = 0, Size = 0.9, Label = b.Count > 0 ? Fmt.N(b.Count) : "",
            }).ToList();
            AddSeries(plot, bars, $"{sizes[s].Measure} (reported by {Fmt.N(sizes[s].Reported)})", colours[s % 2], horizontal: false);
        }
        plot.Axes.Bottom.SetTicks(bins.Select((_, i) => i * 3 + 1.0).ToArray(), bins.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.Label.Text = "Studies";
        var max = sizes.SelectMany(s => s.Bins).Select(b => b.Count).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimits(-0.8, bins.Length * 3 - 0.2, 0, Math.Max(1, max) * 1.2);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true, LabelFormatter = v => v.ToString("0", Fmt.C) };
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
                Render(w.Canvas, area, plot);
    }

    /// <summary>A one-line legend above the chart (drawn as page text, so it is measured like all text); returns the area left for the plot.</summary>
    private static SKRect Legend(PageWriter w, SKRect area, (string Label, ScottPlot.Color Colour)[] items)
    {
        ArgumentNullException.ThrowIfNull(w);
        using var font = Typography.Font(Typography.Regular, Typography.NoteSize);
        using var ink = new SKPaint { Color = Typography.Ink, IsAntialias = true };
        var x = area.Left + 4;
        var baseline = area.Top + 9;
        foreach (var (label, colour) in items)
        {
            using var fill = new SKPaint { Color = new SKColor(colour.R, colour.G, colour.B) };
            w.Canvas.DrawRect(new SKRect(x, baseline - 7, x + 9, baseline + 1), fill);
            w.Text(label, x + 13, baseline, font, ink, area);
            x += 13 + font.MeasureText(label) + 16;
        }
        return new SKRect(area.Left, area.Top + 14, area.Right, area.Bottom);
    }

    private static Plot NewPlot()
    {
        _ = Typography.Regular; // registers the report fonts with ScottPlot
        var plot = new Plot();
        plot.Font.Set(Typography.FontFamily);
        plot.Axes.Left.TickLabelStyle.FontSize = 8.5f;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 8.5f;
        plot.Axes.Left.Label.FontSize = 9;
        plot.Axes.Bottom.Label.FontSize = 9;
        plot.Axes.Left.Label.Bold = false;
        plot.Axes.Bottom.Label.Bold = false;
        plot.Legend.FontSize = 8;
        plot.Axes.Right.FrameLineStyle.Width = 0;
        plot.Axes.Top.FrameLineStyle.Width = 0;
        return plot;
    }

    private static void AddSeries(Plot plot, List<Bar> bars, string legend, ScottPlot.Color colour, bool horizontal)
    {
        var series = plot.Add.Bars(bars);
        series.Horizontal = horizontal;
        series.LegendText = legend;
        series.ValueLabelStyle.FontSize = 7.5f;
        series.ValueLabelStyle.ForeColor = Colour(Typography.Ink);
        // A legend entry's colour comes from the series' first bar; keep it right when a series is empty.
        series.Color = colour;
    }

    private static void Render(SKCanvas canvas, SKRect area, Plot plot)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        // The legend is drawn above the chart as page text (see Legend).
        plot.HideLegend();
        canvas.Save();
        canvas.Translate(area.Left, area.Top);
        canvas.ClipRect(new SKRect(0, 0, area.Width, area.Height));
        plot.Render(canvas, (int)area.Width, (int)area.Height);
        canvas.Restore();
    }
}
