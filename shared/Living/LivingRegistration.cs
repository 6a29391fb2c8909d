using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpineReview.Records;
using SpineReview.Sources;
using SpineReview.Sources.Replay;

namespace SpineReview.Living;

/// <summary>Registers what keeps the review living beyond the database searches: citation searching and the refresh of stored studies.</summary>
public static class LivingRegistration
{
    /// <summary>Adds citation searching as source "citations" (run by <c>harvest --source citations</c>; not part of "all").</summary>
    public static IServiceCollection AddLiving(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var replayDirectory = configuration[$"{ReplayOptions.Section}:{nameof(ReplayOptions.Directory)}"];
        // OpenAlex's settings and its rate gate: the same API, asked by two sources, keeps to one limit.
        SourcesRegistration.Pipeline(services.AddHttpClient(CitationSource.Client), CitationSource.Client,
            sp => sp.GetRequiredService<IOptionsMonitor<SourceOptions>>().Get(SourceName.OpenAlex.Name), replayDirectory, gate: SourceName.OpenAlex.Name);
        services.AddTransient<ISource, CitationSource>();
        services.AddTransient<RecordRefresher>();
        return services;
    }
}
