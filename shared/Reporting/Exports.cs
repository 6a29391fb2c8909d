using System.Globalization;
using System.Text;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;

namespace SpineReview.Reporting;

/// <summary>One exported study: its record, where it stands, and its charted values (people's corrections in place).</summary>
public sealed record ExportedStudy(string Key, BibRecord Record, string Status, IReadOnlyDictionary<string, IReadOnlyList<string>> Fields)
{
    /// <summary>What the automatic values were read from: "abstract", or "full text (source id, licence)"; empty when no form is stored.</summary>
    public string ChartedFrom { get; init; } = "";

    /// <summary>Retractions, corrections, errata, expressions of concern and journal versions the refresh found, oldest first.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}

/// <summary>CSV (RFC 4180) and RIS renderings of the included studies with their extracted fields. Pure.</summary>
public static class Exports
{
    private static readonly string[] Columns = ["key", "status", "title", "authors", "journal", "year", "doi", "pmid"];

    /// <summary>CSV: a header, one row per study, CRLF line ends, quotes where needed; cells that a spreadsheet would run as a formula are neutralised.</summary>
    public static string Csv(IReadOnlyList<ExportedStudy> studies)
    {
        ArgumentNullException.ThrowIfNull(studies);
        var sb = new StringBuilder();
        // "charted_from" and "notices" last: the columns before them keep their places for readers of earlier exports.
        sb.Append(string.Join(',', Columns.Concat(FormExtractor.Fields).Append("charted_from").Append("notices").Select(Cell))).Append("\r\n");
        foreach (var s in studies)
        {
            var r = s.Record;
            string[] head = [s.Key, s.Status, r.Title, string.Join("; ", r.Authors.Select(a => a.Name)), r.Journal ?? "", r.Year?.ToString(CultureInfo.InvariantCulture) ?? "", r.Doi ?? "", r.Pmid ?? ""];
            var fields = FormExtractor.Fields.Select(f => s.Fields.TryGetValue(f, out var v) ? string.Join("; ", v) : "");
            sb.Append(string.Join(',', head.Concat(fields).Append(s.ChartedFrom).Append(string.Join("; ", s.Notices)).Select(Cell))).Append("\r\n");
        }
        return sb.ToString();
    }

    /// <summary>One CSV cell: formula-like text gets a leading apostrophe; quoted when it holds a comma, quote or line break.</summary>
    public static string Cell(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // =, +, -, @ (and a tab or carriage return) start a formula in common spreadsheets: shown as text instead.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>RIS: one JOUR reference a study, authors one per line, the charted values as notes and keywords.</summary>
    public static string Ris(IReadOnlyList<ExportedStudy> studies)
    {
        ArgumentNullException.ThrowIfNull(studies);
        var sb = new StringBuilder();
        void Tag(string tag, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            sb.Append(tag).Append("  - ").Append(value.ReplaceLineEndings(" ").Trim()).Append("\r\n");
        }
        foreach (var s in studies)
        {
            var r = s.Record;
            Tag("TY", "JOUR");
            Tag("TI", r.Title);
            foreach (var a in r.Authors) Tag("AU", a.Name);
            Tag("PY", r.Year?.ToString(CultureInfo.InvariantCulture));
            Tag("JO", r.Journal);
            Tag("VL", r.Volume);
            Tag("IS", r.Issue);
            Tag("SP", r.Pages);
            Tag("DO", r.Doi);
            if (r.Doi is not null) Tag("UR", Records.Identifiers.DoiUrl(r.Doi));
            Tag("AN", r.Pmid is null ? s.Key : "PMID:" + r.Pmid);
            Tag("AB", r.Abstract);
            foreach (var f in new[] { "modality", "region", "condition", "task", "architectures" })
                if (s.Fields.TryGetValue(f, out var values)) foreach (var v in values) Tag("KW", $"{f}: {v}");
            foreach (var notice in s.Notices) Tag("N1", "Notice: " + notice);
            Tag("N1", $"SpineReview {s.Status}; " + string.Join("; ", FormExtractor.Fields.Where(f => s.Fields.TryGetValue(f, out var v) && v.Count > 0)
                .Select(f => $"{f}: {string.Join(", ", s.Fields[f])}")));
            sb.Append("ER  - \r\n");
        }
        return sb.ToString();
    }
}

/// <summary>Collects the studies to export from storage: included by reviewers, or also those still being screened.</summary>
public sealed class ExportService(RecordStore records, RecordChangeStore recordChanges, ScreeningStore screening, ExtractionStore extractions)
{
    public const string Included = "included";
    public const string Provisional = "provisionally eligible";

    /// <param name="withProvisional">Also the studies that passed the rules and no reviewer has excluded yet (status "provisionally eligible").</param>
    public async Task<List<ExportedStudy>> StudiesAsync(bool withProvisional, CancellationToken ct)
    {
        var queue = (await screening.ListQueueAsync(null, ct)).ToDictionary(q => q.RecordKey, StringComparer.Ordinal);
        var fields = await extractions.ListAsync(ct);
        var notices = (await recordChanges.ListAsync(ct)).ToLookup(c => c.RecordKey, StringComparer.Ordinal);
        var list = new List<ExportedStudy>();
        await foreach (var r in records.ListAsync(ct))
        {
            if (r.DuplicateOf is not null || !queue.TryGetValue(r.Key, out var q)) continue;
            var included = q.Status == ScreeningStatus.Final && q.Included == true;
            var open = q.Status != ScreeningStatus.Final;
            if (!included && !(withProvisional && open)) continue;
            var values = fields.TryGetValue(r.Key, out var f)
                ? f.ToDictionary(x => x.Field, x => (IReadOnlyList<string>)x.Distinct.ToList(), StringComparer.Ordinal)
                : new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            list.Add(new ExportedStudy(r.Key, r.Record, included ? Included : Provisional, values) {
                ChartedFrom = f is { Count: > 0 } ? f[0].Basis : "",
                Notices = RecordChange.InListOrder(notices[r.Key]).Select(c => c.Describe()).ToList(),
            });
        }
        // Newest first, as in the report's table; the key breaks ties so the same data gives the same file.
        return list.OrderByDescending(s => s.Record.Year ?? 0).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
    }
}
