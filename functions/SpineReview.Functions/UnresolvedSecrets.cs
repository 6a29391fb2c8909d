using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SpineReview.Functions;

/// <summary>Key Vault references App Service could not resolve (<see cref="SpineReview.Configuration.KeyVaultReferences"/> makes them read as not set): named once in the log.</summary>
public static partial class UnresolvedSecrets
{
    /// <summary>Logs one warning naming the <paramref name="settings"/> not resolved, when there are any.</summary>
    public static void Warn(IHost host, IReadOnlyList<string> settings)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (settings.Count > 0)
            NotResolved(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SpineReview.Configuration"), string.Join(", ", settings));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Key Vault references not resolved, so these settings read as not set: {Settings}. Put the secrets into the vault (README, Deployment) and restart the app.")]
    private static partial void NotResolved(ILogger logger, string settings);
}
