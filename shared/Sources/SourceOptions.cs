using SpineReview.Records;

namespace SpineReview.Sources;

/// <summary>Settings of one source other than PubMed (sections Ieee, EuropePmc, Arxiv, OpenAlex, Crossref).</summary>
public sealed class SourceOptions
{
    /// <summary>False leaves the source out of every harvest.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>API root.</summary>
    public string BaseUrl { get; set; } = "";
    /// <summary>API key where the source takes one (IEEE needs it; OpenAlex optional). A secret: never logged.</summary>
    public string? ApiKey { get; set; }
    /// <summary>Contact address for polite pools (OpenAlex mailto, Crossref mailto, Europe PMC email).</summary>
    public string? Email { get; set; }
    /// <summary>The review's query in this source's own syntax; empty means the protocol's concept blocks.</summary>
    public string? Query { get; set; }
    /// <summary>Records per request.</summary>
    public int PageSize { get; set; }
    /// <summary>Most request starts per second.</summary>
    public double RequestsPerSecond { get; set; }
    /// <summary>First date searched when nothing is harvested yet.</summary>
    public DateOnly StartDate { get; set; } = new(2012, 1, 1);
    /// <summary>Retries of a failed call before the run fails.</summary>
    public int MaxRetries { get; set; } = 4;
    /// <summary>First retry delay in seconds; doubles each retry.</summary>
    public double RetryDelaySeconds { get; set; } = 2;
    /// <summary>Seconds one call may take.</summary>
    public double TimeoutSeconds { get; set; } = 60;
    /// <summary>Calls allowed per UTC day (IEEE's free key: 200); 0 means no budget.</summary>
    public int DailyCallBudget { get; set; }
}

/// <summary>Each source's configuration section and defaults.</summary>
public static class SourceDefaults
{
    /// <summary>Source name to configuration section (PubMed has its own options class).</summary>
    public static IReadOnlyDictionary<string, string> Sections { get; } = new Dictionary<string, string>
    {
        [SourceName.Ieee.Name] = "Ieee", [SourceName.EuropePmc.Name] = "EuropePmc", [SourceName.Arxiv.Name] = "Arxiv",
        [SourceName.OpenAlex.Name] = "OpenAlex", [SourceName.Crossref.Name] = "Crossref",
    };

    public static void Apply(string source, SourceOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var name = SourceName.TryParse(source, out var known, out _) ? known : null;
        if (name == SourceName.Ieee)
        {
            o.BaseUrl = "https://ieeexploreapi.ieee.org/api/v1/search/articles"; o.PageSize = 200; o.RequestsPerSecond = 10; o.DailyCallBudget = 200;
        }
        else if (name == SourceName.EuropePmc)
        {
            o.BaseUrl = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"; o.PageSize = 1000; o.RequestsPerSecond = 5;
        }
        else if (name == SourceName.Arxiv)
        {
            o.BaseUrl = "https://export.arxiv.org/api/query"; o.PageSize = 100; o.RequestsPerSecond = 1.0 / 3;
        }
        else if (name == SourceName.OpenAlex)
        {
            o.BaseUrl = "https://api.openalex.org/works"; o.PageSize = 200; o.RequestsPerSecond = 10;
        }
        else if (name == SourceName.Crossref)
        {
            o.BaseUrl = "https://api.crossref.org/works"; o.PageSize = 1; o.RequestsPerSecond = 5;
        }
        else
        {
            // PubMed has its own options (PubMedOptions); any other name is a mistake in the caller.
            throw new ArgumentException($"Unknown source '{source}'.", nameof(source));
        }
    }
}
