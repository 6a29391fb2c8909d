using System.Xml;
using System.Xml.Linq;
using SpineReview.Records;

namespace SpineReview.Sources.Imports;

/// <summary>Reads EndNote XML (File > Export > XML): &lt;xml&gt;&lt;records&gt;&lt;record&gt; elements, each field's text
/// possibly split into &lt;style&gt; runs.</summary>
public static class EndNoteXmlReader
{
    /// <summary>The records of an EndNote XML text, stored under <paramref name="source"/>. A record without a title is a
    /// problem at its line; XML that breaks is a problem at the line it breaks on, with the records before it read.</summary>
    public static ImportedFile Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<BibRecord>();
        var problems = new List<ImportProblem>();
        var entries = 0;
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true };
        using var reader = XmlReader.Create(new StringReader(text), settings);
        var info = (IXmlLineInfo)reader;
        try
        {
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "record")
                {
                    var line = info.LineNumber;
                    entries++;
                    var element = (XElement)XNode.ReadFrom(reader);
                    var (record, problem) = Complete(element, line, source);
                    if (record is not null) records.Add(record);
                    if (problem is not null) problems.Add(problem);
                }
                else reader.Read();
            }
        }
        catch (XmlException) when (entries == 0 && DoctypeLine(text) is { } doctype)
        {
            // The DTD is refused (an entity in it could expand without bound or point at another file); what the person can do
            // about that is export the file again without one, or take the line out, not change the reader's settings.
            entries++;
            problems.Add(new ImportProblem(doctype, "the file declares a document type (<!DOCTYPE ...>), which EndNote's XML export does not write and which " +
                "is not read, for safety; nothing was imported. Export the library from EndNote again (File > Export, type \"XML\"), or delete the " +
                "<!DOCTYPE ...> line and import the file again."));
        }
        catch (XmlException e)
        {
            entries++;
            problems.Add(new ImportProblem(e.LineNumber, $"the XML breaks here ({ParseErrors.Describe(e)}); the {records.Count} records before it were read, nothing after it"));
        }
        if (entries == 0) problems.Add(new ImportProblem(1, "the XML holds no <record> element; is it an EndNote XML export?"));
        return new ImportedFile(ImportFormat.EndNoteXml, records, entries, problems);
    }

    // The line of a document type declaration before the first record (XmlException gives no line for a refused DTD).
    private static int? DoctypeLine(string text)
    {
        var at = text.IndexOf("<!DOCTYPE", StringComparison.Ordinal);
        var record = text.IndexOf("<record", StringComparison.Ordinal);
        return at < 0 || (record >= 0 && record < at) ? null : 1 + text.AsSpan(0, at).Count('\n');
    }

    private static (BibRecord?, ImportProblem?) Complete(XElement r, int line, string source)
    {
        string? Text(params string[] path)
        {
            var e = r;
            foreach (var name in path) e = e?.Element(name);
            return e?.Value;
        }
        var database = Text("remote-database-name") ?? Text("remote-database-provider") ?? "";
        var accession = Text("accession-num");
        var fromPubMed = database.Contains("PubMed", StringComparison.OrdinalIgnoreCase) || database.Contains("MEDLINE", StringComparison.OrdinalIgnoreCase);
        var d = new EntryDraft(line)
        {
            Accession = accession,
            Title = Text("titles", "title"),
            Abstract = Text("abstract"),
            YearText = Text("dates", "year"),
            Journal = Text("periodical", "full-title") ?? Text("titles", "secondary-title"),
            JournalAbbreviation = Text("periodical", "abbr-1") ?? Text("alt-periodical", "abbr-1"),
            Volume = Text("volume"),
            Issue = Text("number"),
            Pages = Text("pages"),
            Doi = Text("electronic-resource-num"),
            Pmid = fromPubMed && accession is { } a && a.Trim().All(char.IsAsciiDigit) ? a.Trim() : ImportFields.PmidIn(Text("notes")),
            // PubMed's EndNote output puts the PMCID in custom2.
            Pmcid = Text("custom2") is { } c2 && c2.Trim().StartsWith("PMC", StringComparison.OrdinalIgnoreCase) ? c2 : null,
        };
        d.Authors.AddRange(r.Element("contributors")?.Element("authors")?.Elements("author").Select(a => a.Value) ?? []);
        if (r.Element("ref-type")?.Attribute("name")?.Value is { } type) d.Types.Add(type);
        if (Text("work-type") is { } workType) d.Types.Add(workType);
        d.Keywords.AddRange(r.Element("keywords")?.Elements("keyword").Select(k => k.Value) ?? []);
        if (Text("language") is { } language) d.Language.Add(language);
        return d.Complete(source);
    }
}
