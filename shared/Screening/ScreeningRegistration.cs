using Microsoft.Extensions.DependencyInjection;

namespace SpineReview.Screening;

/// <summary>Registers screening: the rule pre-screen, people's decisions and the ranking model.</summary>
public static class ScreeningRegistration
{
    /// <summary>Adds screening's store and services; its settings are checked when the host starts (a wrong one would change who decides).</summary>
    public static IServiceCollection AddScreening(this IServiceCollection services)
    {
        services.AddOptions<ScreeningOptions>().BindConfiguration(ScreeningOptions.Section)
            .Validate(o => o.ReviewersPerRecord is >= 1 and <= 5, "Setting Screening:ReviewersPerRecord must be between 1 and 5.")
            .Validate(o => o.AuditRate is >= 0 and <= 1, "Setting Screening:AuditRate must be between 0 and 1 (0.10 sends 10% to people).")
            .Validate(o => o.AutoExcludeRecall is > 0.5 and < 1, "Setting Screening:AutoExcludeRecall must be above 0.5 and below 1 (for example 0.98).")
            .Validate(o => o.MinIncludesForAutoExclude >= 5, "Setting Screening:MinIncludesForAutoExclude must be at least 5.")
            .Validate(o => o.HighThreshold is > 0 and < 1, "Setting Screening:HighThreshold must be between 0 and 1.")
            .ValidateOnStart();
        services.AddSingleton<ScreeningStore>();
        services.AddSingleton<Storage.IStorageUpgrade, RulesLayoutUpgrade>();
        services.AddSingleton<Storage.IStorageUpgrade, QueueLayoutUpgrade>();
        services.AddTransient<ScreeningService>();
        services.AddTransient<RankingService>();
        services.AddTransient<StoppingService>();
        services.AddTransient<People.ReviewService>();
        return services;
    }
}
