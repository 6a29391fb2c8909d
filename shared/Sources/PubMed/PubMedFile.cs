using Microsoft.Win32.SafeHandles;
using SpineReview.Records;

namespace SpineReview.Sources.PubMed;

/// <summary>Parses a large efetch file on every core: the file is cut at article boundaries, each core reads its own part
/// straight from the file and parses it as a document of its own, and the parts' results come back in file order.</summary>
public static class PubMedFile
{
    private static readonly byte[] ArticleStart = "<PubmedArticle>"u8.ToArray();
    private static readonly byte[] Open = "<PubmedArticleSet>\n"u8.ToArray();
    private static readonly byte[] Close = "\n</PubmedArticleSet>\n"u8.ToArray();
    private const int Window = 1 << 16;

    /// <summary>Runs <paramref name="consume"/> on each part's records (in parallel) and returns the parts' results in file order.</summary>
    /// <exception cref="SourceException">The file is not an efetch document, or it is malformed or cut short.</exception>
    public static IReadOnlyList<T> ParseParallel<T>(string path, Func<IEnumerable<BibRecord>, T> consume, int parts = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(consume);
        parts = parts > 0 ? parts : Environment.ProcessorCount;
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        var length = RandomAccess.GetLength(file);
        if (length > int.MaxValue) throw new SourceException($"{path} is larger than 2 GB; split it into smaller efetch files.");
        var cuts = Cuts(file, length, parts);
        var results = new T[cuts.Count - 1];
        try
        {
            Parallel.For(0, cuts.Count - 1, new ParallelOptions { MaxDegreeOfParallelism = parts }, i =>
            {
                // The first part keeps the file's own header; the others get a root element of their own, and all but the last
                // a closing tag. Each part is scanned as its own document, so a file cut short still fails, in its last part.
                var head = i == 0 ? [] : Open;
                var tail = i == cuts.Count - 2 ? [] : Close;
                var size = (int)(cuts[i + 1] - cuts[i]);
                var part = new byte[head.Length + size + tail.Length];
                head.CopyTo(part, 0);
                ReadExactly(file, part.AsSpan(head.Length, size), cuts[i]);
                tail.CopyTo(part, head.Length + size);
                results[i] = consume(PubMedXml.ParseEFetch(part, 0, part.Length));
            });
        }
        catch (AggregateException e)
        {
            var first = e.Flatten().InnerExceptions[0];
            // A malformed file: parse it once more in one pass, which reports the first error in file order with the file's
            // own line number (a part's line numbers count from the part). Only the failure path pays for this.
            if (first is SourceException)
                foreach (var _ in PubMedXml.ParseEFetch(File.ReadAllBytes(path), 0, (int)length)) { }
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }
        return results;
    }

    // File offsets where parts begin (article starts), plus the end. A part boundary is the first article start after an
    // even share of the file; without one (a file of one huge article, or not efetch at all) the file stays whole.
    private static List<long> Cuts(SafeFileHandle file, long length, int parts)
    {
        var cuts = new List<long> { 0 };
        var window = new byte[Window + ArticleStart.Length];
        for (var p = 1; p < parts; p++)
        {
            for (var at = Math.Max(length * p / parts, cuts[^1] + 1); at < length; at += Window)
            {
                var n = RandomAccess.Read(file, window, at);
                var found = window.AsSpan(0, n).IndexOf(ArticleStart);
                if (found >= 0) { cuts.Add(at + found); break; }
            }
        }
        cuts.Add(length);
        return cuts;
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> into, long offset)
    {
        while (into.Length > 0)
        {
            var n = RandomAccess.Read(file, into, offset);
            if (n == 0) throw new IOException("The file became shorter while it was read.");
            into = into[n..];
            offset += n;
        }
    }
}
