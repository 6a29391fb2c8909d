using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace SpineReview.Storage;

/// <summary>
/// One piece of work at a time (an alert pass, a report publication), across threads, processes and instances: a 60-second lease
/// on a blob of the locks container, renewed every 20 seconds while the work runs and released when it ends (a process that
/// dies leaves it to expire).
/// </summary>
public sealed class WorkLease : IAsyncDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly BlobLeaseClient _lease;
    private readonly string _work;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private readonly ILogger _log;

    private WorkLease(BlobLeaseClient lease, string work, ILogger log)
    {
        _lease = lease;
        _work = work;
        _log = log;
        _renewing = Task.Run(RenewAsync);
    }

    /// <summary>
    /// Takes the lease on <paramref name="name"/>, waiting up to <paramref name="wait"/> (real time) while another holder has it.
    /// <paramref name="work"/> names the work in messages ("alert pass").
    /// </summary>
    /// <exception cref="TimeoutException">Another holder had it all that time.</exception>
    public static async Task<WorkLease> AcquireAsync(BlobContainerClient container, string name, string work, TimeSpan wait, ILogger log, CancellationToken ct)
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
                return new WorkLease(lease, work, log);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                if (waited.Elapsed >= wait)
                    throw new TimeoutException($"another {work} has held {container.Name}/{name} for more than {wait.TotalMinutes:0} minutes; " +
                        $"this {work} did nothing and can simply be run again once that one has finished");
                if (!logged) StorageLog.Waiting(log, work, name);
                logged = true;
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
    }

    /// <summary>
    /// Renews the lease now, before a write that must not happen without it: the lease then lasts its full minute from here.
    /// </summary>
    /// <exception cref="InvalidOperationException">The lease was lost (another holder took it after it expired).</exception>
    public async Task ConfirmHeldAsync(CancellationToken ct)
    {
        try
        {
            await _lease.RenewAsync(cancellationToken: ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new InvalidOperationException(
                $"this {_work} lost its lease on {_lease.Uri.AbsolutePath} (storage out of reach for longer than {Duration.TotalSeconds:0} seconds?) and stopped before writing; run it again", e);
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
            catch (Exception e) when (e is RequestFailedException or StorageUnavailableException)
            {
                // Lost (storage unreachable long enough for it to expire): another holder may start; what each does is still checked at its writes.
                StorageLog.NotRenewed(_log, _work, Reason(e));
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
        catch (Exception e) when (e is RequestFailedException or StorageUnavailableException)
        {
            // The work under the lease is done; a release that storage does not answer only leaves the lease to expire.
            StorageLog.NotReleased(_log, _work, Reason(e));
        }
    }

    private static string Reason(Exception e) => e is RequestFailedException r ? $"status {r.Status}" : "storage not answering";
}
