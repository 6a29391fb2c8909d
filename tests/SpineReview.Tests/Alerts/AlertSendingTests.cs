using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
                // The host shuts down while the pass waits for the server's greeting.
                using var shutdown = new CancellationTokenSource();
                var pass = hung.Get<AlertService>().SendDueAsync(null, shutdown.Token);
                await silent.Connected.WaitAsync(TimeSpan.FromSeconds(30));
                await shutdown.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pass);
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
        // The host shuts down while the server has not answered the recipient.
        using var shutdown = new CancellationTokenSource();
        await using (var mute = new FakeSmtp(onRecipient: async _ =>
        {
            await shutdown.CancelAsync();
            return null;
        }))
        {
            var (hung, _) = Create(MailDev.Smtp(mute.Port), prefix: prefix, cleanup: false, clock: clock);
            await using (hung)
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hung.Get<AlertService>().SendDueAsync(null, shutdown.Token));
                Assert.Empty(mute.Received);
                var d = Assert.Single(await hung.Get<DeliveryStore>().ListAsync(null, default));
                Assert.Equal((DeliveryState.Pending, 0, (DateTimeOffset?)null), (d.State, d.Attempts, d.SendingAt));
            }
        }
        await SentByALaterPassAsync(prefix, clock, address, "872302");
    }

    /// <summary>Runs a step of the test right after the server accepted an email, before it is recorded.</summary>
    private sealed class AfterAccepted : AlertSendHooks
    {
        public Func<Delivery, Task>? Step { get; set; }

        public override Task AfterAcceptedAsync(Delivery delivery, CancellationToken ct) => Step?.Invoke(delivery) ?? Task.CompletedTask;
    }

    [Fact]
    public async Task AcceptedWhileAPersonRetriedIt_ThePersonsRetryStands_TheSameAttemptMarkedUnconfirmedIsRecordedSent()
    {
        var hook = new AfterAccepted();
        var (host, clock) = Create(configure: s => s.AddSingleton<AlertSendHooks>(hook));
        await using var _ = host;
        var store = host.Get<DeliveryStore>();
        var alerts = host.Get<AlertService>();
        var address = MailDev.NewAddress();
        await SubscribeAndConfirmAsync(host, address);
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(host, LumbarMri("872401"), clock.GetUtcNow());

        // First email: while the server is taking it, another pass finds it past the lease and marks it unconfirmed (the same attempt).
        clock.Advance(TimeSpan.FromMinutes(1));
        hook.Step = async d => Assert.NotNull(await store.TryUpdateAsync((await store.GetAsync(d.SubscriberId, d.Id, default))! with
        {
            State = DeliveryState.Unconfirmed, LastError = "no answer recorded",
        }, default));
        var run = await alerts.RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal(1, run.Sent);
        var first = Assert.Single(await store.ListAsync(null, default));
        Assert.Equal((DeliveryState.Sent, null), (first.State, first.LastError));

        // Second email: meanwhile a person also retried it (a new attempt): their retry is not overwritten.
        await SeedStudyAsync(host, CervicalCt("872402"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));
        hook.Step = async d =>
        {
            Assert.NotNull(await store.TryUpdateAsync((await store.GetAsync(d.SubscriberId, d.Id, default))! with { State = DeliveryState.Unconfirmed }, default));
            await alerts.RetryAsync(d.Id, default);
        };
        run = await alerts.RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal(1, run.Sent);
        var second = Assert.Single(await store.ListAsync(null, default), x => x.Id != first.Id);
        Assert.Equal((DeliveryState.Pending, 0), (second.State, second.Attempts));
        Assert.Equal(3, (await MailDev.WaitForAsync(address, 3)).Count);
    }

    [Fact]
    public async Task FailureThatCannotBeRecorded_IsNotCounted()
    {
        TestHost? host = null;
        // The server answers the recipient "try later", after another pass has marked the email unconfirmed meanwhile.
        await using var smtp = new FakeSmtp(onRecipient: async _ =>
        {
            var store = host!.Get<DeliveryStore>();
            var d = Assert.Single(await store.ListAsync(DeliveryState.Sending, default));
            Assert.NotNull(await store.TryUpdateAsync(d with { State = DeliveryState.Unconfirmed, LastError = "no answer recorded" }, default));
            return "451 4.3.0 try again later";
        });
        var (h, clock) = Create(MailDev.Smtp(smtp.Port));
        host = h;
        await using var _ = h;
        // Subscribed through maildev, sent through the scripted server.
        var prefix = h.Prefix;
        var (viaMaildev, _) = Create(prefix: prefix, cleanup: false, clock: clock);
        var address = MailDev.NewAddress();
        await using (viaMaildev) await SubscribeAndConfirmAsync(viaMaildev, address);
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(h, LumbarMri("872501"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));

        var run = await h.Get<AlertService>().RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((1, 0, 0, 0, 0), (run.Planned, run.Sent, run.RetryLater, run.Failed, run.Unconfirmed));
        Assert.False(run.HadFailures);
        var d = Assert.Single(await h.Get<DeliveryStore>().ListAsync(null, default));
        Assert.Equal((DeliveryState.Unconfirmed, "no answer recorded"), (d.State, d.LastError));
    }

    [Fact]
    public async Task ServerDown_TheFirstEmailUsesAnAttempt_TheOthersWaitUntouched()
    {
        var prefix = TestHost.NewPrefix();
        var clock = new FakeTimeProvider(T0);
        var addresses = new[] { MailDev.NewAddress("one"), MailDev.NewAddress("two") };
        var (up, _) = Create(prefix: prefix, cleanup: false, clock: clock);
        await using (up)
        {
            foreach (var a in addresses) await SubscribeAndConfirmAsync(up, a);
            clock.Advance(TimeSpan.FromHours(1));
            await SeedStudyAsync(up, LumbarMri("872601"), clock.GetUtcNow());
        }
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var (down, _) = Create(MailDev.Smtp(closed), prefix: prefix, clock: clock);
        await using var _ = down;
        clock.Advance(TimeSpan.FromMinutes(1));
        var run = await down.Get<AlertService>().RunAsync(AlertScope.Immediate, null, default);
        Assert.Equal((2, 0, 1), (run.Planned, run.Sent, run.RetryLater));
        Assert.Equal([0, 1], (await down.Get<DeliveryStore>().ListAsync(DeliveryState.Pending, default)).Select(x => x.Attempts).Order());
    }

    /// <summary>Every log line the services write, as text with its values.</summary>
    private sealed class LogLines : ILoggerProvider
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(LogLines owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lock (owner.Lines) owner.Lines.Add($"{formatter(state, exception)} | {values}");
            }
        }
    }

    [Fact]
    public async Task ServerRefusesTheRecipientNamingTheAddress_TheAddressIsNotStoredNorLogged_TheStatusCodeIs()
    {
        var logs = new LogLines();
        var address = MailDev.NewAddress("private");
        await using var smtp = new FakeSmtp(onRecipient: _ =>
            Task.FromResult<string?>($"550 5.1.1 <{address}>: Recipient address rejected: {address} is unknown here"));
        var progress = new List<string>();
        var (h, clock) = Create(MailDev.Smtp(smtp.Port), configure: s => s.AddSingleton<ILoggerProvider>(logs));
        await using var _ = h;
        var (viaMaildev, _) = Create(prefix: h.Prefix, cleanup: false, clock: clock);
        await using (viaMaildev) await SubscribeAndConfirmAsync(viaMaildev, address);
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(h, LumbarMri("872701"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));

        var run = await h.Get<AlertService>().RunAsync(AlertScope.Immediate, new SyncProgress(progress), default);
        Assert.Equal(1, run.Failed);
        var d = Assert.Single(await h.Get<DeliveryStore>().ListAsync(DeliveryState.Failed, default));
        Assert.True(d.LastError!.StartsWith($"the SMTP server 127.0.0.1:{smtp.Port} (None) answered 550 (RecipientNotAccepted): 5.1.1 <address>: Recipient address rejected: <address> is unknown here",
            StringComparison.Ordinal), d.LastError);
        var line = Assert.Single(logs.Lines, l => l.Contains(d.Id, StringComparison.Ordinal) && l.Contains("Failed after attempt", StringComparison.Ordinal));
        Assert.Contains("SmtpStatus=550", line, StringComparison.Ordinal);
        foreach (var text in logs.Lines.Concat(progress).Append(d.LastError!))
            Assert.DoesNotContain(address, text, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }

    [Fact]
    public async Task TwoPassesAtOnce_TheSecondWaitsUntilTheFirstHasFinished()
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var smtp = new FakeSmtp(onRecipient: async _ =>
        {
            seen.TrySetResult();
            await release.Task;
            return "250 2.1.5 OK";
        });
        var (h, clock) = Create(MailDev.Smtp(smtp.Port));
        await using var _ = h;
        var (viaMaildev, _) = Create(prefix: h.Prefix, cleanup: false, clock: clock);
        await using (viaMaildev) await SubscribeAndConfirmAsync(viaMaildev, MailDev.NewAddress());
        clock.Advance(TimeSpan.FromHours(1));
        await SeedStudyAsync(h, LumbarMri("872901"), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(1));

        // The first pass is in the middle of the SMTP conversation when the second (a queue message, the timer) starts.
        var first = Task.Run(() => h.Get<AlertService>().RunAsync(AlertScope.All, null, default));
        await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = Task.Run(() => h.Get<AlertService>().RunAsync(AlertScope.All, null, default));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(second.IsCompleted, "the second pass ran while the first was sending");
        release.SetResult();
        var runs = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((1, 0), (runs[0].Sent, runs[1].Sent));
        Assert.Single(smtp.Received);
    }
}
