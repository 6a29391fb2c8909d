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
/// booktitle, doi, abstract) and the ASySD CSV (record_id written as id_ and 7 digits). A file that is not one of them is
/// refused with its name, the line and what is wrong, never scored.</summary>
public static class DedupFiles
{
    private const string RecordsFormat = "the bib-dedupe CSV (ID,title,year,author,pages,volume,number,ENTRYTYPE,journal) or the ASySD CSV " +
        "(author,title,year,journal,abstract,doi,number,pages,volume,isbn,record_id,label,source)";

    private const string TruthFormat = "the truth CSV: a header merged_ids, then one group of duplicates a line, its ids joined by ';'";

    /// <exception cref="InvalidDataException">Not a benchmark records file: empty, binary, columns missing, no rows, an id missing or used twice.</exception>
    public static List<DedupRecord> ReadRecords(string path)
    {
        var table = Csv.ReadFile(path, RecordsFormat);
        var idColumn = table.Column("ID");
        var recordIdColumn = table.Column("record_id");
        // What the matcher compares; both formats have every one of them.
        (string Name, string[] Names)[] needed =
            [("title", ["title"]), ("author", ["author"]), ("year", ["year"]), ("journal (or booktitle)", ["journal", "booktitle"]),
             ("volume", ["volume"]), ("number (or issue)", ["number", "issue"]), ("pages", ["pages"])];
        var missing = needed.Where(n => table.Column(n.Names) < 0).Select(n => n.Name).ToList();
        if (idColumn < 0 && recordIdColumn < 0) missing.Insert(0, "ID (or record_id)");
        if (missing.Count > 0)
            throw table.Error(1, $"the header lacks {string.Join(", ", missing)}; expected {RecordsFormat}");
        if (table.Rows.Count == 0) throw new InvalidDataException($"{path} has a header and no records; expected {RecordsFormat}");
        int C(params string[] names) => table.Column(names);
        var (title, author, year, volume, pages, doi, summary) = (C("title"), C("author"), C("year"), C("volume"), C("pages"), C("doi"), C("abstract"));
        // A bib-dedupe row may leave the journal empty and give the booktitle, or the number and give the issue.
        var (journal, booktitle, number, issue) = (C("journal"), C("booktitle"), C("number"), C("issue"));
        var list = new List<DedupRecord>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            string Get(int column) => row[column].Trim();
            var id = Get(idColumn);
            if (id.Length == 0 && Get(recordIdColumn) is { Length: > 0 } rid)
                id = int.TryParse(rid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
                    ? $"id_{n:D7}"
                    : throw table.Error(row.Line, $"record_id is \"{rid}\"; the ASySD CSV numbers its records");
            if (id.Length == 0) throw table.Error(row.Line, "the record has no ID (nor record_id); every record needs one, as the truth file names records by it");
            if (!firstLine.TryAdd(id, row.Line)) throw table.Error(row.Line, $"the id {id} is used again (first on line {firstLine[id]}); ids must be unique");
            var venue = Get(journal);
            if (venue.Length == 0) venue = Get(booktitle);
            var no = Get(number);
            if (no.Length == 0) no = Get(issue);
            list.Add(new DedupRecord(id, Get(title), Get(author),
                int.TryParse(Get(year), NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) ? y : null,
                venue, Get(volume), no, Get(pages), Records.Identifiers.NormaliseDoi(Get(doi)), Get(summary)));
        }
        return list;
    }

    /// <summary>The truth file: one group per line, ids joined by ';', header merged_ids.</summary>
    /// <exception cref="InvalidDataException">Not a truth file: empty, binary, no merged_ids header, an id twice, or no group of two or more.</exception>
    public static List<string[]> ReadTruth(string path) => ReadTruth(path, null);

    /// <summary>The truth file, checked against the records it describes: every id it names must be one of them.</summary>
    /// <exception cref="InvalidDataException">As <see cref="ReadTruth(string)"/>, or an id that is not a record of the records file.</exception>
    public static List<string[]> ReadTruth(string path, IReadOnlyCollection<DedupRecord>? records)
    {
        var table = Csv.ReadFile(path, TruthFormat);
        var column = table.Column("merged_ids");
        if (column < 0)
            throw table.Error(1, $"the header is \"{string.Join(",", table.Header)}\", not merged_ids; expected {TruthFormat}");
        var known = records?.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new List<string[]>();
        foreach (var row in table.Rows)
        {
            var group = row[column].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var id in group)
            {
                if (known is not null && !known.Contains(id))
                    throw table.Error(row.Line, $"{id} is not a record of the records file; are the two files of the same benchmark?");
                if (!seen.TryAdd(id, row.Line)) throw table.Error(row.Line, $"{id} is in a group already (line {seen[id]}); a record belongs to one group");
            }
            if (group.Length > 0) groups.Add(group);
        }
        if (!groups.Any(g => g.Length > 1))
            throw new InvalidDataException($"{path} names no group of duplicates (no line with two or more ids): there is nothing to score; expected {TruthFormat}");
        return groups;
    }
}
