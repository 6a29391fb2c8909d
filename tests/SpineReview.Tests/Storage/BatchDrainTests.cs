using SpineReview.Records;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Storage;

/// <summary>A drain of batch messages takes one message at a time: the others stay in sight for another run instead of being
/// held ahead of their turn, coming back into sight while a slow batch runs and gaining dequeue counts without ever failing.</summary>
public class BatchDrainTests
{
    [Fact]
    public async Task DrainBatches_WhileOneBatchIsHandled_TheOtherMessagesStayInSightAndUncounted()
    {
        await using var host = TestHost.Create();
        var queues = host.Get<WorkQueues>();
        for (var m = 0; m < 3; m++)
            await queues.EnqueueManyAsync(queues.Screen, Enumerable.Range(0, 10).Select(i => $"pubmed:{m}{i:D3}"), default);

        var seen = new List<(int Visible, long MaxDequeueCount)>();
        var result = await queues.DrainBatchesAsync(queues.Screen, async (body, ct) =>
        {
            // What another run would find while this batch is being handled.
            var visible = (await queues.Screen.PeekMessagesAsync(32, ct)).Value;
            seen.Add((visible.Length, visible.Length == 0 ? 0 : visible.Max(v => v.DequeueCount)));
            return RecordBatch.Parse(body).RecordKeys.Count;
        }, null, default);

        Assert.Equal(30, result.Done);
        Assert.Equal([(2, 0L), (1, 0L), (0, 0L)], seen);
    }
}
