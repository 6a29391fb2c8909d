using System.Text.RegularExpressions;
using SpineReview.Records;

namespace SpineReview.Sources.Imports;

/// <summary>Reads RIS: "XX  - value" lines, an entry from TY to ER, a line without a tag continuing the field before it.
/// Takes the tags of the common platforms' styles: Ovid (T1, A1, Y1, N2, JF, JA, ID), Web of Science and Scopus (TI, AU,
/// PY, AB, T2, J2, AN; Scopus's PubMed id in C2), EndNote and Zotero (JO, DA, DO).</summary>
public static partial class RisReader
{
    /// <summary>The records of a RIS text, stored under <paramref name="source"/>; each entry that cannot be read is a problem
    /// at the line it starts on.</summary>
    public static ImportedFile Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<BibRecord>();
        var problems = new List<ImportProblem>();
        var entries = 0;
        Entry? open = null;
        // After a field that comes before any TY: the lines up to the next ER or TY are that headless entry's, skipped.
        var skipping = false;
        foreach (var (number, line) in ImportText.Lines(text))
        {
            if (skipping)
            {
                if (line.StartsWith("ER  -", StringComparison.Ordinal)) { skipping = false; continue; }
                if (!line.StartsWith("TY  -", StringComparison.Ordinal)) continue;
                skipping = false;
            }
            var m = TagLine().Match(line);
            if (!m.Success)
            {
                // A line with no tag continues the field before it (abstracts wrapped by the platform); outside an entry it is the platform's header.
                if (open is not null && line.Trim().Length > 0) open.Continue(line.Trim());
                continue;
            }
            var (tag, value) = (m.Groups[1].Value, m.Groups[2].Value.Trim());
            if (tag == "TY")
            {
                if (open is not null)
                {
                    entries++;
                    problems.Add(new ImportProblem(open.Draft.Line, $"the entry is not closed by an ER line before the next TY on line {number}; it was not imported"));
                }
                open = new Entry(new EntryDraft(number));
                open.Append(tag, value);
                continue;
            }
            if (open is null)
            {
                if (tag == "ER") continue;
                // A field before any TY: an entry whose first line is lost. Read to its ER and report it.
                entries++;
                problems.Add(new ImportProblem(number, $"field {tag} comes before any TY line (the entry's start is missing); the entry was not imported"));
                skipping = true;
                continue;
            }
            if (tag == "ER")
            {
                entries++;
                var (record, problem) = open.Complete(source);
                if (record is not null) records.Add(record);
                if (problem is not null) problems.Add(problem);
                open = null;
                continue;
            }
            open.Append(tag, value);
        }
        if (open is not null)
        {
            entries++;
            problems.Add(new ImportProblem(open.Draft.Line, "the entry is not closed by an ER line (the file ends first: was it cut short?); it was not imported"));
        }
        return new ImportedFile(ImportFormat.Ris, records, entries, problems);
    }

    private sealed class Entry(EntryDraft draft)
    {
        public EntryDraft Draft { get; } = draft;
        private readonly List<(string Tag, string Value)> _fields = [];

        // The last field's lines so far: a field wrapped over thousands of lines is joined once, not copied again for each line.
        private readonly ContinuedField _last = new();

        public void Append(string tag, string value)
        {
            if (_last.Tag is not null) _fields.Add((_last.Tag, _last.Value));
            _last.Start(tag, value);
        }

        /// <summary>A line without a tag: more of the field before it.</summary>
        public void Continue(string text) => _last.Continue(text);

        public (BibRecord?, ImportProblem?) Complete(string source)
        {
            if (_last.Tag is not null) _fields.Add((_last.Tag, _last.Value));
            _last.Clear();
            var d = Draft;
            string? First(params string[] tags) => tags.Select(t => _fields.FirstOrDefault(f => f.Tag == t && f.Value.Length > 0).Value).FirstOrDefault(v => v is not null);
            IEnumerable<string> All(params string[] tags) => _fields.Where(f => tags.Contains(f.Tag) && f.Value.Length > 0).Select(f => f.Value);
            d.Title = First("TI", "T1", "CT");
            d.Abstract = First("AB", "N2");
            d.YearText = First("PY", "Y1", "DA", "Y2");
            d.Journal = First("JF", "JO", "T2", "JA");
            d.JournalAbbreviation = First("JA", "J2", "J1");
            if (d.JournalAbbreviation == d.Journal) d.JournalAbbreviation = null;
            d.Volume = First("VL");
            d.Issue = First("IS");
            d.StartPage = First("SP");
            d.EndPage = First("EP");
            d.Accession = First("AN", "ID");
            d.Doi = All("DO", "M3", "UR", "L3", "N1").Select(Identifiers.NormaliseDoi).FirstOrDefault(x => x is not null)
                    ?? All("UR", "L3").Select(DoiInUrl).FirstOrDefault(x => x is not null);
            var scopus = _fields.Any(f => f.Tag == "DB" && f.Value.Contains("Scopus", StringComparison.OrdinalIgnoreCase));
            d.Pmid = (scopus ? First("C2") : null) ?? All("AN", "ID", "N1", "M2", "C5", "C7", "UR").Select(ImportFields.PmidIn).FirstOrDefault(x => x is not null);
            d.Authors.AddRange(All("AU", "A1"));
            if (First("TY") is { } type) d.Types.Add(TypeName(type));
            d.Types.AddRange(All("M3").Where(v => Identifiers.NormaliseDoi(v) is null));
            d.Keywords.AddRange(All("KW").SelectMany(k => k.Split(';', StringSplitOptions.RemoveEmptyEntries)));
            d.Language.AddRange(All("LA"));
            return d.Complete(source);
        }

        private static string? DoiInUrl(string url)
        {
            var at = url.IndexOf("doi.org/", StringComparison.OrdinalIgnoreCase);
            return at < 0 ? null : Identifiers.NormaliseDoi(url[(at + "doi.org/".Length)..]);
        }

        private static string TypeName(string ty) => ty.Trim().ToUpperInvariant() switch
        {
            "JOUR" or "JFULL" or "EJOUR" => "Journal Article",
            "CONF" or "CPAPER" => "Conference Paper",
            "ABST" => "Abstract",
            "CHAP" => "Book Chapter",
            "BOOK" or "EBOOK" => "Book",
            "THES" => "Thesis",
            "RPRT" => "Report",
            "GEN" => "Generic",
            var other => other,
        };
    }

    [GeneratedRegex(@"^([A-Z][A-Z0-9])  -(?: (.*)|)$")]
    private static partial Regex TagLine();
}
