using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Extraction;

/// <summary>The Extractions table against Azurite when rows are not as this code writes them: a damaged form row reads as not
/// extracted (and a save repairs it), rows of the earlier shape give way to a form row but keep their corrections, a form too long
/// for a row loses evidence rather than the batch, and a form naming a field twice is refused before it is stored.</summary>
public class ExtractionStoreFaultTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static ExtractedField Field(string name, string value, string evidence = "") => ExtractionStoreShapeTests.Field(name, value, evidence);

    private static TestHost Host(LogCapture logs) =>
        TestHost.Create(configure: s => s.AddSingleton<ILoggerProvider>(logs).AddLogging(b => b.SetMinimumLevel(LogLevel.Trace)));

    private static TableClient Table(TestHost host)
    {
        var storage = host.Get<StorageClients>();
        return storage.Table(storage.Names.ExtractionsTable);
    }

    // As the code before wrote a field: one row, the values' JSON beside the extractor version and basis.
    private static TableEntity EarlierRow(string recordKey, string field, string value, string version = "form-1.0") => new(recordKey, field)
    {
        ["Values"] = JsonSerializer.Serialize(new[] { new { value, evidence = value, start = 0, length = value.Length } }),
        ["ExtractorVersion"] = version, ["Basis"] = "abstract", ["ExtractedAt"] = T0,
    };

    private const string OneField = "[{\"field\":\"modality\",\"values\":[{\"value\":\"MRI\",\"evidence\":\"MRI\",\"start\":0,\"length\":3}],\"extractorVersion\":\"x\",\"basis\":\"abstract\"}]";

    [Fact]
    public async Task GetAsync_UnreadableFormRows_ReadAsNotExtracted_OtherRecordsRead_AndASaveMakesThemWhole()
    {
        var logs = new LogCapture();
        await using var host = Host(logs);
        var table = Table(host);
        var store = host.Get<ExtractionStore>();
        await store.SaveAsync("pubmed:good", [Field("modality", "MRI", "sagittal MRI"), Field("region", "Lumbar")], T0, default);
        // Each damage as a row can hold it: no Parts, Parts short of the columns, Parts beyond them, JSON that does not parse.
        await table.AddEntityAsync(new TableEntity("pubmed:noparts", ExtractionStore.FormRow) { ["Form0"] = OneField });
        await table.AddEntityAsync(new TableEntity("pubmed:short", ExtractionStore.FormRow) { ["Parts"] = 1, ["Form0"] = OneField[..40], ["Form1"] = OneField[40..] });
        await table.AddEntityAsync(new TableEntity("pubmed:long", ExtractionStore.FormRow) { ["Parts"] = 3, ["Form0"] = OneField });
        await table.AddEntityAsync(new TableEntity("pubmed:badjson", ExtractionStore.FormRow) { ["Parts"] = 1, ["Form0"] = "[{\"field\":\"modality\",\"values\":" });
        // A person's correction (this shape) and an earlier-shape row with its correction still count beside a damaged form.
        await store.CorrectAsync("pubmed:noparts", "region", new Correction(["Cervical"], "ana", T0, null), default);
        var earlier = EarlierRow("pubmed:badjson", "modality", "MRI");
        earlier["CorrectedValues"] = "[\"CT\"]";
        earlier["CorrectedBy"] = "bo";
        earlier["CorrectedAt"] = T0;
        await table.AddEntityAsync(earlier);
        string[] bad = ["pubmed:noparts", "pubmed:short", "pubmed:long", "pubmed:badjson"];

        var listed = await store.ListStoredAsync(default);
        foreach (var read in new Func<string, Task<Dictionary<string, StoredField>>>[]
            { k => store.GetAsync(k, default), k => Task.FromResult(listed[k].ToDictionary(f => f.Automatic.Field, StringComparer.Ordinal)) })
        {
            var good = await read("pubmed:good");
            Assert.Equal(["MRI"], good["modality"].Effective);
            Assert.Equal("sagittal MRI", good["modality"].Automatic.Values[0].Evidence);
            Assert.Equal(["Lumbar"], good["region"].Effective);
            var noParts = await read("pubmed:noparts");
            Assert.Equal(["region"], noParts.Keys);
            Assert.Empty(noParts["region"].Automatic.Values);
            Assert.Equal(["Cervical"], noParts["region"].Effective);
            Assert.Empty(await read("pubmed:short"));
            Assert.Empty(await read("pubmed:long"));
            var badJson = await read("pubmed:badjson");
            Assert.Equal(["modality"], badJson.Keys);
            Assert.Equal(["MRI"], badJson["modality"].Automatic.Distinct);
            Assert.Equal("form-1.0", badJson["modality"].Automatic.ExtractorVersion);
            Assert.Equal(["CT"], badJson["modality"].Effective);
            // As ExtractionService.ReextractAsync judges it: fewer fields than the form, so `extract rerun` extracts it again.
            foreach (var key in bad) Assert.True((await read(key)).Count < FormExtractor.Fields.Count, key);
        }
        Assert.Equal(["CT"], (await store.ListAsync(default))["pubmed:badjson"].Single().Distinct);
        foreach (var key in bad)
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Category == typeof(ExtractionStore).FullName
                && e.Message.Contains(key, StringComparison.Ordinal) && e.Message.Contains("extract rerun", StringComparison.Ordinal));

        // A re-extraction replaces the damaged row whole; the corrections stay.
        foreach (var key in bad) await store.SaveAsync(key, [Field("modality", "Radiograph", "plain radiographs"), Field("region", "Thoracic")], T0.AddDays(1), default);
        listed = await store.ListStoredAsync(default);
        foreach (var key in bad)
        {
            var fields = await store.GetAsync(key, default);
            Assert.Equal(["modality", "region"], fields.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(("Radiograph", "plain radiographs"), (fields["modality"].Automatic.Values[0].Value, fields["modality"].Automatic.Values[0].Evidence));
            Assert.Equal(["Thoracic"], fields["region"].Automatic.Distinct);
            Assert.Equal(2, listed[key].Count);
        }
        Assert.Equal(["Cervical"], (await store.GetAsync("pubmed:noparts", default))["region"].Effective);
        Assert.Equal(["CT"], (await store.GetAsync("pubmed:badjson", default))["modality"].Effective);
        Assert.Equal(["Radiograph"], (await store.GetAsync("pubmed:short", default))["modality"].Effective);
    }

    [Fact]
    public async Task ReextractAsync_AnUnreadableFormRow_IsExtractedAgain_AndItsCorrectionKept()
    {
        await using var host = Host(new LogCapture());
        var record = new BibRecord { Source = "pubmed", SourceId = "41", Pmid = "41", Year = 2025, Title = "Deep learning segmentation of lumbar spine MRI",
            Abstract = "A convolutional neural network segmented lumbar vertebrae on MRI of 120 patients." };
        Assert.True(await host.Get<RecordStore>().TryAddAsync(record, "run1", T0, null, null, default));
        await Table(host).AddEntityAsync(new TableEntity(record.Key, ExtractionStore.FormRow) { ["Parts"] = 1, ["Form0"] = "[{\"field\":\"modality\",\"values\":" });
        var store = host.Get<ExtractionStore>();
        await store.CorrectAsync(record.Key, "region", new Correction(["Cervical"], "ana", T0, null), default);
        var service = host.Get<ExtractionService>();

        Assert.Equal((1, 0), await service.ReextractAsync(null, default));

        var fields = await store.GetAsync(record.Key, default);
        Assert.Equal(FormExtractor.Fields.Order(StringComparer.Ordinal), fields.Keys.Order(StringComparer.Ordinal));
        Assert.All(fields.Values, f => Assert.Equal(FormExtractor.Version, f.Automatic.ExtractorVersion));
        Assert.Contains("MRI", fields["modality"].Automatic.Distinct);
        Assert.Equal(["Cervical"], fields["region"].Effective);
        // Whole again: the next run finds it current.
        Assert.Equal((0, 1), await service.ReextractAsync(null, default));
    }

    [Fact]
    public async Task GetAsync_EarlierShapeRowsWithDamagedJson_LeaveOutTheDamagedColumn_ReadTheRest_AndWarn()
    {
        var logs = new LogCapture();
        await using var host = Host(logs);
        var table = Table(host);
        var store = host.Get<ExtractionStore>();
        // Rows of the earlier shape for one record: values that do not parse, a correction that does not parse beside good values,
        // a correction holding a null, and a whole field row as it should be.
        var badValues = EarlierRow("pubmed:8", "modality", "MRI");
        badValues["Values"] = "[{\"value\":\"MRI\",";
        await table.AddEntityAsync(badValues);
        var badCorrection = EarlierRow("pubmed:8", "region", "Lumbar");
        badCorrection["CorrectedValues"] = "[\"Cervical\"";
        badCorrection["CorrectedBy"] = "bo";
        await table.AddEntityAsync(badCorrection);
        var nullCorrection = EarlierRow("pubmed:8", "task", "Segmentation");
        nullCorrection["CorrectedValues"] = "[null]";
        nullCorrection["CorrectedBy"] = "bo";
        await table.AddEntityAsync(nullCorrection);
        await table.AddEntityAsync(EarlierRow("pubmed:8", "architecture", "U-Net"));
        await store.SaveAsync("pubmed:ok", [Field("modality", "CT")], T0, default);

        foreach (var fields in new[] { await store.GetAsync("pubmed:8", default), (await store.ListStoredAsync(default))["pubmed:8"].ToDictionary(f => f.Automatic.Field) })
        {
            Assert.Equal(["architecture", "region", "task"], fields.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(["Lumbar"], fields["region"].Effective);
            Assert.Null(fields["region"].Correction);
            Assert.Equal(["Segmentation"], fields["task"].Effective);
            Assert.Equal(["U-Net"], fields["architecture"].Effective);
        }
        Assert.Equal(["CT"], (await store.ListAsync(default))["pubmed:ok"].Single().Distinct);
        foreach (var (column, field) in new[] { ("Values", "modality"), ("CorrectedValues", "region"), ("CorrectedValues", "task") })
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"the {column} column of the field {field} of pubmed:8", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetAsync_EarlierShapeRowsBesideAFormRow_OnlyTheirCorrectionsCount()
    {
        await using var host = Host(new LogCapture());
        var table = Table(host);
        var store = host.Get<ExtractionStore>();
        // Written as the code before wrote them: a field later extractors still give, one they dropped, and a dropped one a person corrected.
        var modality = EarlierRow("pubmed:7", "modality", "MRI");
        modality["CorrectedValues"] = "[\"Radiograph\"]";
        modality["CorrectedBy"] = "bo";
        modality["CorrectedAt"] = T0;
        modality["CorrectionNote"] = "plain films";
        await table.AddEntityAsync(modality);
        await table.AddEntityAsync(EarlierRow("pubmed:7", "dropped", "old"));
        var kept = EarlierRow("pubmed:7", "kept", "x");
        kept["CorrectedValues"] = "[\"y\"]";
        kept["CorrectedBy"] = "cy";
        kept["CorrectedAt"] = T0;
        await table.AddEntityAsync(kept);

        await store.SaveAsync("pubmed:7", [Field("modality", "CT"), Field("region", "Lumbar")], T0.AddDays(1), default);

        foreach (var fields in new[] { await store.GetAsync("pubmed:7", default), (await store.ListStoredAsync(default))["pubmed:7"].ToDictionary(f => f.Automatic.Field) })
        {
            Assert.Equal(["kept", "modality", "region"], fields.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(["CT"], fields["modality"].Automatic.Distinct);
            Assert.Equal(["Radiograph"], fields["modality"].Effective);
            Assert.Equal("plain films", fields["modality"].Correction!.Note);
            Assert.Empty(fields["kept"].Automatic.Values);
            Assert.Equal(["y"], fields["kept"].Effective);
            // Every automatic side is the form's extractor's: nothing of form-1.0 is left for ReextractAsync to find stale.
            Assert.All(fields.Values, f => Assert.Equal(FormExtractor.Version, f.Automatic.ExtractorVersion));
        }
    }

    [Fact]
    public async Task SaveManyAsync_AFormTooLongForARow_IsStoredWithShorterEvidence_AndTheOtherFormsAreSaved()
    {
        var logs = new LogCapture();
        await using var host = Host(logs);
        var store = host.Get<ExtractionStore>();
        // 20 fields of 23,000 characters of evidence: 460,000, beyond the 450,000 a row holds.
        var evidence = string.Concat(Enumerable.Repeat("lumbar MRI of 120 patients; ", 900))[..23_000];
        var big = Enumerable.Range(0, 20).Select(i => new ExtractedField($"f{i:D2}", [new ExtractedValue($"value {i}", evidence, 100 * i, 23_000)], FormExtractor.Version)).ToList();
        IReadOnlyList<(string, IReadOnlyList<ExtractedField>)> forms =
        [
            ("pubmed:small1", [Field("modality", "MRI")]), ("pubmed:big", big), ("pubmed:small2", [Field("modality", "CT")]), ("pubmed:small3", [Field("region", "Sacral")]),
        ];

        await store.SaveManyAsync(forms, T0, default);

        var stored = await store.GetAsync("pubmed:big", default);
        Assert.Equal(big.Select(f => f.Field), stored.Keys.Order(StringComparer.Ordinal));
        foreach (var f in big)
        {
            var back = Assert.Single(stored[f.Field].Automatic.Values);
            Assert.Equal((f.Values[0].Value, f.Values[0].Start, f.Values[0].Length), (back.Value, back.Start, back.Length));
            Assert.True(back.Evidence.Length < evidence.Length, f.Field);
            Assert.StartsWith(back.Evidence.TrimEnd('…'), evidence, StringComparison.Ordinal);
        }
        Assert.Equal(["MRI"], (await store.GetAsync("pubmed:small1", default))["modality"].Effective);
        Assert.Equal(["CT"], (await store.GetAsync("pubmed:small2", default))["modality"].Effective);
        Assert.Equal(["Sacral"], (await store.GetAsync("pubmed:small3", default))["region"].Effective);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("pubmed:big", StringComparison.Ordinal));

        // Values alone too long for a row are refused with words saying so, and nothing of that form is stored.
        var huge = Enumerable.Range(0, 20).Select(i => new ExtractedField($"f{i:D2}", [new ExtractedValue(new string('v', 23_000), "", 0, 0)], FormExtractor.Version)).ToList();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync("pubmed:huge", huge, T0, default));
        Assert.Contains("pubmed:huge", refused.Message, StringComparison.Ordinal);
        Assert.Contains("without their evidence", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await store.GetAsync("pubmed:huge", default));
    }

    [Fact]
    public async Task SaveAsync_AFormNamingAFieldTwice_IsRefused_AndTheStoredFormStays()
    {
        await using var host = Host(new LogCapture());
        var store = host.Get<ExtractionStore>();
        await store.SaveAsync("pubmed:3", [Field("modality", "MRI"), Field("region", "Lumbar")], T0, default);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync("pubmed:3", [Field("modality", "CT"), Field("region", "Cervical"), Field("modality", "MRI")], T0.AddDays(1), default));

        Assert.Contains("pubmed:3", refused.Message, StringComparison.Ordinal);
        Assert.Contains("\"modality\" 2 times", refused.Message, StringComparison.Ordinal);
        var stored = await store.GetAsync("pubmed:3", default);
        Assert.Equal(["MRI"], stored["modality"].Effective);
        Assert.Equal(["Lumbar"], stored["region"].Effective);
    }
}
