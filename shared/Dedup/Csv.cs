using System.Text;

namespace SpineReview.Dedup;

/// <summary>RFC 4180 CSV reading: quoted fields, doubled quotes, line breaks inside quotes.</summary>
public static class Csv
{
    /// <summary>Rows as dictionaries keyed by the header's column names.</summary>
    public static IEnumerable<Dictionary<string, string>> ReadWithHeader(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var rows = Read(reader).GetEnumerator();
        if (!rows.MoveNext()) yield break;
        var header = rows.Current.Select(h => h.Trim()).ToArray();
        while (rows.MoveNext())
        {
            var row = rows.Current;
            if (row.Count == 1 && row[0].Length == 0) continue;
            var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Length; i++) d[header[i]] = i < row.Count ? row[i] : "";
            yield return d;
        }
    }

    /// <summary>Every row as its list of fields.</summary>
    /// <exception cref="InvalidDataException">A quoted field is not closed before the end (the message names its line).</exception>
    public static IEnumerable<List<string>> Read(TextReader reader) => ReadRows(reader).Select(r => r.Fields);

    /// <summary>Every row with the line of the text it starts on (from 1).</summary>
    /// <exception cref="InvalidDataException">A quoted field is not closed before the end (the message names its line).</exception>
    public static IEnumerable<CsvRow> ReadRows(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var field = new StringBuilder();
        var row = new List<string>();
        var quoted = false;
        int c;
        var any = false;
        var line = 1;
        var rowStart = 1;
        var quoteStart = 0;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            var ch = (char)c;
            if (ch == '\n') line++;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else field.Append(ch);
                continue;
            }
            switch (ch)
            {
                case '"': quoted = true; quoteStart = line; break;
                case ',': row.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    row.Add(field.ToString()); field.Clear();
                    yield return new CsvRow(rowStart, row);
                    row = [];
                    any = false;
                    rowStart = line;
                    break;
                default: field.Append(ch); break;
            }
        }
        // Without this the rest of the file would silently become one field of one row.
        if (quoted) throw new InvalidDataException($"line {quoteStart}: a quoted field is not closed (a \" without its closing \"; write \"\" for a quote inside a field)");
        if (any || field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return new CsvRow(rowStart, row);
        }
    }

    /// <summary>A CSV file read whole: its header and its rows (blank lines left out), each row with its line.</summary>
    /// <param name="format">What the file should be, for the messages (for example "the ASReview CSV (title, abstract, label_included)").</param>
    /// <exception cref="InvalidDataException">The file is empty, not text, or not CSV; the message names the file and the line.</exception>
    public static CsvTable ReadFile(string path, string format)
    {
        var text = TextFile.Read(path, format);
        if (text.Trim().Length == 0) throw new InvalidDataException($"{path} is empty; expected {format}");
        List<CsvRow> rows;
        try { rows = ReadRows(new StringReader(text)).ToList(); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
        var header = rows[0].Fields.Select(h => h.Trim()).ToList();
        return new CsvTable(path, header, rows.Skip(1).Where(r => r.Fields.Count > 1 || r.Fields[0].Length > 0).ToList());
    }
}

/// <summary>One CSV row: the line of the file it starts on (from 1) and its fields.</summary>
public sealed record CsvRow(int Line, List<string> Fields)
{
    /// <summary>The field in column <paramref name="column"/>, or "" when the row is short or the column absent (-1).</summary>
    public string this[int column] => column >= 0 && column < Fields.Count ? Fields[column] : "";
}

/// <summary>A CSV file's header and rows, for readers that check the columns they need and name the line of a bad value.</summary>
public sealed class CsvTable(string file, IReadOnlyList<string> header, IReadOnlyList<CsvRow> rows)
{
    /// <summary>The file's path, as given.</summary>
    public string File { get; } = file;

    /// <summary>The column names of the first line, trimmed.</summary>
    public IReadOnlyList<string> Header { get; } = header;

    /// <summary>The rows after the header; blank lines are left out.</summary>
    public IReadOnlyList<CsvRow> Rows { get; } = rows;

    /// <summary>The index of the first of <paramref name="names"/> the header has (compared ignoring case), or -1.</summary>
    public int Column(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
            for (var i = 0; i < Header.Count; i++)
                if (string.Equals(Header[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>An error at one line of the file: "FILE: line N: what".</summary>
    public InvalidDataException Error(int line, string what) => new($"{File}: line {line}: {what}");
}

/// <summary>Reads input files that must be text: UTF-8 (or UTF-16 with its byte-order mark), else Latin-1, as some exports
/// are; a file that is not text at all (compressed, a PDF, a spreadsheet) is refused.</summary>
public static class TextFile
{
    /// <summary>The file's text, without a byte-order mark.</summary>
    /// <param name="format">What the file should be, for the message.</param>
    /// <exception cref="InvalidDataException">The file holds binary data.</exception>
    public static string Read(string path, string format)
    {
        var bytes = File.ReadAllBytes(path);
        string text;
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
        }
        catch (DecoderFallbackException)
        {
            text = Encoding.Latin1.GetString(bytes);
        }
        if (IsBinary(text))
            throw new InvalidDataException($"{path} is not a text file (it holds binary data: compressed, or another format?); expected {format}");
        return text;
    }

    // Text has no NUL, and control characters are rare in it: a stray one in an abstract is kept, a file full of them is not text.
    private static bool IsBinary(string text)
    {
        if (text.Contains('\0', StringComparison.Ordinal)) return true;
        var sample = text.AsSpan(0, Math.Min(text.Length, 65536));
        var controls = 0;
        foreach (var ch in sample)
            if (ch < ' ' && ch is not ('\t' or '\n' or '\r' or '\f')) controls++;
        return controls * 100 > sample.Length;
    }
}
