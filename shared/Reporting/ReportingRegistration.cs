using Microsoft.Extensions.DependencyInjection;

namespace SpineReview.Reporting;

/// <summary>Registers the report slice: the archive of versions, the renderer, the report workflow and the exports (no settings of its own).</summary>
public static class ReportingRegistration
{
    /// <summary>Adds <see cref="ReportArchive"/>, <see cref="ReportRenderer"/>, <see cref="ReportService"/> and <see cref="ExportService"/>.</summary>
    public static IServiceCollection AddReporting(this IServiceCollection services)
    {
        services.AddSingleton<ReportArchive>();
        services.AddSingleton<ReportRenderer>();
        services.AddTransient<ReportService>();
        services.AddTransient<ExportService>();
        return services;
    }
}
