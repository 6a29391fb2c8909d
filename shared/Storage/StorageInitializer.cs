using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SpineReview.Storage;

/// <summary>The one place that creates every table, queue and container <see cref="StorageNames"/> lists: when a host starts
/// (a hosted service in the Functions app and the web app; the command line starts it before a command that uses storage),
/// so no service checks on every call whether its table exists. Then it runs the layout upgrades not done yet
/// (<see cref="IStorageUpgrade"/>), so no service reads a table in a layout it no longer writes. As a hosted service it does this
/// in <see cref="IHostedLifecycleService.StartingAsync"/>, before any hosted service starts: the Functions worker registers its
/// own hosted service first, and would otherwise take invocations while rows are still being moved.</summary>
public sealed partial class StorageInitializer(StorageClients storage, IEnumerable<IStorageUpgrade>? upgrades = null, ILogger<StorageInitializer>? logger = null)
    : IHostedLifecycleService
{
    private readonly ILogger _log = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>Passes an upgrade makes in one start before it leaves the rest to the next start.</summary>
    public const int MaxPasses = 5;

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

    /// <summary>Runs every upgrade not recorded as done, pass after pass, and records it done only after a pass that found nothing
    /// left in the old layout. Rows that keep changing under it (a process of the earlier code still writing) are left after
    /// <see cref="MaxPasses"/> passes with a warning, unrecorded, so the next start goes on; so does a start that stops half-way.</summary>
    public async Task UpgradeAsync(CancellationToken ct = default)
    {
        var all = (upgrades ?? []).ToList();
        if (all.Count == 0) return;
        var state = storage.Table(storage.Names.StateTable);
        var row = await state.GetEntityIfExistsAsync<TableEntity>(UpgradesPartition, UpgradesRow, cancellationToken: ct);
        foreach (var upgrade in all)
        {
            if (row.HasValue && row.Value!.GetBoolean(upgrade.Name) == true) continue;
            var clock = Stopwatch.StartNew();
            var moved = 0;
            var left = -1;
            for (var pass = 0; pass < MaxPasses && left != 0; pass++)
            {
                left = await upgrade.RunAsync(ct);
                if (pass == 0) moved = left;
            }
            if (left != 0)
            {
                UpgradeLeft(_log, upgrade.Name, left, MaxPasses);
                continue;
            }
            await state.UpsertEntityAsync(new TableEntity(UpgradesPartition, UpgradesRow) { [upgrade.Name] = true }, TableUpdateMode.Merge, ct);
            UpgradeDone(_log, upgrade.Name, moved, clock.Elapsed.TotalSeconds);
        }
    }

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => CreateAsync(cancellationToken);

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage: the layout change {Upgrade} is done: {Rows} rows moved to their buckets in {Seconds:F1} s")]
    private static partial void UpgradeDone(ILogger logger, string upgrade, int rows, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage: the layout change {Upgrade} still finds {Rows} rows in the old layout after {Passes} passes: they are being changed while they are moved, probably by a process of the earlier version still running. Stop it (docs/deployment.md, \"Updating and removing\"); the next start moves the rest")]
    private static partial void UpgradeLeft(ILogger logger, string upgrade, int rows, int passes);
}
