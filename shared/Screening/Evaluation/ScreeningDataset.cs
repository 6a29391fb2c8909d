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
        using var reader = new StreamReader(file);
        var list = new List<LabelledRecord>();
        var line = 1;
        foreach (var row in Csv.ReadWithHeader(reader))
        {
            line++;
            if (list.Count == 0 && (!row.ContainsKey("title") || !row.ContainsKey("label_included")))
                throw new FormatException($"{file}: not an ASReview dataset: the header needs the columns title, abstract and label_included");
            var label = row["label_included"].Trim();
            if (label is not ("0" or "1"))
                throw new FormatException($"{file}: record {line - 1}: label_included is \"{label}\"; it must be 0 or 1");
            var id = row.TryGetValue("record_id", out var r) && r.Length > 0 ? r : (line - 1).ToString(CultureInfo.InvariantCulture);
            list.Add(new LabelledRecord(id, row["title"], row.TryGetValue("abstract", out var a) ? a : "", label == "1"));
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
        using var reader = new StreamReader(labelsFile);
        var list = new List<LabelledRecord>();
        foreach (var row in Csv.ReadWithHeader(reader))
        {
            if (!row.TryGetValue("openalex_id", out var url) || !row.TryGetValue("label_included", out var label))
                throw new FormatException($"{labelsFile}: the header needs openalex_id and label_included");
            var id = url[(url.LastIndexOf('/') + 1)..];
            // A work the zip does not hold is kept with an empty text: it still counts, as it did for the reviewers.
            var (title, text) = works.TryGetValue(id, out var w) ? w : ("", "");
            list.Add(new LabelledRecord(id, title, text, label.Trim() == "1"));
        }
        return Check(list, labelsFile);
    }

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
