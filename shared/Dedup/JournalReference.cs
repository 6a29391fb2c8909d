using System.Globalization;
using System.Text.RegularExpressions;

namespace SpineReview.Dedup;

/// <summary>A venue field that holds a whole citation, as arXiv's journal reference does ("Medical Image Analysis 73 (2021)
/// 102166", "NeuroImage: Clinical 31 (2021) 102766"): the journal's name, volume, year and first page, read apart. Pure.</summary>
public static partial class JournalReference
{
    /// <summary>The record with the venue's citation read into its venue, volume, pages and year where those fields are empty
    /// (the year of publication replaces the preprint's); the record unchanged when its venue is a plain name.</summary>
    public static DedupRecord Apply(DedupRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (string.IsNullOrWhiteSpace(r.Venue) || Citation().Match(r.Venue) is not { Success: true } m) return r;
        var year = int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture);
        return r with
        {
            Venue = m.Groups["name"].Value.Trim().TrimEnd(',', '.').Trim(),
            Volume = string.IsNullOrWhiteSpace(r.Volume) ? m.Groups["volume"].Value : r.Volume,
            Pages = string.IsNullOrWhiteSpace(r.Pages) && m.Groups["pages"].Success ? m.Groups["pages"].Value : r.Pages,
            Year = year,
        };
    }

    [GeneratedRegex(@"^(?<name>\p{L}[^()]*?\p{L}[.,]?)\s+(?<volume>\d{1,4})\s*(?:\(\d{1,3}\)\s*)?[,:]?\s*\((?<year>(?:19|20)\d{2})\)\s*[,:]?\s*(?:(?<pages>[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?))?\.?\s*$")]
    private static partial Regex Citation();
}
