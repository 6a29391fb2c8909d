using SpineReview.Cli;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;
using SpineReview.Dedup;

namespace SpineReview.Tests.Cli;

/// <summary>A person's duplicate verdicts from the terminal bring their follow-up work with them (DedupService).</summary>
public class DedupCommandTests
{
    private static readonly DateTimeOffset At = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Merge_TheMergedRecordLeavesTheReviewersQueue_Split_ItIsQueuedForScreeningAgain()
    {
        var prefix = TestHost.NewPrefix();
        await using var host = TestHost.Create(prefix: prefix);
        var kept = new BibRecord { Source = "pubmed", SourceId = "36100001", Pmid = "36100001", Year = 2023, Title = "Vertebral fracture detection on CT with a convolutional network" };
        var copy = new BibRecord { Source = "openalex", SourceId = "W36100001", Year = 2023, Title = "Vertebral fracture detection on CT with a convolutional network: an abstract" };
        await host.Get<DedupService>().RegisterAsync(kept, "run1", At, default);
        await host.Get<DedupService>().RegisterAsync(copy, "run1", At, default);
        await host.Get<ScreeningStore>().EnqueueAsync(copy.Key, 0.9, At, default);
        var ana = new Dictionary<string, string?> { ["Storage:Prefix"] = prefix, ["Screening:Reviewer"] = "ana" };

        async Task<(int Code, string Out, string Err)> Run(params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            return (await CommandLine.RunAsync(args, output, error, ana), output.ToString(), error.ToString());
        }

        Assert.Contains(copy.Key, (await Run("screen", "next")).Out, StringComparison.Ordinal);
        var merged = await Run("dedup", "merge", copy.Key, "--into", kept.Key, "--by", "Reviewer A");
        Assert.True(merged.Code == 0, merged.Err);
        Assert.Equal($"dedup merge: {copy.Key} is now linked to study {kept.Key} (decided by Reviewer A)", merged.Err.TrimEnd());
        Assert.Contains("nothing is waiting for ana", (await Run("screen", "next")).Out, StringComparison.Ordinal);

        var split = await Run("dedup", "split", copy.Key, "--by", "Reviewer B");
        Assert.True(split.Code == 0, split.Err);
        var queued = await host.Get<WorkQueues>().Screen.ReceiveMessageAsync();
        Assert.Equal(copy.Key, RecordMessage.Parse(queued.Value.Body.ToString()).RecordKey);
    }
}
