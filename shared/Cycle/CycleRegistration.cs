using Microsoft.Extensions.DependencyInjection;
using SpineReview.Configuration;

namespace SpineReview.Cycle;

/// <summary>Registers the whole cycle the console host runs, and the timers' schedules the Functions host reads.</summary>
public static class CycleRegistration
{
    /// <summary>Adds <see cref="CycleService"/> and binds the schedules.</summary>
    public static IServiceCollection AddCycle(this IServiceCollection services)
    {
        services.AddOptions<ScheduleOptions>().BindConfiguration(ScheduleOptions.Section);
        services.AddTransient<CycleService>();
        return services;
    }
}
