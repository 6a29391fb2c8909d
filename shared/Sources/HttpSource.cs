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

    /// <summary>GET, then parse; an unusable answer (cut short, error document) is fetched again with backoff, then fails.
    /// With <paramref name="notFoundIsDefault"/> a 404 is an answer too (Crossref: a DOI it does not know) and gives default.</summary>
    protected async Task<T> GetParsedAsync<T>(string url, string redacted, Func<byte[], T> parse, CancellationToken ct, bool notFoundIsDefault = false)
    {
        // Every HTTP attempt for this URL, the resilience handler's retries and the ones below alike.
        var attempts = new AttemptCounter();
        for (var attempt = 0; ; attempt++)
        {
            var fetched = false;
            try
            {
                var body = await GetAsync(url, attempts, notFoundIsDefault, ct);
                fetched = true;
                return body is null ? default! : parse(body);
            }
            catch (SourceException e) when (attempt < Options.MaxRetries && (e.Transient || e.InnerException is not (HttpRequestException or Replay.ReplayFileException)))
            {
                SourceLog.UnusableAnswer(log, Label, e.Message, attempt + 1, Options.MaxRetries);
                await Task.Delay(TimeSpan.FromSeconds(Options.RetryDelaySeconds * Math.Pow(2, attempt)), Time, ct);
            }
            catch (SourceException e)
            {
                // A failure of the request itself already says how often it was tried; an answer that would not parse says it here.
                var message = fetched || e.Transient ? $"{e.Message.TrimEnd('.')} (after {Attempts(attempts.Count)}); run again later." : e.Message;
                SourceLog.RequestFailed(log, Redact(message), Redact(redacted));
                throw new SourceException(Redact(message), e, e.Transient) { RequestUrl = Redact(redacted) };
            }
        }
    }

    private static string Attempts(int n) => n == 1 ? "1 attempt" : $"{n} attempts";

    /// <summary>One GET through the resilience pipeline, each attempt counted in <paramref name="attempts"/>; null for 404 when <paramref name="notFoundIsNull"/>.</summary>
    private async Task<byte[]?> GetAsync(string url, AttemptCounter attempts, bool notFoundIsNull, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
            request.Options.Set(AttemptCounter.Key, attempts);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (notFoundIsNull && response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode)
            {
                var text = Redact((await response.Content.ReadAsStringAsync(ct)).ReplaceLineEndings(" ").Trim());
                if (text.Length > 200) text = text[..200] + "…";
                throw new SourceException($"{Label} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} after {Attempts(attempts.Count)}: {text}. Run again later.",
                    new HttpRequestException(response.ReasonPhrase, null, response.StatusCode), transient: false);
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
        catch (Replay.ReplayFileException e)
        {
            throw new SourceException($"{Label}: {e.Message}", e, transient: false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or TimeoutException
                                  or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new SourceException($"{Label} could not be reached after {Attempts(attempts.Count)} ({e.Message.TrimEnd('.')}); check the network and its BaseUrl setting, then run again.",
                e, transient: false);
        }
    }
}

/// <summary>Counts the HTTP attempts of one request: carried in the request's options, which the resilience handler copies to
/// every retry, and counted by <see cref="MeteringHandler"/> inside it.</summary>
internal sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("SpineReview.Attempts");
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
}

/// <summary>The sources' log lines: a handled retry is one Debug line; a request that failed for good one Warning line with its URL.</summary>
internal static partial class SourceLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} skipped: {Reason}")]
    public static partial void Skipped(ILogger logger, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Harvest of {Source} incomplete: {Message}")]
    public static partial void Incomplete(ILogger logger, string source, string? message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage prefix {Prefix} holds harvests from before this version recorded whether they were live or the recorded sample. " +
        "If scripts/run.sh (the replayed demo) ever ran under this prefix, its records and watermarks are here too: the live harvest " +
        "would search only from the sample's dates. Then run the live review under a prefix of its own (Storage__Prefix).")]
    public static partial void OriginUnknown(ILogger logger, string prefix);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dedup index read: {Records} stored records, {Claims} claimed rows in {Seconds:0.0} s")]
    public static partial void IndexLoaded(ILogger logger, int records, int claims, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Crossref enrichment of {Key} failed: {Reason}")]
    public static partial void EnrichmentFailed(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enriched {Key} from Crossref: {Fields}")]
    public static partial void Enriched(ILogger logger, string key, string fields);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Source} gave an unusable answer ({Reason}); retry {Attempt} of {Max}")]
    public static partial void UnusableAnswer(ILogger logger, string source, string reason, int attempt, int max);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Source} attempt {Attempt} failed ({Reason}); retry in {Delay:0.0} s")]
    public static partial void Retrying(ILogger logger, string source, int attempt, string reason, double delay);

    // The reason names the source; the logger's category names its client.
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason} Request: {Url}")]
    public static partial void RequestFailed(ILogger logger, string reason, string url);
}
