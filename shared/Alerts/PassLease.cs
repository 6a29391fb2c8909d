using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace SpineReview.Alerts;

/// <summary>
/// One alert pass at a time, across threads, processes and instances: a 60-second lease on a blob, renewed every 20 seconds while
/// the pass runs and released when it ends (a process that dies leaves it to expire). The pass is correct without it (every step is
/// ETag-conditional); the lease keeps a burst of queue messages from running many passes that race over the same rows.
/// </summary>
public sealed class PassLease : IAsyncDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private readonly ILogger _log;

    private PassLease(BlobLeaseClient lease, ILogger log)
    {
        _lease = lease;
        _log = log;
        _renewing = Task.Run(RenewAsync);
    }

    /// <summary>Takes the lease on <paramref name="name"/>, waiting up to <paramref name="wait"/> (real time) while another pass holds it.</summary>
    /// <exception cref="TimeoutException">Another pass held it all that time.</exception>
    public static async Task<PassLease> AcquireAsync(BlobContainerClient container, string name, TimeSpan wait, ILogger log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(container);
        var blob = container.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.FromString(""), overwrite: false, ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // It exists already (and may be leased).
        }
        var lease = blob.GetBlobLeaseClient();
        // Real elapsed time, not the injected clock: the lease expires in real time whatever time the tests pretend it is.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var logged = false;
        while (true)
        {
            try
            {
                await lease.AcquireAsync(Duration, cancellationToken: ct);
                return new PassLease(lease, log);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                if (waited.Elapsed >= wait)
                    throw new TimeoutException($"another alert pass has held {container.Name}/{name} for more than {wait.TotalMinutes:0} minutes; this pass did nothing (the next one sends what is due)");
                if (!logged) log.LogInformation("Another alert pass is running; this one waits for it ({Blob})", name);
                logged = true;
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
    }

    private async Task RenewAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RenewEvery, _stop.Token);
                await _lease.RenewAsync(cancellationToken: _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (RequestFailedException e)
            {
                // Lost (storage unreachable long enough for it to expire): another pass may start; the ETag checks keep both correct.
                _log.LogWarning("The alert pass lease could not be renewed ({Status}); another pass may start meanwhile", e.Status);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
        try
        {
            await _lease.ReleaseAsync(cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException e)
        {
            _log.LogWarning("The alert pass lease could not be released ({Status}); it expires within a minute", e.Status);
        }
    }
}
