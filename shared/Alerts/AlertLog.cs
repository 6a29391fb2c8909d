using Microsoft.Extensions.Logging;

namespace SpineReview.Alerts;

/// <summary>The alerts' log lines (source-generated). Addresses and tokens are never logged: subscribers by id, emails by delivery id.</summary>
internal static partial class AlertLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert email {Delivery} to {Subscriber} was interrupted while sending; kept as unconfirmed for a person")]
    public static partial void Interrupted(ILogger logger, string delivery, string subscriber);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert email {Delivery}: stopped while sending, and the row changed meanwhile; left as it is")]
    public static partial void StoppedRowChanged(ILogger logger, string delivery);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert email {Delivery}: attempt {Attempt} failed (SMTP status {SmtpStatus}: {Error}) but the row changed meanwhile; its failure is not recorded")]
    public static partial void FailedRowChanged(ILogger logger, string delivery, int attempt, int? smtpStatus, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert email {Delivery} to {Subscriber}: {State} after attempt {Attempt} (SMTP status {SmtpStatus}): {Error}")]
    public static partial void AttemptFailed(ILogger logger, string delivery, string subscriber, DeliveryState state, int attempt, int? smtpStatus, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert email {Delivery} was accepted by the server, but a person changed it meanwhile (retried it); their change stands and it is not recorded as sent")]
    public static partial void AcceptedRowChanged(ILogger logger, string delivery);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {MessageId} accepted by {Server}")]
    public static partial void Accepted(ILogger logger, string? messageId, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribe {Subscriber}: a confirmation was sent {Minutes:0} minutes ago; none sent now")]
    public static partial void ConfirmationRecentlySent(ILogger logger, string subscriber, double minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribe {Subscriber}: the confirmation email was not sent (SMTP status {SmtpStatus}): {Error}")]
    public static partial void ConfirmationNotSent(ILogger logger, string subscriber, int? smtpStatus, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribe {Subscriber}: confirmation sent ({Preferences})")]
    public static partial void ConfirmationSent(ILogger logger, string subscriber, string preferences);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmed {Subscriber} ({Preferences}, {Frequency})")]
    public static partial void Confirmed(ILogger logger, string subscriber, string preferences, AlertFrequency frequency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unsubscribed {Subscriber}")]
    public static partial void Unsubscribed(ILogger logger, string subscriber);
}
