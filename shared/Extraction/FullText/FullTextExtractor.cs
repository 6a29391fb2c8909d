using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SpineReview.Extraction.FullText;

/// <summary>
/// The review's form filled from a study's full text: the same rules as <see cref="FormExtractor"/>, read over the study's own
/// words (title, abstract, methods, results, tables, figure captions, availability statements) and not over what it cites
/// (introduction, related work, discussion); counts and split shares from tables, each with the cell they came from. Every
/// value's offsets point into <see cref="JatsDocument.Text"/>, and its evidence names the section or table cell. Pure.
/// </summary>
public static partial class FullTextExtractor
{
    /// <summary>Sections whose words describe other studies more than this one: they are not read.</summary>
    public static bool IsCited(SectionKind kind) => kind is SectionKind.Introduction or SectionKind.RelatedWork or SectionKind.Discussion;

    /// <summary>Extracts every field from a full text; <paramref name="affiliations"/> are the record's (the article's own when the record has none).</summary>
    public static IReadOnlyList<ExtractedField> Extract(JatsDocument doc, IReadOnlyList<string>? affiliations = null)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var study = StudyText(doc);
        var fields = FormExtractor.Extract(study, affiliations is { Count: > 0 } ? affiliations : doc.Affiliations)
            .Select(f => f with { Values = f.Values.Select(v => Located(doc, v)).ToList() }).ToList();
        for (var i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            fields[i] = f.Field switch
            {
                "subjects" => TableCount(doc, f, SubjectHeader()) ?? f,
                "images" => TableCount(doc, f, ImageHeader()) ?? f,
                "split" => f.Values.Count > 0 ? f : TableSplit(doc) ?? f,
                _ => f,
            };
        }
        return fields;
    }

    /// <summary>The document's text with the cited sections blanked (same length, line breaks kept), so offsets stay those of <see cref="JatsDocument.Text"/>.</summary>
    public static string StudyText(JatsDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var text = new StringBuilder(doc.Text);
        foreach (var p in doc.Paragraphs)
        {
            if (!Cited(doc, p.Section)) continue;
            for (var i = p.Start; i < p.Start + p.Length; i++) text[i] = ' ';
        }
        return text.ToString();
    }

    /// <summary>Whether a section is not read: cited by its kind, or one the paper's own title does not name ("Why grading is
    /// hard") that comes after the abstract and before the first methods or results section, where a paper sets out the problem.</summary>
    public static bool Cited(JatsDocument doc, int section)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var s = doc.Sections[section];
        if (IsCited(s.Kind)) return true;
        if (s.Kind != SectionKind.Other || s.Start < doc.AbstractEnd) return false;
        var firstOwn = doc.Sections.Where(x => x.Kind is SectionKind.Methods or SectionKind.Results).Select(x => x.Start).DefaultIfEmpty(-1).Min();
        return firstOwn > s.Start;
    }

    // Evidence that says where in the paper it is: "Methods › Data: …the words…" (table values name their cell instead).
    private static ExtractedValue Located(JatsDocument doc, ExtractedValue v)
    {
        if (v.Length == 0) return v;
        var section = doc.SectionAt(v.Start);
        var context = KeywordExtractor.Context(doc.Text, v.Start, v.Length);
        return v with { Evidence = section is null ? context : $"{section.Title}: {context}" };
    }

    // A count from a table: the "Total" (or "All", "Overall") row of a column that counts the kind ("Patients", "Radiographs"),
    // or the total column of a row that does. A table's total is what the study analysed; null when no table has one.
    private static ExtractedField? TableCount(JatsDocument doc, ExtractedField fromText, Regex kind)
    {
        foreach (var table in doc.Tables)
        {
            if (Cited(doc, table.Section)) continue;
            var header = HeaderRow(table);
            foreach (var cell in table.Cells.Where(c => c.Row > header && c.Column > 0))
            {
                var rowLabel = Cell(doc, table, cell.Row, 0);
                var columnLabel = Cell(doc, table, header, cell.Column);
                var byColumn = TotalLabel().IsMatch(rowLabel ?? "") && kind.IsMatch(columnLabel ?? "");
                var byRow = kind.IsMatch(rowLabel ?? "") && TotalLabel().IsMatch(columnLabel ?? "");
                if (!byColumn && !byRow) continue;
                if (Count(doc.Text.Substring(cell.Start, cell.Length)) is not long n) continue;
                // The text's own count stands when it is larger: a table may describe a subset (the test set, one cohort).
                if (fromText.Values.Count > 0 && fromText.Values[0] is var t && long.TryParse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m > n) return null;
                var evidence = $"{table.Label}, row \"{rowLabel}\", column \"{columnLabel}\": {doc.Text.Substring(cell.Start, cell.Length)}";
                return fromText with { Values = [new ExtractedValue(n.ToString(CultureInfo.InvariantCulture), evidence, cell.Start, cell.Length)] };
            }
        }
        return null;
    }

    // Split shares from a table of set sizes: rows (or columns) named training, validation and test, counted in a column (or
    // row) of patients, images or cases. Evidence: the test set's cell; the offsets cover the cells from training to test.
    private static ExtractedField? TableSplit(JatsDocument doc)
    {
        foreach (var table in doc.Tables)
        {
            if (Cited(doc, table.Section)) continue;
            var header = HeaderRow(table);
            var rows = table.Cells.Where(c => c.Row > header && c.Column == 0).Select(c => (c.Row, Label: doc.Text.Substring(c.Start, c.Length))).ToList();
            var columns = table.Row(header).Where(c => c.Column > 0).Select(c => (c.Column, Label: doc.Text.Substring(c.Start, c.Length))).ToList();
            // Sets as rows, counted in a column; or sets as columns, counted in a row.
            foreach (var (countColumn, _) in columns.Where(c => CountHeader().IsMatch(c.Label)))
                if (Shares(doc, table, rows.Select(r => (r.Label, Cell: At(table, r.Row, countColumn))).ToList()) is { } found) return found;
            foreach (var (countRow, _) in rows.Where(r => CountHeader().IsMatch(r.Label)))
                if (Shares(doc, table, columns.Select(c => (c.Label, Cell: At(table, countRow, c.Column))).ToList()) is { } found) return found;
        }
        return null;
    }

    private static ExtractedField? Shares(JatsDocument doc, JatsTable table, IReadOnlyList<(string Label, JatsCell? Cell)> sets)
    {
        JatsCell? Find(Regex name) => sets.FirstOrDefault(s => name.IsMatch(s.Label)).Cell;
        var train = Find(TrainLabel());
        var validation = Find(ValidationLabel());
        var test = Find(TestLabel());
        if (train is null || test is null) return null;
        var parts = new[] { train, validation, test }.OfType<JatsCell>().Select(c => Count(doc.Text.Substring(c.Start, c.Length))).ToList();
        if (parts.Any(p => p is null)) return null;
        if (FormExtractor.Proportions(parts.Select(p => p!.Value).ToList()) is not { } value) return null;
        var start = Math.Min(train.Start, test.Start);
        var end = Math.Max(train.Start + train.Length, test.Start + test.Length);
        var evidence = $"{table.Label}: {doc.Text[start..end].ReplaceLineEndings(" / ")}";
        return new ExtractedField("split", [new ExtractedValue(value, evidence, start, end - start)], FormExtractor.Version);
    }

    // The last header row (th cells or thead), or the first row when the table marks none.
    private static int HeaderRow(JatsTable table) => table.Cells.Where(c => c.Header).Select(c => c.Row).DefaultIfEmpty(0).Max();

    private static JatsCell? At(JatsTable table, int row, int column) => table.Cells.FirstOrDefault(c => c.Row == row && c.Column == column);

    private static string? Cell(JatsDocument doc, JatsTable table, int row, int column) =>
        At(table, row, column) is { } c ? doc.Text.Substring(c.Start, c.Length) : null;

    // A whole count as a cell gives it: "2,550", "1 204", "689"; "412 (30.0)" gives 412; "0.93" or "48.2" is no count.
    private static long? Count(string cell)
    {
        var m = CountCell().Match(cell.Trim());
        return m.Success ? FormExtractor.ParseNumber(m.Groups["n"].Value) : null;
    }

    [GeneratedRegex(@"^(?<n>\d{1,3}(?:[,\u2009 ]\d{3})+|\d+)(?:\s*\(.*\))?$")]
    private static partial Regex CountCell();

    [GeneratedRegex(@"^\s*(?:total|all|overall|whole|sum|combined|entire)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TotalLabel();

    [GeneratedRegex(@"^\s*(?:no\.?\s+of\s+|number of\s+|n\s+)?(?:patients|subjects|participants|individuals|cases|women|men|children|adolescents|volunteers)\b(?:\s*,?\s*\(?n\)?)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SubjectHeader();

    [GeneratedRegex(@"^\s*(?:no\.?\s+of\s+|number of\s+|n\s+)?(?:CT |MRI |MR |radiographic |ultrasound )?(?:images|radiographs|scans|slices|volumes|examinations|exams|MRIs|CT scans|image series|series)\b(?:\s*,?\s*\(?n\)?)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ImageHeader();

    [GeneratedRegex(@"^\s*(?:no\.?\s+of\s+|number of\s+)?(?:patients|subjects|participants|cases|images|radiographs|scans|slices|volumes|examinations|n)\b(?:\s*,?\s*\(?n\)?)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CountHeader();

    [GeneratedRegex(@"^\s*(?:train(?:ing)?|development)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TrainLabel();

    [GeneratedRegex(@"^\s*(?:validation|tuning|internal validation)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ValidationLabel();

    [GeneratedRegex(@"^\s*(?:(?:internal |held-out |hold-out )?test(?:ing)?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TestLabel();
}
