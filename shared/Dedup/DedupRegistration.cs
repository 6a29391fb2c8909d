using Microsoft.Extensions.DependencyInjection;

namespace SpineReview.Dedup;

/// <summary>Registers the duplicate-detection slice: its stores and <see cref="DedupService"/>.</summary>
public static class DedupRegistration
{
    /// <summary>Adds the fingerprint and pair store, the identifier index and the service, with the matcher's settings (section Dedup).</summary>
    public static IServiceCollection AddDedup(this IServiceCollection services)
    {
        services.AddOptions<DedupOptions>().BindConfiguration("Dedup");
        services.AddSingleton<DedupStore>();
        services.AddSingleton<IdentifierIndex>();
        services.AddSingleton<Storage.IStorageUpgrade, IdentifiersLayoutUpgrade>();
        services.AddSingleton<DedupService>();
        return services;
    }
}
