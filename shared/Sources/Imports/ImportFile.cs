using System.Diagnostics.CodeAnalysis;
using System.Text;
using SpineReview.Records;

// "Imports" is a keyword in Visual Basic only; this library is used from C#, and the folder names the feature.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace", Target = "~N:SpineReview.Sources.Imports",
    Justification = "Used from C# only; the namespace follows the feature's folder.")]

namespace SpineReview.Sources.Imports;

/// <summary>The export formats an import reads.</summary>
public enum ImportFormat
{
    /// <summary>RIS tagged text ("TY  - JOUR" ... "ER  -"), as Ovid, Web of Science, Scopus and most platforms export it.</summary>
    Ris,
    /// <summary>MEDLINE/PubMed tagged text (.nbib, .txt: "PMID- ..."), PubMed's own export.</summary>
    Medline,
    /// <summary>BibTeX (@article{...}).</summary>
    BibTex,
    /// <summary>EndNote XML (&lt;xml&gt;&lt;records&gt;&lt;record&gt;...).</summary>
    EndNoteXml,
}

/// <summary>An entry of the file that could not be read as a record, with the line it starts on (from 1) and why.</summary>
public sealed record ImportProblem(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>What a file held: its format, the records read, how many entries it has (read or not), and each entry not read.</summary>
public sealed record ImportedFile(ImportFormat Format, IReadOnlyList<BibRecord> Records, int Entries, IReadOnlyList<ImportProblem> Problems);

/// <summary>Reads a database export: decodes it (byte-order marks, UTF-8, else Windows-1252, as older Windows exports are),
/// recognises the format from its content (never from the file name), and hands it to that format's reader. Pure.</summary>
public static partial class ImportReader
{
    /// <summary>The records of an export file, stored under <paramref name="source"/>.</summary>
    /// <exception cref="InvalidDataException">The content is none of the formats read, or is not a file of one at all.</exception>
    public static ImportedFile Read(byte[] content, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        var text = Decode(content);
        var format = Detect(text) ?? throw new InvalidDataException(
            $"The file is not an export this reads (RIS, MEDLINE/.nbib, BibTeX or EndNote XML); it begins: \"{Beginning(text)}\". " +
            "Export the search results from the platform in one of these formats.");
        return format switch
        {
            ImportFormat.Ris => RisReader.Read(text, source),
            ImportFormat.Medline => MedlineReader.Read(text, source),
            ImportFormat.BibTex => BibTexReader.Read(text, source),
            _ => EndNoteXmlReader.Read(text, source),
        };
    }

    /// <summary>The format of the decoded text, from its first lines; null when it is none of them.</summary>
    public static ImportFormat? Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = text.AsSpan().TrimStart();
        if (start.StartsWith("<")) return start.IndexOf("<record", StringComparison.Ordinal) >= 0 ? ImportFormat.EndNoteXml : null;
        // Some platforms put a line or two of their own before the first entry (Ovid's "VN - Ovid Technologies", a blank
        // line, a comment): the first tag line decides.
        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).Take(20))
        {
            if (line.StartsWith("TY  -", StringComparison.Ordinal)) return ImportFormat.Ris;
            if (line.StartsWith("PMID-", StringComparison.Ordinal)) return ImportFormat.Medline;
            if (BibTexEntry().IsMatch(line)) return ImportFormat.BibTex;
        }
        return null;
    }

    /// <summary>The text of the file: a byte-order mark decides (UTF-8, UTF-16 either way, UTF-32); otherwise UTF-8 when
    /// the bytes are valid UTF-8, else Windows-1252.</summary>
    public static string Decode(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (HasBom(content))
        {
            using var reader = new StreamReader(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        try
        {
            return new UTF8Encoding(false, true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8: older Windows exports (EndNote, Reference Manager) are Windows-1252, of which Latin-1 is nearly all.
            return Windows1252.GetString(content);
        }
    }

    private static bool HasBom(byte[] b) =>
        b is [0xEF, 0xBB, 0xBF, ..] or [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..];

    private static Encoding Windows1252
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(1252);
        }
    }

    private static string Beginning(string text)
    {
        var s = text.Trim();
        s = s.Length > 60 ? s[..60] + "..." : s;
        return string.Concat(s.Select(c => char.IsControl(c) ? ' ' : c));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*@\w+\s*[{(]")]
    private static partial System.Text.RegularExpressions.Regex BibTexEntry();
}
