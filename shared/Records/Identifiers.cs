using System.Text.RegularExpressions;

namespace SpineReview.Records;

/// <summary>Normalises identifiers so the same work compares equal whatever form a source wrote.</summary>
public static partial class Identifiers
{
    /// <summary>Lower-case DOI without "doi:" or resolver URL; null when it is not a DOI.</summary>
    /// <summary>The doi.org address of a DOI, each path segment escaped (a DOI may hold #, ?, spaces or brackets).</summary>
    public static string DoiUrl(string doi)
    {
        ArgumentNullException.ThrowIfNull(doi);
        return "https://doi.org/" + string.Join('/', doi.Split('/').Select(Uri.EscapeDataString));
    }

    public static string? NormaliseDoi(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = raw.Trim();
        var resolver = DoiPrefix().Match(s);
        s = DoiPrefix().Replace(s, "");
        // Resolver URLs carry the DOI percent-encoded ("10.1016/S0735-1097%2813%2962048-3").
        if (resolver.Success && s.Contains('%', StringComparison.Ordinal)) s = Uri.UnescapeDataString(s);
        s = s.Trim().TrimEnd('.', ',', ';');
        if (!s.StartsWith("10.", StringComparison.Ordinal) || !s.Contains('/', StringComparison.Ordinal)) return null;
        return s.ToLowerInvariant();
    }

    /// <summary>"PMC1234567" form; null when absent.</summary>
    public static string? NormalisePmcid(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = raw.Trim().ToUpperInvariant();
        if (!s.StartsWith("PMC", StringComparison.Ordinal)) s = "PMC" + s;
        return s;
    }

    /// <summary>An arXiv id without its version ("2101.01234v2" gives "2101.01234"); null when absent.</summary>
    public static string? NormaliseArxivId(string? raw) =>
        string.IsNullOrWhiteSpace(raw) ? null : ArxivVersion().Replace(raw.Trim(), "");

    [GeneratedRegex(@"(?<=\d)v\d+$")]
    private static partial Regex ArxivVersion();

    [GeneratedRegex(@"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", RegexOptions.IgnoreCase)]
    private static partial Regex DoiPrefix();
}
