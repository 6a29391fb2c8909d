using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SpineReview.Alerts;
using SpineReview.Cycle;
using SpineReview.Dedup;
using SpineReview.Extraction;
using SpineReview.Living;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Web;

namespace SpineReview;

/// <summary>The one composition root both hosts call.</summary>
public static class SpineReviewServiceCollectionExtensions
{
    /// <summary>Registers every SpineReview feature, bound to configuration (the same setting names in both hosts).</summary>
    public static IServiceCollection AddSpineReview(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        // Options bind through IConfiguration; hosts register theirs, a bare ServiceCollection gets this one.
        services.TryAddSingleton(configuration);
        return services
            .AddStorage(configuration)
            .AddRecords()
            .AddDedup()
            .AddSources(configuration)
            .AddScreening()
            .AddLiving(configuration)
            .AddExtraction()
            .AddReporting()
            .AddCycle()
            // Alerts' settings are checked when alerts use them, so a mistake there stops the alerts, not the host.
            .AddAlerts()
            // The web app's pages call the services above; its keys and identity are registered in every host, used by those that serve pages.
            .AddWeb();
    }
}
