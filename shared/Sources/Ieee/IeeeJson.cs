using System.Text.Json;
using SpineReview.Records;

namespace SpineReview.Sources.Ieee;

/// <summary>One page of an IEEE Xplore Metadata API search.</summary>
public sealed record IeeePage(int TotalRecords, IReadOnlyList<BibRecord> Records);

/// <summary>Maps IEEE Xplore Metadata API JSON to normalised records; any field may be absent (no DOI, no abstract). Pure.</summary>
public static class IeeeJson
{
    public static IeeePage Parse(Stream json)
    {
        using var doc = JsonRead.Parse(json, "IEEE Xplore");
        var root = doc.RootElement;
        // Some saved answers are a bare list of articles.
        if (root.ValueKind == JsonValueKind.Array)
        {
            var list = root.EnumerateArray().Select(Map).ToList();
            return new IeeePage(list.Count, list);
        }
        if (root.Prop("total_records") is null && root.Prop("articles") is null)
        {
            var error = root.Prop("error").Str() ?? root.Prop("message").Str() ?? root.GetRawText();
            throw new SourceException($"IEEE Xplore answered without total_records: {(error.Length > 200 ? error[..200] : error)}");
        }
        var articles = root.Prop("articles").Items().Select(Map).ToList();
        return new IeeePage(root.Prop("total_records").Int() ?? articles.Count, articles);
    }

    internal static BibRecord Map(JsonElement a)
    {
        var number = a.Prop("article_number").Str();
        var doi = Identifiers.NormaliseDoi(a.Prop("doi").Str());
        var abstractText = JsonRead.StripMarkup(a.Prop("abstract").Str());
        var start = a.Prop("start_page").Str();
        var end = a.Prop("end_page").Str();
        return new BibRecord
        {
            Source = SourceName.Ieee.Name,
            // An article number is IEEE's own id; the DOI stands in where a saved answer lacks it.
            SourceId = number ?? doi ?? JsonRead.StripMarkup(a.Prop("title").Str()),
            Doi = doi,
            Title = JsonRead.StripMarkup(a.Prop("title").Str()).Replace('\n', ' '),
            Abstract = abstractText.Length == 0 ? null : abstractText,
            AbstractSections = abstractText.Length == 0 ? [] : [new AbstractSection(null, abstractText)],
            Year = a.Prop("publication_year").Int(),
            Journal = a.Prop("publication_title").Str(),
            Volume = a.Prop("volume").Str(),
            Issue = a.Prop("issue").Str(),
            Pages = start is null ? null : end is null ? start : $"{start}-{end}",
            Authors = a.Path("authors", "authors").Items()
                .OrderBy(x => ((JsonElement?)x).Value.Prop("author_order").Int() ?? 0)
                .Select(x => new Author(((JsonElement?)x).Value.Prop("full_name").Str() ?? "", ((JsonElement?)x).Value.Prop("affiliation").Str() is { } aff ? [aff] : []))
                .Where(x => x.Name.Length > 0).ToList(),
            PublicationTypes = a.Prop("content_type").Str() is { } t ? [t] : [],
            Keywords = a.Path("index_terms", "author_terms", "terms").Strings()
                .Concat(a.Path("index_terms", "ieee_terms", "terms").Strings()).Distinct().ToList(),
            Mesh = [],
            EntryDate = a.Prop("insert_date").Str(),
        };
    }
}
