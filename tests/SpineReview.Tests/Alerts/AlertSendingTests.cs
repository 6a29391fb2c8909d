using Microsoft.Extensions.Time.Testing;
using SpineReview.Alerts;
using SpineReview.Tests.Support;
using Xunit;
using static SpineReview.Tests.Alerts.AlertTestKit;

namespace SpineReview.Tests.Alerts;

/// <summary>The SMTP conversation's edges, against a scripted server (<see cref="FakeSmtp"/>) and then maildev.</summary>
public class AlertSendingTests
{
    /// <summary>A confirmed subscriber and one included study, made up into one pending email, on a prefix a second host can use.</summary>
    private static async Task<(string Prefix, FakeTimeProvider Clock, string Address)> OnePendingEmailAsync(string pmid)
    {
        var prefix = TestHost.NewPrefix();
        var clock = new FakeTimeProvider(T0);
        var address = MailDev.NewAddress();
        var (up, _) = Create(prefix: prefix, cleanup: false, clock: clock);
        await using (up)
        {
            await SubscribeAndConfirmAsync(up, address);
            clock.Advance(TimeSpan.FromHours(1));
            await SeedStudyAsync(up, LumbarMri(pmid), clock.GetUtcNow());
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(1, (await up.Get<AlertService>().PlanAsync(AlertScope.Immediate, default)).Emails);
        }
        return (prefix, clock, address);
    }

    /// <summary>The app runs again against maildev, an hour later (past the sending lease): the email goes out once, with no person needed.</summary>
    private static async Task SentByALaterPassAsync(string prefix, FakeTimeProvider clock, string address, string pmid)
    {
        clock.Advance(TimeSpan.FromHours(1));
        var (back, _) = Create(prefix: prefix, clock: clock);
        await using var _ = back;
        var run = await back.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 1, 0, 0), (run.Planned, run.Sent, run.Unconfirmed, run.Failed));
        var mail = await MailDev.SettledAsync(address);
        Assert.Equal(2, mail.Count);
        Assert.Contains($"({pmid})", mail[1].Subject, StringComparison.Ordinal);
        var sent = Assert.Single(await back.Get<DeliveryStore>().ListAsync(null, default));
        Assert.Equal((DeliveryState.Sent, 1), (sent.State, sent.Attempts));
    }

    [Fact]
    public async Task ShutdownWhileTheServerHasNotGreeted_EmailStaysPendingNotSending_ALaterPassSendsIt()
    {
        var (prefix, clock, address) = await OnePendingEmailAsync("872301");
        await using (var silent = new FakeSmtp(greet: false))
        {
            var (hung, _) = Create(MailDev.Smtp(silent.Port), prefix: prefix, cleanup: false, clock: clock);
            await using (hung)
            {
                using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hung.Get<AlertService>().SendDueAsync(null, shutdown.Token));
                Assert.Equal(1, silent.Connections);
                var d = Assert.Single(await hung.Get<DeliveryStore>().ListAsync(null, default));
                Assert.Equal((DeliveryState.Pending, 0, (DateTimeOffset?)null), (d.State, d.Attempts, d.SendingAt));
            }
        }
        await SentByALaterPassAsync(prefix, clock, address, "872301");
    }

    [Fact]
    public async Task ShutdownBeforeTheServerAnsweredTheRecipient_EmailBackToPending_ALaterPassSendsIt()
    {
        var (prefix, clock, address) = await OnePendingEmailAsync("872302");
        await using (var mute = new FakeSmtp(onRecipient: _ => Task.FromResult<string?>(null)))
        {
            var (hung, _) = Create(MailDev.Smtp(mute.Port), prefix: prefix, cleanup: false, clock: clock);
            await using (hung)
            {
                using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hung.Get<AlertService>().SendDueAsync(null, shutdown.Token));
                Assert.Empty(mute.Received);
                var d = Assert.Single(await hung.Get<DeliveryStore>().ListAsync(null, default));
                Assert.Equal((DeliveryState.Pending, 0, (DateTimeOffset?)null), (d.State, d.Attempts, d.SendingAt));
            }
        }
        await SentByALaterPassAsync(prefix, clock, address, "872302");
    }
}
