using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;

namespace SpineReview.Storage;

/// <summary>The one place that creates every table, queue and container <see cref="StorageNames"/> lists: when a host starts
/// (a hosted service in the Functions app and the web app; the command line starts it before a command that uses storage),
/// so no service checks on every call whether its table exists. Then it runs the layout upgrades not done yet
/// (<see cref="IStorageUpgrade"/>), so no service reads a table in a layout it no longer writes.</summary>
public sealed class StorageInitializer(StorageClients storage, IEnumerable<IStorageUpgrade>? upgrades = null) : IHostedService
{
    // State row naming the upgrades done (a column each), so a start reads one row and moves nothing once they are.
    private const string UpgradesPartition = "layout";
    private const string UpgradesRow = "upgrades";

    /// <summary>Creates what is missing; what exists is left as it is, so a second start (or a second host) changes nothing.
    /// Storage that cannot be reached fails here as <see cref="StorageUnavailableException"/>, naming the endpoint.</summary>
    public async Task CreateAsync(CancellationToken ct = default)
    {
        var names = storage.Names;
        await Task.WhenAll(
            names.Tables.Select(t => storage.Tables.CreateTableIfNotExistsAsync(t, ct))
                .Concat<Task>(names.Queues.Concat(names.PoisonQueues).Select(q => storage.Queue(q).CreateIfNotExistsAsync(cancellationToken: ct)))
                .Concat(names.Containers.Select(c => storage.Container(c).CreateIfNotExistsAsync(cancellationToken: ct))));
        await UpgradeAsync(ct);
    }

    /// <summary>Runs every upgrade not recorded as done, each until a pass finds nothing left to move, and records it done.
    /// A start that stops half-way leaves it unrecorded, so the next start goes on where it stopped.</summary>
    public async Task UpgradeAsync(CancellationToken ct = default)
    {
        var all = (upgrades ?? []).ToList();
        if (all.Count == 0) return;
        var state = storage.Table(storage.Names.StateTable);
        var row = await state.GetEntityIfExistsAsync<TableEntity>(UpgradesPartition, UpgradesRow, cancellationToken: ct);
        foreach (var upgrade in all)
        {
            if (row.HasValue && row.Value!.GetBoolean(upgrade.Name) == true) continue;
            // A row changed while it was moved (a process of the earlier layout still running) is left where it was; a pass more moves it.
            for (var pass = 0; pass < 3 && await upgrade.RunAsync(ct) > 0; pass++) { }
            await state.UpsertEntityAsync(new TableEntity(UpgradesPartition, UpgradesRow) { [upgrade.Name] = true }, TableUpdateMode.Merge, ct);
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => CreateAsync(cancellationToken);

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
