using Microsoft.Extensions.DependencyInjection;

namespace SpineReview.Reporting;

/// <summary>Registers the report slice: the archive of versions, the renderer, the report workflow and the exports, and the living
/// mode's settings (Living:RetireWhen; the search schedules are the timers' settings, Schedules:*).</summary>
public static class ReportingRegistration
{
    /// <summary>Adds <see cref="ReportArchive"/>, <see cref="ReportRenderer"/>, <see cref="ReportService"/> and <see cref="ExportService"/>.</summary>
    public static IServiceCollection AddReporting(this IServiceCollection services)
    {
        services.AddOptions<LivingOptions>().BindConfiguration(LivingOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.RetireWhen), "Setting Living:RetireWhen must say when the living review will be retired.");
        services.AddOptions<Configuration.ScheduleOptions>().BindConfiguration(Configuration.ScheduleOptions.Section);
        services.AddSingleton<ReportArchive>();
        services.AddSingleton<ReportRenderer>();
        services.AddTransient<ReportService>();
        services.AddTransient<ExportService>();
        return services;
    }
}
