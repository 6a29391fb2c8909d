using Microsoft.Extensions.DependencyInjection;

namespace SpineReview.Extraction;

/// <summary>Registers the charting slice: the extraction store and <see cref="ExtractionService"/> (no settings of its own).</summary>
public static class ExtractionRegistration
{
    /// <summary>Adds the extracted-values table and the service that fills and corrects the form.</summary>
    public static IServiceCollection AddExtraction(this IServiceCollection services)
    {
        services.AddSingleton<ExtractionStore>();
        services.AddSingleton<FullText.FullTextStore>();
        services.AddTransient<ExtractionService>();
        return services;
    }
}
