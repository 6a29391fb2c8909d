using System.IO.Compression;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using SpineReview.Sources.PubMed;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

/// <summary>The streaming reader used for parsing gives exactly the record of the reference mapping over a whole element.</summary>
public class PubMedReaderTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "pubmed")).Where(f => f.EndsWith(".xml", StringComparison.Ordinal) || f.EndsWith(".gz", StringComparison.Ordinal)))
            data.Add(f);
        foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.Replay, "pubmed"), "efetch_*.xml")) data.Add(f);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ParseEFetch_EveryArticle_SameRecordAsTheReferenceMapping(string file)
    {
        static Stream Open(string f) => f.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(File.OpenRead(f), CompressionMode.Decompress) : File.OpenRead(f);
        using var root = Open(file);
        using var reader = XmlReader.Create(root, PubMedXml.ReaderSettings);
        var reference = XDocument.Load(reader).Root!.Elements("PubmedArticle").Select(PubMedXml.MapArticle).ToList();
        using var stream = Open(file);
        List<Records.BibRecord> streamed;
        try { streamed = PubMedXml.ParseEFetch(stream).Where(r => reference.Any(x => x.Pmid == r.Pmid)).ToList(); }
        catch (SpineReview.Sources.SourceException) when (reference.Count == 0) { return; }
        Assert.Equal(reference.Count, streamed.Count);
        for (var i = 0; i < reference.Count; i++)
            Assert.Equal(JsonSerializer.Serialize(reference[i], Json), JsonSerializer.Serialize(streamed[i], Json));
    }
}
