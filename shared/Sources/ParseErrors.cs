using System.Text.Json;
using System.Xml;

namespace SpineReview.Sources;

/// <summary>Where a malformed document breaks, said once and counted from 1: the parsers put the position in their own
/// messages already (System.Text.Json counting lines from 0), so a caller that adds it again says it twice.</summary>
internal static class ParseErrors
{
    /// <summary>"what is wrong (line L, position P)".</summary>
    public static string Describe(XmlException e)
    {
        if (e.LineNumber == 0) return e.Message;
        // XmlException appends " Line L, position P." to the message it was given.
        var suffix = $" Line {e.LineNumber}, position {e.LinePosition}.";
        var reason = e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
        return $"{reason.TrimEnd('.', ' ')} (line {e.LineNumber}, position {e.LinePosition})";
    }

    /// <summary>"what is wrong (line L, byte B)".</summary>
    public static string Describe(JsonException e) =>
        e.LineNumber is { } line && e.BytePositionInLine is { } b ? $"{Reason(e)} (line {line + 1}, byte {b + 1})" : e.Message;

    /// <summary>System.Text.Json's message without its zero-based "LineNumber: L | BytePositionInLine: B." ending.</summary>
    public static string Reason(JsonException e)
    {
        var at = e.Message.LastIndexOf(" LineNumber: ", StringComparison.Ordinal);
        return (at < 0 ? e.Message : e.Message[..at]).TrimEnd('.', ' ', '|');
    }
}
