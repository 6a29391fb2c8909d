using System.Collections.Concurrent;
using System.Globalization;

namespace SpineReview.Sources;

/// <summary>Spaces request starts so that no more than the allowed number begin in any one-second window.
/// One gate per source for the whole process, so rotating HTTP handlers never double the pace.</summary>
public sealed class RateGate(double requestsPerSecond, TimeProvider time) : IDisposable
{
    // 5% margin: requests reach the server with some jitter, and its count of one second need not match ours.
    private TimeSpan _interval = TimeSpan.FromSeconds(1.05 / requestsPerSecond);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _nextStart;

    /// <summary>Lowers the pace when a source announces a lower limit; never raises it above the configured one.</summary>
    public void LimitTo(double perSecond)
    {
        var announced = TimeSpan.FromSeconds(1.05 / perSecond);
        if (announced > _interval) _interval = announced;
    }

    /// <summary>Waits until the next request may start.</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = time.GetTimestamp();
            if (_nextStart > now) await Task.Delay(time.GetElapsedTime(now, _nextStart), time, ct);
            _nextStart = time.GetTimestamp() + (long)(_interval.TotalSeconds * time.TimestampFrequency);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>The process's rate gates, one per source.</summary>
public sealed class RateGates(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, RateGate> _gates = new(StringComparer.Ordinal);

    public RateGate For(string source, double requestsPerSecond) => _gates.GetOrAdd(source, _ => new RateGate(requestsPerSecond, time));
}

/// <summary>Passes each request through its source's gate; inside the resilience handler, so retries are spaced too.
/// Where a source announces its limit (x-rate-limit-limit / x-rate-limit-interval, as Crossref does) the gate slows to it.</summary>
public sealed class RateLimitHandler(RateGate gate, bool honourRateHeaders = false) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (honourRateHeaders
            && response.Headers.TryGetValues("x-rate-limit-limit", out var limits) && response.Headers.TryGetValues("x-rate-limit-interval", out var intervals)
            && int.TryParse(limits.First(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) && limit > 0
            && int.TryParse(intervals.First().TrimEnd('s'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            gate.LimitTo((double)limit / seconds);
        return response;
    }
}
