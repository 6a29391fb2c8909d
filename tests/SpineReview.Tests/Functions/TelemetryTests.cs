using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SpineReview.Functions;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Functions;

/// <summary>The Functions worker's OpenTelemetry: what it records (exported to memory here) and how it is exported to Application Insights.</summary>
// The meters are process-wide: another test class's harvest running at the same moment would add to the counts read here.
[Collection(TelemetryAlone.Name)]
public class TelemetryTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://127.0.0.1:1/";

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    /// <summary>The source counter's total for one source in the last export (the counters are cumulative).</summary>
    private static long Total(List<MetricSnapshot> metrics, string name, string source)
    {
        var total = 0L;
        foreach (var point in metrics.Last(m => m.Name == name).MetricPoints)
            foreach (var tag in point.Tags)
                if (tag.Key == "source" && Equals(tag.Value, source)) total += point.GetSumLong();
        return total;
    }

    [Fact]
    public async Task Signals_SourceRequestRetriedAfter429_ArriveAsSourceCountersAndHttpSpans()
    {
        await using var server = await SourceServer.StartAsync(TestPaths.Replay);
        server.Faults.Enqueue(new SourceServer.Fault("*", null, 429, "{\"error\":\"slow down\"}", RetryAfter: "0", Source: "europepmc"));
        var configuration = Configuration(new()
        {
            [StorageClients.Setting] = TestHost.Azurite,
            ["EuropePmc:BaseUrl"] = server.BaseUrl("europepmc"),
            ["EuropePmc:RetryDelaySeconds"] = "0",
        });
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSpineReview(configuration);
        // The worker's own registration, with the in-memory exporter where Application Insights would be.
        services.AddOpenTelemetry().AddSpineReviewSignals()
            .WithTracing(tracing => tracing.AddInMemoryExporter(spans))
            .WithMetrics(metering => metering.AddInMemoryExporter(metrics));
        await using var provider = services.BuildServiceProvider();
        var tracerProvider = provider.GetRequiredService<TracerProvider>();
        var meterProvider = provider.GetRequiredService<MeterProvider>();

        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("europepmc");
        using var response = await client.GetAsync(new Uri(server.BaseUrl("europepmc") + "?query=spine&format=json"));

        Assert.True(tracerProvider.ForceFlush(10_000));
        Assert.True(meterProvider.ForceFlush(10_000));
        // The first attempt was answered 429 and retried: two requests, one throttled.
        Assert.Equal(2, Total(metrics, "spinereview.source.requests", "europepmc"));
        Assert.Equal(1, Total(metrics, "spinereview.source.throttled", "europepmc"));
        var calls = spans.Where(s => s.Kind == ActivityKind.Client && s.GetTagItem("url.full") is string url
                                     && url.StartsWith(server.BaseUrl("europepmc"), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Contains(calls, s => Equals(s.GetTagItem("http.response.status_code"), 429));
    }

    [Fact]
    public void AddSpineReviewTelemetry_WithoutConnectionString_RegistersNothing()
    {
        var services = new ServiceCollection();
        services.AddSpineReviewTelemetry(Configuration(new() { [Telemetry.AuthenticationSetting] = "Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555" }));
        Assert.Empty(services);
    }

    [Theory]
    [InlineData("Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555", typeof(ManagedIdentityCredential))]
    [InlineData("ClientId = 11111111-2222-3333-4444-555555555555 ; Authorization=AAD", typeof(ManagedIdentityCredential))]
    [InlineData(null, typeof(DefaultAzureCredential))]
    public void AddSpineReviewTelemetry_ConnectionString_ExportsTracesMetricsAndLogsWithAnEntraToken(string? authentication, Type credential)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSpineReviewTelemetry(Configuration(new() { [Telemetry.ConnectionSetting] = ConnectionString, [Telemetry.AuthenticationSetting] = authentication }));

        Assert.Contains(services, d => d.ServiceType == typeof(TracerProvider));
        Assert.Contains(services, d => d.ServiceType == typeof(MeterProvider));
        Assert.Contains(services, d => d.ServiceType == typeof(OpenTelemetry.Logs.LoggerProvider));
        // Only the options are read: building the exporters would start Live Metrics, which calls Azure.
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.Equal(ConnectionString, options.ConnectionString);
        Assert.IsType(credential, options.Credential);
    }
}

/// <summary>Runs the telemetry tests with no other test class at the same time (xunit runs a collection that disables parallelization alone).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryAlone
{
    public const string Name = "telemetry alone";
}
