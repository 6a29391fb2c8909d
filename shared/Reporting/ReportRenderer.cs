using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SpineReview.Reporting;

/// <summary>
/// Renders report models (<see cref="PdfReport.Render"/>), counting and timing each render: the count is read back (a generation
/// that makes a version renders once, one that finds nothing changed not at all), and both are published on the
/// System.Diagnostics.Metrics meter <see cref="MeterName"/> for telemetry.
/// </summary>
public sealed class ReportRenderer
{
    /// <summary>The meter the render counter and duration are published on.</summary>
    public const string MeterName = "SpineReview.Reporting";

    private long _renders;
    private readonly Counter<long> _rendered;
    private readonly Histogram<double> _seconds;

    /// <summary>Instruments on a meter of the host's <paramref name="meterFactory"/> (it ends with the host), or on a meter of their own without one.</summary>
    public ReportRenderer(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _rendered = meter.CreateCounter<long>("spinereview.report.renders", "{render}", "Report PDFs rendered (each render lays the pages out twice)");
        _seconds = meter.CreateHistogram<double>("spinereview.report.render.duration", "s", "Time to render one report PDF");
    }

    /// <summary>Renders made through this renderer since it was created.</summary>
    public long Renders => Interlocked.Read(ref _renders);

    public RenderedReport Render(ReportModel model)
    {
        var started = Stopwatch.GetTimestamp();
        var rendered = PdfReport.Render(model);
        Interlocked.Increment(ref _renders);
        _rendered.Add(1);
        _seconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return rendered;
    }
}
