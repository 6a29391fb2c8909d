using SpineReview.Records;

namespace SpineReview.Web.Pages;

/// <summary>Stored source names as the report names them: an API source by its own name, an imported database as its latest
/// search-log row describes it ("Embase (Ovid)" for embase-ovid). The search log is read only when an imported source is shown.</summary>
internal static class SourceNames
{
    public static async Task<Func<string, string>> ForAsync(WebContext context, IEnumerable<string> sources)
    {
        if (sources.All(s => SourceName.TryParse(s, out _, out _))) return SourceName.DisplayNameOf;
        var searches = await context.Get<SearchLog>().ListAsync(context.Cancellation);
        return s => SourceName.DisplayNameOf(s, searches);
    }
}
