using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SpineReview.Records;

namespace SpineReview.Sources.Imports;

/// <summary>One entry as a reader collects it, field by field, before it becomes a record.</summary>
internal sealed class EntryDraft(int line)
{
    /// <summary>The line the entry starts on, from 1.</summary>
    public int Line { get; } = line;
    /// <summary>The platform's own id of the record (accession number), when the export carries one.</summary>
    public string? Accession { get; set; }
    public string? Title { get; set; }
    public string? Abstract { get; set; }
    public string? YearText { get; set; }
    public string? Doi { get; set; }
    public string? Pmid { get; set; }
    public string? Pmcid { get; set; }
    public string? Journal { get; set; }
    public string? JournalAbbreviation { get; set; }
    public string? Volume { get; set; }
    public string? Issue { get; set; }
    public string? StartPage { get; set; }
    public string? EndPage { get; set; }
    public string? Pages { get; set; }
    public List<string> Authors { get; } = [];
    /// <summary>Authors kept as written: groups ("Spine AI Consortium"), not people's names to shorten.</summary>
    public HashSet<string> AsWritten { get; } = new(StringComparer.Ordinal);
    /// <summary>Authors already written "Surname Initials" (MEDLINE's AU), used when there are no full names.</summary>
    public List<string> ShortAuthors { get; } = [];
    public List<string> Types { get; } = [];
    public List<string> Keywords { get; } = [];
    public List<string> Mesh { get; } = [];
    public List<string> Language { get; } = [];

    /// <summary>The record, or the reason the entry cannot be one.</summary>
    public (BibRecord? Record, ImportProblem? Problem) Complete(string source)
    {
        var title = ImportFields.Clean(Title);
        if (title.Length == 0) return (null, new ImportProblem(Line, "the entry has no title; it was not imported"));
        var year = ImportFields.Year(YearText);
        if (YearText is not null && year is null && ImportFields.Clean(YearText).Length > 0)
            return (null, new ImportProblem(Line, $"the entry's year \"{ImportFields.Clean(YearText)}\" is not a year; it was not imported"));
        var authors = (Authors.Count > 0 ? Authors.Select(a => AsWritten.Contains(a) ? ImportFields.Clean(a) : ImportFields.Author(a)) : ShortAuthors.Select(ImportFields.Clean))
            .Where(a => a.Length > 0).Select(a => new Author(a, [])).ToList();
        var doi = Identifiers.NormaliseDoi(Doi);
        var pmid = ImportFields.Clean(Pmid) is { Length: > 0 } p && p.All(char.IsAsciiDigit) ? p : null;
        var pages = ImportFields.Clean(Pages) is { Length: > 0 } pg ? pg
            : ImportFields.Clean(StartPage) is { Length: > 0 } sp ? (ImportFields.Clean(EndPage) is { Length: > 0 } ep && ep != sp ? $"{sp}-{ep}" : sp) : null;
        var record = new BibRecord
        {
            Source = source,
            SourceId = ImportFields.SourceId(Accession, pmid, doi, title, year, authors.FirstOrDefault()?.Name),
            Pmid = pmid,
            Doi = doi,
            Pmcid = Identifiers.NormalisePmcid(Pmcid),
            Title = title,
            Abstract = ImportFields.Clean(Abstract) is { Length: > 0 } a ? a : null,
            Year = year,
            Journal = ImportFields.Clean(Journal) is { Length: > 0 } j ? j : null,
            JournalAbbreviation = ImportFields.Clean(JournalAbbreviation) is { Length: > 0 } ja ? ja : null,
            Volume = ImportFields.Clean(Volume) is { Length: > 0 } v ? v : null,
            Issue = ImportFields.Clean(Issue) is { Length: > 0 } i ? i : null,
            Pages = pages,
            Authors = authors,
            PublicationTypes = Distinct(Types),
            Keywords = Distinct(Keywords),
            Mesh = Distinct(Mesh),
            Language = Distinct(Language),
        };
        return (record, null);
    }

    private static List<string> Distinct(List<string> values) =>
        values.Select(ImportFields.Clean).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}

/// <summary>What every format's reader needs: names as "Surname Initials", years, white space, and a stable id per record.</summary>
internal static partial class ImportFields
{
    /// <summary>The text with runs of white space folded to one space and the ends trimmed; "" for null.</summary>
    public static string Clean(string? text) => text is null ? "" : Space().Replace(text, " ").Trim();

    /// <summary>The first plausible publication year in the text ("2025///", "2025 Jun 28", "2025-06-28"); null when none.</summary>
    public static int? Year(string? text)
    {
        if (text is null) return null;
        var m = YearPattern().Match(text);
        return m.Success ? int.Parse(m.Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>An author as the sources store one, "Surname Initials" ("Hallinan JTPD"), from "Surname, Given Names",
    /// "Surname, G.N.", "Surname GN" or "Given Names Surname"; a group's name stays as written.</summary>
    public static string Author(string raw)
    {
        var name = Clean(raw).TrimEnd('.', ',', ';');
        if (name.Length == 0) return "";
        if (GroupWords().IsMatch(name)) return name;
        var comma = name.IndexOf(',', StringComparison.Ordinal);
        string surname, given;
        if (comma >= 0)
        {
            surname = name[..comma].Trim();
            given = name[(comma + 1)..].Trim();
            // "Surname, Jr., Given" (BibTeX's three-part form): the suffix is not a given name.
            var second = given.IndexOf(',', StringComparison.Ordinal);
            if (second >= 0) given = given[(second + 1)..].Trim();
        }
        else
        {
            var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 1) return name;
            // "Hallinan JTPD": already the short form.
            if (IsInitials(words[^1])) return $"{string.Join(' ', words[..^1])} {words[^1].Replace(".", "", StringComparison.Ordinal)}";
            surname = words[^1];
            given = string.Join(' ', words[..^1]);
        }
        return given.Length == 0 ? surname : $"{surname} {Initials(given)}";
    }

    // "JTPD", "J.T.P.D.", "J": upper-case letters only, at most four, so a short given name ("Li", "Bo") is not taken for initials.
    private static bool IsInitials(string word)
    {
        var letters = word.Replace(".", "", StringComparison.Ordinal);
        return letters.Length is > 0 and <= 4 && letters.All(char.IsUpper);
    }

    private static string Initials(string given)
    {
        var letters = new string(given.Where(char.IsLetter).ToArray());
        if (IsInitials(letters)) return letters;
        return string.Concat(given.Split([' ', '.', '-'], StringSplitOptions.RemoveEmptyEntries).Where(p => char.IsLetter(p[0])).Select(p => char.ToUpperInvariant(p[0])));
    }

    /// <summary>A PMID written in a free-text field ("PMID: 40647478", "PubMed ID 40647478"); null when there is none.</summary>
    public static string? PmidIn(string? text) => text is not null && PmidPattern().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The record's id within its import source: the platform's accession number, else its PMID, else its DOI, else
    /// a hash of title, year and first author. The same entry in the same (or a later) export gets the same id, so importing
    /// it again stores nothing twice.</summary>
    public static string SourceId(string? accession, string? pmid, string? doi, string title, int? year, string? firstAuthor)
    {
        if (Clean(accession) is { Length: > 0 } a) return a;
        if (pmid is not null) return "pmid:" + pmid;
        if (doi is not null) return "doi:" + doi;
        var key = $"{title.ToLowerInvariant()}|{year}|{firstAuthor?.ToLowerInvariant()}";
        return "h:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();

    [GeneratedRegex(@"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")]
    private static partial Regex YearPattern();

    [GeneratedRegex(@"\b(?:PMID|PubMed\s+ID)\s*[:=]?\s*(\d{1,9})\b", RegexOptions.IgnoreCase)]
    private static partial Regex PmidPattern();

    [GeneratedRegex(@"\b(?:Group|Consortium|Collaborat\w*|Investigators|Committee|Society|Network|Initiative|Team)\b", RegexOptions.IgnoreCase)]
    private static partial Regex GroupWords();
}
