using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SpineReview.Storage;

/// <summary>Registers the bottom floor: storage names, the clients, the queues and the state table.</summary>
public static class StorageRegistration
{
    /// <summary>Adds one set of storage clients per process, from setting AzureWebJobsStorage and Storage:Prefix.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => StorageNames.IsValidPrefix(o.Prefix),
                "Setting Storage:Prefix must be 1-20 lower-case letters or digits, starting with a letter (for example spine).")
            .ValidateOnStart();
        services.AddSingleton(sp => new StorageNames(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Prefix));
        services.AddSingleton(sp => new StorageClients(configuration, sp.GetRequiredService<StorageNames>()));
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        services.AddSingleton<WorkQueues>();
        services.AddSingleton<StateStore>();
        return services;
    }
}
