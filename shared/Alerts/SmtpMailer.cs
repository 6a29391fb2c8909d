using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace SpineReview.Alerts;

/// <summary>What is known about an email whose sending failed.</summary>
public enum SendFailure
{
    /// <summary>The server never took the message (no connection, refused login, a 4xx answer, a break before the recipient was accepted): safe to try again.</summary>
    NotSent,
    /// <summary>The server refused it for good (5xx for the recipient or the message): trying again would fail the same way.</summary>
    Rejected,
    /// <summary>The connection broke after the recipient was accepted, while the message was on its way: it may have been delivered.</summary>
    Uncertain,
}

/// <summary>Sending one email failed; <see cref="Failure"/> says whether it can have gone out.</summary>
public sealed class MailSendException(SendFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public SendFailure Failure { get; } = failure;

    /// <summary>Stopped by the caller's cancellation (the app shutting down), not by the server; <see cref="Failure"/> still says whether
    /// the server can have taken the message.</summary>
    public bool Canceled { get; init; }

    /// <summary>The server could not be reached or refused the login: every other email would fail the same way now.</summary>
    public bool ServerUnreachable { get; init; }

    /// <summary>The SMTP status code the server answered with (550, 451...), when it answered with one.</summary>
    public int? StatusCode { get; init; }
}

/// <summary>The SMTP server from settings (section Smtp), over MailKit: STARTTLS, TLS on connect or none; login when a user name is set.</summary>
public sealed class SmtpMailer(IOptions<SmtpOptions> options, ILogger<SmtpMailer> log)
{
    public SmtpOptions Options => options.Value;

    /// <summary>The sender mailbox from settings.</summary>
    public MailboxAddress From()
    {
        var o = Options;
        var address = MailRules.Address(o.FromAddress, "sender address (setting Smtp:FromAddress)");
        return new MailboxAddress(MailRules.OneLine("sender name (setting Smtp:FromName)", o.FromName ?? ""), address);
    }

    /// <summary>A session that connects when the first email is sent and keeps the connection for the next ones.</summary>
    public MailSession Open()
    {
        if (!Options.Configured)
            throw new AlertRejectedException("email is not set up: set Smtp__Host (and Smtp__FromAddress, Smtp__Username, Smtp__Password) to the SMTP server alerts go through", 503);
        return new MailSession(Options, log);
    }
}

/// <summary>One SMTP connection, opened on first use and opened again after a failure.</summary>
public sealed class MailSession : IAsyncDisposable
{
    private readonly SmtpOptions _options;
    private readonly ILogger _log;
    private TrackingSmtpClient? _client;

    internal MailSession(SmtpOptions options, ILogger log)
    {
        _options = options;
        _log = log;
    }

    private string Where => $"{_options.Host}:{_options.Port} ({_options.Security})";

    /// <summary>
    /// Connects and logs in, unless connected already. Throws <see cref="MailSendException"/> (not sent) when the server cannot be
    /// reached or refuses the login, and <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled: either way
    /// no message has been sent. Callers connect before recording that an email is being sent.
    /// </summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        if (_client is { IsConnected: true }) return;
        try
        {
            await OpenAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await DropAsync();
            var hint = e is AuthenticationException ? " (check Smtp:Username and Smtp:Password)"
                : e is SslHandshakeException ? " (check Smtp:Security and Smtp:Port: STARTTLS is usually 587, TLS on connect 465)"
                : "";
            throw new MailSendException(SendFailure.NotSent, $"could not connect to the SMTP server {Where}: {FirstLine(e.Message)}{hint}", e)
            {
                ServerUnreachable = true,
                StatusCode = e is SmtpCommandException c ? (int)c.StatusCode : null,
            };
        }
        catch (OperationCanceledException)
        {
            await DropAsync();
            throw;
        }
    }

    /// <summary>
    /// Sends one message (connecting first if needed); throws <see cref="MailSendException"/> saying whether it can have gone out:
    /// anything that stops it before the server accepted the recipient, the caller's cancellation included, means it was not sent.
    /// </summary>
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        await ConnectAsync(ct);

        var client = _client!;
        client.RecipientAccepted = false;
        try
        {
            await client.SendAsync(message, ct);
        }
        catch (SmtpCommandException e)
        {
            // The server answered with an error: it did not take the message.
            var permanent = (int)e.StatusCode >= 500 && e.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted;
            throw new MailSendException(permanent ? SendFailure.Rejected : SendFailure.NotSent,
                $"the SMTP server {Where} answered {(int)e.StatusCode} ({e.ErrorCode}): {FirstLine(e.Message)}", e)
            {
                StatusCode = (int)e.StatusCode,
            };
        }
        catch (Exception e)
        {
            var accepted = client.RecipientAccepted;
            await DropAsync();
            // Before the recipient was accepted no message text had been sent; after it, the server may have taken the message.
            var what = accepted ? "while the message was being sent" : "before the message was sent";
            if (e is OperationCanceledException && ct.IsCancellationRequested)
                throw new MailSendException(accepted ? SendFailure.Uncertain : SendFailure.NotSent, $"sending through {Where} was stopped {what} (the app is shutting down)", e)
                {
                    Canceled = true,
                };
            throw new MailSendException(accepted ? SendFailure.Uncertain : SendFailure.NotSent, $"the connection to {Where} broke {what}: {FirstLine(e.Message)}", e);
        }
        AlertLog.Accepted(_log, message.MessageId, Where);
    }

    private async Task OpenAsync(CancellationToken ct)
    {
        await DropAsync();
        var client = new TrackingSmtpClient { Timeout = (int)Math.Clamp(_options.TimeoutSeconds * 1000, 1000, 600_000) };
        _client = client;
        var security = _options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.Auto => SecureSocketOptions.Auto,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(_options.Host!, _options.Port, security, ct);
        if (!string.IsNullOrEmpty(_options.Username))
            await client.AuthenticateAsync(_options.Username, _options.Password ?? "", ct);
    }

    private async Task DropAsync()
    {
        if (_client is not { } client) return;
        _client = null;
        try
        {
            if (client.IsConnected) await client.DisconnectAsync(true, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or TimeoutException or OperationCanceledException)
        {
            // The connection is being thrown away; a failing goodbye changes nothing.
        }
        client.Dispose();
    }

    public async ValueTask DisposeAsync() => await DropAsync();

    // The first line of a server's or the network's message, without email addresses (servers quote the recipient): fit to store and log.
    private static string FirstLine(string text) => MailRules.Flatten(MailRules.Scrub(text.Split('\n')[0]), 300);

    // Knows whether the server accepted the recipient: until then no message text has gone out.
    private sealed class TrackingSmtpClient : SmtpClient
    {
        public bool RecipientAccepted { get; set; }

        protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            RecipientAccepted = true;
            base.OnRecipientAccepted(message, mailbox, response);
        }
    }
}
