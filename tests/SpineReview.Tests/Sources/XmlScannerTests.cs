using System.IO.Compression;
using System.Text;
using System.Xml;
using SpineReview.Sources;
using SpineReview.Sources.PubMed;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

/// <summary>The byte scanner that parses efetch files reads every document exactly as .NET's XmlReader does, and refuses
/// what is not well-formed.</summary>
public class XmlScannerTests
{
    private static XmlScanner Scan(string xml)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        return new XmlScanner(bytes, 0, bytes.Length);
    }

    private static byte[] Load(string file)
    {
        using var s = file.EndsWith(".gz", StringComparison.Ordinal) ? (Stream)new GZipStream(File.OpenRead(file), CompressionMode.Decompress) : File.OpenRead(file);
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static readonly string[] Attributes = ["IdType", "EIdType", "Label", "PubStatus", "ValidYN", "NlmCategory"];

    // Element, end and text nodes with depth, name, text and every attribute a PubMed record reads; adjacent text joined.
    private static List<string> Nodes(Func<bool> read, Func<XmlNodeType> type, Func<int> depth, Func<string> name, Func<string> value, Func<string, string?> attribute)
    {
        var nodes = new List<string>();
        var text = new StringBuilder();
        var textDepth = -1;
        while (read())
        {
            var t = type();
            if (t is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                if (depth() == 0) continue;
                text.Append(value());
                textDepth = depth();
                continue;
            }
            if (t is not (XmlNodeType.Element or XmlNodeType.EndElement)) continue;
            if (text.Length > 0) { nodes.Add($"text {textDepth} {text}"); text.Clear(); }
            var attributes = t == XmlNodeType.Element
                ? string.Join(",", Attributes.Select(a => $"{a}={attribute(a)}"))
                : "";
            nodes.Add($"{t} {depth()} {name()} {attributes}");
        }
        return nodes;
    }

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "pubmed")).Where(f => f.EndsWith(".xml", StringComparison.Ordinal) || f.EndsWith(".gz", StringComparison.Ordinal)))
            data.Add(f);
        foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.Replay, "pubmed"), "*.xml")) data.Add(f);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryNode_SameAsXmlReader(string file)
    {
        var bytes = Load(file);
        using var xr = XmlReader.Create(new MemoryStream(bytes), PubMedXml.ReaderSettings);
        var expected = Nodes(xr.Read, () => xr.NodeType, () => xr.Depth, () => xr.LocalName, () => xr.Value, xr.GetAttribute);
        var scanner = new XmlScanner(bytes, 0, bytes.Length);
        var actual = Nodes(scanner.Read, () => scanner.NodeType, () => scanner.Depth, () => scanner.LocalName, () => scanner.Value, scanner.GetAttribute);
        Assert.True(expected.Count > 10, $"{file}: too few nodes to compare");
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
    }

    [Fact]
    public void EntitiesCharacterReferencesCdataAndLineEnds_Decoded()
    {
        var s = Scan("<a x=\"1 &amp; 2\r\n&#x3B1;\" y='&quot;&gt;'>A &lt;b&gt; &#945;&#x1F600;\r\nc<![CDATA[<i>&amp;</i>]]><!-- note --><?pi x?>d</a>");
        s.Read();
        Assert.Equal("1 & 2 α", s.GetAttribute("x"));
        Assert.Equal("\">", s.GetAttribute("y"));
        Assert.Null(s.GetAttribute("z"));
        Assert.Equal("A <b> α😀\nc<i>&amp;</i>d", s.ReadElementText());
        Assert.True(s.EOF);
    }

    [Fact]
    public void QuotedGreaterThanInAttribute_DoesNotEndTheTag()
    {
        var s = Scan("<a Label=\"x > y\" b='<'>t</a>".Replace("b='<'", "b='q'", StringComparison.Ordinal));
        s.Read();
        Assert.Equal("x > y", s.GetAttribute("Label"));
        Assert.Equal("t", s.ReadElementText());
    }

    [Fact]
    public void PrefixedNamesAndDoctypeWithInternalSubset_Handled()
    {
        var s = Scan("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e \"]>\">]>\n<r><mml:math xmlns:mml=\"m\"><mml:mi>x</mml:mi></mml:math></r>");
        s.Read();
        Assert.Equal("r", s.LocalName);
        s.Read();
        Assert.Equal("math", s.LocalName);
        Assert.Equal(1, s.Depth);
        Assert.Equal("x", s.ReadElementText());
        Assert.Equal(XmlNodeType.EndElement, s.NodeType);
        Assert.Equal("r", s.LocalName);
    }

    [Theory]
    [InlineData("<a><b></a></b>", "does not match")]
    [InlineData("<a><b>text", "cut short")]
    [InlineData("<a>x &nbsp; y</a>", "undeclared entity 'nbsp'")]
    [InlineData("<a>fish & chips</a>", "write &amp;")]
    [InlineData("<a>&#0;</a>", "invalid character reference")]
    [InlineData("<a></a><b></b>", "second root")]
    [InlineData("<a x=\"1></a>", "cut short")]
    [InlineData("text<a></a>", "outside the root")]
    [InlineData("", "no root element")]
    public void Malformed_ThrowsWithLine(string xml, string expected)
    {
        var e = Assert.Throws<XmlException>(() =>
        {
            var s = Scan(xml);
            while (s.Read()) _ = s.NodeType == XmlNodeType.Text ? s.Value : s.LocalName;
        });
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(1, e.LineNumber);
    }

    [Fact]
    public void Skip_LeavesTheReaderOnTheNextSibling()
    {
        var s = Scan("<r><a><x>1</x><y/></a><b>2</b></r>");
        s.Read();
        s.Read();
        s.Skip();
        Assert.Equal(("b", 1), (s.LocalName, s.Depth));
        Assert.Equal("2", s.ReadElementText());
        Assert.Equal(XmlNodeType.EndElement, s.NodeType);
    }

    [Fact]
    public void ParseParallel_LargeFile_SameRecordsInTheSameOrderAsOnePass()
    {
        var articles = string.Concat(Enumerable.Range(0, 4).Select(_ => File.ReadAllText(Path.Combine(TestPaths.Replay, "pubmed", "efetch_retstart_0.xml"))
            .Split("<PubmedArticleSet>")[1].Split("</PubmedArticleSet>")[0]));
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, $"<?xml version=\"1.0\" ?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet>{articles}</PubmedArticleSet>\n");
            var whole = PubMedXml.ParseEFetch(File.ReadAllBytes(path), 0, (int)new FileInfo(path).Length).Select(r => r.Pmid).ToList();
            var parts = PubMedFile.ParseParallel(path, records => records.Select(r => r.Pmid).ToList(), parts: 3);
            Assert.Equal(3, parts.Count);
            Assert.Equal(80, whole.Count);
            Assert.Equal(whole, parts.SelectMany(p => p));

            // Cut short: the last part fails, as the whole file would.
            File.WriteAllText(path, $"<PubmedArticleSet>{articles[..(articles.Length * 9 / 10)]}");
            var e = Assert.Throws<SourceException>(() => PubMedFile.ParseParallel(path, records => records.Count(), parts: 3));
            Assert.Contains("cut short", e.Message, StringComparison.Ordinal);

            // Broken in the middle: the same message, with the file's own line number, as one pass gives.
            var lines = File.ReadAllLines(Path.Combine(TestPaths.Replay, "pubmed", "efetch_retstart_0.xml")).ToList();
            var broken = lines.Concat(lines.Skip(3)).ToList();
            broken.Insert(lines.Count + 40, "<Broken></Mismatch>");
            File.WriteAllText(path, string.Join("\n", broken.Where(l => !l.Contains("</PubmedArticleSet>", StringComparison.Ordinal))) + "\n</PubmedArticleSet>\n");
            var onePass = Assert.Throws<SourceException>(() => PubMedXml.ParseEFetch(File.ReadAllBytes(path), 0, (int)new FileInfo(path).Length).ToList());
            var parallel = Assert.Throws<SourceException>(() => PubMedFile.ParseParallel(path, records => records.Count(), parts: 3));
            Assert.Equal(onePass.Message, parallel.Message);
            Assert.Contains($"line {lines.Count + 40}", parallel.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
