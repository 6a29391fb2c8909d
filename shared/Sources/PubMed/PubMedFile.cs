using System.Text;

namespace SpineReview.Sources.PubMed;

/// <summary>Parses a large efetch file on every core: the file is cut at article boundaries, each part is parsed as its own
/// document, and the parts' records come back in file order.</summary>
public static class PubMedFile
{
    private static readonly byte[] ArticleStart = "<PubmedArticle>"u8.ToArray();
    private static readonly byte[] Open = "<PubmedArticleSet>\n"u8.ToArray();
    private static readonly byte[] Close = "\n</PubmedArticleSet>\n"u8.ToArray();

    /// <summary>Runs <paramref name="consume"/> on each part's records (in parallel) and returns the parts' results in file order.</summary>
    public static IReadOnlyList<T> ParseParallel<T>(byte[] content, Func<IEnumerable<Records.BibRecord>, T> consume, int parts = 0)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(consume);
        parts = parts > 0 ? parts : Environment.ProcessorCount;
        var cuts = Cuts(content, parts);
        if (cuts.Count <= 2)
            return [consume(PubMedXml.ParseEFetch(new MemoryStream(content, writable: false)))];
        var results = new T[cuts.Count - 1];
        Parallel.For(0, cuts.Count - 1, new ParallelOptions { MaxDegreeOfParallelism = parts }, i =>
        {
            // The first part keeps the file's own header; the others get a root element of their own.
            Stream part = i == 0
                ? new ConcatStream(new MemoryStream(content, 0, cuts[1], writable: false), new MemoryStream(Close))
                : new ConcatStream(new MemoryStream(Open), new MemoryStream(content, cuts[i], cuts[i + 1] - cuts[i], writable: false),
                    i == cuts.Count - 2 ? Stream.Null : new MemoryStream(Close));
            results[i] = consume(PubMedXml.ParseEFetch(part));
        });
        return results;
    }

    // Byte offsets where parts begin (article starts), plus the end.
    private static List<int> Cuts(byte[] content, int parts)
    {
        var cuts = new List<int> { 0 };
        var span = content.AsSpan();
        for (var p = 1; p < parts; p++)
        {
            var target = (int)((long)content.Length * p / parts);
            var found = span[target..].IndexOf(ArticleStart);
            if (found < 0) break;
            var at = target + found;
            if (at > cuts[^1]) cuts.Add(at);
        }
        cuts.Add(content.Length);
        return cuts;
    }

    private sealed class ConcatStream(params Stream[] streams) : Stream
    {
        private int _index;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_index < streams.Length)
            {
                var n = streams[_index].Read(buffer, offset, count);
                if (n > 0) return n;
                _index++;
            }
            return 0;
        }
    }
}
