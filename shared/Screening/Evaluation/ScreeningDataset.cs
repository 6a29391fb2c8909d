using System.Globalization;
using System.IO.Compression;
using SpineReview.Dedup;
using SpineReview.Sources;
using SpineReview.Sources.OpenAlex;

namespace SpineReview.Screening.Evaluation;

/// <summary>One labelled record of a screening benchmark.</summary>
public sealed record LabelledRecord(string Id, string Title, string Abstract, bool Included)
{
    /// <summary>The text the models read.</summary>
    public string Text => Title + "\n" + Abstract;
}

/// <summary>Reads labelled screening datasets: the ASReview CSV, or a SYNERGY folder (labels.csv + OpenAlex works_*.zip).</summary>
public static class ScreeningDataset
{
    /// <summary>Reads a file or folder, telling the two forms apart by what the path is.</summary>
    public static IReadOnlyList<LabelledRecord> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) return ReadSynergy(path);
        if (File.Exists(path)) return ReadAsReviewCsv(path);
        throw new FileNotFoundException($"{path}: no such file or folder (give an ASReview CSV or a SYNERGY folder with labels.csv and works_*.zip)", path);
    }

    /// <summary>ASReview CSV: columns title, abstract and label_included (0/1); other columns ignored.</summary>
    public static IReadOnlyList<LabelledRecord> ReadAsReviewCsv(string file)
    {
        var table = ReadTable(file, "the ASReview CSV (columns title, abstract and label_included; other columns ignored)", "title", "abstract", "label_included");
        var (title, summary, label, recordId) = (table.Column("title"), table.Column("abstract"), table.Column("label_included"), table.Column("record_id"));
        var list = new List<LabelledRecord>();
        foreach (var row in table.Rows)
        {
            var id = row[recordId] is { Length: > 0 } r ? r : (list.Count + 1).ToString(CultureInfo.InvariantCulture);
            list.Add(new LabelledRecord(id, row[title], row[summary], Label(table, row, label)));
        }
        return Check(list, file);
    }

    /// <summary>SYNERGY: labels.csv (openalex_id, label_included) and the works in works_*.zip (OpenAlex JSON arrays).</summary>
    public static IReadOnlyList<LabelledRecord> ReadSynergy(string folder)
    {
        var labelsFile = Path.Combine(folder, "labels.csv");
        if (!File.Exists(labelsFile)) throw new FileNotFoundException($"{folder}: a SYNERGY folder needs labels.csv", labelsFile);
        var works = new Dictionary<string, (string Title, string Abstract)>(StringComparer.OrdinalIgnoreCase);
        var zips = Directory.GetFiles(folder, "works_*.zip").Order(StringComparer.Ordinal).ToList();
        if (zips.Count == 0) throw new FileNotFoundException($"{folder}: no works_*.zip beside labels.csv; this dataset has labels only and cannot be screened by text");
        foreach (var zip in zips)
        {
            using var archive = ZipFile.OpenRead(zip);
            foreach (var entry in archive.Entries.Where(e => e.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
            {
                using var s = entry.Open();
                OpenAlexPage page;
                try { page = OpenAlexJson.Parse(s); }
                catch (SourceException e) { throw new FormatException($"{zip}!{entry.FullName}: {e.Message}", e); }
                foreach (var w in page.Records) works[w.SourceId] = (w.Title, w.Abstract ?? "");
            }
        }
        var table = ReadTable(labelsFile, "a SYNERGY labels.csv (columns openalex_id and label_included)", "openalex_id", "label_included");
        var (openAlexId, label) = (table.Column("openalex_id"), table.Column("label_included"));
        var list = new List<LabelledRecord>();
        foreach (var row in table.Rows)
        {
            var url = row[openAlexId].Trim();
            var id = url[(url.LastIndexOf('/') + 1)..];
            // A work the zip does not hold is kept with an empty text: it still counts, as it did for the reviewers.
            var (title, text) = works.TryGetValue(id, out var w) ? w : ("", "");
            list.Add(new LabelledRecord(id, title, text, Label(table, row, label)));
        }
        return Check(list, labelsFile);
    }

    // The file as a table with the columns it needs; what is wrong as a FormatException naming the file and the line.
    private static CsvTable ReadTable(string file, string format, params string[] columns)
    {
        CsvTable table;
        try { table = Csv.ReadFile(file, format); }
        catch (InvalidDataException e) { throw new FormatException(e.Message, e); }
        var missing = columns.Where(c => table.Column(c) < 0).ToList();
        if (missing.Count > 0)
            throw new FormatException($"{file}: line 1: the header lacks {string.Join(", ", missing)}; expected {format}");
        return table;
    }

    // Anything but 0 or 1 would silently count as an exclusion.
    private static bool Label(CsvTable table, CsvRow row, int column) => row[column].Trim() switch
    {
        "1" => true,
        "0" => false,
        var other => throw new FormatException($"{table.File}: line {row.Line}: label_included is \"{other}\"; it must be 0 or 1"),
    };

    private static bool HasText(LabelledRecord r) => r.Title.Any(char.IsLetterOrDigit) || r.Abstract.Any(char.IsLetterOrDigit);

    private static List<LabelledRecord> Check(List<LabelledRecord> list, string file)
    {
        var included = list.Count(r => r.Included);
        if (included < 2 || included == list.Count)
            throw new FormatException($"{file}: {list.Count} records, {included} included; a simulation needs at least two included and one excluded record");
        if (!list.Any(r => r.Included && HasText(r)) || !list.Any(r => !r.Included && HasText(r)))
            throw new FormatException($"{file}: the included or the excluded records all lack a title and abstract; a simulation starts from one of each with text");
        return list;
    }
}
