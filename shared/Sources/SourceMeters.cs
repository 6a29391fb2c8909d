using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;

namespace SpineReview.Sources;

/// <summary>
/// Calls and 429 answers per source, counted on every attempt (retries included): read back for the harvest's summary,
/// and published as counters of the System.Diagnostics.Metrics meter <see cref="MeterName"/> (tag <c>source</c>) for telemetry.
/// </summary>
public sealed class SourceMeters
{
    /// <summary>The meter the counters are published on.</summary>
    public const string MeterName = "SpineReview.Sources";

    private readonly ConcurrentDictionary<string, long[]> _counts = new(StringComparer.Ordinal);
    private readonly Counter<long> _calls;
    private readonly Counter<long> _tooMany;

    /// <summary>Counters on a meter of the host's <paramref name="meterFactory"/> (it ends with the host), or on a meter of their own without one.</summary>
    public SourceMeters(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _calls = meter.CreateCounter<long>("spinereview.source.requests", "{request}", "HTTP requests to a source, each retry counted");
        _tooMany = meter.CreateCounter<long>("spinereview.source.throttled", "{request}", "Requests a source answered with 429 Too Many Requests");
    }

    public (long Calls, long TooMany) Read(string source) => _counts.TryGetValue(source, out var c) ? (Interlocked.Read(ref c[0]), Interlocked.Read(ref c[1])) : (0, 0);

    internal void Count(string source, bool tooMany)
    {
        var c = _counts.GetOrAdd(source, _ => new long[2]);
        Interlocked.Increment(ref c[0]);
        var tag = new KeyValuePair<string, object?>("source", source);
        _calls.Add(1, tag);
        if (tooMany)
        {
            Interlocked.Increment(ref c[1]);
            _tooMany.Add(1, tag);
        }
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
