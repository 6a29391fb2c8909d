using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace SpineReview.Records;

/// <summary>A bibliographic source the review searches: the name records, keys and settings carry, and the name a reader sees.
/// Either one of the sources searched through their APIs (<see cref="All"/>) or an import source: a database searched on its
/// own platform by a person and read from its export file, named by that person (<see cref="TryImport"/>).</summary>
public sealed partial class SourceName
{
    private SourceName(string name, string displayName, string? database = null, string? platform = null) =>
        (Name, DisplayName, Database, Platform) = (name, displayName, database, platform);

    public static SourceName PubMed { get; } = new("pubmed", "PubMed");
    public static SourceName Ieee { get; } = new("ieee", "IEEE Xplore");
    public static SourceName EuropePmc { get; } = new("europepmc", "Europe PMC");
    public static SourceName Arxiv { get; } = new("arxiv", "arXiv");
    public static SourceName OpenAlex { get; } = new("openalex", "OpenAlex");
    public static SourceName Crossref { get; } = new("crossref", "Crossref");

    /// <summary>Every source searched through its API, in the order the cycle harvests them (the report lists them in this order,
    /// import sources after them).</summary>
    public static IReadOnlyList<SourceName> All { get; } = [PubMed, Ieee, EuropePmc, Arxiv, OpenAlex, Crossref];

    /// <summary>Citation searching (PRISMA-S item 5): the works the included studies reference and the works that cite them, found
    /// through OpenAlex. Not a database search: PRISMA 2020 counts its records under "other methods", and the harvest of every
    /// database leaves it out (it runs on its own, after studies are included).</summary>
    public static SourceName Citations { get; } = new("citations", "Citation searching");

    /// <summary>True for records found by other methods than searching a database (citation searching).</summary>
    public bool IsOtherMethod => ReferenceEquals(this, Citations);

    /// <summary>Whether a stored source name is one of the other methods (<see cref="Citations"/>).</summary>
    public static bool IsOtherMethodName(string name) => name == Citations.Name;

    /// <summary>The name as stored (<see cref="BibRecord.Source"/>, the first part of a record key) and typed on the command line.</summary>
    public string Name { get; }

    /// <summary>The source as a reader knows it ("IEEE Xplore", "Europe PMC", "Embase (Ovid)").</summary>
    public string DisplayName { get; }

    /// <summary>An import source's database as its platform names it ("Embase"); null for an API source.</summary>
    public string? Database { get; }

    /// <summary>The platform an import source's database was searched on ("Ovid"); null for an API source.</summary>
    public string? Platform { get; }

    /// <summary>True for a database searched by a person and read from its export file.</summary>
    public bool IsImport => Database is not null;

    public override string ToString() => Name;

    /// <summary>The source named <paramref name="text"/> (exactly as stored: "pubmed", "europepmc"); otherwise false and an
    /// error that names the input and lists the valid names.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SourceName? source, [NotNullWhen(false)] out string? error)
    {
        source = All.Append(Citations).FirstOrDefault(s => string.Equals(s.Name, text, StringComparison.Ordinal));
        error = source is null ? $"Unknown source '{text}'. Sources: {string.Join(", ", All.Append(Citations).Select(s => s.Name))}." : null;
        return source is not null;
    }

    /// <summary>An import source: <paramref name="name"/> is what its records and search-log rows are stored under (lower-case
    /// letters, digits and hyphens, starting with a letter, at most 32; not the name of an API source, so the two never share
    /// records or a watermark), <paramref name="database"/> and <paramref name="platform"/> what the report shows. Otherwise
    /// false and an error that says what was wrong.</summary>
    public static bool TryImport(string? name, string? database, string? platform, [NotNullWhen(true)] out SourceName? source, [NotNullWhen(false)] out string? error)
    {
        source = null;
        if (string.IsNullOrEmpty(name) || !ImportPattern().IsMatch(name))
            error = $"Source name '{name}' is not usable: use lower-case letters, digits and hyphens, starting with a letter, at most 32 (for example embase-ovid).";
        else if (All.Any(s => s.Name == name) || name == Citations.Name || name == "all")
            error = $"Source name '{name}' is taken by a source searched through its API; name the imported database another way (for example {name}-export).";
        else if (string.IsNullOrWhiteSpace(database))
            error = "The database searched must be named (for example Embase, Web of Science Core Collection, Scopus).";
        else if (string.IsNullOrWhiteSpace(platform))
            error = "The platform the database was searched on must be named (for example Ovid, Clarivate, Elsevier, PubMed).";
        else
        {
            source = new SourceName(name, $"{database.Trim()} ({platform.Trim()})", database.Trim(), platform.Trim());
            error = null;
        }
        return source is not null;
    }

    /// <summary>The source a search-log row belongs to: an API source by its name, otherwise the import source the row describes.</summary>
    public static SourceName Of(SearchLogEntry search)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (TryParse(search.Source, out var api, out _)) return api;
        return TryImport(search.Source, search.Database, search.Platform, out var import, out _) ? import : new SourceName(search.Source, search.Source);
    }

    /// <summary>The reader's name of a stored source name; a name this version does not know is shown as stored.</summary>
    public static string DisplayNameOf(string name) => TryParse(name, out var s, out _) ? s.DisplayName : name;

    /// <summary>The reader's name of a stored source name, import sources named as their latest search-log row describes them.</summary>
    public static string DisplayNameOf(string name, IEnumerable<SearchLogEntry> searches)
    {
        ArgumentNullException.ThrowIfNull(searches);
        if (TryParse(name, out var s, out _)) return s.DisplayName;
        var row = searches.Where(e => e.Source == name && e.Database is not null).MaxBy(e => e.Started);
        return row is null ? name : Of(row).DisplayName;
    }

    /// <summary>Where a stored source name comes in the harvest order; every other name (import sources) after the API sources,
    /// and citation searching (another method, not a database) last.</summary>
    public static int OrderOf(string name) => name == Citations.Name ? All.Count + 1 : TryParse(name, out var s, out _) ? IndexOf(s) : All.Count;

    private static int IndexOf(SourceName s)
    {
        for (var i = 0; i < All.Count; i++)
            if (ReferenceEquals(All[i], s)) return i;
        return -1;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex ImportPattern();
}
