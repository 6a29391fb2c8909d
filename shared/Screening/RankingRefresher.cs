using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SpineReview.Screening;

/// <summary>Retrains the model beside the web app's requests, every <see cref="ScreeningOptions.RetrainEverySeconds"/> when
/// decisions arrived (a training with nothing new is a no-op), so that no reviewer waits for a training after a decision.
/// The web app on one's own machine runs it; in Azure the RankScreening timer does the same.</summary>
public sealed class RankingRefresher(RankingService ranking, IOptions<ScreeningOptions> options, TimeProvider time, ILogger<RankingRefresher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Max(1, options.Value.RetrainEverySeconds));
        using var timer = new PeriodicTimer(every, time);
        do
        {
            try
            {
                await ranking.RankAsync(force: false, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Storage away for a moment, say: the order served stays the last model's until the next round.
                ScreeningLog.RetrainFailed(log, e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
