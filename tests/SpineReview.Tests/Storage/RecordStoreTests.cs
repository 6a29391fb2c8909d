using Azure.Data.Tables;
using SpineReview.Records;
using SpineReview.Storage;
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

    [Fact]
    public async Task TryAdd_AbstractThatIsItsSectionsJoined_StoredOnceAndReadBackWhole()
    {
        await using var host = TestHost.Create();
        var store = host.Get<RecordStore>();
        AbstractSection[] sections = [new("BACKGROUND", "Disc degeneration is graded by eye."), new("METHODS", "A network graded 412 lumbar MRI studies."), new(null, "Unlabelled closing words.")];
        var joined = new BibRecord
        {
            Source = "pubmed", SourceId = "40000001", Title = "Grading discs", AbstractSections = sections,
            Abstract = "BACKGROUND: Disc degeneration is graded by eye.\nMETHODS: A network graded 412 lumbar MRI studies.\nUnlabelled closing words.",
        };
        // A source whose plain abstract is not its sections joined keeps both as they came.
        var other = joined with { SourceId = "40000002", Abstract = "Disc degeneration is graded by eye. A network graded 412 lumbar MRI studies." };
        Assert.True(await store.TryAddAsync(joined, "run1", At, null, null, default));
        Assert.True(await store.TryAddAsync(other, "run1", At, null, null, default));

        var table = host.Get<StorageClients>().Table(host.Get<StorageClients>().Names.RecordsTable);
        var (partition, row) = RecordPartitions.Of(joined.Key);
        var json = (await table.GetEntityAsync<TableEntity>(partition, row)).Value.GetString("Json");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(json, "graded by eye"));
        var read = await store.GetManyAsync([joined.Key, other.Key], default);
        Assert.Equal(joined.Abstract, read[joined.Key].Record.Abstract);
        Assert.Equal(sections, read[joined.Key].Record.AbstractSections);
        Assert.Equal(other.Abstract, read[other.Key].Record.Abstract);
        Assert.Equal(joined.Abstract, (await store.GetAsync(joined.Key, default))!.Record.Abstract);
    }
}
