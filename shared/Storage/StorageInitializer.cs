using Microsoft.Extensions.Hosting;

namespace SpineReview.Storage;

/// <summary>The one place that creates every table, queue and container <see cref="StorageNames"/> lists: when a host starts
/// (a hosted service in the Functions app and the web app; the command line starts it before a command that uses storage),
/// so no service checks on every call whether its table exists.</summary>
public sealed class StorageInitializer(StorageClients storage) : IHostedService
{
    /// <summary>Creates what is missing; what exists is left as it is, so a second start (or a second host) changes nothing.
    /// Storage that cannot be reached fails here as <see cref="StorageUnavailableException"/>, naming the endpoint.</summary>
    public Task CreateAsync(CancellationToken ct = default)
    {
        var names = storage.Names;
        return Task.WhenAll(
            names.Tables.Select(t => storage.Tables.CreateTableIfNotExistsAsync(t, ct))
                .Concat<Task>(names.Queues.Concat(names.PoisonQueues).Select(q => storage.Queue(q).CreateIfNotExistsAsync(cancellationToken: ct)))
                .Concat(names.Containers.Select(c => storage.Container(c).CreateIfNotExistsAsync(cancellationToken: ct))));
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => CreateAsync(cancellationToken);

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
