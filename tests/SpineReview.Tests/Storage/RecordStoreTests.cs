using SpineReview.Records;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Storage;

/// <summary>Records whose source id holds a character a row key may not ('/' in an old-style arXiv id): the record key carries the id encoded
/// ("arxiv:cs%2F0501001"), and both the one-record read and the batch read find the record by it.</summary>
public class RecordStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task GetAndGetMany_SourceIdWithSlash_FindTheStoredRecordByItsKey()
    {
        await using var host = TestHost.Create();
        var store = host.Get<RecordStore>();
        var record = new BibRecord { Source = "arxiv", SourceId = "cs/0501001", ArxivId = "cs/0501001", Year = 2005, Title = "Vertebra segmentation with a neural network" };
        Assert.True(await store.TryAddAsync(record, "run1", At, null, null, default));

        Assert.Equal("arxiv:cs%2F0501001", record.Key);
        var one = await store.GetAsync(record.Key, default);
        Assert.NotNull(one);
        Assert.Equal(record.Title, one.Record.Title);
        var many = await store.GetManyAsync([record.Key, "arxiv:cs%2F0501002"], default);
        Assert.Equal([record.Key], many.Keys);
        Assert.Equal("cs/0501001", many[record.Key].Record.SourceId);
        // Stored once: a second add of the same source record is refused, not a second row.
        Assert.False(await store.TryAddAsync(record, "run2", At, null, null, default));
    }
}
