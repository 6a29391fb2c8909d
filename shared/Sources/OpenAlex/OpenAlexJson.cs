using System.Text.Json;
using SpineReview.Records;

namespace SpineReview.Sources.OpenAlex;

/// <summary>One page of an OpenAlex works list.</summary>
public sealed record OpenAlexPage(int Count, string? NextCursor, IReadOnlyList<BibRecord> Records);

/// <summary>A work's identifiers and the works it references (OpenAlex short ids, "W2741809807"): what citation searching follows.</summary>
public sealed record OpenAlexLinks(string Id, string? Doi, string? Pmid, IReadOnlyList<string> ReferencedWorks);

/// <summary>A work's identifiers and OpenAlex's <c>is_retracted</c> flag: what the refresh asks OpenAlex.</summary>
public sealed record OpenAlexRetraction(string Id, string? Doi, string? Pmid, bool IsRetracted);

/// <summary>Maps OpenAlex works (2023 and 2026 schemas; a results page, a bare array, or one work) to normalised records. Pure.</summary>
public static class OpenAlexJson
{
    public static OpenAlexPage Parse(Stream json)
    {
        using var doc = JsonRead.Parse(json, "OpenAlex");
        var root = doc.RootElement;
        // A bare array of works: the form of OpenAlex snapshot and dataset files.
        if (root.ValueKind == JsonValueKind.Array)
            return new OpenAlexPage(root.GetArrayLength(), null, root.EnumerateArray().Select(Map).ToList());
        if (root.Prop("results") is { } results)
            return new OpenAlexPage(root.Path("meta", "count").Int() ?? 0, root.Path("meta", "next_cursor").Str(), ((JsonElement?)results).Items().Select(Map).ToList());
        if (root.Prop("id") is not null)
            return new OpenAlexPage(1, null, [Map(root)]);
        throw new SourceException($"OpenAlex answer has neither results nor a work{(root.Prop("error").Str() is { } e ? $": {e} {root.Prop("message").Str()}" : "")}.");
    }

    /// <summary>Each work of a results page (or one work) with its identifiers and <c>referenced_works</c>.</summary>
    public static IReadOnlyList<OpenAlexLinks> Links(Stream json)
    {
        using var doc = JsonRead.Parse(json, "OpenAlex");
        return Works(doc.RootElement).Select(w => new OpenAlexLinks(ShortId(w.Prop("id").Str() ?? ""), Doi(w), Pmid(w),
                w.Prop("referenced_works").Strings().Select(ShortId).Where(id => id.Length > 0).ToList()))
            .Where(l => l.Id.Length > 0).ToList();
    }

    /// <summary>Each work of a results page (or one work) with its identifiers and whether OpenAlex marks it retracted (<c>is_retracted</c>).</summary>
    public static IReadOnlyList<OpenAlexRetraction> Retractions(Stream json)
    {
        using var doc = JsonRead.Parse(json, "OpenAlex");
        return Works(doc.RootElement).Select(w => new OpenAlexRetraction(ShortId(w.Prop("id").Str() ?? ""), Doi(w), Pmid(w),
                w.Prop("is_retracted") is { ValueKind: JsonValueKind.True }))
            .Where(r => r.Id.Length > 0).ToList();
    }

    // The works of a results page, or the one work answered; anything else is an error answer.
    private static IEnumerable<JsonElement> Works(JsonElement root) =>
        root.Prop("results") is { } results ? ((JsonElement?)results).Items()
        : root.Prop("id") is not null ? [root]
        : throw new SourceException($"OpenAlex answer has neither results nor a work{(root.Prop("error").Str() is { } e ? $": {e} {root.Prop("message").Str()}" : "")}.");

    private static string? Doi(JsonElement w) => Identifiers.NormaliseDoi(w.Prop("doi").Str() ?? w.Path("ids", "doi").Str());

    // "https://pubmed.ncbi.nlm.nih.gov/12345678" (or with a trailing slash) to "12345678".
    private static string? Pmid(JsonElement w) => w.Path("ids", "pmid").Str() is { } pmid ? pmid[(pmid.TrimEnd('/').LastIndexOf('/') + 1)..].TrimEnd('/') : null;

    /// <summary>"W2741809807" from "https://openalex.org/W2741809807" (or from itself).</summary>
    public static string ShortId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id[(id.LastIndexOf('/') + 1)..];
    }

    /// <summary>Rebuilds the abstract from OpenAlex's inverted index (word to positions).</summary>
    public static string? RebuildAbstract(JsonElement? index)
    {
        if (index is not { ValueKind: JsonValueKind.Object } obj) return null;
        var words = new SortedDictionary<int, string>();
        foreach (var p in obj.EnumerateObject())
            foreach (var pos in p.Value.EnumerateArray())
                if (pos.TryGetInt32(out var i)) words[i] = p.Name;
        return words.Count == 0 ? null : string.Join(" ", words.Values);
    }

    internal static BibRecord Map(JsonElement w)
    {
        var id = w.Prop("id").Str() ?? "";
        var shortId = id[(id.LastIndexOf('/') + 1)..];
        var pmid = w.Path("ids", "pmid").Str();
        var pmcid = w.Path("ids", "pmcid").Str();
        var source = w.Path("primary_location", "source");
        var biblio = w.Prop("biblio");
        var first = biblio.Path("first_page").Str();
        var last = biblio.Path("last_page").Str();
        var text = RebuildAbstract(w.Prop("abstract_inverted_index"));
        return new BibRecord
        {
            Source = SourceName.OpenAlex.Name,
            SourceId = shortId,
            Pmid = pmid?[(pmid.TrimEnd('/').LastIndexOf('/') + 1)..].TrimEnd('/'),
            Pmcid = pmcid is null ? null : Identifiers.NormalisePmcid(pmcid[(pmcid.TrimEnd('/').LastIndexOf('/') + 1)..].TrimEnd('/')),
            Doi = Identifiers.NormaliseDoi(w.Prop("doi").Str() ?? w.Path("ids", "doi").Str()),
            Title = JsonRead.StripMarkup(w.Prop("title").Str() ?? w.Prop("display_name").Str()).Replace('\n', ' '),
            Abstract = text,
            AbstractSections = text is null ? [] : [new AbstractSection(null, text)],
            Year = w.Prop("publication_year").Int(),
            Journal = source.Path("display_name").Str(),
            Volume = biblio.Path("volume").Str(),
            Issue = biblio.Path("issue").Str(),
            Pages = first is null ? null : last is null || last == first ? first : $"{first}-{last}",
            Authors = w.Prop("authorships").Items().Select(a =>
            {
                var name = a.Path("author", "display_name").Str() ?? a.Prop("raw_author_name").Str() ?? "";
                var affiliations = a.Prop("raw_affiliation_strings").Strings();
                if (affiliations.Count == 0)
                    affiliations = a.Prop("institutions").Items().Select(i => ((JsonElement?)i).Value.Prop("display_name").Str()).OfType<string>().ToList();
                return new Author(name, affiliations);
            }).Where(a => a.Name.Length > 0).ToList(),
            PublicationTypes = w.Prop("type").Str() is { } t ? [t] : [],
            Mesh = w.Prop("mesh").Items().Select(m => ((JsonElement?)m).Value.Prop("descriptor_name").Str()).OfType<string>().Distinct().ToList(),
            Keywords = w.Prop("keywords").Items().Select(k => ((JsonElement?)k).Value.ValueKind == JsonValueKind.String ? ((JsonElement?)k).Str() : ((JsonElement?)k).Value.Prop("display_name").Str() ?? ((JsonElement?)k).Value.Prop("keyword").Str()).OfType<string>().ToList(),
            Language = w.Prop("language").Str() is { } lang ? [lang] : [],
            EntryDate = w.Prop("created_date").Str() ?? w.Prop("publication_date").Str(),
        };
    }
}
