using System.Text.Json;
using SpineReview.Records;

namespace SpineReview.Sources.Crossref;

/// <summary>Maps Crossref works (one work, or a list's items) to normalised records; JATS abstracts become plain text. Pure.</summary>
public static class CrossrefJson
{
    public static IReadOnlyList<BibRecord> Parse(Stream json)
    {
        using var doc = JsonRead.Parse(json, "Crossref");
        var root = doc.RootElement;
        if (root.Prop("status").Str() is { } status && status != "ok")
            throw new SourceException($"Crossref answered status '{status}': {root.Prop("message").Str() ?? root.GetRawText()}");
        var message = root.Prop("message") ?? root;
        if (message.Prop("items") is { } items) return ((JsonElement?)items).Items().Select(Map).ToList();
        if (message.Prop("DOI") is not null) return [Map(message)];
        throw new SourceException("Crossref answer holds neither a work nor a list of works.");
    }

    internal static BibRecord Map(JsonElement m)
    {
        var doi = Identifiers.NormaliseDoi(m.Prop("DOI").Str()) ?? "";
        var abstractText = JsonRead.StripMarkup(m.Prop("abstract").Str());
        int? Year(string field) => m.Path(field, "date-parts").Items().FirstOrDefault() is { ValueKind: JsonValueKind.Array } parts && parts.GetArrayLength() > 0
            ? ((JsonElement?)parts[0]).Int() : null;
        return new BibRecord
        {
            Source = "crossref",
            SourceId = doi,
            Doi = doi.Length == 0 ? null : doi,
            Title = JsonRead.StripMarkup(m.Prop("title").Strings().FirstOrDefault()).Replace('\n', ' '),
            Abstract = abstractText.Length == 0 ? null : abstractText,
            AbstractSections = abstractText.Length == 0 ? [] : [new AbstractSection(null, abstractText)],
            Year = Year("published") ?? Year("issued") ?? Year("published-print") ?? Year("published-online"),
            Journal = m.Prop("container-title").Strings().FirstOrDefault(),
            JournalAbbreviation = m.Prop("short-container-title").Strings().FirstOrDefault(),
            Volume = m.Prop("volume").Str(),
            Issue = m.Prop("issue").Str(),
            Pages = m.Prop("page").Str(),
            Authors = m.Prop("author").Items().Select(a =>
            {
                var family = ((JsonElement?)a).Value.Prop("family").Str();
                var given = ((JsonElement?)a).Value.Prop("given").Str();
                var initials = given is null ? "" : string.Concat(given.Split(' ', '-', '.').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0])));
                var name = family is null ? ((JsonElement?)a).Value.Prop("name").Str() ?? "" : initials.Length > 0 ? $"{family} {initials}" : family;
                return new Author(name, ((JsonElement?)a).Value.Prop("affiliation").Items().Select(x => ((JsonElement?)x).Value.Prop("name").Str()).OfType<string>().ToList());
            }).Where(a => a.Name.Length > 0).ToList(),
            PublicationTypes = m.Prop("type").Str() is { } t ? [t] : [],
            Keywords = m.Prop("subject").Strings(),
            Language = m.Prop("language").Str() is { } lang ? [lang] : [],
        };
    }
}
