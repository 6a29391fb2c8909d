using System.Text.RegularExpressions;
using SpineReview.Records;

namespace SpineReview.Sources.Imports;

/// <summary>Reads MEDLINE/PubMed tagged text (.nbib, PubMed's "PubMed" export): a tag padded to four characters, "- ", the
/// value, continuation lines indented six spaces; entries start with PMID and are parted by a blank line.</summary>
public static partial class MedlineReader
{
    /// <summary>The records of a MEDLINE text, stored under <paramref name="source"/>; each entry that cannot be read is a
    /// problem at the line it starts on.</summary>
    public static ImportedFile Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<BibRecord>();
        var problems = new List<ImportProblem>();
        var entries = 0;
        List<(string Tag, string Value)>? fields = null;
        // The entry's last field, which continuation lines add to.
        var last = new ContinuedField();
        var start = 0;
        string? broken = null;

        void Flush()
        {
            if (last.Tag is not null) fields!.Add((last.Tag, last.Value));
            last.Clear();
        }

        void Close()
        {
            if (fields is null) return;
            Flush();
            entries++;
            if (broken is not null) problems.Add(new ImportProblem(start, broken));
            else if (!fields.Any(f => f.Tag == "PMID")) problems.Add(new ImportProblem(start, "the entry has no PMID line (a MEDLINE entry starts with one); it was not imported"));
            else
            {
                var (record, problem) = Complete(fields, start, source);
                if (record is not null) records.Add(record);
                if (problem is not null) problems.Add(problem);
            }
            fields = null;
            broken = null;
        }

        foreach (var (number, line) in ImportText.Lines(text))
        {
            if (line.Trim().Length == 0)
            {
                Close();
                continue;
            }
            var m = TagLine().Match(line);
            if (m.Success)
            {
                var tag = m.Groups[1].Value;
                // A new PMID without a blank line before it still starts a new entry.
                if (tag == "PMID" && fields is not null) Close();
                if (fields is null) (fields, start) = ([], number);
                Flush();
                last.Start(tag, m.Groups[2].Value.Trim());
            }
            else if (line.StartsWith("      ", StringComparison.Ordinal) && last.Tag is not null)
                last.Continue(line.Trim());
            else
            {
                if (fields is null) (fields, start) = ([], number);
                broken ??= $"line {number} is neither a field (\"TAG - value\") nor the continuation of one; the entry was not imported";
            }
        }
        Close();
        return new ImportedFile(ImportFormat.Medline, records, entries, problems);
    }

    private static (BibRecord?, ImportProblem?) Complete(List<(string Tag, string Value)> fields, int line, string source)
    {
        string? First(string tag) => fields.FirstOrDefault(f => f.Tag == tag && f.Value.Length > 0).Value;
        IEnumerable<string> All(string tag) => fields.Where(f => f.Tag == tag && f.Value.Length > 0).Select(f => f.Value);
        var d = new EntryDraft(line)
        {
            Pmid = First("PMID"),
            Title = First("TI") ?? First("BTI"),
            Abstract = First("AB"),
            YearText = First("DP"),
            Journal = First("JT"),
            JournalAbbreviation = First("TA"),
            Volume = First("VI"),
            Issue = First("IP"),
            Pages = First("PG"),
            Pmcid = First("PMC"),
            // "10.3390/cancers17132180 [doi]" in LID or AID; "[pii]" values are the publisher's own.
            Doi = All("LID").Concat(All("AID")).Where(v => v.EndsWith("[doi]", StringComparison.Ordinal)).Select(v => v[..^"[doi]".Length]).FirstOrDefault(),
        };
        d.Authors.AddRange(All("FAU"));
        d.ShortAuthors.AddRange(All("AU"));
        // A group author (CN) is an author too, in its place after the people.
        if (d.Authors.Count > 0) d.Authors.AddRange(All("CN"));
        else d.ShortAuthors.AddRange(All("CN"));
        d.Types.AddRange(All("PT"));
        // "*Deep Learning", "Spine/diagnostic imaging": the heading, without the major-topic star and the subheading.
        d.Mesh.AddRange(All("MH").Select(h => h.TrimStart('*').Split('/')[0]));
        d.Keywords.AddRange(All("OT"));
        d.Language.AddRange(All("LA"));
        return d.Complete(source);
    }

    [GeneratedRegex(@"^([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)$")]
    private static partial Regex TagLine();
}
