using Microsoft.Extensions.Logging;

namespace SpineReview.Sources;

/// <summary>What every HTTP source shares: one GET with a clear error, and retries of answers that arrive with HTTP 200 but cannot be used.</summary>
public abstract class HttpSource(HttpClient http, SourceOptions options, TimeProvider time, ILogger log)
{
    protected SourceOptions Options { get; } = options;

    /// <summary>The clock (for budgets and backoff).</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>Source name for messages.</summary>
    protected abstract string Label { get; }

    /// <summary>The protocol's concept blocks in this source's syntax, used when setting ...__Query is empty.</summary>
    protected virtual string DefaultQuery => "";

    /// <summary>The query sent (setting ...__Query, or the protocol's concept blocks).</summary>
    public string Query => string.IsNullOrWhiteSpace(Options.Query) ? DefaultQuery : Options.Query!;

    /// <summary>Whether the harvest includes this source (setting ...__Enabled).</summary>
    public bool Enabled => Options.Enabled;

    /// <summary>First date searched when nothing has been harvested yet.</summary>
    public DateOnly StartDate => Options.StartDate;

    /// <summary>Null when the source can run; otherwise the setting that is missing.</summary>
    public virtual string? MissingConfiguration => null;

    /// <summary>The text with the API key replaced: some services echo the key in their error bodies.</summary>
    protected string Redact(string text) =>
        string.IsNullOrEmpty(Options.ApiKey) ? text : text.Replace(Options.ApiKey, "***", StringComparison.Ordinal);

    /// <summary>Builds a URL from the base and parameters; secret parameters are written as *** in the redacted form.</summary>
    protected static (string Url, string Redacted) BuildUrl(string baseUrl, IEnumerable<(string Key, string? Value)> parameters, params string[] secrets)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).ToList();
        string Join(bool redact) => string.Join("&", present.Select(p =>
            $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(redact && secrets.Contains(p.Key) ? "***" : p.Value!)}"));
        var sep = baseUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return ($"{baseUrl}{sep}{Join(false)}", $"{baseUrl}{sep}{Join(true)}");
    }

    /// <summary>GET, then parse; an unusable answer (cut short, error document) is fetched again with backoff, then fails.</summary>
    protected async Task<T> GetParsedAsync<T>(string url, string redacted, Func<byte[], T> parse, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var body = await GetAsync(url, ct);
                return parse(body);
            }
            catch (SourceException e) when (attempt < Options.MaxRetries && (e.Transient || e.InnerException is not HttpRequestException))
            {
                log.LogWarning("{Source} gave an unusable answer ({Reason}); retry {Attempt} of {Max}", Label, e.Message, attempt + 1, Options.MaxRetries);
                await Task.Delay(TimeSpan.FromSeconds(Options.RetryDelaySeconds * Math.Pow(2, attempt)), Time, ct);
            }
            catch (SourceException e)
            {
                throw new SourceException(Redact($"{e.Message} (request {redacted}, after {attempt + 1} attempts; run again later)"), e);
            }
        }
    }

    /// <summary>One GET through the resilience pipeline; null for 404 when <paramref name="notFoundIsNull"/>.</summary>
    protected async Task<byte[]> GetAsync(string url, CancellationToken ct, bool notFoundIsNull = false)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url), HttpCompletionOption.ResponseHeadersRead, ct);
            if (notFoundIsNull && response.StatusCode == System.Net.HttpStatusCode.NotFound) return [];
            if (!response.IsSuccessStatusCode)
            {
                var text = Redact((await response.Content.ReadAsStringAsync(ct)).ReplaceLineEndings(" ").Trim());
                if (text.Length > 200) text = text[..200] + "…";
                throw new SourceException($"{Label} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} after retries: {text}. Run again later.",
                    new HttpRequestException(response.ReasonPhrase), transient: false);
            }
            try
            {
                // The resilience handler covers the wait for headers; a body cut off in transit is retried here.
                using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                bodyTimeout.CancelAfter(TimeSpan.FromSeconds(Options.TimeoutSeconds));
                return await response.Content.ReadAsByteArrayAsync(bodyTimeout.Token);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is IOException or HttpRequestException or OperationCanceledException)
            {
                throw new SourceException($"{Label} answer was cut off while it was read ({e.Message}).", e, transient: true);
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or TimeoutException
                                  or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new SourceException($"{Label} could not be reached ({e.Message}). Check the network and its BaseUrl setting, then run again.", e, transient: false);
        }
    }
}
