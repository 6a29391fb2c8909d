using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using SpineReview.Alerts;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;
using static SpineReview.Tests.Alerts.AlertTestKit;

namespace SpineReview.Tests.Alerts;

/// <summary>Subscriber ids are random: links and Message-IDs carry nothing that can be worked out from an address.</summary>
public class SubscriberIdTests
{
    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task SubscriberId_IsRandomNotDerivedFromTheAddress_TheAddressFindsItThroughAnIndexRowUntilUnsubscribed()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var address = MailDev.NewAddress();
        var subscriber = await SubscribeAndConfirmAsync(host, address);
        Assert.Matches("^[0-9a-f]{32}$", subscriber.Id);
        Assert.DoesNotContain(subscriber.Id, Sha256Hex(address.ToLowerInvariant()), StringComparison.Ordinal);
        Assert.DoesNotContain(subscriber.Id[..12], Sha256Hex(address.ToLowerInvariant()), StringComparison.Ordinal);

        // The same address is the same subscriber: one row, the same id, and its confirmation link carries that id.
        var before = (await MailDev.MessagesAsync(address)).Count;
        clock.Advance(TimeSpan.FromMinutes(1));
        await host.Get<SubscriptionService>().SubscribeAsync(new SubscriptionRequest(address, null, null, null, null, null, null), default);
        var again = (await MailDev.WaitForAsync(address, before + 1))[^1];
        Assert.StartsWith(subscriber.Id + ".", ConfirmToken(again), StringComparison.Ordinal);
        Assert.Equal([subscriber.Id], (await host.Get<SubscriberStore>().ListAsync(null, default)).Select(s => s.Id));

        // The index row names the id and nothing else.
        var table = host.Get<StorageClients>().Table(host.Get<StorageClients>().Names.AlertSubscribersTable);
        var index = Assert.Single(table.Query<TableEntity>(e => e.RowKey.CompareTo("addr-") >= 0 && e.RowKey.CompareTo("addr.") < 0).ToList());
        Assert.Equal("addr-" + Sha256Hex(address.ToLowerInvariant()), index.RowKey);
        Assert.Equal(subscriber.Id, index.GetString("SubscriberId"));
        Assert.DoesNotContain(index.Keys, k => k is "Address" or "Name");

        // The alert's Message-ID and unsubscribe link carry only the random id.
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(host, LumbarMri("872801"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));
        await host.Get<AlertService>().RunAsync(AlertScope.Immediate, null, default);
        var alert = (await MailDev.WaitForAsync(address, before + 2))[^1];
        Assert.Contains($".{subscriber.Id[..12]}@", alert.MessageId, StringComparison.Ordinal);
        Assert.StartsWith(subscriber.Id + ".", UnsubscribeToken(alert), StringComparison.Ordinal);

        // Unsubscribing removes the address and its index row; subscribing again later is a new subscriber with a new id.
        await host.Get<SubscriptionService>().UnsubscribeAsync(UnsubscribeToken(alert), default);
        Assert.Empty(table.Query<TableEntity>(e => e.RowKey.CompareTo("addr-") >= 0 && e.RowKey.CompareTo("addr.") < 0).ToList());
        clock.Advance(TimeSpan.FromMinutes(1));
        var renewed = await SubscribeAndConfirmAsync(host, address);
        Assert.NotEqual(subscriber.Id, renewed.Id);
        var all = await host.Get<SubscriberStore>().ListAsync(null, default);
        Assert.Equal(2, all.Count);
        Assert.Equal("", Assert.Single(all, s => s.Id == subscriber.Id).Address);
    }
}
