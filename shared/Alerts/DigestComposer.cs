using System.Globalization;
using System.Net;
using System.Text;
using MimeKit;

namespace SpineReview.Alerts;

/// <summary>Why a study is in an alert.</summary>
public enum AlertLabel
{
    /// <summary>People's final decision is include.</summary>
    Included,
    /// <summary>The model ranks it above the high threshold; people have not decided yet.</summary>
    LikelyEligible,
    /// <summary>An earlier email sent it, and it has since been retracted: a notice, sent once.</summary>
    Retracted,
    /// <summary>An earlier email sent it, and its journal has since published an expression of concern about it: a notice, sent once.</summary>
    Concern,
}

/// <summary>Where a study stands in the review when a notice about it is sent.</summary>
public enum StudyStanding
{
    /// <summary>People included it.</summary>
    Included,
    /// <summary>People (or the model) excluded it.</summary>
    Excluded,
    /// <summary>People have not settled it.</summary>
    Undecided,
}

/// <summary>One study as an alert shows it.</summary>
/// <param name="Charted">Charted values by form field, people's corrections in place.</param>
/// <param name="Why">Why it is in the alert, in words (<see cref="DigestComposer.Why"/>).</param>
public sealed record DigestStudy(string Key, string Title, IReadOnlyList<string> Authors, string? Venue, int? Year, string? Doi, AlertLabel Label,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Charted, string Why);

/// <summary>Who a digest goes to and the links it carries.</summary>
public sealed record DigestContext(string? Name, AlertPreferences Preferences, string UnsubscribeUrl, string LatestReportUrl, string SubjectPrefix);

/// <summary>An email's subject and its two parts.</summary>
public sealed record ComposedMail(string Subject, string Text, string Html);

/// <summary>Composes alert emails: a plain-text and an HTML part with the same content. Pure: no clock, no I/O.</summary>
public static class DigestComposer
{
    /// <summary>The review the alerts come from, as named in every email.</summary>
    public const string Review = "The use of deep learning in medical imaging to improve spine care (living review)";

    /// <summary>The charted fields an alert shows, with their labels, in this order.</summary>
    public static IReadOnlyList<(string Field, string Label)> Shown { get; } =
    [
        ("modality", "Modality"), ("mriSequence", "MRI sequence"), ("region", "Region"), ("condition", "Condition"), ("application", "Application"),
        ("task", "Task"), ("dlMethod", "Method"), ("architectures", "Architectures"), ("subjects", "Subjects"), ("images", "Images"),
        ("datasetOrigin", "Data"), ("externalValidation", "External validation"), ("codeAvailable", "Code shared"),
    ];

    /// <summary>Label of a study that is not confirmed yet.</summary>
    public const string LikelyLabel = "Likely eligible, not yet confirmed";

    /// <summary>Label of a study an earlier alert sent that has since been retracted.</summary>
    public const string RetractedLabel = "Retracted";

    /// <summary>Label of a study an earlier alert sent that has since been given an expression of concern.</summary>
    public const string ConcernLabel = "Expression of concern";

    /// <summary>Why a retraction notice or an expression-of-concern notice is sent: the notice (as <c>RecordChange.Describe</c> words it)
    /// when the refresh kept one, and where the study stands in the review now.</summary>
    public static string NoticeWhy(AlertLabel label, string? notice, StudyStanding standing)
    {
        var where = standing switch
        {
            StudyStanding.Included => label == AlertLabel.Retracted
                ? "It stays counted among the included studies until reviewers decide again; the next report flags it in its table of studies and under what is new."
                : "It stays among the included studies; the next report lists the notice under what is new.",
            StudyStanding.Excluded => "Reviewers have since excluded it from the review.",
            _ => label == AlertLabel.Retracted
                ? "Reviewers had not decided on it yet; the next report flags it in its table of studies and under what is new."
                : "Reviewers have not decided on it yet; the next report lists the notice under what is new.",
        };
        return label == AlertLabel.Retracted
            ? $"{(notice is null ? "the source now marks it retracted" : $"{notice}, found by the review's refresh")}. {where}"
            : $"{notice ?? "an expression of concern"}, found by the review's refresh: the journal has concerns about its results. {where}";
    }

    private static string WhyLabel(AlertLabel label) => label switch
    {
        AlertLabel.Included => "Why included:",
        AlertLabel.Retracted => "Retraction:",
        AlertLabel.Concern => "Notice:",
        _ => "Why listed:",
    };

    /// <summary>The digest of one or more studies for one subscriber.</summary>
    public static ComposedMail Digest(IReadOnlyList<DigestStudy> studies, DigestContext context)
    {
        ArgumentNullException.ThrowIfNull(studies);
        ArgumentNullException.ThrowIfNull(context);
        if (studies.Count == 0) throw new ArgumentException("a digest needs at least one study", nameof(studies));
        var likely = studies.Count(s => s.Label == AlertLabel.LikelyEligible);
        var retracted = studies.Count(s => s.Label == AlertLabel.Retracted);
        var concern = studies.Count(s => s.Label == AlertLabel.Concern);
        var eligible = studies.Count - retracted - concern;
        var subject = Subject(studies, context, likely, retracted, concern);

        var intro = eligible switch
        {
            0 => "",
            1 => $"A study became eligible for the review \"{Review}\".",
            _ => $"{eligible} studies became eligible for the review \"{Review}\".",
        };
        if (likely > 0)
            intro += $" {(likely == 1 ? "One of them is" : $"{likely} of them are")} only likely eligible: the screening model ranks {(likely == 1 ? "it" : "them")} high, and reviewers have not decided yet.";
        if (retracted > 0)
            intro = (intro + " " + (retracted == 1
                ? $"A study an earlier alert from the review \"{Review}\" sent you has been retracted."
                : $"{retracted} studies earlier alerts from the review \"{Review}\" sent you have been retracted.")).Trim();
        if (concern > 0)
            intro = (intro + " " + (concern == 1
                ? $"A study an earlier alert from the review \"{Review}\" sent you is the subject of an expression of concern by its journal."
                : $"{concern} studies earlier alerts from the review \"{Review}\" sent you are the subject of expressions of concern by their journals.")).Trim();
        var asked = eligible == 0
            ? "This notice is sent once, to everyone an alert sent the study to, whatever their alert settings."
            : $"You asked for {context.Preferences.Filters.Describe()}, {Frequency(context.Preferences.Frequency)}.";

        var text = new StringBuilder();
        text.Append(context.Name is null ? "Hello," : $"Hello {context.Name},").Append("\n\n").Append(intro).Append('\n').Append(asked).Append("\n\n");
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(E(subject)).Append("</title></head>")
            .Append("<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1a1a1a;max-width:680px\">")
            .Append("<p>").Append(E(context.Name is null ? "Hello," : $"Hello {context.Name},")).Append("</p>")
            .Append("<p>").Append(E(intro)).Append("<br>").Append(E(asked)).Append("</p><ol style=\"padding-left:20px\">");

        var n = 0;
        foreach (var s in studies)
        {
            n++;
            var doi = DoiUrl(s.Doi);
            var facts = Facts(s.Charted);
            text.Append(CultureInfo.InvariantCulture, $"{n}. ");
            if (s.Label == AlertLabel.LikelyEligible) text.Append('[').Append(LikelyLabel.ToUpperInvariant()).Append("] ");
            if (s.Label == AlertLabel.Retracted) text.Append('[').Append(RetractedLabel.ToUpperInvariant()).Append("] ");
            if (s.Label == AlertLabel.Concern) text.Append('[').Append(ConcernLabel.ToUpperInvariant()).Append("] ");
            text.Append(MailRules.Flatten(s.Title, 1000)).Append('\n');
            text.Append("   ").Append(Authors(s.Authors)).Append('\n');
            text.Append("   ").Append(VenueYear(s)).Append('\n');
            if (doi is not null) text.Append("   ").Append(doi).Append('\n');
            foreach (var (label, value) in facts) text.Append("   ").Append(label).Append(": ").Append(value).Append('\n');
            text.Append("   ").Append(WhyLabel(s.Label)).Append(' ').Append(s.Why).Append("\n\n");

            html.Append("<li style=\"margin-bottom:18px\">");
            if (s.Label == AlertLabel.LikelyEligible)
                html.Append("<div style=\"display:inline-block;background:#fff3cd;color:#664d03;font-size:12px;padding:1px 6px;border-radius:3px\">")
                    .Append(E(LikelyLabel)).Append("</div><br>");
            if (s.Label == AlertLabel.Retracted)
                html.Append("<div style=\"display:inline-block;background:#f8d7da;color:#842029;font-size:12px;font-weight:bold;padding:1px 6px;border-radius:3px\">")
                    .Append(E(RetractedLabel)).Append("</div><br>");
            if (s.Label == AlertLabel.Concern)
                html.Append("<div style=\"display:inline-block;background:#fff3cd;color:#664d03;font-size:12px;font-weight:bold;padding:1px 6px;border-radius:3px\">")
                    .Append(E(ConcernLabel)).Append("</div><br>");
            html.Append("<strong>").Append(doi is null ? E(MailRules.Flatten(s.Title, 1000)) : $"<a href=\"{E(doi)}\">{E(MailRules.Flatten(s.Title, 1000))}</a>").Append("</strong><br>")
                .Append(E(Authors(s.Authors))).Append("<br><em>").Append(E(VenueYear(s))).Append("</em>");
            if (doi is not null) html.Append(" &middot; <a href=\"").Append(E(doi)).Append("\">").Append(E(doi)).Append("</a>");
            if (facts.Count > 0)
            {
                html.Append("<table style=\"border-collapse:collapse;margin:6px 0;font-size:13px\">");
                foreach (var (label, value) in facts)
                    html.Append("<tr><td style=\"padding:1px 10px 1px 0;color:#555\">").Append(E(label)).Append("</td><td>").Append(E(value)).Append("</td></tr>");
                html.Append("</table>");
            }
            html.Append("<div style=\"font-size:13px\"><span style=\"color:#555\">").Append(WhyLabel(s.Label))
                .Append("</span> ").Append(E(s.Why)).Append("</div></li>");
        }

        text.Append("The latest report (PDF): ").Append(context.LatestReportUrl).Append("\n\n");
        text.Append("--\nYou get these alerts because you subscribed and confirmed your address.\n");
        text.Append("Unsubscribe in one click: ").Append(context.UnsubscribeUrl).Append('\n');
        html.Append("</ol><p><a href=\"").Append(E(context.LatestReportUrl)).Append("\">The latest report (PDF)</a></p>")
            .Append("<hr style=\"border:none;border-top:1px solid #ddd\"><p style=\"font-size:12px;color:#555\">You get these alerts because you subscribed and confirmed your address. ")
            .Append("<a href=\"").Append(E(context.UnsubscribeUrl)).Append("\">Unsubscribe in one click</a>.</p></body></html>");
        return new ComposedMail(subject, text.ToString(), html.ToString());
    }

    /// <summary>The double opt-in email: nothing is sent to the address until its link is followed.</summary>
    public static ComposedMail Confirmation(string confirmUrl, AlertPreferences preferences, double validHours, string subjectPrefix, string? name)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        var subject = $"{subjectPrefix} Confirm your alert subscription".Trim();
        var hours = validHours.ToString("0", CultureInfo.InvariantCulture);
        var what = $"Someone, hopefully you, asked for email alerts from the review \"{Review}\": {preferences.Filters.Describe()}, {Frequency(preferences.Frequency)}.";
        const string Nothing = "Nothing is sent to this address until you confirm. If it was not you, ignore this email: without confirmation the request lapses.";
        var text = $"{(name is null ? "Hello," : $"Hello {name},")}\n\n{what}\n\nTo confirm, open this link within {hours} hours:\n{confirmUrl}\n\n{Nothing}\n";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(E(subject)).Append("</title></head>")
            .Append("<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1a1a1a;max-width:680px\">")
            .Append("<p>").Append(E(name is null ? "Hello," : $"Hello {name},")).Append("</p><p>").Append(E(what)).Append("</p>")
            .Append("<p><a href=\"").Append(E(confirmUrl)).Append("\" style=\"background:#0b5cad;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none\">Confirm the subscription</a></p>")
            .Append("<p style=\"font-size:13px\">Or open this link within ").Append(hours).Append(" hours: <a href=\"").Append(E(confirmUrl)).Append("\">").Append(E(confirmUrl)).Append("</a></p>")
            .Append("<p style=\"font-size:13px;color:#555\">").Append(E(Nothing)).Append("</p></body></html>")
            .ToString();
        return new ComposedMail(subject, text, html);
    }

    /// <summary>
    /// Why a study is in an alert, from what is stored: for an inclusion, the eligibility criteria as charted and how people
    /// settled it (never who); for a likely one, the model's probability when the email is sent (the caller reads it then) against the threshold.
    /// </summary>
    /// <param name="settledHow">The screening queue's "how" (for example "2 reviewers agreed", "resolved by ...").</param>
    public static string Why(AlertLabel label, IReadOnlyDictionary<string, IReadOnlyList<string>> charted, string? settledHow, double probability, double threshold)
    {
        ArgumentNullException.ThrowIfNull(charted);
        IReadOnlyList<string> Values(string field) => charted.TryGetValue(field, out var v) ? v : [];
        var method = string.Join(", ", Values("dlMethod").Concat(Values("architectures")));
        var modality = Words(Values("modality"));
        var region = Words(Values("region").Select(r => r == "WholeSpine" ? "whole" : r.ToLowerInvariant()).ToList());
        var application = Values("application") is [var first, ..] ? first : "";
        var criteria = new StringBuilder("deep learning");
        if (method.Length > 0) criteria.Append(" (").Append(method).Append(')');
        criteria.Append(" on ").Append(modality.Length > 0 ? modality : "medical imaging");
        criteria.Append(region.Length > 0 ? $" of the {region} spine" : " of the spine");
        if (application.Length > 0) criteria.Append(", for ").Append(application switch
        {
            "Diagnostic" => "diagnosis",
            "DecisionSupport" => "clinical decision support",
            "Assessment" => "automated assessment",
            "OutcomePrediction" => "outcome prediction",
            _ => "clinical use",
        });
        if (label == AlertLabel.LikelyEligible)
            return FormattableString.Invariant($"the screening model gave it {probability:0.00} when this email was sent, at or above the {threshold:0.00} threshold for likely eligible ({criteria}); reviewers had not decided yet.");
        var how = settledHow switch
        {
            null or "" => "reviewers included it",
            var h when h.StartsWith("resolved by", StringComparison.Ordinal) => "the two reviewers disagreed and a third reviewer included it",
            "1 reviewers agreed" => "one reviewer included it",
            var h when h.EndsWith(" reviewers agreed", StringComparison.Ordinal) => $"{h.Replace(" reviewers agreed", "", StringComparison.Ordinal)} reviewers included it independently",
            _ => "reviewers included it",
        };
        return $"meets the protocol's criteria: {criteria}; {how}.";
    }

    // "a", "a and b", "a, b and c".
    private static string Words(IReadOnlyList<string> values) => values.Count switch
    {
        0 => "",
        1 => values[0],
        _ => string.Join(", ", values.Take(values.Count - 1)) + " and " + values[^1],
    };

    private static string Subject(IReadOnlyList<DigestStudy> studies, DigestContext context, int likely, int retracted, int concern)
    {
        var prefix = context.SubjectPrefix.Length == 0 ? "" : context.SubjectPrefix + " ";
        if (retracted == studies.Count)
            return retracted == 1 ? $"{prefix}Retracted: a study you were alerted to: {MailRules.Flatten(studies[0].Title, 80)}"
                : $"{prefix}Retracted: {retracted} studies you were alerted to";
        if (concern == studies.Count)
            return concern == 1 ? $"{prefix}Expression of concern: a study you were alerted to: {MailRules.Flatten(studies[0].Title, 70)}"
                : $"{prefix}Expressions of concern: {concern} studies you were alerted to";
        if (retracted + concern == studies.Count)
            return $"{prefix}Notices about {studies.Count} studies you were alerted to: {retracted} retracted, {concern} with an expression of concern";
        if (retracted + concern > 0)
            return $"{prefix}{studies.Count - retracted - concern} newly eligible studies and notices about {retracted + concern} you were alerted to";
        var digest = context.Preferences.Frequency switch { AlertFrequency.Daily => "Daily digest: ", AlertFrequency.Weekly => "Weekly digest: ", _ => "" };
        if (studies.Count == 1)
            return $"{prefix}{digest}{(likely == 1 ? "Likely eligible study" : "New eligible study")}: {MailRules.Flatten(studies[0].Title, 90)}";
        return $"{prefix}{digest}{studies.Count} newly eligible studies{(likely > 0 ? $" ({likely} not yet confirmed)" : "")}";
    }

    private static string Frequency(AlertFrequency f) => f switch
    {
        AlertFrequency.Daily => "in a daily digest",
        AlertFrequency.Weekly => "in a weekly digest",
        _ => "as soon as they are found",
    };

    private static List<(string Label, string Value)> Facts(IReadOnlyDictionary<string, IReadOnlyList<string>> charted)
    {
        var list = new List<(string, string)>();
        foreach (var (field, label) in Shown)
        {
            if (!charted.TryGetValue(field, out var values) || values.Count == 0) continue;
            var shown = values.Select(v => v switch
            {
                "true" => "yes",
                "false" => "no",
                "WholeSpine" => "whole spine",
                _ => MailRules.Flatten(v, 200),
            });
            list.Add((label, string.Join(", ", shown)));
        }
        return list;
    }

    private static string Authors(IReadOnlyList<string> authors) => authors.Count switch
    {
        0 => "Authors not listed",
        <= 3 => string.Join(", ", authors.Select(a => MailRules.Flatten(a, 120))),
        _ => string.Join(", ", authors.Take(3).Select(a => MailRules.Flatten(a, 120))) + $" et al. ({authors.Count} authors)",
    };

    private static string VenueYear(DigestStudy s) =>
        string.Join(", ", new[] { s.Venue is { Length: > 0 } v ? MailRules.Flatten(v, 200) : "Venue not listed", s.Year?.ToString(CultureInfo.InvariantCulture) ?? "year not listed" });

    /// <summary>https://doi.org/ link of a DOI, each path segment escaped; null without a DOI.</summary>
    public static string? DoiUrl(string? doi) =>
        string.IsNullOrWhiteSpace(doi) ? null : "https://doi.org/" + string.Join('/', doi.Trim().Split('/').Select(Uri.EscapeDataString));

    private static string E(string text) => WebUtility.HtmlEncode(text);
}

/// <summary>Turns a composed email into a MIME message with its headers. Pure: every header value is checked to be one line.</summary>
public static class MessageBuilder
{
    /// <summary>The one-click unsubscribe body RFC 8058 defines.</summary>
    public const string OneClick = "List-Unsubscribe=One-Click";

    /// <param name="unsubscribeUrl">For alerts: sent as List-Unsubscribe with List-Unsubscribe-Post (RFC 8058); null for the confirmation email.</param>
    /// <param name="messageId">Without angle brackets; the same for every attempt at one email, so a receiver can tell a repeat.</param>
    public static MimeMessage Build(ComposedMail mail, MailboxAddress from, MailboxAddress to, string messageId, DateTimeOffset date, string? unsubscribeUrl, string listId)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        MailRules.OneLine("subject", mail.Subject);
        MailRules.OneLine("sender name", from.Name ?? "");
        MailRules.OneLine("recipient name", to.Name ?? "");
        MailRules.OneLine("message id", messageId);
        var message = new MimeMessage { Subject = mail.Subject, MessageId = messageId, Date = date };
        message.From.Add(from);
        message.To.Add(to);
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("List-Id", MailRules.OneLine("list id", listId));
        if (unsubscribeUrl is not null)
        {
            MailRules.OneLine("unsubscribe link", unsubscribeUrl);
            // RFC 8058: one-click unsubscribe needs an https URI (http only for a local test server's links).
            if (!Uri.TryCreate(unsubscribeUrl, UriKind.Absolute, out var u) || !(u.Scheme == "https" || u.Scheme == "http" && MailRules.IsLoopback(u.Host)))
                throw new AlertRejectedException("the unsubscribe link must be an https URL (http only for localhost); check setting Alerts:PublicBaseUrl");
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>");
            message.Headers.Add("List-Unsubscribe-Post", OneClick);
        }
        message.Body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html }.ToMessageBody();
        return message;
    }
}
