using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SpineReview.Sources;

namespace SpineReview.Functions;

/// <summary>The worker's OpenTelemetry (traces, metrics, logs), exported to Application Insights when the app has one.</summary>
public static class Telemetry
{
    /// <summary>The Application Insights resource to send to; without it nothing is collected (local runs, tests).</summary>
    public const string ConnectionSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>How the Functions host signs in to it, read the same way here: <c>Authorization=AAD;ClientId=&lt;user-assigned identity&gt;</c>.</summary>
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Exports the worker's traces, metrics and logs to Application Insights with an Entra token, when <see cref="ConnectionSetting"/> is set.</summary>
    public static IServiceCollection AddSpineReviewTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[ConnectionSetting] is not { Length: > 0 } connectionString) return services;
        var credential = Credential(configuration[AuthenticationSetting]);
        services.AddOpenTelemetry().AddSpineReviewSignals().UseAzureMonitorExporter(o =>
        {
            o.ConnectionString = connectionString;
            // Application Insights has local (key) authentication off (infra/modules/monitoring.bicep): only a token is accepted.
            o.Credential = credential;
        });
        return services;
    }

    /// <summary>
    /// What the worker records, whatever it is exported to: the invocation spans and the host's trace context
    /// (<c>UseFunctionsWorkerDefaults</c>, which also stops the host sending the worker's logs a second time), outgoing
    /// HTTP calls (the sources and storage) as spans and metrics, and the sources' request counters.
    /// </summary>
    public static IOpenTelemetryBuilder AddSpineReviewSignals(this IOpenTelemetryBuilder builder) =>
        builder.UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics.AddHttpClientInstrumentation().AddMeter(SourceMeters.MeterName, Reporting.ReportRenderer.MeterName));

    // The identity named in the authentication string, as the Functions host uses it (the app's user-assigned identity in
    // Azure); without one, DefaultAzureCredential, as StorageClients does (a developer signed in with az login).
    private static TokenCredential Credential(string? authentication)
    {
        var clientId = (authentication ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .FirstOrDefault(pair => pair.Length == 2 && pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase) && pair[1].Length > 0)?[1];
        return clientId is not null
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
    }
}
