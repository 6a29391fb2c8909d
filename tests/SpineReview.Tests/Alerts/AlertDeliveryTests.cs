using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SpineReview.Records;
using SpineReview.Alerts;
using SpineReview.Extraction;
using SpineReview.Functions.Functions;
using SpineReview.Tests.Support;
using Xunit;
using static SpineReview.Tests.Alerts.AlertTestKit;
using SpineReview.Screening;

namespace SpineReview.Tests.Alerts;

/// <summary>Alerts end to end against the real Azurite and a real SMTP server (maildev), mail read back through maildev's REST API.</summary>
public class AlertDeliveryTests
{
    [Fact]
    public async Task Subscribe_SendsOnlyTheConfirmation_NothingElseBeforeItIsConfirmed()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var address = MailDev.NewAddress();
        await host.Get<SubscriptionService>().SubscribeAsync(new SubscriptionRequest(address, "Jane Doe", ["MRI"], null, null, null, "immediate"), default);
        var confirmation = Assert.Single(await MailDev.WaitForAsync(address, 1));
        Assert.Equal("[SpineReview] Confirm your alert subscription", confirmation.Subject);
        Assert.Equal(("Jane Doe", address), (confirmation.To.Mailboxes.Single().Name, confirmation.To.Mailboxes.Single().Address));
        Assert.Null(confirmation.Headers["List-Unsubscribe"]);
        var token = ConfirmToken(confirmation);
        var link = $"https://spine-review.test/api/alerts/confirm?token={token}";
        Assert.Contains(link, confirmation.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{link}\"", confirmation.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("modality MRI, as soon as they are found", confirmation.TextBody, StringComparison.Ordinal);
        Assert.Contains("Nothing is sent to this address until you confirm", confirmation.HtmlBody, StringComparison.Ordinal);

        // A study is included while the subscription waits for confirmation: no alert.
        clock.Advance(TimeSpan.FromMinutes(5));
        await SeedStudyAsync(host, LumbarMri("870001"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(5));
        var run = await host.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0, 0), (run.Subscribers, run.Planned, run.Sent));
        Assert.Single(await MailDev.SettledAsync(address));

        // The confirmation link, once followed, starts alerts from then on: the study included before it is not sent.
        var confirmed = await host.Get<SubscriptionService>().ConfirmAsync(token, default);
        Assert.False(confirmed.AlreadyDone);
        Assert.Equal(["MRI"], confirmed.Subscriber.Preferences.Filters.Modality);
        Assert.True((await host.Get<SubscriptionService>().ConfirmAsync(token, default)).AlreadyDone);
        run = await host.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((1, 0, 0), (run.Subscribers, run.Planned, run.Sent));
        Assert.Single(await MailDev.SettledAsync(address));
    }

    [Fact]
    public async Task IncludedStudy_OneEmailWithBothPartsAndOneClickUnsubscribe_ASecondRunSendsNothing()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var address = MailDev.NewAddress();
        var subscriber = await SubscribeAndConfirmAsync(host, address, name: "Jane Doe");
        clock.Advance(TimeSpan.FromHours(1));
        var key = await SeedStudyAsync(host, LumbarMri("870101"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));

        var run = await host.Get<AlertService>().RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((1, 1, 1, 1), (run.Subscribers, run.Planned, run.PlannedStudies, run.Sent));
        Assert.False(run.HadFailures);
        var mail = await MailDev.WaitForAsync(address, 2);
        Assert.Equal(2, mail.Count);
        var alert = mail[1];

        Assert.Equal("[SpineReview] New eligible study: Deep learning grading of lumbar disc degeneration on MRI (870101)", alert.Subject);
        Assert.Equal(("SpineReview alerts", "alerts@spine-review.test"), (alert.From.Mailboxes.Single().Name, alert.From.Mailboxes.Single().Address));
        Assert.Equal(address, alert.To.Mailboxes.Single().Address);
        var unsubscribe = $"https://spine-review.test/api/alerts/unsubscribe?token={AlertTokens.Token(subscriber.Id, subscriber.UnsubscribeSecret)}";
        Assert.Equal($"<{unsubscribe}>", alert.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", alert.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("auto-generated", alert.Headers["Auto-Submitted"]);
        var delivery = Assert.Single(await host.Get<DeliveryStore>().ListAsync(DeliveryState.Sent, default));
        Assert.Equal($"{delivery.Id}.{subscriber.Id[..12]}@spine-review.test", alert.MessageId);
        Assert.Equal([new AlertItem(key, AlertLabel.Included)], delivery.Items);

        var alternative = Assert.IsType<MultipartAlternative>(alert.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        foreach (var part in new[] { alert.TextBody!, alert.HtmlBody! })
        {
            foreach (var expected in new[]
            {
                "Hello Jane Doe", "Deep learning grading of lumbar disc degeneration on MRI (870101)", "Okafor N, Lindqvist E, Tanaka H et al. (4 authors)",
                "European Spine Journal, 2026", "https://doi.org/10.5555/spine.870101", "Modality", "MRI", "Region", "Lumbar", "Condition", "Degenerative",
                "Task", "Classification", "ResNet", "515", "Why included:", "meets the protocol", "criteria: deep learning",
                "2 reviewers included it independently", "https://spine-review.test/api/reports/latest", unsubscribe,
            })
                Assert.Contains(expected, part, StringComparison.Ordinal);
        }
        Assert.Contains("<a href=\"https://doi.org/10.5555/spine.870101\">", alert.HtmlBody, StringComparison.Ordinal);

        // Again, and again later: the study went to this subscriber once.
        run = await host.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0), (run.Planned, run.Sent));
        clock.Advance(TimeSpan.FromDays(8));
        run = await host.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0), (run.Planned, run.Sent));
        Assert.Equal(2, (await MailDev.SettledAsync(address)).Count);
        var log = Assert.Single(await host.Get<DeliveryStore>().LogAsync(subscriber.Id, default));
        Assert.Equal((key, delivery.Id), (log.StudyKey, log.DeliveryId));
        Assert.NotNull(log.SentAt);
    }

    [Fact]
    public async Task Filters_EachSubscriberGetsTheStudiesThatMatch()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var (mri, ct, lumbarCt, everything) = (MailDev.NewAddress("mri"), MailDev.NewAddress("ct"), MailDev.NewAddress("lumbarct"), MailDev.NewAddress("all"));
        await SubscribeAndConfirmAsync(host, mri, modality: "MRI");
        await SubscribeAndConfirmAsync(host, ct, modality: "CT");
        await SubscribeAndConfirmAsync(host, lumbarCt, modality: "CT", region: "Lumbar");
        await SubscribeAndConfirmAsync(host, everything);
        clock.Advance(TimeSpan.FromHours(1));
        var a = await SeedStudyAsync(host, LumbarMri("870201"), clock.GetUtcNow());
        var b = await SeedStudyAsync(host, CervicalCt("870202"), clock.GetUtcNow());
        // What the filters read: the charted values (the extractor's, here).
        var charted = await host.Get<ExtractionStore>().GetAsync(b, default);
        Assert.Equal(["CT"], charted["modality"].Effective);
        Assert.Contains("Cervical", charted["region"].Effective);
        clock.Advance(TimeSpan.FromMinutes(1));

        var run = await host.Get<AlertService>().RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((4, 3, 4, 3), (run.Subscribers, run.Planned, run.PlannedStudies, run.Sent));
        static async Task<string> Alerted(string address) => string.Join(" | ", (await MailDev.SettledAsync(address)).Skip(1).Select(m => m.TextBody));
        var toMri = await Alerted(mri);
        Assert.Contains("(870201)", toMri, StringComparison.Ordinal);
        Assert.DoesNotContain("(870202)", toMri, StringComparison.Ordinal);
        var toCt = await Alerted(ct);
        Assert.Contains("(870202)", toCt, StringComparison.Ordinal);
        Assert.DoesNotContain("(870201)", toCt, StringComparison.Ordinal);
        Assert.Equal("", await Alerted(lumbarCt));
        var toAll = await MailDev.SettledAsync(everything);
        Assert.Equal(2, toAll.Count);
        Assert.Equal("[SpineReview] 2 newly eligible studies", toAll[1].Subject);
        Assert.Contains("(870201)", toAll[1].TextBody, StringComparison.Ordinal);
        Assert.Contains("(870202)", toAll[1].HtmlBody, StringComparison.Ordinal);

        // A person's correction wins: charted as lumbar CT now, the lumbar-CT subscriber hears of it; the others already have it.
        await host.Get<ExtractionStore>().CorrectAsync(b, "region", new Correction(["Lumbar"], "ana", clock.GetUtcNow(), null), default);
        run = await host.Get<AlertService>().RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((1, 1), (run.Planned, run.Sent));
        Assert.Contains("(870202)", await Alerted(lumbarCt), StringComparison.Ordinal);
        Assert.Single(await MailDev.SettledAsync(mri), m => (m.Subject ?? "").Contains("eligible", StringComparison.Ordinal));
    }

    /// <summary>Stands in for the process dying right after the SMTP server accepted an email, before that was recorded.</summary>
    private sealed class CrashAfterAccepted : AlertSendHooks
    {
        public int Crashes { get; private set; }
        public bool Armed { get; set; } = true;

        public override Task AfterAcceptedAsync(Delivery delivery, CancellationToken ct)
        {
            if (!Armed) return Task.CompletedTask;
            Crashes++;
            throw new InvalidOperationException("simulated crash between the server's acceptance and the sent-log");
        }
    }

    [Fact]
    public async Task CrashBetweenSendingAndLogging_RunningAgainSendsNoSecondEmail_KeptUnconfirmedForAPerson()
    {
        var crash = new CrashAfterAccepted();
        var (host, clock) = Create(configure: s => s.AddSingleton<AlertSendHooks>(crash));
        await using var _ = host;
        var address = MailDev.NewAddress();
        await SubscribeAndConfirmAsync(host, address);
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(host, LumbarMri("870301"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Get<AlertService>().RunAsync(AlertScope.Immediate, null, default));
        Assert.Contains("simulated crash", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, crash.Crashes);
        Assert.Equal(2, (await MailDev.WaitForAsync(address, 2)).Count);
        var sending = Assert.Single(await host.Get<DeliveryStore>().ListAsync(DeliveryState.Sending, default));
        Assert.Equal(1, sending.Attempts);

        // The process comes back (the crash is over); within the lease another pass might still be sending it: it is left alone.
        crash.Armed = false;
        var run = await host.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0, 0), (run.Planned, run.Sent, run.Unconfirmed));
        // After the lease it is "unconfirmed": reported, never re-sent on its own; the study is not put into another email.
        clock.Advance(TimeSpan.FromMinutes(16));
        run = await host.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0, 1), (run.Planned, run.Sent, run.Unconfirmed));
        Assert.True(run.HadFailures);
        clock.Advance(TimeSpan.FromDays(2));
        run = await host.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0, 0), (run.Planned, run.Sent, run.Unconfirmed));
        Assert.Equal(2, (await MailDev.SettledAsync(address)).Count);

        var status = await host.Get<AlertService>().StatusAsync(default);
        var line = Assert.Single(status.NeedAttention);
        Assert.Equal((sending.Id, DeliveryState.Unconfirmed), (line.Id, line.State));
        Assert.Contains("may or may not have arrived", line.LastError, StringComparison.Ordinal);
        Assert.Equal($"{address[0]}***@example.org", line.To);

        // A person checked: it did arrive. Closing it sends nothing.
        await host.Get<AlertService>().CloseAsync(sending.Id, default);
        run = await host.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal(0, run.Sent);
        Assert.Equal(2, (await MailDev.SettledAsync(address)).Count);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task SmtpServerDown_RetriedWithDoublingWaits_ThenKeptFailed_APersonsRetrySendsItOnce()
    {
        var prefix = TestHost.NewPrefix();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        var address = MailDev.NewAddress();
        // Subscribed and confirmed while the server was up.
        var (up, _) = Create(prefix: prefix, cleanup: false, clock: clock);
        await SubscribeAndConfirmAsync(up, address);
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(up, LumbarMri("870401"), clock.GetUtcNow());
        await up.DisposeAsync();

        var settings = MailDev.Smtp(ClosedPort());
        settings["Alerts:MaxAttempts"] = "3";
        settings["Alerts:RetryDelayMinutes"] = "5";
        var (down, _) = Create(settings, prefix: prefix, cleanup: false, clock: clock);
        var alerts = down.Get<AlertService>();
        clock.Advance(TimeSpan.FromMinutes(1));
        var run = await alerts.RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((1, 0, 1, 0), (run.Planned, run.Sent, run.RetryLater, run.Failed));
        var d = Assert.Single(await down.Get<DeliveryStore>().ListAsync(DeliveryState.Pending, default));
        Assert.Equal(1, d.Attempts);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(5), d.NextAttemptAt);
        Assert.Contains("could not connect to the SMTP server 127.0.0.1", d.LastError, StringComparison.Ordinal);
        Assert.Contains("(attempt 1 of 3)", d.LastError, StringComparison.Ordinal);

        // Before its wait is over, nothing is attempted.
        clock.Advance(TimeSpan.FromMinutes(4));
        run = await alerts.RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0, 0), (run.Sent, run.RetryLater, run.Failed));
        Assert.Equal(1, (await down.Get<DeliveryStore>().GetAsync(d.SubscriberId, d.Id, default))!.Attempts);
        // Then the second attempt, and a wait twice as long.
        clock.Advance(TimeSpan.FromMinutes(1));
        run = await alerts.RunAsync(AlertScope.All, null, default);
        Assert.Equal(1, run.RetryLater);
        d = (await down.Get<DeliveryStore>().GetAsync(d.SubscriberId, d.Id, default))!;
        Assert.Equal((2, clock.GetUtcNow() + TimeSpan.FromMinutes(10)), (d.Attempts, d.NextAttemptAt));
        // The third and last attempt: kept as failed, with what went wrong, for a person.
        clock.Advance(TimeSpan.FromMinutes(10));
        run = await alerts.RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 1), (run.RetryLater, run.Failed));
        clock.Advance(TimeSpan.FromDays(1));
        run = await alerts.RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0, 0, 0), (run.Planned, run.Sent, run.RetryLater, run.Failed));
        var failed = Assert.Single((await alerts.StatusAsync(default)).NeedAttention);
        Assert.Equal((d.Id, DeliveryState.Failed, 3), (failed.Id, failed.State, failed.Attempts));
        Assert.Contains("(attempt 3 of 3)", failed.LastError, StringComparison.Ordinal);
        await down.DisposeAsync();
        Assert.Single(await MailDev.SettledAsync(address, 0.5));

        // The server is back and a person retries it: it goes out once.
        var (back, _) = Create(prefix: prefix, clock: clock);
        await using var cleanup = back;
        await back.Get<AlertService>().RetryAsync(d.Id, default);
        run = await back.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 1), (run.Planned, run.Sent));
        run = await back.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal(0, run.Sent);
        var mail = await MailDev.SettledAsync(address);
        Assert.Equal(2, mail.Count);
        Assert.Contains("(870401)", mail[1].Subject, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<AlertRejectedException>(() => back.Get<AlertService>().RetryAsync(d.Id, default));
        Assert.Contains("is sent; only failed or unconfirmed emails can be retried", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoPassesAtOnce_EachStudyGoesToEachSubscriberOnce()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var addresses = new[] { MailDev.NewAddress("one"), MailDev.NewAddress("two") };
        foreach (var a in addresses) await SubscribeAndConfirmAsync(host, a);
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(host, LumbarMri("870501"), clock.GetUtcNow());
        await SeedStudyAsync(host, CervicalCt("870502"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));

        // The pass's steps without its lease (RunAsync would run them one pass at a time): the ETag checks alone keep this exact.
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var alerts = host.Get<AlertService>();
            await alerts.PlanAsync(AlertScope.All, default);
            return await alerts.SendDueAsync(null, default);
        })));
        Assert.Equal(2, runs.Sum(r => r.Sent));
        foreach (var a in addresses)
        {
            var mail = await MailDev.SettledAsync(a);
            Assert.Equal(2, mail.Count);
            Assert.Equal("[SpineReview] 2 newly eligible studies", mail[1].Subject);
        }
    }

    private static HttpRequest Post(string query, string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.QueryString = new QueryString(query);
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
        return context.Request;
    }

    [Fact]
    public async Task OneClickUnsubscribe_PostFromTheHeader_NothingMoreIsSent_AndAWaitingEmailIsDropped()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var address = MailDev.NewAddress();
        await SubscribeAndConfirmAsync(host, address);
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(host, LumbarMri("870601"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));
        await host.Get<AlertService>().RunAsync(AlertScope.Immediate, null, default);
        var alert = (await MailDev.WaitForAsync(address, 2))[1];
        var token = UnsubscribeToken(alert);
        var api = new LinkPages(host);

        // GET (what a link scanner does) changes nothing: it shows a button that posts.
        var get = new DefaultHttpContext();
        get.Request.QueryString = new QueryString($"?token={token}");
        var page = Assert.IsType<ContentResult>(await api.UnsubscribePage(get.Request));
        Assert.Equal(200, page.StatusCode);
        Assert.Contains("<form method=\"post\"", page.Content, StringComparison.Ordinal);
        Assert.Contains("name=\"List-Unsubscribe\" value=\"One-Click\"", page.Content, StringComparison.Ordinal);
        Assert.Equal("no-referrer", get.Response.Headers["Referrer-Policy"]);
        Assert.Equal(SubscriberStatus.Confirmed, (await host.Get<SubscriberStore>().ListAsync(null, default)).Single().Status);

        // Another study is made up into an email, then the person unsubscribes before it goes out.
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(host, CervicalCt("870602"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await host.Get<AlertService>().PlanAsync(AlertScope.Immediate, default)).Emails);

        // What a mail provider does for RFC 8058: POST to the List-Unsubscribe URL with List-Unsubscribe=One-Click.
        var unsubscribeUrl = new Uri(alert.Headers["List-Unsubscribe"]!.Trim('<', '>'));
        var done = Assert.IsType<ContentResult>(await api.Unsubscribe(Post(unsubscribeUrl.Query, "List-Unsubscribe=One-Click"), default));
        Assert.Equal(200, done.StatusCode);
        Assert.Contains("Unsubscribed", done.Content, StringComparison.Ordinal);
        var again = Assert.IsType<ContentResult>(await api.Unsubscribe(Post(unsubscribeUrl.Query, "List-Unsubscribe=One-Click"), default));
        Assert.Contains("Already unsubscribed", again.Content, StringComparison.Ordinal);
        var stored = (await host.Get<SubscriberStore>().ListAsync(null, default)).Single();
        Assert.Equal((SubscriberStatus.Unsubscribed, ""), (stored.Status, stored.Address));

        var run = await host.Get<AlertService>().RunAsync(AlertScope.All, null, default);
        Assert.Equal((0, 0, 1), (run.Planned, run.Sent, run.Dropped));
        Assert.Equal(2, (await MailDev.SettledAsync(address)).Count);
        var wrong = Assert.IsType<ContentResult>(await api.Unsubscribe(Post("?token=" + token[..^2] + "xx", ""), default));
        Assert.Equal(404, wrong.StatusCode);
    }

    [Fact]
    public async Task LikelyEligible_SentLabelledOnlyWhenTheSettingIsOn()
    {
        var addressOff = MailDev.NewAddress("off");
        var addressOn = MailDev.NewAddress("on");
        var (off, clockOff) = Create();
        await using (off)
        {
            await SubscribeAndConfirmAsync(off, addressOff);
            await SeedStudyAsync(off, LumbarMri("870701"), null, probability: 0.93, enqueuedAt: clockOff.GetUtcNow().AddHours(1));
            clockOff.Advance(TimeSpan.FromHours(2));
            Assert.Equal(0, (await off.Get<AlertService>().RunAsync(AlertScope.All, null, default)).Planned);
        }
        var (on, clockOn) = Create(new Dictionary<string, string?> { ["Alerts:IncludeLikelyEligible"] = "true" });
        await using (on)
        {
            await SubscribeAndConfirmAsync(on, addressOn);
            await SeedStudyAsync(on, LumbarMri("870702"), null, probability: 0.93, enqueuedAt: clockOn.GetUtcNow().AddHours(1));
            await SeedStudyAsync(on, CervicalCt("870703"), null, probability: 0.20, enqueuedAt: clockOn.GetUtcNow().AddHours(1));
            clockOn.Advance(TimeSpan.FromHours(2));
            var run = await on.Get<AlertService>().RunAsync(AlertScope.All, null, default);
            Assert.Equal((1, 1, 1), (run.Planned, run.PlannedStudies, run.Sent));
        }
        Assert.Single(await MailDev.SettledAsync(addressOff));
        var alert = (await MailDev.WaitForAsync(addressOn, 2))[1];
        Assert.StartsWith("[SpineReview] Likely eligible study: Deep learning grading", alert.Subject, StringComparison.Ordinal);
        Assert.Contains("[LIKELY ELIGIBLE, NOT YET CONFIRMED] Deep learning grading", alert.TextBody, StringComparison.Ordinal);
        Assert.Contains("Likely eligible, not yet confirmed", alert.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("the screening model gave it 0.93 when this email was sent, at or above the 0.50 threshold", alert.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("(870703)", alert.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DailyDigest_NotSentByTheImmediatePass_SentOnceByTheTimerAtItsHour()
    {
        var (host, clock) = Create();
        await using var _ = host;
        var address = MailDev.NewAddress();
        await SubscribeAndConfirmAsync(host, address, frequency: "daily");
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(host, LumbarMri("870801"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(host, CervicalCt("870802"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));

        // Monday 11:01: the cycle's pass is for immediate alerts; the timer finds the daily digest not yet due (from Tuesday 07:00).
        Assert.Equal(0, (await host.Get<AlertService>().RunAsync(AlertScope.Immediate, null, default)).Subscribers);
        var timer = new SendAlerts(host.Get<AlertService>());
        await timer.Digests(new TimerInfo(), default);
        Assert.Single(await MailDev.SettledAsync(address, 0.5));
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 3, 7, 15, 0, TimeSpan.Zero));
        await timer.Digests(new TimerInfo(), default);
        await timer.Digests(new TimerInfo(), default);
        var mail = await MailDev.SettledAsync(address);
        Assert.Equal(2, mail.Count);
        Assert.Equal("[SpineReview] Daily digest: 2 newly eligible studies", mail[1].Subject);
        Assert.Contains("in a daily digest", mail[1].TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncludedByPeople_NudgesTheAlertsQueue_AndTheDrainQueuesTimerSendsTheAlert()
    {
        var (host, clock) = Create(new Dictionary<string, string?> { ["Screening:ReviewersPerRecord"] = "1" });
        await using var _ = host;
        var address = MailDev.NewAddress();
        await SubscribeAndConfirmAsync(host, address);
        var key = await SeedStudyAsync(host, LumbarMri("870901"), null, probability: 0.6);
        clock.Advance(TimeSpan.FromHours(1));
        await host.Get<SpineReview.Screening.People.ReviewService>().DecideAsync("ana", key, "include", null, null, null, default);
        var alertsQueue = host.Get<SpineReview.Storage.WorkQueues>().Alerts;
        var message = (await alertsQueue.PeekMessageAsync()).Value;
        Assert.Equal(key, RecordMessage.Parse(message.Body.ToString()).RecordKey);

        await new DrainQueues(host.Get<SpineReview.Cycle.CycleService>(), host.Get<Microsoft.Extensions.Logging.ILogger<DrainQueues>>()).Run(new TimerInfo(), default);
        var mail = await MailDev.WaitForAsync(address, 2);
        Assert.Equal(2, mail.Count);
        Assert.Contains("one reviewer included it", mail[1].TextBody, StringComparison.Ordinal);
    }
}
