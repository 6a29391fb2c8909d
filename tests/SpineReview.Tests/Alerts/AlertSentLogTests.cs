using SpineReview.Alerts;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Tests.Support;
using Xunit;
using static SpineReview.Tests.Alerts.AlertTestKit;

namespace SpineReview.Tests.Alerts;

/// <summary>The sent-log says what was sent: studies left out at send time are released, and sent later if they become eligible again.</summary>
public class AlertSentLogTests
{
    private static Task<QueueEntry> Unsettle(TestHost host, string key) =>
        host.Get<ScreeningStore>().UpdateQueueAsync(key, q => Task.FromResult(q with { Status = ScreeningStatus.Conflict, Included = null, SettledAt = null }), default);

    private static Task<QueueEntry> Include(TestHost host, string key, DateTimeOffset at) =>
        host.Get<ScreeningStore>().UpdateQueueAsync(key, q => Task.FromResult(q with
        {
            Status = ScreeningStatus.Final, Included = true, How = "2 reviewers agreed", SettledAt = at,
        }), default);

    [Fact]
    public async Task MarkSent_ItemsAreKnownByTheirRow_ANoticeLeftOutIsReleasedEvenBesideAnotherNoticeOfTheSameStudy()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var deliveries = host.Get<DeliveryStore>();
        const string sub = "0123456789abcdef0123456789abcdef", key = "pubmed:873001";
        var now = clock.GetUtcNow();
        var d = new Delivery(sub, "20261102090000000-00000001", DeliveryState.Pending, [new AlertItem(key, AlertLabel.Retracted), new AlertItem(key, AlertLabel.Concern)],
            "m", 0, now, now, null, null, null, default);
        Assert.True(await deliveries.TryCreateAsync(d, default));
        var sending = (await deliveries.TryUpdateAsync((await deliveries.GetAsync(sub, d.Id, default))! with { State = DeliveryState.Sending }, default))!;

        // Sent with the concern only: the retraction's row is released (told again later), the concern's row stands.
        Assert.True(await deliveries.MarkSentAsync(sending, [new AlertItem(key, AlertLabel.Concern)], now, default));
        var stored = (await deliveries.GetAsync(sub, d.Id, default))!;
        Assert.Equal([new AlertItem(key, AlertLabel.Concern)], stored.Items);
        Assert.Equal([new AlertItem(key, AlertLabel.Retracted)], stored.Omitted);
        Assert.Empty(await deliveries.NoticesToldAsync(sub, AlertLabel.Retracted, default));
        Assert.Equal([key], await deliveries.NoticesToldAsync(sub, AlertLabel.Concern, default));
        Assert.Empty(await deliveries.ClaimedAsync(sub, default));
    }

    [Fact]
    public async Task StudyUnincludedBetweenPlanningAndSending_LeftOutAndReleased_IncludedAgainItIsSentByALaterPass()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var address = MailDev.NewAddress();
        var subscriber = await SubscribeAndConfirmAsync(host, address);
        clock.Advance(TimeSpan.FromHours(1));
        var kept = await SeedStudyAsync(host, LumbarMri("872001"), clock.GetUtcNow());
        var undone = await SeedStudyAsync(host, CervicalCt("872002"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));
        var alerts = host.Get<AlertService>();
        Assert.Equal((1, 1, 2), await alerts.PlanAsync(AlertScope.Immediate, default));

        // People reopen one of the two before the email goes out.
        await Unsettle(host, undone);
        var sent = await alerts.SendDueAsync(null, default);
        Assert.Equal((1, 0), (sent.Sent, sent.Dropped));
        var alert = (await MailDev.WaitForAsync(address, 2))[1];
        Assert.Equal("[SpineReview] New eligible study: Deep learning grading of lumbar disc degeneration on MRI (872001)", alert.Subject);
        Assert.DoesNotContain("(872002)", alert.TextBody, StringComparison.Ordinal);

        var delivery = Assert.Single(await host.Get<DeliveryStore>().ListAsync(DeliveryState.Sent, default));
        Assert.Equal([new AlertItem(kept, AlertLabel.Included)], delivery.Items);
        Assert.Equal([new AlertItem(undone, AlertLabel.Included)], delivery.Omitted);
        var log = Assert.Single(await host.Get<DeliveryStore>().LogAsync(subscriber.Id, default));
        Assert.Equal((kept, delivery.Id), (log.StudyKey, log.DeliveryId));
        Assert.NotNull(log.SentAt);

        // Included again: the next pass sends it, once.
        clock.Advance(TimeSpan.FromHours(1));
        await Include(host, undone, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));
        var run = await alerts.RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((1, 1, 1), (run.Planned, run.PlannedStudies, run.Sent));
        run = await alerts.RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0), (run.Planned, run.Sent));
        var mail = await MailDev.SettledAsync(address);
        Assert.Equal(3, mail.Count);
        Assert.Contains("(872002)", mail[2].Subject, StringComparison.Ordinal);
        Assert.Equal([kept, undone], (await host.Get<DeliveryStore>().LogAsync(subscriber.Id, default)).OrderBy(l => l.SentAt).Select(l => l.StudyKey));
    }

    [Fact]
    public async Task EmailDroppedBecauseNothingInItIsEligible_ReleasesItsStudies_IncludedAgainItIsSentByALaterPass()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var address = MailDev.NewAddress();
        var subscriber = await SubscribeAndConfirmAsync(host, address);
        clock.Advance(TimeSpan.FromHours(1));
        var key = await SeedStudyAsync(host, LumbarMri("872101"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));
        var alerts = host.Get<AlertService>();
        Assert.Equal((1, 1, 1), await alerts.PlanAsync(AlertScope.Immediate, default));

        await Unsettle(host, key);
        var run = await alerts.RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((0, 0, 1), (run.Planned, run.Sent, run.Dropped));
        var dropped = Assert.Single(await host.Get<DeliveryStore>().ListAsync(DeliveryState.Dropped, default));
        Assert.Equal("none of its studies is eligible any more", dropped.LastError);
        Assert.Empty(dropped.Items);
        Assert.Equal([new AlertItem(key, AlertLabel.Included)], dropped.Omitted);
        Assert.Empty(await host.Get<DeliveryStore>().LogAsync(subscriber.Id, default));

        clock.Advance(TimeSpan.FromHours(1));
        await Include(host, key, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));
        run = await alerts.RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((1, 1), (run.Planned, run.Sent));
        var mail = await MailDev.SettledAsync(address);
        Assert.Equal(2, mail.Count);
        Assert.Contains("(872101)", mail[1].Subject, StringComparison.Ordinal);
        var log = Assert.Single(await host.Get<DeliveryStore>().LogAsync(subscriber.Id, default));
        Assert.NotNull(log.SentAt);
    }

    private static Task<QueueEntry> Rank(TestHost host, string key, double probability) =>
        host.Get<ScreeningStore>().UpdateQueueAsync(key, q => Task.FromResult(q with { Probability = probability }), default);

    [Fact]
    public async Task LikelyEligible_ProbabilityCheckedAgainAtSending_BelowTheThresholdLeftOutAndReleased_TheReasonGivesTheProbabilityThen()
    {
        var (host, clock) = Create(new Dictionary<string, string?> { ["Alerts:IncludeLikelyEligible"] = "true", ["Screening:HighThreshold"] = "0.6" });
        await using var _ = host;
        var address = MailDev.NewAddress();
        var subscriber = await SubscribeAndConfirmAsync(host, address);
        var stays = await SeedStudyAsync(host, LumbarMri("872201"), null, probability: 0.93, enqueuedAt: clock.GetUtcNow().AddHours(1));
        var falls = await SeedStudyAsync(host, CervicalCt("872202"), null, probability: 0.88, enqueuedAt: clock.GetUtcNow().AddHours(1));
        clock.Advance(TimeSpan.FromHours(2));
        var alerts = host.Get<AlertService>();
        Assert.Equal((1, 1, 2), await alerts.PlanAsync(AlertScope.Immediate, default));

        // The model is retrained before the email goes out: one still ranks above the threshold (lower than before), one below it.
        await Rank(host, stays, 0.71);
        await Rank(host, falls, 0.30);
        Assert.Equal(1, (await alerts.SendDueAsync(null, default)).Sent);
        var alert = (await MailDev.WaitForAsync(address, 2))[1];
        Assert.StartsWith("[SpineReview] Likely eligible study: Deep learning grading", alert.Subject, StringComparison.Ordinal);
        Assert.Contains("Why listed: the screening model gave it 0.71 when this email was sent, at or above the 0.60 threshold for likely eligible",
            alert.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("0.93", alert.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("(872202)", alert.TextBody, StringComparison.Ordinal);
        var delivery = Assert.Single(await host.Get<DeliveryStore>().ListAsync(DeliveryState.Sent, default));
        Assert.Equal([new AlertItem(falls, AlertLabel.LikelyEligible)], delivery.Omitted);
        Assert.Equal([stays], (await host.Get<DeliveryStore>().LogAsync(subscriber.Id, default)).Select(l => l.StudyKey));

        // Ranked high again later: it is sent then, with the probability of that moment.
        await Rank(host, falls, 0.82);
        clock.Advance(TimeSpan.FromMinutes(10));
        var run = await alerts.RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((1, 1), (run.Planned, run.Sent));
        var later = (await MailDev.WaitForAsync(address, 3))[2];
        Assert.Contains("(872202)", later.Subject, StringComparison.Ordinal);
        Assert.Contains("the screening model gave it 0.82 when this email was sent", later.TextBody, StringComparison.Ordinal);
    }
}
