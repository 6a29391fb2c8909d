using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SpineReview.Reporting;

/// <summary>
/// Adds a document outline (bookmarks) to a finished PDF as an incremental update (ISO 32000-1, 7.5.6): the original
/// bytes stay as they are; new outline objects, a new catalog that points at them and a cross-reference section are
/// appended. Each bookmark opens a named destination the page writer placed at its heading. Deterministic: the same
/// input gives the same bytes.
/// </summary>
public static partial class PdfOutline
{
    public static byte[] Add(byte[] pdf, IReadOnlyList<OutlineEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) return pdf;
        var text = Encoding.Latin1.GetString(pdf);
        // A file written with a cross-reference stream (no classic trailer) keeps its bytes and goes without bookmarks:
        // the report is still whole and readable.
        if (StartXref().Matches(text) is not { Count: > 0 } starts || Trailer().Matches(text) is not { Count: > 0 } trailers) return pdf;
        var startxref = int.Parse(starts[^1].Groups[1].Value, CultureInfo.InvariantCulture);
        var trailer = trailers[^1].Groups[1].Value;
        var size = int.Parse(Size().Match(trailer).Groups[1].Value, CultureInfo.InvariantCulture);
        var root = int.Parse(Root().Match(trailer).Groups[1].Value, CultureInfo.InvariantCulture);
        var info = Info().Match(trailer) is { Success: true } i ? i.Groups[0].Value : "";
        var id = Id().Match(trailer) is { Success: true } d ? d.Groups[0].Value : "";
        var catalog = CatalogBody(text, root);

        // Objects: the outline root, then one per entry; a level-1 entry hangs under the level-0 entry before it.
        var outlineRoot = size;
        int Obj(int index) => size + 1 + index;
        var parent = new int[entries.Count];
        var lastTop = -1;
        for (var e = 0; e < entries.Count; e++)
        {
            if (entries[e].Level == 0 || lastTop < 0) { parent[e] = -1; lastTop = e; }
            else parent[e] = lastTop;
        }
        List<int> Children(int p) => Enumerable.Range(0, entries.Count).Where(e => parent[e] == p).ToList();

        var output = new MemoryStream();
        output.Write(pdf);
        var offsets = new SortedDictionary<int, long>();
        void Write(int number, string body)
        {
            if (output.Length > 0 && pdf[^1] != '\n' && offsets.Count == 0) output.WriteByte((byte)'\n');
            offsets[number] = output.Length;
            output.Write(Encoding.Latin1.GetBytes($"{number} 0 obj\n{body}\nendobj\n"));
        }

        var top = Children(-1);
        // /Count of the root is the number of items shown when the outline opens: the sections (subsections start closed).
        Write(outlineRoot, $"<</Type /Outlines /First {Obj(top[0])} 0 R /Last {Obj(top[^1])} 0 R /Count {top.Count}>>");
        for (var e = 0; e < entries.Count; e++)
        {
            var siblings = Children(parent[e]);
            var at = siblings.IndexOf(e);
            var kids = Children(e);
            var body = new StringBuilder();
            body.Append(CultureInfo.InvariantCulture, $"<</Title {Utf16(entries[e].Title)} /Parent {(parent[e] < 0 ? outlineRoot : Obj(parent[e]))} 0 R");
            if (at > 0) body.Append(CultureInfo.InvariantCulture, $" /Prev {Obj(siblings[at - 1])} 0 R");
            if (at < siblings.Count - 1) body.Append(CultureInfo.InvariantCulture, $" /Next {Obj(siblings[at + 1])} 0 R");
            // Subsections start closed (negative count): the outline opens on the sections.
            if (kids.Count > 0) body.Append(CultureInfo.InvariantCulture, $" /First {Obj(kids[0])} 0 R /Last {Obj(kids[^1])} 0 R /Count -{kids.Count}");
            body.Append(CultureInfo.InvariantCulture, $" /Dest /{entries[e].Destination}>>");
            Write(Obj(e), body.ToString());
        }
        Write(root, $"<<{catalog} /Outlines {outlineRoot} 0 R /PageMode /UseOutlines>>");

        var xref = output.Length;
        var sb = new StringBuilder("xref\n");
        // Subsections of consecutive object numbers.
        var numbers = offsets.Keys.ToList();
        for (var s = 0; s < numbers.Count;)
        {
            var e = s;
            while (e + 1 < numbers.Count && numbers[e + 1] == numbers[e] + 1) e++;
            sb.Append(CultureInfo.InvariantCulture, $"{numbers[s]} {e - s + 1}\n");
            for (var k = s; k <= e; k++) sb.Append(CultureInfo.InvariantCulture, $"{offsets[numbers[k]]:D10} 00000 n \n");
            s = e + 1;
        }
        var newSize = Math.Max(size, Obj(entries.Count - 1) + 1);
        sb.Append(CultureInfo.InvariantCulture, $"trailer\n<</Size {newSize} /Root {root} 0 R {info} {id} /Prev {startxref}>>\nstartxref\n{xref}\n%%EOF\n");
        output.Write(Encoding.Latin1.GetBytes(sb.ToString()));
        return output.ToArray();
    }

    /// <summary>The catalog dictionary's entries, without the outer brackets and without any outline it already had.</summary>
    private static string CatalogBody(string text, int root)
    {
        var match = new Regex($@"(?<![0-9]){root} 0 obj\s*<<", RegexOptions.CultureInvariant).Matches(text);
        if (match.Count == 0) throw new InvalidOperationException($"The PDF's catalog (object {root}) was not found.");
        var start = match[^1].Index + match[^1].Length;
        var depth = 1;
        var i = start;
        for (; i < text.Length - 1 && depth > 0; i++)
        {
            if (text[i] == '<' && text[i + 1] == '<') { depth++; i++; }
            else if (text[i] == '>' && text[i + 1] == '>') { depth--; if (depth == 0) break; i++; }
        }
        var body = text[start..i];
        body = OutlinesEntry().Replace(body, "");
        body = PageModeEntry().Replace(body, "");
        return body.Trim();
    }

    /// <summary>A PDF text string in UTF-16BE with its byte-order mark, so any title survives.</summary>
    private static string Utf16(string s) => "<FEFF" + Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(s)) + ">";

    [GeneratedRegex(@"startxref\s+(\d+)")] private static partial Regex StartXref();
    [GeneratedRegex(@"trailer\s*<<(.*?)>>\s*startxref", RegexOptions.Singleline)] private static partial Regex Trailer();
    [GeneratedRegex(@"/Size\s+(\d+)")] private static partial Regex Size();
    [GeneratedRegex(@"/Root\s+(\d+)\s+0\s+R")] private static partial Regex Root();
    [GeneratedRegex(@"/Info\s+\d+\s+0\s+R")] private static partial Regex Info();
    [GeneratedRegex(@"/ID\s*\[[^\]]*\]")] private static partial Regex Id();
    [GeneratedRegex(@"/Outlines\s+\d+\s+0\s+R")] private static partial Regex OutlinesEntry();
    [GeneratedRegex(@"/PageMode\s+/\w+")] private static partial Regex PageModeEntry();
}
