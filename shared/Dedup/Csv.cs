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
    public static IEnumerable<List<string>> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var field = new StringBuilder();
        var row = new List<string>();
        var quoted = false;
        int c;
        var any = false;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            var ch = (char)c;
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
                case '"': quoted = true; break;
                case ',': row.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    row.Add(field.ToString()); field.Clear();
                    yield return row;
                    row = [];
                    any = false;
                    break;
                default: field.Append(ch); break;
            }
        }
        if (any || field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return row;
        }
    }
}
