using System.Diagnostics.CodeAnalysis;

namespace SpineReview.Records;

/// <summary>A bibliographic source the review searches: the name records, keys and settings carry, and the name a reader sees.</summary>
public sealed class SourceName
{
    private SourceName(string name, string displayName) => (Name, DisplayName) = (name, displayName);

    public static SourceName PubMed { get; } = new("pubmed", "PubMed");
    public static SourceName Ieee { get; } = new("ieee", "IEEE Xplore");
    public static SourceName EuropePmc { get; } = new("europepmc", "Europe PMC");
    public static SourceName Arxiv { get; } = new("arxiv", "arXiv");
    public static SourceName OpenAlex { get; } = new("openalex", "OpenAlex");
    public static SourceName Crossref { get; } = new("crossref", "Crossref");

    /// <summary>Every source, in the order the cycle harvests them (the report lists them in this order too).</summary>
    public static IReadOnlyList<SourceName> All { get; } = [PubMed, Ieee, EuropePmc, Arxiv, OpenAlex, Crossref];

    /// <summary>The name as stored (<see cref="BibRecord.Source"/>, the first part of a record key) and typed on the command line.</summary>
    public string Name { get; }

    /// <summary>The source as a reader knows it ("IEEE Xplore", "Europe PMC").</summary>
    public string DisplayName { get; }

    public override string ToString() => Name;

    /// <summary>The source named <paramref name="text"/> (exactly as stored: "pubmed", "europepmc"); otherwise false and an
    /// error that names the input and lists the valid names.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SourceName? source, [NotNullWhen(false)] out string? error)
    {
        source = All.FirstOrDefault(s => string.Equals(s.Name, text, StringComparison.Ordinal));
        error = source is null ? $"Unknown source '{text}'. Sources: {string.Join(", ", All.Select(s => s.Name))}." : null;
        return source is not null;
    }

    /// <summary>The reader's name of a stored source name; a name this version does not know is shown as stored.</summary>
    public static string DisplayNameOf(string name) => TryParse(name, out var s, out _) ? s.DisplayName : name;

    /// <summary>Where a stored source name comes in the harvest order; -1 for a name this version does not know, which so sorts first.</summary>
    public static int OrderOf(string name) => TryParse(name, out var s, out _) ? IndexOf(s) : -1;

    private static int IndexOf(SourceName s)
    {
        for (var i = 0; i < All.Count; i++)
            if (ReferenceEquals(All[i], s)) return i;
        return -1;
    }
}
