using System.Globalization;

namespace SpineReview.Dedup;

/// <summary>One bibliographic record as the deduplicator sees it.</summary>
public sealed record DedupRecord(string Id, string Title, string Authors, int? Year, string Venue, string Volume, string Number, string Pages, string? Doi, string Abstract)
{
    /// <summary>A harvested record as the deduplicator sees it.</summary>
    public static DedupRecord From(Records.BibRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new DedupRecord(r.Key, r.Title, string.Join("; ", r.Authors.Select(a => Surname(a.Name))), r.Year, r.Journal ?? r.JournalAbbreviation ?? "", r.Volume ?? "", r.Issue ?? "",
            r.Pages ?? "", r.Doi, "");
    }

    // Sources write names two ways: "Smith JA" (PubMed, Europe PMC) and "John A. Smith" (arXiv, IEEE, OpenAlex). The surname
    // is the part before the initials in the first, the last word with its particles ("van der Berg") in the second.
    private static string Surname(string name)
    {
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length <= 1) return name.Trim();
        if (name.Contains(',', StringComparison.Ordinal)) return name[..name.IndexOf(',', StringComparison.Ordinal)].Trim();
        var last = words[^1];
        if (last.Length <= 3 && last.All(char.IsUpper)) return string.Join(' ', words[..^1]);
        var start = words.Length - 1;
        while (start > 1 && Particles.Contains(words[start - 1])) start--;
        return string.Join(' ', words[start..]);
    }

    private static readonly HashSet<string> Particles = new(StringComparer.OrdinalIgnoreCase)
    {
        "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "ten", "ter", "al", "el", "bin",
    };
}

/// <summary>Reads the benchmark formats: the bib-dedupe CSV (ID, title, year, author, pages, volume, number, journal or
/// booktitle, doi, abstract) and the ASySD CSV (record_id written as id_ and 7 digits).</summary>
public static class DedupFiles
{
    public static List<DedupRecord> ReadRecords(string path)
    {
        // Exports are UTF-8 mostly, Latin-1 sometimes (the ASySD set): decode strictly and fall back.
        var bytes = File.ReadAllBytes(path);
        string text;
        try { text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (System.Text.DecoderFallbackException) { text = System.Text.Encoding.Latin1.GetString(bytes); }
        using var reader = new StringReader(text.TrimStart('\uFEFF'));
        var list = new List<DedupRecord>();
        foreach (var row in Csv.ReadWithHeader(reader))
        {
            string Get(string key) => row.TryGetValue(key, out var v) ? v.Trim() : "";
            var id = Get("ID");
            if (id.Length == 0 && Get("record_id") is { Length: > 0 } rid && int.TryParse(rid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                id = $"id_{n:D7}";
            if (id.Length == 0) throw new InvalidDataException($"{path}: a row has neither ID nor record_id; expected the bib-dedupe or ASySD CSV.");
            var venue = Get("journal");
            if (venue.Length == 0) venue = Get("booktitle");
            var number = Get("number");
            if (number.Length == 0) number = Get("issue");
            list.Add(new DedupRecord(id, Get("title"), Get("author"),
                int.TryParse(Get("year"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) ? y : null,
                venue, Get("volume"), number, Get("pages"), Records.Identifiers.NormaliseDoi(Get("doi")), Get("abstract")));
        }
        return list;
    }

    /// <summary>The truth file: one group per line, ids joined by ';', header merged_ids.</summary>
    public static List<string[]> ReadTruth(string path)
    {
        using var reader = new StreamReader(path);
        return Csv.ReadWithHeader(reader)
            .Select(r => (r.TryGetValue("merged_ids", out var v) ? v : r.Values.First()).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(g => g.Length > 0).ToList();
    }
}
