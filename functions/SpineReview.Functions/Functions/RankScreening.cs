using Microsoft.Azure.Functions.Worker;
using SpineReview.Screening;

namespace SpineReview.Functions.Functions;

/// <summary>Timer: retrains the screening model and re-ranks the people's queue when decisions arrived since the last training.</summary>
public sealed class RankScreening(RankingService ranking)
{
    [Function(nameof(RankScreening))]
    public async Task Run([TimerTrigger("%Schedules:RankScreening%")] TimerInfo timer, CancellationToken ct) =>
        await ranking.RankAsync(force: false, ct);
}
