using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;

namespace SpineReview.Alerts;

/// <summary>Which subscribers a pass makes up emails for.</summary>
public enum AlertScope
{
    /// <summary>Subscribers who asked for immediate alerts (the cycle, the alerts queue).</summary>
    Immediate,
    /// <summary>Immediate ones and every daily or weekly digest that is due (the timer, `spine-review alerts`).</summary>
    All,
}

/// <summary>What one alert pass did. Emails already made up are always sent when due, whatever the scope.</summary>
/// <param name="Configured">False when setting Smtp:Host is empty: nothing was made up or sent.</param>
/// <param name="Subscribers">Confirmed subscribers whose emails were due.</param>
/// <param name="Planned">Emails made up in this pass, with <paramref name="PlannedStudies"/> studies in all.</param>
/// <param name="RetryLater">Attempts that failed in this pass and will be tried again after their wait.</param>
/// <param name="Failed">Emails kept as failed in this pass (attempts used up, or refused for good).</param>
/// <param name="Unconfirmed">Emails found interrupted while sending (kept for a person, not re-sent).</param>
/// <param name="Waiting">Emails waiting for their next attempt after this pass.</param>
public sealed record AlertRunSummary(bool Configured, int Subscribers, int Planned, int PlannedStudies, int Sent, int RetryLater, int Failed, int Unconfirmed,
    int Dropped, int Waiting, int Nudges)
{
    /// <summary>Whether any email failed or was left unconfirmed in this pass.</summary>
    public bool HadFailures => RetryLater + Failed + Unconfirmed > 0;
}

/// <summary>One email for `alerts status`.</summary>
public sealed record DeliveryLine(string Id, string To, DeliveryState State, int Studies, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, string? LastError);

/// <summary>Counts and the emails a person should look at.</summary>
public sealed record AlertStatus(IReadOnlyDictionary<SubscriberStatus, int> Subscribers, IReadOnlyDictionary<DeliveryState, int> Emails,
    IReadOnlyList<DeliveryLine> NeedAttention, IReadOnlyList<DeliveryLine> Waiting);

/// <summary>A point in sending where a test stands in for a crash (the process dying after the server accepted an email). Does nothing in the app.</summary>
public class AlertSendHooks
{
    public virtual Task AfterAcceptedAsync(Delivery delivery, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Finds the studies that became eligible since each subscriber's confirmation and sends each to each subscriber exactly once:
/// an email and its sent-log rows are written (outbox) before anything is sent, marked "sending" under its ETag just before the
/// SMTP conversation and "sent" after the server accepted it. An email found still "sending" after the lease is never re-sent on
/// its own (it may have gone out): it is kept as "unconfirmed" for a person. See docs/alerts.md.
/// </summary>
public sealed class AlertService(StorageClients storage, SubscriberStore subscribers, DeliveryStore deliveries, ScreeningStore screening, RecordStore records,
    RecordChangeStore changes, ExtractionStore extractions, SmtpMailer mailer, AlertLinks links, WorkQueues queues, AlertSendHooks hooks, IOptions<AlertOptions> alertOptions,
    IOptions<ScreeningOptions> screeningOptions, TimeProvider time, ILogger<AlertService> log)
{
    private AlertOptions Options => alertOptions.Value;

    /// <summary>How long a pass waits for another to finish before it gives up (and fails, so that a queue message is tried again).</summary>
    public static readonly TimeSpan PassWait = TimeSpan.FromMinutes(10);

    /// <summary>One study that can be alerted: eligible now, with what the email shows.</summary>
    private sealed record Candidate(string Key, AlertLabel Label, DateTimeOffset EligibleAt, QueueEntry Entry);

    /// <summary>Sends the immediate alerts for a queue message naming an included study; the pass reads everything that is due
    /// from the tables, so one pass serves many messages. A body that is not a record message throws (the runtime poison-queues it).</summary>
    public Task<AlertRunSummary> RunForMessageAsync(string body, CancellationToken ct)
    {
        _ = RecordMessage.Parse(body);
        return RunAsync(AlertScope.Immediate, progress: null, ct);
    }

    /// <summary>Recovers interrupted emails, makes up what is due for the scope, and sends every email whose time has come.</summary>
    public async Task<AlertRunSummary> RunAsync(AlertScope scope, IProgress<string>? progress, CancellationToken ct)
    {
        if (!mailer.Options.Configured)
        {
            var confirmed = (await subscribers.ListAsync(SubscriberStatus.Confirmed, ct)).Count;
            progress?.Report($"alerts: email is not set up (Smtp__Host is empty): nothing made up or sent; {confirmed} confirmed subscribers");
            return new AlertRunSummary(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        // One pass at a time: a pass that finds another running waits for it (docs/alerts.md, "One pass at a time").
        await using var lease = await WorkLease.AcquireAsync(storage.Container(storage.Names.LocksContainer), "alerts-pass", "alert pass", PassWait, log, ct);
        progress?.Report("[1/3] alerts: emails interrupted while sending");
        var unconfirmed = await RecoverAsync(ct);
        if (unconfirmed > 0) progress?.Report($"alerts: {unconfirmed} emails were interrupted while sending; kept as unconfirmed for a person (spine-review alerts status)");
        progress?.Report($"[2/3] alerts: make up the {(scope == AlertScope.Immediate ? "immediate alerts" : "alerts and digests")} that are due");
        var (due, planned, plannedStudies) = await PlanAsync(scope, ct);
        progress?.Report($"alerts: {planned} emails made up with {plannedStudies} studies for {due} subscribers");
        progress?.Report("[3/3] alerts: send over SMTP");
        var sent = await SendDueAsync(progress, ct);
        var waiting = (await deliveries.ListAsync(DeliveryState.Pending, ct)).Count;
        return new AlertRunSummary(true, due, planned, plannedStudies, sent.Sent, sent.RetryLater, sent.Failed, unconfirmed + sent.Unconfirmed, sent.Dropped, waiting, 0);
    }

    /// <summary>Removes the queued nudges (each says a study was included); a pass reads what is due from the tables itself.</summary>
    public async Task<int> DrainNudgesAsync(CancellationToken ct)
    {
        var n = 0;
        while (true)
        {
            var batch = await queues.Alerts.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), ct);
            if (batch.Value.Length == 0) return n;
            foreach (var m in batch.Value)
            {
                await queues.Alerts.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                n++;
            }
        }
    }

    /// <summary>Emails still "sending" after the lease: the process stopped mid-send. They become "unconfirmed": reported, never re-sent on their own.</summary>
    public async Task<int> RecoverAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var lease = TimeSpan.FromMinutes(Options.SendingLeaseMinutes);
        var n = 0;
        foreach (var d in await deliveries.ListAsync(DeliveryState.Sending, ct))
        {
            if (d.SendingAt is { } began && now - began < lease) continue;
            var updated = await deliveries.TryUpdateAsync(d with
            {
                State = DeliveryState.Unconfirmed,
                LastError = $"sending began at {d.SendingAt:yyyy-MM-dd HH:mm:ss}Z and no answer of the server was recorded (the process stopped): the email may or may not have arrived. " +
                            $"Check, then `spine-review alerts retry {d.Id}` to send it again or `spine-review alerts close {d.Id}`",
            }, ct);
            if (updated is null) continue;
            AlertLog.Interrupted(log, d.Id, d.SubscriberId);
            n++;
        }
        return n;
    }

    /// <summary>Makes up the emails that are due: per subscriber, the eligible studies since their confirmation that match their filters and
    /// are in no earlier email to them; and, whatever the scope and the subscriber's frequency, a notice of each retraction or expression of
    /// concern of a study an earlier email sent them, once.</summary>
    public async Task<(int Subscribers, int Emails, int Studies)> PlanAsync(AlertScope scope, CancellationToken ct)
    {
        if (!DigestSchedule.TryParseAt(Options.DailyAt, out var at)) throw new InvalidOperationException($"setting Alerts:DailyAt is \"{Options.DailyAt}\"; give a time as HH:mm (UTC)");
        var now = time.GetUtcNow();
        var confirmed = await subscribers.ListAsync(SubscriberStatus.Confirmed, ct);
        var due = confirmed
            .Where(s => scope == AlertScope.All || s.Preferences.Frequency == AlertFrequency.Immediate)
            .Where(s => DigestSchedule.Due(s, now, at, Options.WeeklyOn))
            .OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        var (told, toldEmails, toldStudies) = await PlanNoticesAsync(confirmed, now, ct);
        var (emails, studies) = due.Count == 0 ? (0, 0) : await PlanEligibleAsync(due, now, ct);
        return (due.Select(s => s.Id).Union(told, StringComparer.Ordinal).Count(), emails + toldEmails, studies + toldStudies);
    }

    // The eligible studies for the subscribers whose emails are due.
    private async Task<(int Emails, int Studies)> PlanEligibleAsync(List<Subscriber> due, DateTimeOffset now, CancellationToken ct)
    {
        var earliest = due.Min(s => s.Since ?? s.ConfirmedAt ?? now);
        var candidates = new List<Candidate>();
        var charted = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>(StringComparer.Ordinal);
        foreach (var c in Eligible(await screening.ListQueueAsync(null, ct), Options.IncludeLikelyEligible, screeningOptions.Value.HighThreshold).Where(c => c.EligibleAt > earliest))
        {
            // Only studies whose form is filled: the email shows their charted values, and the filters read them.
            var fields = await ChartedAsync(c.Key, ct);
            if (fields is null) continue;
            var stored = await records.GetAsync(c.Key, ct);
            // A retracted study is not announced as newly eligible.
            if (stored is null || stored.DuplicateOf is not null || Retractions.IsMarked(stored.Record)) continue;
            charted[c.Key] = fields;
            candidates.Add(c);
        }

        int emails = 0, studies = 0;
        foreach (var s in due)
        {
            var since = s.Since ?? s.ConfirmedAt ?? now;
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var claimed = await deliveries.ClaimedAsync(s.Id, ct);
                var mine = candidates.Where(c => c.EligibleAt > since && !claimed.Contains(c.Key) && s.Preferences.Filters.Matches(charted[c.Key]))
                    .OrderBy(c => c.EligibleAt).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
                var (made, carried, conflict) = await MakeEmailsAsync(s.Id, mine.Select(c => new AlertItem(c.Key, c.Label)).ToList(), now, ct);
                emails += made;
                studies += carried;
                if (!conflict) break;
            }
            if (s.Preferences.Frequency != AlertFrequency.Immediate) await MoveDigestCursorAsync(s, now, ct);
        }
        return (emails, studies);
    }

    // A notice to each confirmed subscriber an email was sent to with a study a refresh later found retracted (or given an expression
    // of concern): once per subscriber, study and kind of notice (its "r|" or "e|" sent-log row), planned in every pass whatever the
    // subscriber's frequency, since it corrects what they were told. Corrections and errata are not emailed: the report lists them.
    private async Task<(List<string> Subscribers, int Emails, int Studies)> PlanNoticesAsync(IReadOnlyList<Subscriber> confirmed, DateTimeOffset now, CancellationToken ct)
    {
        var found = await changes.ListAsync(ct);
        var told = new List<string>();
        int emails = 0, studies = 0;
        if (found.Count == 0) return (told, 0, 0);
        // Only studies whose record says so now: a retraction once the record is marked (the refresh marks it as it keeps the notice),
        // a concern while the study is not retracted (a retraction supersedes it: one notice, never "not retracted" beside "retracted").
        var marked = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var key in found.Where(c => c.Retracts || c.Kind == RecordChange.ExpressionOfConcern).Select(c => c.RecordKey).Distinct(StringComparer.Ordinal))
            if (await records.GetAsync(key, ct) is { } r) marked[key] = Retractions.IsMarked(r.Record);
        var noticed = new Dictionary<AlertLabel, HashSet<string>>
        {
            [AlertLabel.Retracted] = found.Where(c => c.Retracts && marked.GetValueOrDefault(c.RecordKey)).Select(c => c.RecordKey).ToHashSet(StringComparer.Ordinal),
            [AlertLabel.Concern] = found.Where(c => c.Kind == RecordChange.ExpressionOfConcern && marked.TryGetValue(c.RecordKey, out var m) && !m)
                .Select(c => c.RecordKey).ToHashSet(StringComparer.Ordinal),
        };
        if (noticed.Values.All(k => k.Count == 0)) return (told, 0, 0);
        foreach (var s in confirmed.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var sent = (await deliveries.LogAsync(s.Id, ct)).Where(l => l.SentAt is not null).Select(l => l.StudyKey).ToHashSet(StringComparer.Ordinal);
                var mine = new List<AlertItem>();
                foreach (var (label, keys) in noticed)
                {
                    if (!keys.Overlaps(sent)) continue;
                    var already = await deliveries.NoticesToldAsync(s.Id, label, ct);
                    mine.AddRange(keys.Where(k => sent.Contains(k) && !already.Contains(k)).Order(StringComparer.Ordinal).Select(k => new AlertItem(k, label)));
                }
                var (made, carried, conflict) = await MakeEmailsAsync(s.Id, mine, now, ct);
                emails += made;
                studies += carried;
                if (made > 0 && (told.Count == 0 || told[^1] != s.Id)) told.Add(s.Id);
                if (!conflict) break;
            }
        }
        return (told, emails, studies);
    }

    // Pending emails for one subscriber, at most Alerts:MaxStudiesPerEmail items each, each written with its sent-log rows. Stops at the
    // first email refused because another pass put one of its items into an email first (Conflict: read the sent-log again).
    private async Task<(int Emails, int Items, bool Conflict)> MakeEmailsAsync(string subscriberId, IReadOnlyList<AlertItem> items, DateTimeOffset now, CancellationToken ct)
    {
        int emails = 0, carried = 0;
        foreach (var chunk in items.Chunk(Math.Clamp(Options.MaxStudiesPerEmail, 1, 99)))
        {
            var id = $"{time.GetUtcNow():yyyyMMddHHmmssfff}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            if (!await deliveries.TryCreateAsync(new Delivery(subscriberId, id, DeliveryState.Pending, chunk.ToList(), "", 0, now, now, null, null, null, default), ct))
                return (emails, carried, true);
            emails++;
            carried += chunk.Length;
        }
        return (emails, carried, false);
    }

    /// <summary>Sends every pending email whose next attempt is due, oldest first.</summary>
    public async Task<(int Sent, int RetryLater, int Failed, int Unconfirmed, int Dropped)> SendDueAsync(IProgress<string>? progress, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var pending = (await deliveries.ListAsync(DeliveryState.Pending, ct)).Where(d => d.NextAttemptAt <= now)
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        int sent = 0, retry = 0, failed = 0, unconfirmed = 0, dropped = 0;
        if (pending.Count == 0) return (0, 0, 0, 0, 0);
        var from = mailer.From();
        var known = new Dictionary<string, Subscriber?>(StringComparer.Ordinal);
        await using var session = mailer.Open();
        foreach (var d in pending)
        {
            if (!known.TryGetValue(d.SubscriberId, out var s)) known[d.SubscriberId] = s = await subscribers.GetAsync(d.SubscriberId, ct);
            if (s is not { Status: SubscriberStatus.Confirmed })
            {
                if (await deliveries.DropAsync(d, "the subscriber unsubscribed before it was sent", ct) is not null) dropped++;
                continue;
            }
            // Decided now: a study no longer eligible is left out, and its sent-log row is released when the email is recorded.
            var studies = await StudiesAsync(d.Items, ct);
            if (studies.Count == 0)
            {
                if (await deliveries.DropAsync(d, "none of its studies is eligible any more", ct) is not null) dropped++;
                continue;
            }
            var messageId = $"{d.Id}.{d.SubscriberId[..12]}@{from.Domain}";
            var context = new DigestContext(s.Name, s.Preferences, links.Unsubscribe(AlertTokens.Token(s.Id, s.UnsubscribeSecret)), links.LatestReport, Options.SubjectPrefix);
            var message = MessageBuilder.Build(DigestComposer.Digest(studies, context), from, new MailboxAddress(s.Name ?? "", s.Address), messageId, d.CreatedAt,
                context.UnsubscribeUrl, links.ListId);

            Delivery? sending = null;
            try
            {
                // Connect and log in first: until the intent below is recorded the email is pending, so a server that cannot be reached,
                // or a shutdown while connecting, leaves nothing to clear up (the cancellation goes up; the row stays pending).
                await session.ConnectAsync(ct);
                // The intent, recorded just before the message itself: from here on a crash leaves "sending", which is never re-sent blindly.
                sending = await deliveries.TryUpdateAsync(d with
                {
                    State = DeliveryState.Sending, MessageId = messageId, Attempts = d.Attempts + 1, SendingAt = time.GetUtcNow(),
                }, ct);
                if (sending is null) continue; // another pass took it
                await session.SendAsync(message, ct);
            }
            catch (MailSendException e) when (e.Canceled && sending is not null)
            {
                // The app is stopping mid-send. Before the server accepted the recipient nothing went out: the email is pending again as it
                // was (this attempt not counted); after it, it may have gone out: unconfirmed, for a person. Written whatever the token says.
                var back = e.Failure == SendFailure.NotSent
                    ? sending with { State = DeliveryState.Pending, Attempts = d.Attempts, SendingAt = d.SendingAt, LastError = d.LastError }
                    : sending with { State = DeliveryState.Unconfirmed, LastError = e.Message + ". It may have arrived: check, then alerts retry or alerts close" };
                if (await deliveries.TryUpdateAsync(back, CancellationToken.None) is null)
                    AlertLog.StoppedRowChanged(log, d.Id);
                throw new OperationCanceledException("the alert pass was stopped (the app is shutting down)", e, ct);
            }
            catch (MailSendException e)
            {
                var at = time.GetUtcNow();
                // A failure to connect or log in counts as an attempt too (the row is still pending then).
                var attempt = sending ?? d with { Attempts = d.Attempts + 1 };
                var next = e.Failure switch
                {
                    SendFailure.Uncertain => attempt with { State = DeliveryState.Unconfirmed, LastError = e.Message + ". It may have arrived: check, then alerts retry or alerts close" },
                    SendFailure.Rejected => attempt with { State = DeliveryState.Failed, LastError = e.Message },
                    _ when attempt.Attempts >= Options.MaxAttempts => attempt with { State = DeliveryState.Failed, LastError = $"{e.Message} (attempt {attempt.Attempts} of {Options.MaxAttempts})" },
                    _ => attempt with { State = DeliveryState.Pending, NextAttemptAt = at + Backoff(attempt.Attempts), LastError = $"{e.Message} (attempt {attempt.Attempts} of {Options.MaxAttempts})" },
                };
                if (await deliveries.TryUpdateAsync(next, ct) is null)
                {
                    // Someone else changed the row meanwhile (a person, or another pass): their state stands, and this pass counts nothing.
                    AlertLog.FailedRowChanged(log, d.Id, attempt.Attempts, e.StatusCode, e.Message);
                    progress?.Report($"alerts: email {d.Id} to {MailRules.Mask(s.Address)}: attempt {attempt.Attempts} failed, but the email was changed meanwhile; left as it is: {e.Message}");
                }
                else
                {
                    switch (next.State)
                    {
                        case DeliveryState.Pending: retry++; break;
                        case DeliveryState.Failed: failed++; break;
                        default: unconfirmed++; break;
                    }
                    AlertLog.AttemptFailed(log, d.Id, d.SubscriberId, next.State, attempt.Attempts, e.StatusCode, e.Message);
                    progress?.Report($"alerts: email {d.Id} to {MailRules.Mask(s.Address)} {Describe(next, at)}: {e.Message}");
                }
                if (e.ServerUnreachable)
                {
                    // The server cannot be reached: the other emails wait for the next pass instead of each using an attempt now.
                    progress?.Report("alerts: the SMTP server cannot be reached; the remaining emails wait for the next pass");
                    break;
                }
                continue;
            }
            await hooks.AfterAcceptedAsync(sending!, ct);
            var acceptedAt = time.GetUtcNow();
            var carried = studies.Select(x => new AlertItem(x.Key, x.Label)).ToList();
            if (!await RecordSentAsync(sending!, carried, acceptedAt))
                AlertLog.AcceptedRowChanged(log, d.Id);
            sent++;
            progress?.Report($"alerts: email {d.Id} with {studies.Count} studies accepted for {MailRules.Mask(s.Address)}");
        }
        return (sent, retry, failed, unconfirmed, dropped);
    }

    /// <summary>
    /// Records that the server accepted an email, whatever the token says (it did go out). Conditional on the row as read; when it changed
    /// meanwhile, it is recorded over the change only if the row is still this attempt (the same Attempts and SendingAt: another pass
    /// marked it unconfirmed after the lease, say). A person's retry (a new attempt) is never overwritten. False when not recorded.
    /// </summary>
    private async Task<bool> RecordSentAsync(Delivery sending, IReadOnlyList<AlertItem> carried, DateTimeOffset at)
    {
        var row = sending;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await deliveries.MarkSentAsync(row, carried, at, CancellationToken.None)) return true;
            var current = await deliveries.GetAsync(sending.SubscriberId, sending.Id, CancellationToken.None);
            if (current is null || current.Attempts != sending.Attempts || current.SendingAt != sending.SendingAt) return false;
            row = current;
        }
        return false;
    }

    /// <summary>Counts by state, and the emails a person should look at (failed, unconfirmed) or that wait for a retry.</summary>
    public async Task<AlertStatus> StatusAsync(CancellationToken ct)
    {
        var subs = await subscribers.ListAsync(null, ct);
        var byId = subs.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var all = await deliveries.ListAsync(null, ct);
        DeliveryLine Line(Delivery d) => new(d.Id, MailRules.Mask(byId.TryGetValue(d.SubscriberId, out var s) ? s.Address : null), d.State, d.Items.Count, d.Attempts,
            d.CreatedAt, d.NextAttemptAt, d.LastError);
        return new AlertStatus(
            Enum.GetValues<SubscriberStatus>().ToDictionary(x => x, x => subs.Count(s => s.Status == x)),
            Enum.GetValues<DeliveryState>().ToDictionary(x => x, x => all.Count(d => d.State == x)),
            all.Where(d => d.State is DeliveryState.Failed or DeliveryState.Unconfirmed).OrderBy(d => d.CreatedAt).Select(Line).ToList(),
            all.Where(d => d.State is DeliveryState.Pending or DeliveryState.Sending).OrderBy(d => d.NextAttemptAt).Select(Line).ToList());
    }

    /// <summary>A person sends a failed or unconfirmed email again (after checking it did not arrive): it is attempted at the next pass.</summary>
    public Task<Delivery> RetryAsync(string id, CancellationToken ct) =>
        ChangeAsync(id, [DeliveryState.Failed, DeliveryState.Unconfirmed], d => d with { State = DeliveryState.Pending, Attempts = 0, NextAttemptAt = time.GetUtcNow() }, "retried", ct);

    /// <summary>A person closes an email: nothing more is sent for it (it did arrive, or it should not).</summary>
    public Task<Delivery> CloseAsync(string id, CancellationToken ct) =>
        ChangeAsync(id, [DeliveryState.Failed, DeliveryState.Unconfirmed, DeliveryState.Pending], d => d with { State = DeliveryState.Closed }, "closed", ct);

    private async Task<Delivery> ChangeAsync(string id, DeliveryState[] from, Func<Delivery, Delivery> change, string verb, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
            throw new AlertRejectedException("give the id of an email as `spine-review alerts status` prints it (for example 20261101090000123-1a2b3c4d)");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var d = await deliveries.FindAsync(id, ct) ?? throw new AlertRejectedException($"no alert email has the id {id}; `spine-review alerts status` lists them", 404);
            if (!from.Contains(d.State))
                throw new AlertRejectedException($"email {id} is {d.State.ToString().ToLowerInvariant()}; only {string.Join(" or ", from.Select(f => f.ToString().ToLowerInvariant()))} emails can be {verb}", 409);
            if (await deliveries.TryUpdateAsync(change(d), ct) is { } done) return done;
        }
        throw new InvalidOperationException($"email {id} kept changing (10 tries); try again");
    }

    /// <summary>The studies that can be alerted now: people's inclusions (eligible from when they were settled) and, when asked, those
    /// the model ranks at or above the high threshold that people have not settled (eligible from when they entered the queue).</summary>
    private static IEnumerable<Candidate> Eligible(IEnumerable<QueueEntry> queue, bool includeLikely, double threshold)
    {
        foreach (var q in queue)
        {
            if (q.Status == ScreeningStatus.Final && q.Included == true && !q.AutoExcluded && q.SettledAt is { } settled)
                yield return new Candidate(q.RecordKey, AlertLabel.Included, settled, q);
            else if (includeLikely && q.Status != ScreeningStatus.Final && !q.AutoExcluded && q.Probability >= threshold)
                yield return new Candidate(q.RecordKey, AlertLabel.LikelyEligible, q.EnqueuedAt, q);
        }
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>?> ChartedAsync(string key, CancellationToken ct)
    {
        var fields = await extractions.GetAsync(key, ct);
        return fields.Count == 0 ? null : fields.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value.Effective.ToList(), StringComparer.Ordinal);
    }

    // The studies of an email as they stand now: an inclusion since undone is left out; a likely one people have since included is shown as
    // included; a likely one people have not settled stays only while the model still ranks it at or above the high threshold (and likely
    // ones are still asked for), so that its reason, given with the probability of this moment, is true when it is sent.
    private async Task<List<DigestStudy>> StudiesAsync(IReadOnlyList<AlertItem> items, CancellationToken ct)
    {
        var list = new List<DigestStudy>();
        var threshold = screeningOptions.Value.HighThreshold;
        IReadOnlyList<RecordChange>? notices = null;
        foreach (var item in items)
        {
            if (item.Label is AlertLabel.Retracted or AlertLabel.Concern)
            {
                // Told while the record says so: a retraction while it is marked retracted, a concern while it is not.
                if (await records.GetAsync(item.StudyKey, ct) is not { } noticed || Retractions.IsMarked(noticed.Record) != (item.Label == AlertLabel.Retracted)) continue;
                notices ??= await changes.ListAsync(ct);
                var notice = notices.LastOrDefault(c => c.RecordKey == item.StudyKey && (item.Label == AlertLabel.Retracted ? c.Retracts : c.Kind == RecordChange.ExpressionOfConcern));
                if (notice is null && item.Label == AlertLabel.Concern) continue;
                var standing = await screening.GetQueueEntryAsync(item.StudyKey, ct) switch
                {
                    { Status: ScreeningStatus.Final, Included: true } => StudyStanding.Included,
                    { Status: ScreeningStatus.Final } or { AutoExcluded: true } => StudyStanding.Excluded,
                    _ => StudyStanding.Undecided,
                };
                list.Add(Study(item.StudyKey, noticed.Record, item.Label, await ChartedAsync(item.StudyKey, ct) ?? new Dictionary<string, IReadOnlyList<string>>(),
                    DigestComposer.NoticeWhy(item.Label, notice?.Describe(), standing)));
                continue;
            }
            var entry = await screening.GetQueueEntryAsync(item.StudyKey, ct);
            var stored = await records.GetAsync(item.StudyKey, ct);
            var fields = await ChartedAsync(item.StudyKey, ct);
            if (entry is null || stored is null || fields is null || Retractions.IsMarked(stored.Record)) continue;
            var included = entry.Status == ScreeningStatus.Final && entry.Included == true;
            var stillLikely = item.Label == AlertLabel.LikelyEligible && Options.IncludeLikelyEligible && entry.Status != ScreeningStatus.Final && !entry.AutoExcluded
                              && entry.Probability >= threshold;
            var label = included ? AlertLabel.Included : stillLikely ? AlertLabel.LikelyEligible : (AlertLabel?)null;
            if (label is not { } l) continue;
            list.Add(Study(item.StudyKey, stored.Record, l, fields, DigestComposer.Why(l, fields, entry.How, entry.Probability, threshold)));
        }
        return list;
    }

    private static DigestStudy Study(string key, BibRecord r, AlertLabel label, IReadOnlyDictionary<string, IReadOnlyList<string>> fields, string why)
    {
        var venue = r.Journal ?? r.JournalAbbreviation ?? (r.Source == SourceName.Arxiv.Name ? "arXiv (preprint)" : null);
        return new DigestStudy(key, r.Title, r.Authors.Select(a => a.Name).ToList(), venue, r.Year, r.Doi, label, fields, why);
    }

    private async Task MoveDigestCursorAsync(Subscriber s, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await subscribers.GetAsync(s.Id, ct);
            if (current is null || current.DigestCursor >= now) return;
            if (await subscribers.TryReplaceAsync(current with { DigestCursor = now }, ct)) return;
        }
    }

    /// <summary>Wait before the attempt after <paramref name="attempts"/> failed ones: Alerts:RetryDelayMinutes, doubling, at most a day.</summary>
    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromMinutes(Math.Min(24 * 60, Options.RetryDelayMinutes * Math.Pow(2, Math.Max(0, attempts - 1))));

    private static string Describe(Delivery d, DateTimeOffset now) => d.State switch
    {
        DeliveryState.Pending => $"will be tried again in {(d.NextAttemptAt - now).TotalMinutes:0} minutes (attempt {d.Attempts + 1})",
        DeliveryState.Failed => "failed and is kept for a person (alerts status, alerts retry)",
        _ => "may have gone out and is kept as unconfirmed for a person",
    };
}
