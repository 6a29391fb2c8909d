using System.Collections.Concurrent;
using System.Net;

namespace SpineReview.Sources;

/// <summary>Calls and 429 answers per source, counted on every attempt (retries included).</summary>
public sealed class SourceMeters
{
    private readonly ConcurrentDictionary<string, long[]> _counts = new(StringComparer.Ordinal);

    public (long Calls, long TooMany) Read(string source) => _counts.TryGetValue(source, out var c) ? (Interlocked.Read(ref c[0]), Interlocked.Read(ref c[1])) : (0, 0);

    internal void Count(string source, bool tooMany)
    {
        var c = _counts.GetOrAdd(source, _ => new long[2]);
        Interlocked.Increment(ref c[0]);
        if (tooMany) Interlocked.Increment(ref c[1]);
    }
}

/// <summary>Counts each attempt and each 429 for the source's meter, and the request's own attempts; inside the resilience handler so retries count.</summary>
public sealed class MeteringHandler(string source, SourceMeters meters) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            return response;
        }
        finally
        {
            // An attempt that timed out or failed in transit is a call too.
            meters.Count(source, response?.StatusCode == HttpStatusCode.TooManyRequests);
            if (request.Options.TryGetValue(AttemptCounter.Key, out var attempts)) attempts.Add();
        }
    }
}
