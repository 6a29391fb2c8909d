using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SpineReview.Dedup;
using SpineReview.Records;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Storage;

/// <summary>The one-time move of rows stored before buckets under what a deployment can throw at it: a process of the earlier
/// version writing during the move, rows too large for 100 to a transaction, rows that keep changing, and a host whose other
/// services would start taking work before the move is done.</summary>
public class LayoutUpgradeTests
{
    private const string Doi = "10.1%2Fx";

    // The old-layout rows as a move reads them; after handing them over, a process of the earlier version repoints the claim
    // (as IdentifierIndex.MoveAsync did in that version) before the mover's delete.
    private static async IAsyncEnumerable<TableEntity> ReadThenEarlierVersionWrites(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var r in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"doi"}"))) rows.Add(r);
        foreach (var r in rows) yield return r;
        await table.UpdateEntityAsync(new TableEntity("doi", Doi) { ["RecordKey"] = "pubmed:2" }, ETag.All, TableUpdateMode.Replace);
    }

    private static async Task<List<string>> ClaimsAsync(TableClient table)
    {
        var rows = new List<string>();
        await foreach (var r in table.QueryAsync<TableEntity>()) rows.Add($"{r.PartitionKey}/{r.RowKey}={r.GetString("RecordKey")}");
        return rows;
    }

    [Fact]
    public async Task Move_EarlierVersionWritesTheRowWhileItIsMoved_TheLaterWriteIsKept()
    {
        await using var host = TestHost.Create();
        var storage = host.Get<StorageClients>();
        var table = storage.Table(storage.Names.IdentifiersTable);
        await table.AddEntityAsync(new TableEntity("doi", Doi) { ["RecordKey"] = "pubmed:1" });

        // The first pass copies pubmed:1 into the bucket; its delete finds the row changed and leaves it.
        await PartitionBuckets.MoveAsync(table, ReadThenEarlierVersionWrites(table), r => IdentifierPartitions.Of(r.PartitionKey, r.RowKey), default);
        Assert.Equal(2, (await ClaimsAsync(table)).Count);
        // The next pass finds the bucket's copy older than the row and replaces it, then deletes the row.
        Assert.Equal(1, await new IdentifiersLayoutUpgrade(storage).RunAsync(default));
        Assert.Equal(0, await new IdentifiersLayoutUpgrade(storage).RunAsync(default));

        Assert.Equal([$"{IdentifierPartitions.Of("doi", Doi)}/{Doi}=pubmed:2"], await ClaimsAsync(table));
    }

    [Fact]
    public async Task Move_AHundredLargeRowsOfOneBucket_AllMovedInTransactionsUnderTheSizeLimit()
    {
        await using var host = TestHost.Create();
        var storage = host.Get<StorageClients>();
        var table = storage.Table(storage.Names.RecordsTable);
        var ids = Enumerable.Range(0, 100_000).Select(i => $"4{i:D7}").Where(id => PartitionBuckets.Of(id, RecordPartitions.Buckets) == "00").Take(100).ToList();
        // 60 KB a row: 100 of them are 6 MB, past the 4 MiB a transaction may carry.
        var large = new string('é', 30_000);
        foreach (var id in ids)
            await table.AddEntityAsync(new TableEntity("pubmed", id) { ["Key"] = "pubmed:" + id, ["Json"] = large, ["Title"] = "t" });

        Assert.Equal(100, await new RecordsLayoutUpgrade(storage).RunAsync(default));

        var rows = new List<TableEntity>();
        await foreach (var r in table.QueryAsync<TableEntity>()) rows.Add(r);
        Assert.Equal(ids.Order(StringComparer.Ordinal), rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(("pubmed|00", large), (r.PartitionKey, r.GetString("Json"))));
    }

    // An upgrade whose rows never stop changing (an earlier version writing all the time): it always finds some.
    private sealed class NeverDone : IStorageUpgrade
    {
        public int Passes;
        public string Name => "NeverDone";
        public Task<int> RunAsync(CancellationToken ct) { Passes++; return Task.FromResult(3); }
    }

    [Fact]
    public async Task Upgrade_RowsStillInTheOldLayoutAfterEveryPass_IsNotRecordedDone_AndTheNextStartGoesOn()
    {
        await using var host = TestHost.Create();
        var upgrade = new NeverDone();
        var initializer = new StorageInitializer(host.Get<StorageClients>(), [upgrade]);

        await initializer.UpgradeAsync();
        Assert.Equal(StorageInitializer.MaxPasses, upgrade.Passes);
        // Not recorded done: the next start runs it again.
        await initializer.UpgradeAsync();
        Assert.Equal(2 * StorageInitializer.MaxPasses, upgrade.Passes);
    }

    // Registered before the composition root, as the Functions worker's own hosted service is: what it sees when it starts.
    private sealed class FirstService(StorageClients storage) : IHostedService
    {
        public List<string> Claims { get; } = [];

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await foreach (var r in storage.Table(storage.Names.IdentifiersTable).QueryAsync<TableEntity>(cancellationToken: cancellationToken))
                Claims.Add(r.PartitionKey);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task HostStart_AServiceRegisteredBeforeTheStorage_StartsOnlyAfterTheMove()
    {
        var prefix = TestHost.NewPrefix();
        await using var setup = TestHost.Create(prefix: prefix, cleanup: false);
        var storage = setup.Get<StorageClients>();
        // As the earlier version left them, and no move recorded yet for this prefix's fresh start below.
        await storage.Table(storage.Names.IdentifiersTable).AddEntityAsync(new TableEntity("doi", Doi) { ["RecordKey"] = "pubmed:1" });
        await storage.Table(storage.Names.StateTable).DeleteEntityAsync("layout", "upgrades");

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [StorageClients.Setting] = TestHost.Azurite, ["Storage:Prefix"] = prefix });
        builder.Services.AddSingleton<FirstService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FirstService>());
        builder.Services.AddSpineReview(builder.Configuration);
        using var app = builder.Build();
        await app.StartAsync();
        await app.StopAsync();

        Assert.Equal([IdentifierPartitions.Of("doi", Doi)], app.Services.GetRequiredService<FirstService>().Claims);
        await using var cleanup = TestHost.Create(prefix: prefix);
    }
}
