using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml;

namespace SpineReview.Sources.PubMed;

/// <summary>A non-validating pull scanner over UTF-8 XML held in memory, strict on structure: the subset of <see cref="XmlReader"/> that
/// <see cref="PubMedReader"/> needs (elements, attributes, text, CDATA), several times faster because it decodes only what
/// is asked for. Skipped elements are scanned byte by byte without decoding their text.
/// <para>Well-formedness that matters for trust is checked: every end tag must match its start tag, the document must not
/// end inside an element, and an entity that is not one of XML's five or a character reference is an error. A DOCTYPE is
/// skipped, its entity declarations are never used, and nothing external is ever fetched. Comments and processing
/// instructions are skipped. Errors are <see cref="XmlException"/>s with the line number.</para></summary>
internal sealed class XmlScanner
{
    private readonly byte[] _b;
    private readonly int _start;
    private readonly int _end;
    private int _pos;
    private bool _rootSeen;
    private readonly List<(int Start, int Length)> _open = [];
    private readonly NameTable _names = new();

    // The current node.
    private int _nodeStart, _nameStart, _nameLength, _localStart, _attrStart, _attrEnd, _textStart, _textEnd;
    private bool _cdata;
    private string? _localName;

    public XmlScanner(byte[] buffer, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        _b = buffer;
        _start = _pos = offset;
        _end = offset + count;
        if (count >= 3 && buffer[offset] == 0xEF && buffer[offset + 1] == 0xBB && buffer[offset + 2] == 0xBF) _pos += 3;
        else if (count >= 2 && (buffer[offset] is 0xFE or 0xFF) && (buffer[offset + 1] is 0xFE or 0xFF))
            throw Error("the document is UTF-16; only UTF-8 is read", _pos);
    }

    public XmlNodeType NodeType { get; private set; } = XmlNodeType.None;
    public int Depth { get; private set; }
    public bool IsEmptyElement { get; private set; }
    public bool EOF { get; private set; }

    /// <summary>The element's name without its prefix, the same string instance for the same name.</summary>
    public string LocalName => _localName ??= _names.Get(_b.AsSpan(_localStart, _nameLength - (_localStart - _nameStart)));

    /// <summary>The current text node's text, with entities and line ends decoded.</summary>
    public string Value => NodeType == XmlNodeType.Text ? DecodeText(_textStart, _textEnd, _cdata) : "";

    /// <summary>Byte offset where the current node's markup starts.</summary>
    public int NodeStart => _nodeStart;

    /// <summary>Moves to the next element, end tag or text node; false at the end of the document.</summary>
    public bool Read()
    {
        if (NodeType == XmlNodeType.Element && !IsEmptyElement) _open.Add((_nameStart, _nameLength));
        _localName = null;
        IsEmptyElement = false;
        var b = _b;
        while (true)
        {
            if (_pos >= _end)
            {
                if (_open.Count > 0)
                    throw Error($"the document ends inside <{Encoding.UTF8.GetString(b, _open[^1].Start, _open[^1].Length)}>: it was cut short", _end);
                if (!_rootSeen) throw Error("the document has no root element", _end);
                NodeType = XmlNodeType.None;
                EOF = true;
                return false;
            }
            _nodeStart = _pos;
            if (b[_pos] != (byte)'<')
            {
                var lt = b.AsSpan(_pos, _end - _pos).IndexOf((byte)'<');
                var stop = lt < 0 ? _end : _pos + lt;
                if (_open.Count == 0)
                {
                    if (b.AsSpan(_pos, stop - _pos).IndexOfAnyExcept(" \t\r\n"u8) >= 0) throw Error("text outside the root element", _pos);
                    _pos = stop;
                    continue;
                }
                (_textStart, _textEnd, _cdata) = (_pos, stop, false);
                _pos = stop;
                return Node(XmlNodeType.Text, _open.Count);
            }
            if (_pos + 1 >= _end) throw Error("the document ends inside a tag: it was cut short", _pos);
            switch (b[_pos + 1])
            {
                case (byte)'/':
                {
                    var nameEnd = NameEnd(_pos + 2);
                    var gt = IndexOf((byte)'>', nameEnd);
                    if (b.AsSpan(nameEnd, gt - nameEnd).IndexOfAnyExcept(" \t\r\n"u8) >= 0) throw Error("malformed end tag", _pos);
                    var name = b.AsSpan(_pos + 2, nameEnd - _pos - 2);
                    if (_open.Count == 0) throw Error($"end tag </{Encoding.UTF8.GetString(name)}> without a start tag", _pos);
                    var (os, ol) = _open[^1];
                    if (!name.SequenceEqual(b.AsSpan(os, ol)))
                        throw Error($"end tag </{Encoding.UTF8.GetString(name)}> does not match <{Encoding.UTF8.GetString(b, os, ol)}>", _pos);
                    _open.RemoveAt(_open.Count - 1);
                    SetName(_pos + 2, nameEnd);
                    _pos = gt + 1;
                    return Node(XmlNodeType.EndElement, _open.Count);
                }
                case (byte)'?':
                    _pos = IndexOf("?>"u8, _pos + 2) + 2;
                    continue;
                case (byte)'!':
                    if (StartsWith(_pos, "<!--"u8)) { _pos = IndexOf("-->"u8, _pos + 4) + 3; continue; }
                    if (StartsWith(_pos, "<![CDATA["u8))
                    {
                        if (_open.Count == 0) throw Error("CDATA outside the root element", _pos);
                        var close = IndexOf("]]>"u8, _pos + 9);
                        (_textStart, _textEnd, _cdata) = (_pos + 9, close, true);
                        _pos = close + 3;
                        return Node(XmlNodeType.Text, _open.Count);
                    }
                    if (StartsWith(_pos, "<!DOCTYPE"u8) && !_rootSeen) { _pos = DoctypeEnd(_pos + 9); continue; }
                    throw Error("unexpected markup '<!'", _pos);
                default:
                {
                    if (_open.Count == 0 && _rootSeen) throw Error("a second root element", _pos);
                    var nameEnd = NameEnd(_pos + 1);
                    if (nameEnd == _pos + 1) throw Error("'<' not followed by a name (write &lt; for a literal '<')", _pos);
                    var gt = TagEnd(nameEnd);
                    var empty = b[gt - 1] == (byte)'/';
                    SetName(_pos + 1, nameEnd);
                    (_attrStart, _attrEnd) = (nameEnd, empty ? gt - 1 : gt);
                    _rootSeen = true;
                    _pos = gt + 1;
                    IsEmptyElement = empty;
                    return Node(XmlNodeType.Element, _open.Count);
                }
            }
        }
    }

    /// <summary>On an element: moves past its end tag without decoding anything inside. On any other node: <see cref="Read"/>.</summary>
    public void Skip()
    {
        if (NodeType != XmlNodeType.Element || IsEmptyElement) { Read(); return; }
        var depth = Depth;
        while (Read() && !(NodeType == XmlNodeType.EndElement && Depth == depth)) { }
        Read();
    }

    /// <summary>On an element: the byte range of the whole element, moving past it.</summary>
    public (int Start, int End) SkipOuter()
    {
        var start = _nodeStart;
        if (NodeType != XmlNodeType.Element) throw new InvalidOperationException("Not on an element.");
        if (!IsEmptyElement)
        {
            var depth = Depth;
            while (Read() && !(NodeType == XmlNodeType.EndElement && Depth == depth)) { }
        }
        var end = _pos;
        Read();
        return (start, end);
    }

    /// <summary>On an element: all the text inside it (child elements' text included), moving past it.</summary>
    public string ReadElementText()
    {
        if (NodeType != XmlNodeType.Element) throw new InvalidOperationException("Not on an element.");
        if (IsEmptyElement) { Read(); return ""; }
        var depth = Depth;
        string? single = null;
        StringBuilder? sb = null;
        while (Read() && !(NodeType == XmlNodeType.EndElement && Depth == depth))
        {
            if (NodeType != XmlNodeType.Text) continue;
            var v = Value;
            if (single is null) single = v;
            else (sb ??= new StringBuilder(single)).Append(v);
        }
        Read();
        return sb?.ToString() ?? single ?? "";
    }

    /// <summary>The value of the current element's attribute, or null.</summary>
    public string? GetAttribute(string name)
    {
        if (NodeType != XmlNodeType.Element) return null;
        var b = _b;
        var i = _attrStart;
        while (true)
        {
            while (i < _attrEnd && IsSpace(b[i])) i++;
            if (i >= _attrEnd) return null;
            var n0 = i;
            while (i < _attrEnd && b[i] != (byte)'=' && !IsSpace(b[i])) i++;
            var n1 = i;
            while (i < _attrEnd && IsSpace(b[i])) i++;
            if (i >= _attrEnd || b[i] != (byte)'=') throw Error("an attribute without a value", i);
            i++;
            while (i < _attrEnd && IsSpace(b[i])) i++;
            if (i >= _attrEnd || b[i] is not ((byte)'"' or (byte)'\'')) throw Error("an attribute value without quotes", i);
            var quote = b[i];
            var v0 = ++i;
            var close = b.AsSpan(i, _attrEnd - i).IndexOf(quote);
            if (close < 0) throw Error("an attribute value without its closing quote", v0);
            i += close + 1;
            if (NameEquals(b.AsSpan(n0, n1 - n0), name)) return DecodeAttribute(v0, v0 + close);
        }
    }

    private bool Node(XmlNodeType type, int depth)
    {
        NodeType = type;
        Depth = depth;
        return true;
    }

    private void SetName(int start, int end)
    {
        _nameStart = start;
        _nameLength = end - start;
        var colon = _b.AsSpan(start, end - start).IndexOf((byte)':');
        _localStart = colon < 0 ? start : start + colon + 1;
    }

    private int NameEnd(int i)
    {
        var rest = _b.AsSpan(i, _end - i);
        var stop = rest.IndexOfAny(NameStops);
        if (stop < 0) throw Error("the document ends inside a tag: it was cut short", i);
        return i + stop;
    }

    private static readonly SearchValues<byte> NameStops = SearchValues.Create(" \t\r\n/>=<\"'"u8);
    private static readonly SearchValues<byte> TagStops = SearchValues.Create(">\"'<"u8);

    // The '>' that ends a start tag, stepping over quoted attribute values (which may hold '>').
    private int TagEnd(int i)
    {
        var b = _b;
        while (true)
        {
            var rest = b.AsSpan(i, _end - i);
            var stop = rest.IndexOfAny(TagStops);
            if (stop < 0) throw Error("the document ends inside a tag: it was cut short", i);
            i += stop;
            switch (b[i])
            {
                case (byte)'>': return i;
                case (byte)'<': throw Error("'<' inside a tag", i);
                default:
                    var q = b.AsSpan(i + 1, _end - i - 1).IndexOf(b[i]);
                    if (q < 0) throw Error("the document ends inside an attribute value: it was cut short", i);
                    i += q + 2;
                    break;
            }
        }
    }

    private int DoctypeEnd(int i)
    {
        var b = _b;
        var bracket = 0;
        for (; i < _end; i++)
        {
            switch (b[i])
            {
                case (byte)'[': bracket++; break;
                case (byte)']': bracket--; break;
                case (byte)'"' or (byte)'\'':
                    var q = b.AsSpan(i + 1, _end - i - 1).IndexOf(b[i]);
                    if (q < 0) throw Error("the DOCTYPE is cut short", i);
                    i += q + 1;
                    break;
                case (byte)'>' when bracket == 0: return i + 1;
            }
        }
        throw Error("the DOCTYPE is cut short", i);
    }

    private int IndexOf(byte value, int from)
    {
        var at = _b.AsSpan(from, _end - from).IndexOf(value);
        if (at < 0) throw Error("the document ends inside markup: it was cut short", from);
        return from + at;
    }

    private int IndexOf(ReadOnlySpan<byte> value, int from)
    {
        var at = _b.AsSpan(from, _end - from).IndexOf(value);
        if (at < 0) throw Error("the document ends inside markup: it was cut short", from);
        return from + at;
    }

    private bool StartsWith(int at, ReadOnlySpan<byte> value) => _b.AsSpan(at, _end - at).StartsWith(value);

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool NameEquals(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length != name.Length) return false;
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] != name[i]) return false;
        return true;
    }

    private static readonly SearchValues<byte> TextSpecials = SearchValues.Create("&\r"u8);
    private static readonly SearchValues<byte> AttributeSpecials = SearchValues.Create("&\r\n\t<"u8);

    private string DecodeText(int start, int end, bool cdata)
    {
        var span = _b.AsSpan(start, end - start);
        var special = cdata ? span.IndexOf((byte)'\r') : span.IndexOfAny(TextSpecials);
        if (special < 0) return Encoding.UTF8.GetString(span);
        return Decode(span, start, cdata, attribute: false);
    }

    private string DecodeAttribute(int start, int end)
    {
        var span = _b.AsSpan(start, end - start);
        if (span.IndexOfAny(AttributeSpecials) < 0) return Encoding.UTF8.GetString(span);
        return Decode(span, start, cdata: false, attribute: true);
    }

    // Entities and character references decoded; line ends normalised to \n (in attributes, every white space character to a space).
    private string Decode(ReadOnlySpan<byte> span, int offset, bool cdata, bool attribute)
    {
        var sb = new StringBuilder(span.Length);
        var i = 0;
        while (i < span.Length)
        {
            var rest = span[i..];
            var next = cdata ? rest.IndexOf((byte)'\r') : attribute ? rest.IndexOfAny(AttributeSpecials) : rest.IndexOfAny(TextSpecials);
            if (next < 0) { sb.Append(Encoding.UTF8.GetString(rest)); break; }
            if (next > 0) sb.Append(Encoding.UTF8.GetString(rest[..next]));
            i += next;
            switch (span[i])
            {
                case (byte)'\r':
                    sb.Append(attribute ? ' ' : '\n');
                    i += i + 1 < span.Length && span[i + 1] == (byte)'\n' ? 2 : 1;
                    break;
                case (byte)'\n' or (byte)'\t':
                    sb.Append(' ');
                    i++;
                    break;
                case (byte)'<':
                    throw Error("'<' inside an attribute value", offset + i);
                default:
                    i = Entity(span, i, offset, sb);
                    break;
            }
        }
        return sb.ToString();
    }

    private int Entity(ReadOnlySpan<byte> span, int amp, int offset, StringBuilder sb)
    {
        var semi = span[amp..].IndexOf((byte)';');
        if (semi < 0 || semi > 12) throw Error("'&' that does not start an entity (write &amp; for a literal '&')", offset + amp);
        var name = span.Slice(amp + 1, semi - 1);
        if (name.SequenceEqual("lt"u8)) sb.Append('<');
        else if (name.SequenceEqual("gt"u8)) sb.Append('>');
        else if (name.SequenceEqual("amp"u8)) sb.Append('&');
        else if (name.SequenceEqual("quot"u8)) sb.Append('"');
        else if (name.SequenceEqual("apos"u8)) sb.Append('\'');
        else if (name.Length > 1 && name[0] == (byte)'#')
        {
            var hex = name[1] is (byte)'x';
            var digits = Encoding.ASCII.GetString(name[(hex ? 2 : 1)..]);
            if (!int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                || code is 0 or > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
                throw Error($"invalid character reference '&{Encoding.ASCII.GetString(name)};'", offset + amp);
            sb.Append(char.ConvertFromUtf32(code));
        }
        else throw Error($"reference to undeclared entity '{Encoding.UTF8.GetString(name)}'", offset + amp);
        return amp + semi + 1;
    }

    private XmlException Error(string message, int at)
    {
        at = Math.Clamp(at, _start, _end);
        var before = _b.AsSpan(_start, at - _start);
        var line = before.Count((byte)'\n') + 1;
        var column = at - _start - (before.LastIndexOf((byte)'\n') + 1) + 1;
        // XmlException adds " Line L, position P." itself.
        return new XmlException(message + ".", null, line, column);
    }

    // Interns element names: each distinct name becomes one string, found again from its bytes without allocating.
    private sealed class NameTable
    {
        private readonly List<(byte[] Bytes, string Name)>[] _buckets = new List<(byte[], string)>[64];

        public string Get(ReadOnlySpan<byte> bytes)
        {
            var h = (bytes.Length * 31 + (bytes.Length > 0 ? bytes[0] * 7 + bytes[^1] : 0)) & 63;
            var bucket = _buckets[h] ??= [];
            foreach (var (b, n) in bucket)
                if (bytes.SequenceEqual(b)) return n;
            var name = Encoding.UTF8.GetString(bytes);
            bucket.Add((bytes.ToArray(), name));
            return name;
        }
    }
}
