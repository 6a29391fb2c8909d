using System.Text.Json;
using SpineReview.Records;

namespace SpineReview.Sources.Crossref;

/// <summary>A notice Crossref links to a work (its <c>updated-by</c>: a retraction, correction, erratum, expression of concern or
/// withdrawal, from the publisher or from Retraction Watch), or the journal version of a preprint (<c>relation.is-preprint-of</c>).</summary>
/// <param name="Kind">Crossref's type ("retraction", "correction", "erratum", "expression_of_concern", "withdrawal"), or "journal-version".</param>
/// <param name="Doi">The notice's DOI, or the journal version's.</param>
/// <param name="Issued">When the notice was issued; null when Crossref gives no date (a preprint link has none).</param>
/// <param name="By">Who asserted it ("publisher", "retraction-watch"); null when not said.</param>
public sealed record WorkUpdate(string Kind, string Doi, DateOnly? Issued, string? By)
{
    /// <summary>A retraction or withdrawal: the study's results no longer stand.</summary>
    public bool Retracts => Retractions.IsRetractingKind(Kind);
}

/// <summary>Reads the notices and versions of a Crossref work answer. Pure.</summary>
public static class CrossrefUpdates
{
    /// <summary>The updates of the work in a Crossref <c>/works/DOI</c> answer, in the order Crossref lists them.</summary>
    public static IReadOnlyList<WorkUpdate> Parse(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var stream = new MemoryStream(json);
        using var doc = JsonRead.Parse(stream, "Crossref");
        var work = doc.RootElement.Prop("message") ?? doc.RootElement;
        var list = new List<WorkUpdate>();
        foreach (var u in work.Prop("updated-by").Items())
        {
            var e = (JsonElement?)u;
            if (e.Prop("type").Str() is not { } type || Identifiers.NormaliseDoi(e.Prop("DOI").Str()) is not { } doi) continue;
            list.Add(new WorkUpdate(type.ToLowerInvariant(), doi, Date(e.Prop("updated")), e.Prop("source").Str()));
        }
        foreach (var r in work.Path("relation", "is-preprint-of").Items())
        {
            var e = (JsonElement?)r;
            if (e.Prop("id-type").Str() == "doi" && Identifiers.NormaliseDoi(e.Prop("id").Str()) is { } doi)
                list.Add(new WorkUpdate("journal-version", doi, null, e.Prop("asserted-by").Str()));
        }
        return list;
    }

    // Crossref dates: {"date-parts": [[2026, 3, 2]]}, month and day optional.
    private static DateOnly? Date(JsonElement? date)
    {
        if (date.Prop("date-parts").Items().FirstOrDefault() is not { ValueKind: JsonValueKind.Array } parts || parts.GetArrayLength() == 0) return null;
        int? Part(int i) => parts.GetArrayLength() > i ? ((JsonElement?)parts[i]).Int() : null;
        if (Part(0) is not { } year || year is < 1 or > 9999) return null;
        var month = Math.Clamp(Part(1) ?? 1, 1, 12);
        return new DateOnly(year, month, Math.Clamp(Part(2) ?? 1, 1, DateTime.DaysInMonth(year, month)));
    }
}
