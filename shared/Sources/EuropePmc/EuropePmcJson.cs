using System.Text.Json;
using SpineReview.Records;

namespace SpineReview.Sources.EuropePmc;

/// <summary>One page of a Europe PMC search (resultType=core).</summary>
public sealed record EuropePmcPage(int HitCount, string? NextCursorMark, IReadOnlyList<BibRecord> Records);

/// <summary>Maps Europe PMC REST search JSON (core or lite) to normalised records. Pure.</summary>
public static class EuropePmcJson
{
    public static EuropePmcPage Parse(Stream json)
    {
        // format=xml answers carry the same fields as elements: read them into the JSON shape and map once.
        var buffered = new MemoryStream();
        json.CopyTo(buffered);
        buffered.Position = 0;
        var first = buffered.Length > 0 ? SkipBom(buffered) : -1;
        buffered.Position = 0;
        if (first == '<') buffered = new MemoryStream(EuropePmcXml.ToJson(buffered));
        using var doc = JsonRead.Parse(buffered, "Europe PMC");
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || root.Prop("hitCount") is null)
        {
            var error = root.Path("errCode").Str() ?? root.Path("error").Str() ?? root.Path("message").Str();
            throw new SourceException($"Europe PMC answer has no hitCount{(error is null ? "" : $": {error}")}.");
        }
        var records = root.Path("resultList", "result").Items().Select(Map).ToList();
        return new EuropePmcPage(root.Prop("hitCount").Int() ?? 0, root.Prop("nextCursorMark").Str(), records);
    }

    private static int SkipBom(Stream s)
    {
        int b;
        do { b = s.ReadByte(); } while (b is 0xEF or 0xBB or 0xBF or ' ' or '\n' or '\r' or '\t');
        return b;
    }

    internal static BibRecord Map(JsonElement r)
    {
        var source = r.Prop("source").Str() ?? "MED";
        var id = r.Prop("id").Str() ?? "";
        var journal = r.Path("journalInfo", "journal");
        var authors = r.Path("authorList", "author").Items().Select(a => new Author(
            a.Prop("fullName").Str() ?? string.Join(" ", new[] { a.Prop("lastName").Str(), a.Prop("initials").Str() }.OfType<string>()),
            a.Path("authorAffiliationDetailsList", "authorAffiliation").Items().Select(x => ((JsonElement?)x).Value.Prop("affiliation").Str()).OfType<string>().ToList()))
            .Where(a => a.Name.Length > 0).ToList();
        if (authors.Count == 0 && r.Prop("authorString").Str() is { } authorString)
            authors = authorString.TrimEnd('.').Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(n => new Author(n.Trim(), [])).ToList();
        var abstractText = JsonRead.StripMarkup(r.Prop("abstractText").Str());
        var year = r.Prop("pubYear").Int() ?? r.Path("journalInfo", "yearOfPublication").Int();
        return new BibRecord
        {
            Source = SourceName.EuropePmc.Name,
            SourceId = $"{source}:{id}",
            Pmid = r.Prop("pmid").Str(),
            Pmcid = Identifiers.NormalisePmcid(r.Prop("pmcid").Str()),
            Doi = Identifiers.NormaliseDoi(r.Prop("doi").Str()),
            Title = JsonRead.StripMarkup(r.Prop("title").Str()).Replace('\n', ' '),
            Abstract = abstractText.Length == 0 ? null : abstractText,
            AbstractSections = abstractText.Length == 0 ? [] : [new AbstractSection(null, abstractText)],
            Year = year,
            Journal = journal.Path("title").Str() ?? r.Prop("journalTitle").Str() ?? r.Path("bookOrReportDetails", "publisher").Str(),
            JournalAbbreviation = journal.Path("isoabbreviation").Str() ?? journal.Path("medlineAbbreviation").Str(),
            Volume = r.Path("journalInfo", "volume").Str() ?? r.Prop("journalVolume").Str(),
            Issue = r.Path("journalInfo", "issue").Str() ?? r.Prop("issue").Str(),
            Pages = r.Prop("pageInfo").Str(),
            Authors = authors,
            PublicationTypes = r.Path("pubTypeList", "pubType").Strings()
                .Concat(r.Prop("pubType").Strings())
                .Concat(r.Prop("pubType").Str() is { } flat ? flat.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [])
                .Concat(source == "PPR" ? ["Preprint"] : []).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            Mesh = r.Path("meshHeadingList", "meshHeading").Items().Select(m => ((JsonElement?)m).Value.Prop("descriptorName").Str()).OfType<string>().ToList(),
            Keywords = r.Path("keywordList", "keyword").Strings(),
            Language = r.Prop("language").Str() is { } lang ? [lang] : [],
            EntryDate = r.Prop("firstIndexDate").Str() ?? r.Prop("firstPublicationDate").Str(),
        };
    }
}
