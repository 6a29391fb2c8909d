namespace SpineReview.Sources;

/// <summary>Spaces the starts of requests so that no more than <c>requestsPerSecond</c> begin in any one-second window.
/// Sits inside the resilience handler, so retries are spaced too.</summary>
public sealed class RateLimitHandler(double requestsPerSecond, TimeProvider time) : DelegatingHandler
{
    // 2% margin: the server's clock and ours need not agree to the millisecond.
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1.02 / requestsPerSecond);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _nextStart;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetTimestamp();
            if (_nextStart > now)
            {
                var wait = time.GetElapsedTime(now, _nextStart);
                await Task.Delay(wait, time, cancellationToken);
            }
            _nextStart = time.GetTimestamp() + (long)(_interval.TotalSeconds * time.TimestampFrequency);
        }
        finally
        {
            _gate.Release();
        }
        return await base.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gate.Dispose();
        base.Dispose(disposing);
    }
}
