namespace SpineReview.Sources;

/// <summary>PubMed E-utilities settings.</summary>
public sealed class PubMedOptions
{
    public const string Section = "PubMed";
    /// <summary>False leaves PubMed out of every harvest.</summary>
    public bool Enabled { get; set; } = true;
    public string BaseUrl { get; set; } = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/";
    /// <summary>NCBI API key: raises the limit from 3 to 10 requests per second. A secret: never logged.</summary>
    public string? ApiKey { get; set; }
    /// <summary>The tool name NCBI asks callers to send.</summary>
    public string Tool { get; set; } = "spine-review";
    /// <summary>A contact address NCBI can write to about heavy use.</summary>
    public string? Email { get; set; }
    /// <summary>The review's query in PubMed syntax; empty means the protocol's three concept blocks.</summary>
    public string? Query { get; set; }
    /// <summary>Records per efetch call (1-10000).</summary>
    public int BatchSize { get; set; } = 200;
    /// <summary>The first entry date searched when nothing has been harvested yet.</summary>
    public DateOnly StartDate { get; set; } = new(2012, 1, 1);
    /// <summary>Retries of a failed call (HTTP fault, error document, truncated XML) before the run fails.</summary>
    public int MaxRetries { get; set; } = 4;
    /// <summary>First retry delay in seconds; it doubles on each retry.</summary>
    public double RetryDelaySeconds { get; set; } = 2;
    /// <summary>Seconds one call may take before it is abandoned and retried.</summary>
    public double TimeoutSeconds { get; set; } = 60;

    /// <summary>The settings every source shares, for the HTTP pipeline and <see cref="HttpSource"/>.</summary>
    public SourceOptions ToSourceOptions() => new()
    {
        Enabled = Enabled, BaseUrl = BaseUrl, ApiKey = ApiKey, Email = Email, Query = Query, PageSize = BatchSize,
        RequestsPerSecond = RequestsPerSecond, StartDate = StartDate, MaxRetries = MaxRetries, RetryDelaySeconds = RetryDelaySeconds,
        TimeoutSeconds = TimeoutSeconds,
    };

    /// <summary>NCBI's published limit: 10 requests/s with a key, 3 without.</summary>
    public double RequestsPerSecond => string.IsNullOrWhiteSpace(ApiKey) ? 3 : 10;
}

/// <summary>Local-only: answer source requests from a recorded folder instead of the network.</summary>
public sealed class ReplayOptions
{
    public const string Section = "Replay";
    /// <summary>Folder with one sub-folder per source (see samples/replay/README.md); empty means live.</summary>
    public string? Directory { get; set; }
}
