using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace SpineReview.Alerts;

/// <summary>What a subscribe request did. Callers that answer the public must not tell the two apart (no enumeration of addresses).</summary>
public enum SubscribeOutcome
{
    ConfirmationSent,
    /// <summary>A confirmation email went to this address a few minutes ago; no other is sent yet.</summary>
    ConfirmationRecentlySent,
}

/// <summary>What following a link did.</summary>
public sealed record LinkResult(bool AlreadyDone, Subscriber Subscriber);

/// <summary>A subscriber as an admin sees them: no token, secret or hash, and no address once they have unsubscribed.</summary>
/// <param name="LastDigest">Where the digests have reached (null for immediate alerts).</param>
public sealed record SubscriberView(string Id, string? Address, string? Name, string Status, string Frequency, IReadOnlyList<string> Modality,
    IReadOnlyList<string> Region, IReadOnlyList<string> Condition, IReadOnlyList<string> Task, bool ChangeWaitingForConfirmation,
    DateTimeOffset SubscribedAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? UnsubscribedAt, DateTimeOffset? LastDigest)
{
    public static SubscriberView Of(Subscriber s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var f = s.Preferences.Filters;
        return new SubscriberView(s.Id, s.Status == SubscriberStatus.Unsubscribed ? null : s.Address, s.Name, s.Status.ToString(), s.Preferences.Frequency.ToString(),
            f.Modality, f.Region, f.Condition, f.Task, s.Status == SubscriberStatus.Confirmed && s.Requested is not null, s.SubscribedAt, s.ConfirmedAt,
            s.UnsubscribedAt, s.Preferences.Frequency == AlertFrequency.Immediate ? null : s.DigestCursor);
    }
}

/// <summary>Subscribing with double opt-in, confirming, unsubscribing in one click, and the subscriber list.</summary>
public sealed class SubscriptionService(SubscriberStore store, SmtpMailer mailer, AlertLinks links, IOptions<AlertOptions> options,
    TimeProvider time, ILogger<SubscriptionService> log)
{
    private AlertOptions Options => options.Value;

    /// <summary>
    /// Checks the request, stores it and sends the confirmation email. A confirmed subscriber's new preferences wait for the new
    /// link too, so nobody can change another person's alerts by typing their address.
    /// </summary>
    public async Task<SubscribeOutcome> SubscribeAsync(SubscriptionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var address = MailRules.Address(request.Email);
        var name = MailRules.Name(request.Name);
        var preferences = new AlertPreferences(AlertFilters.Parse(request.Modality, request.Region, request.Condition, request.Task),
            AlertPreferences.ParseFrequency(request.Frequency));
        if (!mailer.Options.Configured)
            throw new AlertRejectedException("alerts cannot be subscribed to on this server yet: email is not set up (setting Smtp:Host)", 503);
        var from = mailer.From();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var now = time.GetUtcNow();
            // The address finds its subscriber through the index; a new one gets a random id.
            var known = await store.FindIdAsync(address, ct);
            var current = known is null ? null : await store.GetAsync(known, ct);
            if (known is not null && current is not { Status: not SubscriberStatus.Unsubscribed })
            {
                await store.DropStaleIndexAsync(address, ct);
                continue;
            }
            var id = current?.Id ?? AlertTokens.NewSubscriberId();
            if (current is { Status: not SubscriberStatus.Unsubscribed, ConfirmationSentAt: { } last } && now - last < TimeSpan.FromMinutes(Options.ConfirmationIntervalMinutes))
            {
                AlertLog.ConfirmationRecentlySent(log, id, (now - last).TotalMinutes);
                return SubscribeOutcome.ConfirmationRecentlySent;
            }
            var secret = AlertTokens.NewSecret();
            Subscriber next;
            bool stored;
            if (current is null)
            {
                next = new Subscriber(id, address, name, SubscriberStatus.Pending, preferences, preferences, now, null, null, null, null,
                    AlertTokens.Hash(secret), now, false, null, AlertTokens.NewSecret(), default);
                stored = await store.TryAddAsync(next, ct);
            }
            else
            {
                next = current with
                {
                    Address = address,
                    // Only an unconfirmed request is replaced outright; a confirmed subscriber keeps what they confirmed until the new link is followed.
                    Name = current.Status == SubscriberStatus.Pending ? name : current.Name,
                    Preferences = current.Status == SubscriberStatus.Pending ? preferences : current.Preferences,
                    Requested = preferences,
                    ConfirmHash = AlertTokens.Hash(secret),
                    ConfirmRequestedAt = now,
                    ConfirmUsed = false,
                };
                stored = await store.TryReplaceAsync(next, ct);
            }
            if (!stored) continue;

            var mail = DigestComposer.Confirmation(links.Confirm(AlertTokens.Token(id, secret)), preferences, Options.ConfirmationValidHours, Options.SubjectPrefix, name);
            var message = MessageBuilder.Build(mail, from, new MailboxAddress(name ?? "", address),
                $"confirm.{id[..12]}.{AlertTokens.NewSecret()[..10]}@{from.Domain}", now, null, links.ListId);
            try
            {
                await using var session = mailer.Open();
                await session.SendAsync(message, ct);
            }
            catch (MailSendException e) when (e.Canceled)
            {
                throw new OperationCanceledException("the confirmation email was not sent: the request was cancelled", e, ct);
            }
            catch (MailSendException e)
            {
                AlertLog.ConfirmationNotSent(log, id, e.StatusCode, e.Message);
                throw new AlertRejectedException("the confirmation email could not be sent just now; please try again in a few minutes", 503);
            }
            await RecordConfirmationSentAsync(id, next.ConfirmHash!, now, ct);
            AlertLog.ConfirmationSent(log, id, preferences.Filters.Describe());
            return SubscribeOutcome.ConfirmationSent;
        }
        throw new InvalidOperationException("the subscription kept changing under this request (10 tries); try again");
    }

    /// <summary>Follows a confirmation link: the requested preferences take effect and alerts begin with studies eligible from now on.</summary>
    public async Task<LinkResult> ConfirmAsync(string? token, CancellationToken ct)
    {
        const string Invalid = "this confirmation link is not valid (it may have been replaced by a newer one): copy the whole link from the latest email, or subscribe again";
        if (!AlertTokens.TryParse(token, out var id, out var secret)) throw new AlertRejectedException(Invalid, 404);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var s = await store.GetAsync(id, ct);
            if (s is null || s.Status == SubscriberStatus.Unsubscribed || !AlertTokens.Same(AlertTokens.Hash(secret), s.ConfirmHash))
                throw new AlertRejectedException(Invalid, 404);
            if (s.ConfirmUsed) return new LinkResult(true, s);
            var now = time.GetUtcNow();
            if (s.ConfirmRequestedAt is { } asked && now - asked > TimeSpan.FromHours(Options.ConfirmationValidHours))
                throw new AlertRejectedException($"this confirmation link has expired (links are valid for {Options.ConfirmationValidHours:0} hours): subscribe again for a new one", 410);
            var next = s with
            {
                Status = SubscriberStatus.Confirmed,
                Preferences = s.Requested ?? s.Preferences,
                Requested = null,
                ConfirmedAt = now,
                // New to this subscriber: studies that become eligible after the first confirmation, not the whole backlog.
                Since = s.Since ?? now,
                DigestCursor = s.DigestCursor ?? now,
                ConfirmUsed = true,
            };
            if (await store.TryReplaceAsync(next, ct))
            {
                AlertLog.Confirmed(log, id, next.Preferences.Filters.Describe(), next.Preferences.Frequency);
                return new LinkResult(false, next);
            }
        }
        throw new InvalidOperationException("the subscription kept changing under this request (10 tries); try again");
    }

    /// <summary>Follows an unsubscribe link (one click, RFC 8058): nothing more is sent and the address is removed.</summary>
    public async Task<LinkResult> UnsubscribeAsync(string? token, CancellationToken ct)
    {
        const string Invalid = "this unsubscribe link is not valid: use the whole link from the latest alert email";
        if (!AlertTokens.TryParse(token, out var id, out var secret)) throw new AlertRejectedException(Invalid, 404);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var s = await store.GetAsync(id, ct);
            if (s is null || !AlertTokens.Same(secret, s.UnsubscribeSecret)) throw new AlertRejectedException(Invalid, 404);
            if (s.Status == SubscriberStatus.Unsubscribed) return new LinkResult(true, s);
            // The secret stays, so that a second click says "already unsubscribed"; the address and name go.
            var next = s with
            {
                Status = SubscriberStatus.Unsubscribed, UnsubscribedAt = time.GetUtcNow(), Address = "", Name = null, Requested = null, ConfirmHash = null,
            };
            // The address's index row goes with the address: subscribing again later makes a new subscriber with a new id.
            if (await store.TryReplaceReleasingAsync(next, s.Address, ct))
            {
                AlertLog.Unsubscribed(log, id);
                return new LinkResult(false, next);
            }
        }
        throw new InvalidOperationException("the subscription kept changing under this request (10 tries); try again");
    }

    /// <summary>Every subscriber (for admins).</summary>
    public async Task<List<Subscriber>> ListAsync(CancellationToken ct)
    {
        return (await store.ListAsync(null, ct)).OrderBy(s => s.SubscribedAt).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every subscriber as an admin sees them, for <paramref name="who"/> (a sign-in name) if setting Alerts:Admins names them.</summary>
    /// <exception cref="AlertRejectedException">403 when <paramref name="who"/> is not an alerts admin.</exception>
    public async Task<List<SubscriberView>> ListForAdminAsync(string who, CancellationToken ct)
    {
        if (!Options.AdminList().Contains(who, StringComparer.OrdinalIgnoreCase))
            throw new AlertRejectedException($"{who} is not an alerts admin: the admins are named in setting Alerts:Admins.", 403);
        return (await ListAsync(ct)).Select(SubscriberView.Of).ToList();
    }

    // When the confirmation went out, so that another is not sent within the interval; only if no newer request replaced it meanwhile.
    private async Task RecordConfirmationSentAsync(string id, string confirmHash, DateTimeOffset at, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var s = await store.GetAsync(id, ct);
            if (s is null || s.ConfirmHash != confirmHash) return;
            if (await store.TryReplaceAsync(s with { ConfirmationSentAt = at }, ct)) return;
        }
    }
}
