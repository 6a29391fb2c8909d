using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SpineReview.Alerts;

/// <summary>Registers the alerts slice: its settings (checked when alerts use them), stores, mailer and services.</summary>
public static class AlertsRegistration
{
    /// <summary>Adds settings Alerts and Smtp with their checks, the subscriber and delivery stores, MailKit over the SMTP server, and the services.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        // Alerts and SMTP are checked when alerts first use them, not when the host starts: a mistake in the e-mail settings
        // stops the alerts (every pass fails with the message naming the setting) but never the harvest, screening or report.
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicBaseUrl)
                           || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" && string.IsNullOrEmpty(u.Query),
                "Setting Alerts:PublicBaseUrl must be the app's absolute https address without a query (for example https://spine-review.example.org); confirm and unsubscribe links start with it.")
            .Validate(o => !Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var u) || u.Scheme != "http" || MailRules.IsLoopback(u.Host),
                "Setting Alerts:PublicBaseUrl must start with https://: one-click unsubscribe (RFC 8058) needs an https link in List-Unsubscribe. " +
                "http is accepted only for localhost, 127.0.0.1 and ::1 (local runs and tests).")
            .Validate<IOptions<SmtpOptions>>((o, smtp) => !string.IsNullOrWhiteSpace(o.PublicBaseUrl) || !smtp.Value.Configured || MailRules.IsLoopback(smtp.Value.Host),
                "Setting Alerts:PublicBaseUrl is not set, and Smtp:Host names a server that is not on this machine: set Alerts__PublicBaseUrl to the app's public " +
                "https address (for example https://spine-review.example.org). Without it the links in real mail would point at localhost.")
            .Validate(o => DigestSchedule.TryParseAt(o.DailyAt, out _), "Setting Alerts:DailyAt must be a time as HH:mm in UTC (for example 07:00).")
            .Validate(o => Enum.IsDefined(o.WeeklyOn), "Setting Alerts:WeeklyOn must be a day of the week (for example Monday).")
            .Validate(o => o.MaxAttempts is >= 1 and <= 20, "Setting Alerts:MaxAttempts must be between 1 and 20.")
            .Validate(o => o.RetryDelayMinutes is >= 0 and <= 1440, "Setting Alerts:RetryDelayMinutes must be between 0 and 1440 (the first wait; it doubles).")
            .Validate(o => o.SendingLeaseMinutes is >= 1 and <= 1440, "Setting Alerts:SendingLeaseMinutes must be between 1 and 1440, and longer than sending one email can take.")
            .Validate<IOptions<SmtpOptions>>((o, smtp) => o.SendingLeaseMinutes >= smtp.Value.TimeoutSeconds * 2 / 60,
                "Setting Alerts:SendingLeaseMinutes must be at least twice Smtp:TimeoutSeconds (in minutes: Smtp:TimeoutSeconds * 2 / 60): " +
                "a shorter lease could mark an email unconfirmed while it is still being sent.")
            .Validate(o => o.ConfirmationValidHours is > 0 and <= 720, "Setting Alerts:ConfirmationValidHours must be above 0 and at most 720 (30 days).")
            .Validate(o => o.ConfirmationIntervalMinutes is >= 0 and <= 1440, "Setting Alerts:ConfirmationIntervalMinutes must be between 0 and 1440.")
            .Validate(o => o.MaxStudiesPerEmail is >= 1 and <= 99, "Setting Alerts:MaxStudiesPerEmail must be between 1 and 99.")
            .Validate(o => o.SubjectPrefix is not null && o.SubjectPrefix.Length <= 60 && OneLine(o.SubjectPrefix),
                "Setting Alerts:SubjectPrefix must be one line (no CR, LF or Unicode line separator: a line break in a subject could add mail headers) of at most 60 characters.");
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section)
            .Validate(o => o.Port is >= 1 and <= 65535, "Setting Smtp:Port must be between 1 and 65535 (587 for STARTTLS, 465 for TLS on connect).")
            .Validate(o => Enum.IsDefined(o.Security), "Setting Smtp:Security must be None, StartTls, SslOnConnect or Auto.")
            .Validate(o => o.TimeoutSeconds is >= 1 and <= 600, "Setting Smtp:TimeoutSeconds must be between 1 and 600.")
            .Validate(o => (o.Host ?? "").IndexOfAny(['\r', '\n', ' ', '/']) < 0, "Setting Smtp:Host must be a server name only (for example smtp.azurecomm.net), without a scheme or spaces.")
            .Validate(o => !o.Configured || FromOk(o), "Setting Smtp:FromAddress must be the sender's email address (one the provider lets you send from) when Smtp:Host is set.")
            .Validate(o => OneLine(o.FromName ?? "") && (o.FromName ?? "").Length <= 100,
                "Setting Smtp:FromName must be one line (no CR, LF or Unicode line separator: a line break in a header could add headers of its own) of at most 100 characters.")
            .Validate(o => o.Security != SmtpSecurity.None || string.IsNullOrEmpty(o.Username) || MailRules.IsLoopback(o.Host),
                "Setting Smtp:Security is None with a user name: the password would cross the network unencrypted. Use StartTls (port 587) or SslOnConnect (465).")
            .Validate(o => o.Security != SmtpSecurity.Auto || string.IsNullOrEmpty(o.Username),
                "Setting Smtp:Security is Auto with a user name: Auto goes without TLS when the server does not offer STARTTLS, so anyone who strips that offer " +
                "on the way would get the password in clear. Use StartTls (port 587) or SslOnConnect (465).")
            .Validate(o => string.IsNullOrEmpty(o.Username) || !string.IsNullOrEmpty(o.Password),
                "Setting Smtp:Username is set and Smtp:Password is not: give the password too (a secret: Key Vault or the environment), or neither for a server without login.");

        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<SmtpMailer>();
        services.AddSingleton<AlertLinks>();
        // A test may stand its own hooks in (registered before or after this).
        services.TryAddSingleton<AlertSendHooks>();
        services.AddTransient<SubscriptionService>();
        services.AddTransient<AlertService>();
        return services;
    }

    // The rule a header value is held to when mail is made up (MailRules.OneLine): no CR, LF, NEL or Unicode line or paragraph separator.
    private static bool OneLine(string value)
    {
        try
        {
            MailRules.OneLine("setting", value);
            return true;
        }
        catch (AlertRejectedException)
        {
            return false;
        }
    }

    private static bool FromOk(SmtpOptions o)
    {
        try
        {
            MailRules.Address(o.FromAddress);
            return true;
        }
        catch (AlertRejectedException)
        {
            return false;
        }
    }
}
