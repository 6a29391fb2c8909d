using System.Buffers;
using System.Runtime.InteropServices;

namespace SpineReview.Screening.Learning;

/// <summary>A sparse feature vector: ascending feature indices and their weights.</summary>
public readonly record struct SparseVector(int[] Indices, float[] Values)
{
    public static SparseVector Empty { get; } = new([], []);

    /// <summary>The same record read in a spec's further views (<see cref="ModelSpec.Beside"/>), in their order; empty when it has none.</summary>
    public IReadOnlyList<SparseVector> Beside { get; init; } = [];

    /// <summary>Dot product with a dense weight vector.</summary>
    public double Dot(ReadOnlySpan<double> weights)
    {
        var s = 0.0;
        var idx = Indices;
        var val = Values;
        for (var i = 0; i < idx.Length; i++) s += weights[idx[i]] * val[i];
        return s;
    }
}

/// <summary>Words of a title and abstract: lower-case runs of letters and digits, English stop words and one-letter words dropped.</summary>
public static class Tokens
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
        "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "during", "each", "few",
        "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into",
        "is", "it", "its", "itself", "may", "me", "might", "more", "most", "must", "my", "no", "nor", "not", "of", "off", "on", "once", "only",
        "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
        "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we",
        "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
    };

    /// <summary>The words of a text in order.</summary>
    public static List<string> Of(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrEmpty(text)) return words;
        var buffer = ArrayPool<char>.Shared.Rent(64);
        try
        {
            var n = 0;
            for (var i = 0; i <= text.Length; i++)
            {
                var c = i < text.Length ? text[i] : ' ';
                if (char.IsLetterOrDigit(c))
                {
                    if (n == buffer.Length)
                    {
                        var bigger = ArrayPool<char>.Shared.Rent(n * 2);
                        buffer.AsSpan(0, n).CopyTo(bigger);
                        ArrayPool<char>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    buffer[n++] = char.ToLowerInvariant(c);
                    continue;
                }
                if (n > 1)
                {
                    var w = new string(buffer, 0, n);
                    if (!StopWords.Contains(w)) words.Add(w);
                }
                n = 0;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
        return words;
    }

    /// <summary>Unigrams, and bigrams of neighbouring kept words (joined by a space) when asked.</summary>
    public static List<string> Terms(string? text, bool bigrams)
    {
        var words = Of(text);
        if (!bigrams) return words;
        var terms = new List<string>(words.Count * 2);
        terms.AddRange(words);
        for (var i = 1; i < words.Count; i++) terms.Add(string.Concat(words[i - 1], " ", words[i]));
        return terms;
    }
}

/// <summary>How texts become TF-IDF vectors.</summary>
/// <param name="Bigrams">Add bigrams to the unigrams.</param>
/// <param name="MinDocumentFrequency">Terms in fewer documents are dropped (bigrams only: every word is kept).</param>
/// <param name="SublinearTf">1 + log(tf) instead of the raw count.</param>
public sealed record TfIdfOptions(bool Bigrams = true, int MinDocumentFrequency = 2, bool SublinearTf = true);

/// <summary>A vocabulary with inverse document frequencies, fitted on one collection of texts (the whole pool, labelled or not).</summary>
public sealed class TfIdf
{
    private readonly Dictionary<string, int> index;
    private readonly double[] idf;
    private readonly TfIdfOptions options;

    private TfIdf(Dictionary<string, int> index, double[] idf, TfIdfOptions options)
    {
        this.index = index;
        this.idf = idf;
        this.options = options;
    }

    /// <summary>The term of a feature index.</summary>
    public string Term(int feature) => (terms ??= index.OrderBy(p => p.Value).Select(p => p.Key).ToArray())[feature];

    private string[]? terms;

    /// <summary>Number of features.</summary>
    public int Dimension => idf.Length;

    /// <summary>Fits the vocabulary on the collection and returns each text's L2-normalised vector.</summary>
    public static (TfIdf Model, SparseVector[] Vectors) FitTransform(IReadOnlyList<string> texts, TfIdfOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new TfIdfOptions();
        var terms = new List<string>[texts.Count];
        Parallel.For(0, texts.Count, i => terms[i] = Tokens.Terms(texts[i], options.Bigrams));

        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var doc in terms)
            foreach (var t in new HashSet<string>(doc, StringComparer.Ordinal))
                CollectionsMarshal.GetValueRefOrAddDefault(df, t, out _)++;

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var idfs = new List<double>();
        foreach (var (term, count) in df.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (term.Contains(' ', StringComparison.Ordinal) && count < options.MinDocumentFrequency) continue;
            index[term] = idfs.Count;
            idfs.Add(Math.Log((1.0 + texts.Count) / (1.0 + count)) + 1.0);
        }
        var model = new TfIdf(index, [.. idfs], options);
        var vectors = new SparseVector[texts.Count];
        Parallel.For(0, texts.Count, i => vectors[i] = model.Vector(terms[i]));
        return (model, vectors);
    }

    /// <summary>The vector of a new text under this vocabulary (unknown terms ignored).</summary>
    public SparseVector Transform(string text) => Vector(Tokens.Terms(text, options.Bigrams));

    private SparseVector Vector(List<string> terms)
    {
        var counts = new Dictionary<int, int>();
        foreach (var t in terms)
            if (index.TryGetValue(t, out var j)) CollectionsMarshal.GetValueRefOrAddDefault(counts, j, out _)++;
        if (counts.Count == 0) return SparseVector.Empty;
        var idx = counts.Keys.ToArray();
        Array.Sort(idx);
        var val = new float[idx.Length];
        var norm = 0.0;
        for (var k = 0; k < idx.Length; k++)
        {
            var tf = counts[idx[k]];
            var w = (options.SublinearTf ? 1 + Math.Log(tf) : tf) * idf[idx[k]];
            val[k] = (float)w;
            norm += w * w;
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var k = 0; k < val.Length; k++) val[k] *= scale;
        return new SparseVector(idx, val);
    }
}
