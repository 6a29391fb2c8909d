using System.Globalization;
using MimeKit;

namespace SpineReview.Alerts;

/// <summary>Thrown for alert input that cannot be accepted as given; the message says what was wrong and what to do.</summary>
public sealed class AlertRejectedException(string message, int status = 400) : Exception(message)
{
    /// <summary>The HTTP status that fits: 400 bad input, 404 unknown or used link, 410 expired link, 503 mail not set up or not sent.</summary>
    public int Status { get; } = status;
}

/// <summary>Checks of what goes into a mail header: addresses, names, subjects. Pure.</summary>
public static partial class MailRules
{
    private static readonly ParserOptions Strict = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>
    /// Checks an email address as a person typed it and returns it as it will be used (trimmed; an international domain in its
    /// ASCII form). A bare address only: no display name, no angle brackets, no comments, no quoted local part, one line.
    /// </summary>
    public static string Address(string? input, string what = "email address")
    {
        if (string.IsNullOrWhiteSpace(input)) throw new AlertRejectedException($"give an {what}, for example jane.doe@example.org");
        var a = input.Trim();
        OneLine(what, a);
        if (a.Length > 254) throw new AlertRejectedException($"the {what} has {a.Length} characters; an address has at most 254");
        if (a.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new AlertRejectedException($"the {what} \"{Show(a)}\" contains a space or a control character; give the bare address, for example jane.doe@example.org");
        if (a.IndexOfAny(['<', '>', '"', '(', ')', ',', ';', '[', ']', '\\']) >= 0)
            throw new AlertRejectedException($"the {what} \"{Show(a)}\" is not a bare address: give it without a name, angle brackets, quotes or a second address (for example jane.doe@example.org)");
        var at = a.LastIndexOf('@');
        if (at <= 0 || at == a.Length - 1 || a.IndexOf('@') != at)
            throw new AlertRejectedException($"the {what} \"{Show(a)}\" is not an email address: it needs one @ with a name before it and a domain after it (jane.doe@example.org)");
        var local = a[..at];
        var domain = a[(at + 1)..];
        if (local.Length > 64) throw new AlertRejectedException($"the part before @ of the {what} has {local.Length} characters; at most 64 are allowed");
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal) || local.Any(c => c > 127 || !(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c))))
            throw new AlertRejectedException($"the part before @ of the {what} \"{Show(a)}\" has characters an address cannot have there; use letters, digits and . _ - + (no dot at either end, no two dots together)");
        string ascii;
        if (domain.All(char.IsAscii)) ascii = domain.ToLowerInvariant();
        else
        {
            // An international domain travels in its ASCII (punycode) form; the app runs with invariant globalisation, which may not map it.
            try { ascii = Idn.GetAscii(domain).ToLowerInvariant(); }
            catch (Exception e) when (e is ArgumentException or PlatformNotSupportedException)
            {
                throw new AlertRejectedException($"the domain \"{Show(domain)}\" of the {what} cannot be used as given; write an international domain in its ASCII form (xn--...)");
            }
        }
        var labels = ascii.Split('.');
        if (labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-') || !l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            || !(labels[^1].All(char.IsAsciiLetter) && labels[^1].Length >= 2 || labels[^1].StartsWith("xn--", StringComparison.Ordinal)))
            throw new AlertRejectedException($"the domain \"{Show(domain)}\" of the {what} is not a domain mail can be sent to; it needs a name and a top-level domain, for example example.org");
        var normalised = $"{local}@{ascii}";
        // MimeKit's own strict parser must read it as exactly this one mailbox.
        if (!MailboxAddress.TryParse(Strict, normalised, out var mailbox) || mailbox.Address != normalised || !string.IsNullOrEmpty(mailbox.Name) || mailbox.Route.Count > 0)
            throw new AlertRejectedException($"the {what} \"{Show(a)}\" is not an email address that can be used as given; check it for typing errors");
        return normalised;
    }

    /// <summary>Checks a person's name as it would appear in the To header: optional, one line, at most 100 characters.</summary>
    public static string? Name(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        var name = input.Trim();
        OneLine("name", name);
        if (name.Any(char.IsControl)) throw new AlertRejectedException("the name contains a control character; give it as plain text");
        if (name.Length > 100) throw new AlertRejectedException($"the name has {name.Length} characters; keep it to 100");
        return name;
    }

    /// <summary>
    /// Rejects a header value with a line break: CR or LF inside a header would end it and start another (header injection, such as
    /// an added Bcc). Returns the value when it is one line.
    /// </summary>
    public static string OneLine(string what, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var i = value.IndexOfAny(['\r', '\n', '\u0085', '\u2028', '\u2029']);
        if (i >= 0)
            throw new AlertRejectedException(
                $"the {what} contains a line break ({(value[i] == '\r' ? "CR" : value[i] == '\n' ? "LF" : "a Unicode line separator")}) at character {i + 1}: a mail header must be one line, " +
                "and a line break could add headers of its own (header injection). Remove the line break and try again.");
        return value;
    }

    /// <summary>Text from harvested records (titles) made fit for a header: whitespace and line breaks become single spaces.</summary>
    public static string Flatten(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Trim();
        flat = new string(flat.Where(c => !char.IsControl(c)).ToArray());
        return flat.Length <= max ? flat : flat[..(max - 1)].TrimEnd() + "…";
    }

    /// <summary>An address as it may appear in logs and status lines: j***@example.org.</summary>
    public static string Mask(string? address)
    {
        if (string.IsNullOrEmpty(address)) return "(removed)";
        var at = address.LastIndexOf('@');
        return at <= 0 ? "***" : $"{address[0]}***{address[at..]}";
    }

    /// <summary>Whether a host name or address is this machine: localhost, 127.0.0.0/8 or ::1 (brackets allowed).</summary>
    public static bool IsLoopback(string? host)
    {
        var h = (host ?? "").Trim().TrimStart('[').TrimEnd(']');
        return string.Equals(h, "localhost", StringComparison.OrdinalIgnoreCase)
               || System.Net.IPAddress.TryParse(h, out var ip) && System.Net.IPAddress.IsLoopback(ip);
    }

    /// <summary>
    /// Text from elsewhere (an SMTP server's answer, an exception) made fit to store and log: every email address in it, with its
    /// angle brackets, becomes "&lt;address&gt;". Servers often quote the recipient in their errors.
    /// </summary>
    public static string Scrub(string? text) => string.IsNullOrEmpty(text) ? "" : AnyAddress().Replace(text, "<address>");

    [System.Text.RegularExpressions.GeneratedRegex(@"<?[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*>?")]
    private static partial System.Text.RegularExpressions.Regex AnyAddress();

    // Echo at most 80 characters of what was given, with control characters shown, never a line break.
    private static string Show(string value)
    {
        var shown = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return shown.Length <= 80 ? shown : shown[..77] + "...";
    }
}
