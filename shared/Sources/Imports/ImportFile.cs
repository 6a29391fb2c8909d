using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
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
public sealed record ImportedFile(ImportFormat Format, IReadOnlyList<BibRecord> Records, int Entries, IReadOnlyList<ImportProblem> Problems)
{
    /// <summary>The lines (from 1) that were not UTF-8 and were read as Windows-1252; empty when the whole file was one encoding it names.</summary>
    public IReadOnlyList<int> LegacyLines { get; init; } = [];

    /// <summary>What a person should check when some lines were read as Windows-1252; null when none were.</summary>
    public string? EncodingWarning => ImportReader.DescribeLegacy(LegacyLines);
}

/// <summary>The text of a file and the lines (from 1) read as Windows-1252 because they were not UTF-8.</summary>
public sealed record DecodedText(string Text, IReadOnlyList<int> LegacyLines);

/// <summary>Reads a database export: decodes it (byte-order marks; else each line UTF-8, or Windows-1252 as older Windows exports are),
/// recognises the format from its content (never from the file name), and hands it to that format's reader. Pure.</summary>
public static partial class ImportReader
{
    /// <summary>The records of an export file, stored under <paramref name="source"/>.</summary>
    /// <exception cref="InvalidDataException">The content is none of the formats read, or is not a file of one at all.</exception>
    public static ImportedFile Read(byte[] content, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        var (text, legacy) = DecodeText(content);
        var format = Detect(text) ?? throw new InvalidDataException(
            $"The file is not an export this reads (RIS, MEDLINE/.nbib, BibTeX or EndNote XML); it begins: \"{Beginning(text)}\". " +
            "Export the search results from the platform in one of these formats.");
        var file = format switch
        {
            ImportFormat.Ris => RisReader.Read(text, source),
            ImportFormat.Medline => MedlineReader.Read(text, source),
            ImportFormat.BibTex => BibTexReader.Read(text, source),
            _ => EndNoteXmlReader.Read(text, source),
        };
        return file with { LegacyLines = legacy };
    }

    /// <summary>The format of the decoded text, from its first lines; null when it is none of them.</summary>
    public static ImportFormat? Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = text.AsSpan().TrimStart();
        if (start.StartsWith("<")) return start.IndexOf("<record", StringComparison.Ordinal) >= 0 ? ImportFormat.EndNoteXml : null;
        // Some platforms put a line or two of their own before the first entry (Ovid's "VN - Ovid Technologies", a blank
        // line, a comment): the first tag line decides.
        foreach (var (_, line) in ImportText.Lines(text).Where(l => l.Text.Trim().Length > 0).Take(20))
        {
            if (line.StartsWith("TY  -", StringComparison.Ordinal)) return ImportFormat.Ris;
            if (line.StartsWith("PMID-", StringComparison.Ordinal)) return ImportFormat.Medline;
            if (BibTexEntry().IsMatch(line)) return ImportFormat.BibTex;
        }
        return null;
    }

    /// <summary>The text of the file: a byte-order mark decides (UTF-8, UTF-16 either way, UTF-32); without one, UTF-16 is
    /// recognised by its NUL bytes; otherwise each line is UTF-8 when its bytes are valid UTF-8, else Windows-1252.</summary>
    public static string Decode(byte[] content) => DecodeText(content).Text;

    /// <summary>The text of the file, as <see cref="Decode"/> reads it, with the lines that were read as Windows-1252.</summary>
    public static DecodedText DecodeText(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (HasBom(content))
        {
            using var reader = new StreamReader(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return new DecodedText(reader.ReadToEnd(), []);
        }
        if (Utf16WithoutBom(content) is { } utf16) return new DecodedText(utf16.GetString(content), []);
        if (Utf8.IsValid(content)) return new DecodedText(Encoding.UTF8.GetString(content), []);
        // Line by line: exports from EndNote and Reference Manager are often mostly UTF-8 with the lines of some records in
        // Windows-1252 (records pasted or imported from older libraries). Decoding the whole file as Windows-1252 would turn every
        // UTF-8 accent into mojibake without a word; each line decoded as what it is keeps both, and the legacy lines are named.
        // Neither decoding gives more characters than bytes, so one buffer holds the text.
        var chars = new char[content.Length];
        var length = 0;
        var legacy = new List<int>();
        var legacyEncoding = Windows1252;
        for (int start = 0, line = 1; start < content.Length; line++)
        {
            var newline = Array.IndexOf(content, (byte)'\n', start);
            var end = newline < 0 ? content.Length : newline + 1;
            var bytes = content.AsSpan(start, end - start);
            if (Utf8.IsValid(bytes)) length += Encoding.UTF8.GetChars(bytes, chars.AsSpan(length));
            else
            {
                length += legacyEncoding.GetChars(bytes, chars.AsSpan(length));
                legacy.Add(line);
            }
            start = end;
        }
        return new DecodedText(new string(chars, 0, length), legacy);
    }

    /// <summary>The warning for lines read as Windows-1252 ("lines 3, 7-9 ..."), or null when there are none.</summary>
    public static string? DescribeLegacy(IReadOnlyList<int> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0) return null;
        // Consecutive lines as ranges (an entry's lines come together); at most ten ranges named.
        var ranges = new List<(int From, int To)>();
        foreach (var l in lines)
        {
            if (ranges.Count > 0 && ranges[^1].To == l - 1) ranges[^1] = (ranges[^1].From, l);
            else ranges.Add((l, l));
        }
        var named = string.Join(", ", ranges.Take(10).Select(r => r.From == r.To ? $"{r.From}" : $"{r.From}-{r.To}"));
        var more = ranges.Count > 10 ? $" and {lines.Count - ranges.Take(10).Sum(r => r.To - r.From + 1)} more" : "";
        return $"{(lines.Count == 1 ? "line" : "lines")} {named}{more} {(lines.Count == 1 ? "is" : "are")} not UTF-8 and {(lines.Count == 1 ? "was" : "were")} read as " +
               "Windows-1252 (as older Windows exports are), the rest as UTF-8: check the accented letters of the entries on " +
               $"{(lines.Count == 1 ? "that line" : "those lines")} (a file in another legacy code page reads wrongly there).";
    }

    // Some Windows tools write UTF-16 without a byte-order mark. An export's text is nearly all ASCII, which in UTF-16 is a NUL
    // in every other byte: NULs at odd offsets mean little-endian, at even offsets big-endian. UTF-8 and Windows-1252 text has no NUL.
    private static UnicodeEncoding? Utf16WithoutBom(byte[] b)
    {
        var sample = b.AsSpan(0, Math.Min(b.Length, 4096) & ~1);
        if (sample.Length < 8) return null;
        int even = 0, odd = 0;
        for (var i = 0; i < sample.Length; i += 2)
        {
            if (sample[i] == 0) even++;
            if (sample[i + 1] == 0) odd++;
        }
        var pairs = sample.Length / 2;
        // Most characters ASCII (NUL on one side), almost none with a NUL on the other (U+0100, U+0200... are rare in an export).
        if (odd * 10 >= pairs * 7 && even * 10 < pairs) return new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
        if (even * 10 >= pairs * 7 && odd * 10 < pairs) return new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
        return null;
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

/// <summary>The lines of a decoded export, one at a time, without the whole text split into an array first.</summary>
internal static class ImportText
{
    /// <summary>Each line (without its "\r\n" or "\n") with its number from 1.</summary>
    public static IEnumerable<(int Number, string Text)> Lines(string text)
    {
        var number = 1;
        for (var start = 0; start <= text.Length; number++)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            yield return (number, text[start..end].TrimEnd('\r'));
            if (newline < 0) yield break;
            start = newline + 1;
        }
    }
}

/// <summary>A tagged field whose value may run over continuation lines, joined with single spaces once at the end: adding each
/// line to a string would copy the whole value again for every line, quadratic in a field wrapped over thousands of lines.</summary>
internal sealed class ContinuedField
{
    private readonly StringBuilder _value = new();

    /// <summary>The field's tag; null before the first field.</summary>
    public string? Tag { get; private set; }

    /// <summary>The lines so far, joined by spaces.</summary>
    public string Value => _value.ToString();

    public void Start(string tag, string value)
    {
        Tag = tag;
        _value.Clear().Append(value);
    }

    /// <summary>One more line of the field (trimmed, not empty); nothing when no field has started.</summary>
    public void Continue(string text)
    {
        if (Tag is null) return;
        if (_value.Length > 0) _value.Append(' ');
        _value.Append(text);
    }

    public void Clear()
    {
        Tag = null;
        _value.Clear();
    }
}
