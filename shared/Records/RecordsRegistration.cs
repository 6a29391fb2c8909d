using Microsoft.Extensions.DependencyInjection;

namespace SpineReview.Records;

/// <summary>Registers the record stores every feature reads.</summary>
public static class RecordsRegistration
{
    /// <summary>Adds the records table, the search log and the changes found to stored studies.</summary>
    public static IServiceCollection AddRecords(this IServiceCollection services)
    {
        services.AddSingleton<RecordStore>();
        services.AddSingleton<Storage.IStorageUpgrade, RecordsLayoutUpgrade>();
        services.AddSingleton<SearchLog>();
        services.AddSingleton<RecordChangeStore>();
        return services;
    }
}
