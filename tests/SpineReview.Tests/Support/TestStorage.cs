using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpineReview.Storage;

namespace SpineReview.Tests.Support;

/// <summary>The composition root against the real Azurite, under a prefix of its own so tests never collide; removes what it made.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string Azurite = "UseDevelopmentStorage=true";

    private TestHost(ServiceProvider services, string prefix, bool cleanup)
    {
        Services = services;
        Prefix = prefix;
        _cleanup = cleanup;
    }

    private readonly bool _cleanup;

    public ServiceProvider Services { get; }
    public string Prefix { get; }
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Settings that leave every source but PubMed out of the harvest.</summary>
    public static Dictionary<string, string?> PubMedOnly() => new()
    {
        ["Ieee:Enabled"] = "false", ["EuropePmc:Enabled"] = "false", ["Arxiv:Enabled"] = "false", ["OpenAlex:Enabled"] = "false", ["Crossref:Enabled"] = "false",
    };

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    /// <param name="cleanup">False keeps the storage for a second host on the same prefix (that one cleans up).</param>
    public static TestHost Create(string? replay = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null, string? prefix = null,
        bool cleanup = true)
    {
        RequireAzurite();
        prefix ??= NewPrefix();
        var values = new Dictionary<string, string?>
        {
            [StorageClients.Setting] = Azurite,
            ["Storage:Prefix"] = prefix,
            ["PubMed:RetryDelaySeconds"] = "0.05",
            ["Replay:Directory"] = replay,
        };
        if (settings is not null) foreach (var kv in settings) values[kv.Key] = kv.Value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSpineReview(configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        // As a host starts: every table, queue and container made once, before any service runs (a second host on the
        // same prefix finds them made). Task.Run: no test's context is blocked on.
        Task.Run(() => provider.GetRequiredService<StorageInitializer>().CreateAsync()).GetAwaiter().GetResult();
        return new TestHost(provider, prefix, cleanup);
    }

    /// <summary>Fails with instructions when nothing listens on Azurite's ports.</summary>
    public static void RequireAzurite()
    {
        foreach (var port in new[] { 10000, 10001, 10002 })
        {
            using var client = new TcpClient();
            try { client.Connect("127.0.0.1", port); }
            catch (SocketException)
            {
                throw new InvalidOperationException($"Azurite is not listening on 127.0.0.1:{port}. Run the tests with scripts/test.sh, which starts it.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_cleanup)
        {
            await Services.DisposeAsync();
            return;
        }
        var storage = Services.GetRequiredService<StorageClients>();
        foreach (var t in storage.Names.Tables) await storage.Tables.DeleteTableAsync(t);
        foreach (var q in storage.Names.Queues.Concat(storage.Names.PoisonQueues)) await storage.Queue(q).DeleteIfExistsAsync();
        foreach (var c in storage.Names.Containers) await storage.Container(c).DeleteIfExistsAsync();
        await Services.DisposeAsync();
    }
}
