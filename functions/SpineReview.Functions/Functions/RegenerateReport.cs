using Microsoft.Azure.Functions.Worker;
using SpineReview.Reporting;

namespace SpineReview.Functions.Functions;

/// <summary>Timer: regenerates the report from what is stored.</summary>
public sealed class RegenerateReport(ReportService reports)
{
    [Function(nameof(RegenerateReport))]
    public async Task Run([TimerTrigger("%Schedules:RegenerateReport%")] TimerInfo timer, CancellationToken ct) =>
        await reports.GenerateAsync(ct);
}
