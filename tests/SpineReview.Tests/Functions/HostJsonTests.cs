using System.Globalization;
using System.Text.Json;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Functions;

/// <summary>The queue settings of the Functions host (host.json), which the console host's drain follows.</summary>
public class HostJsonTests
{
    private static JsonElement Queues()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "functions", "SpineReview.Functions", "host.json")));
        return doc.RootElement.GetProperty("extensions").GetProperty("queues").Clone();
    }

    [Fact]
    public void Queues_MaxDequeueCount_IsTheConsoleDrains()
    {
        Assert.Equal(WorkQueues.MaxDequeueCount, Queues().GetProperty("maxDequeueCount").GetInt32());
    }

    [Fact]
    public void Queues_VisibilityTimeout_OutlastsAShortStorageOutage()
    {
        // The pause before a failed message is tried again (default 0): five attempts must span more than a blip of storage.
        Assert.True(Queues().TryGetProperty("visibilityTimeout", out var value), "host.json sets no queues.visibilityTimeout: a failed message is retried at once");
        var pause = TimeSpan.Parse(value.GetString()!, CultureInfo.InvariantCulture);
        Assert.True(pause * (WorkQueues.MaxDequeueCount - 1) >= TimeSpan.FromMinutes(4), $"{WorkQueues.MaxDequeueCount} attempts {pause} apart are used up within {pause * (WorkQueues.MaxDequeueCount - 1)}");
    }
}
