using System.Text.Json;
using Azure.Data.Tables;
using SpineReview.Extraction;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Extraction;

/// <summary>The Extractions table's shape against Azurite: a record's automatic form is one row, a person's corrections are rows
/// of their own, rows of the earlier shape (one per field) still read with their corrections, and a correction made while the
/// record is extracted again survives.</summary>
public class ExtractionStoreShapeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    internal static ExtractedField Field(string name, string value, string evidence = "") => new(name, [new ExtractedValue(value, evidence, 0, evidence.Length)], FormExtractor.Version);

    private static async Task<List<string>> RowKeysAsync(TestHost host, string recordKey)
    {
        var storage = host.Get<StorageClients>();
        var keys = new List<string>();
        await foreach (var e in storage.Table(storage.Names.ExtractionsTable).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {recordKey}")))
            keys.Add(e.RowKey);
        return keys;
    }

    [Fact]
    public async Task SaveAsync_AForm_IsOneRowAndCorrectionsAreRowsOfTheirOwn()
    {
        await using var host = TestHost.Create();
        var store = host.Get<ExtractionStore>();
        // Evidence long enough that the form's JSON takes several string columns (each under Azure's 64 KiB property limit).
        var longEvidence = new string('e', 40_000);
        IReadOnlyList<ExtractedField> form = [Field("modality", "MRI", longEvidence), Field("region", "Lumbar", longEvidence), Field("subjects", "120", "120 patients") with { Basis = "full text (PMC1)" }];
        await store.SaveAsync("pubmed:1", form, T0, default);
        await store.CorrectAsync("pubmed:1", "region", new Correction(["Cervical"], "ana", T0, "C5-C6"), default);

        Assert.Equal([ExtractionStore.FormRow, "region"], await RowKeysAsync(host, "pubmed:1"));
        var storage = host.Get<StorageClients>();
        var row = (await storage.Table(storage.Names.ExtractionsTable).GetEntityAsync<TableEntity>("pubmed:1", ExtractionStore.FormRow)).Value;
        Assert.Equal(3, row.GetInt32("Parts"));
        var stored = await store.GetAsync("pubmed:1", default);
        Assert.Equal(["modality", "region", "subjects"], stored.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(longEvidence, stored["modality"].Automatic.Values[0].Evidence);
        Assert.Equal(["Cervical"], stored["region"].Effective);
        Assert.Equal(["Lumbar"], stored["region"].Automatic.Distinct);
        Assert.Equal(("full text (PMC1)", FormExtractor.Version), (stored["subjects"].Automatic.Basis, stored["subjects"].Automatic.ExtractorVersion));

        // Extracted again with a shorter form: the row is replaced whole (no part of the longer form left), the correction stays.
        await store.SaveAsync("pubmed:1", [Field("modality", "CT"), Field("region", "Thoracic")], T0.AddDays(1), default);
        row = (await storage.Table(storage.Names.ExtractionsTable).GetEntityAsync<TableEntity>("pubmed:1", ExtractionStore.FormRow)).Value;
        Assert.Equal(1, row.GetInt32("Parts"));
        Assert.Null(row.GetString("Form1"));
        var listed = (await store.ListStoredAsync(default))["pubmed:1"].ToDictionary(f => f.Automatic.Field);
        Assert.Equal(["modality", "region"], listed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["CT"], listed["modality"].Effective);
        Assert.Equal(["Cervical"], listed["region"].Effective);
        Assert.Equal(["Thoracic"], listed["region"].Automatic.Distinct);
    }

    [Fact]
    public async Task GetAsync_RowsOfTheEarlierShape_ReadWithTheirCorrections_AndKeepThemWhenExtractedAgain()
    {
        await using var host = TestHost.Create();
        var storage = host.Get<StorageClients>();
        var table = storage.Table(storage.Names.ExtractionsTable);
        // Written through the SDK as the code before wrote them: one row per field, a correction in columns of the field's row.
        static string Values(string value, string evidence) => JsonSerializer.Serialize(new[] { new { value, evidence, start = 0, length = evidence.Length } });
        await table.AddEntityAsync(new TableEntity("pubmed:7", "modality")
        {
            ["Values"] = Values("MRI", "sagittal MRI"), ["ExtractorVersion"] = "form-1.2", ["Basis"] = "abstract", ["ExtractedAt"] = T0,
            ["CorrectedValues"] = "[\"CT\"]", ["CorrectedBy"] = "bo", ["CorrectedAt"] = T0.AddHours(1), ["CorrectionNote"] = "it is CT",
        });
        await table.AddEntityAsync(new TableEntity("pubmed:7", "region") { ["Values"] = Values("Lumbar", "lumbar spine"), ["ExtractorVersion"] = "form-1.2", ["ExtractedAt"] = T0 });
        await table.AddEntityAsync(new TableEntity("pubmed:7", "subjects")
        {
            ["Values"] = Values("80", "80 patients"), ["ExtractorVersion"] = "form-1.2", ["Basis"] = "abstract", ["ExtractedAt"] = T0,
            ["CorrectedValues"] = "[]", ["CorrectedBy"] = "cy", ["CorrectedAt"] = T0.AddHours(2), ["CorrectionNote"] = "",
        });
        var store = host.Get<ExtractionStore>();

        var stored = await store.GetAsync("pubmed:7", default);
        Assert.Equal(["modality", "region", "subjects"], stored.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["MRI"], stored["modality"].Automatic.Distinct);
        Assert.Equal(("sagittal MRI", "form-1.2"), (stored["modality"].Automatic.Values[0].Evidence, stored["modality"].Automatic.ExtractorVersion));
        Assert.Equal(["CT"], stored["modality"].Effective);
        Assert.Equal(("bo", "it is CT"), (stored["modality"].Correction!.By, stored["modality"].Correction!.Note));
        Assert.Equal(["Lumbar"], stored["region"].Effective);
        Assert.Null(stored["region"].Correction);
        Assert.Equal(ExtractedField.AbstractBasis, stored["region"].Automatic.Basis);
        Assert.Equal((0, "cy", (string?)null), (stored["subjects"].Effective.Count, stored["subjects"].Correction!.By, stored["subjects"].Correction!.Note));

        // Extracted again by this code: the form row takes the automatic values; both corrections of the earlier rows stay.
        await store.SaveAsync("pubmed:7", [Field("modality", "Radiograph"), Field("region", "Cervical"), Field("subjects", "85")], T0.AddDays(1), default);
        await store.CorrectAsync("pubmed:7", "region", new Correction(["Thoracic"], "ana", T0.AddDays(2), null), default);
        Assert.Equal([ExtractionStore.FormRow, "modality", "region", "subjects"], await RowKeysAsync(host, "pubmed:7"));
        foreach (var fields in new[] { await store.GetAsync("pubmed:7", default), (await store.ListStoredAsync(default))["pubmed:7"].ToDictionary(f => f.Automatic.Field) })
        {
            Assert.Equal(3, fields.Count);
            Assert.Equal(["Radiograph"], fields["modality"].Automatic.Distinct);
            Assert.Equal(["CT"], fields["modality"].Effective);
            Assert.Equal(["Cervical"], fields["region"].Automatic.Distinct);
            Assert.Equal(["Thoracic"], fields["region"].Effective);
            Assert.Equal(["85"], fields["subjects"].Automatic.Distinct);
            Assert.Empty(fields["subjects"].Effective);
            Assert.Equal(FormExtractor.Version, fields["modality"].Automatic.ExtractorVersion);
        }
        var effective = (await store.ListAsync(default))["pubmed:7"].ToDictionary(f => f.Field);
        Assert.Equal(["CT"], effective["modality"].Distinct);
    }

    [Fact]
    public async Task CorrectAsync_WhileTheRecordIsExtractedAgain_BothSurvive_TwentyRounds()
    {
        await using var host = TestHost.Create();
        var store = host.Get<ExtractionStore>();
        for (var round = 0; round < 20; round++)
        {
            var key = $"pubmed:{900 + round}";
            await store.SaveAsync(key, [Field("modality", "MRI"), Field("region", "Lumbar")], T0, default);
            var reextract = Task.Run(() => store.SaveAsync(key, [Field("modality", "CT"), Field("region", "Sacral")], T0.AddDays(1), default));
            var correctRegion = Task.Run(() => store.CorrectAsync(key, "region", new Correction(["Cervical"], "ana", T0.AddDays(1), $"round {round}"), default));
            var correctModality = Task.Run(() => store.CorrectAsync(key, "modality", new Correction(["Radiograph"], "bo", T0.AddDays(1), null), default));
            await Task.WhenAll(reextract, correctRegion, correctModality);

            var stored = await store.GetAsync(key, default);
            Assert.Equal(["CT"], stored["modality"].Automatic.Distinct);
            Assert.Equal(["Radiograph"], stored["modality"].Effective);
            Assert.Equal(["Sacral"], stored["region"].Automatic.Distinct);
            Assert.Equal(["Cervical"], stored["region"].Effective);
            Assert.Equal($"round {round}", stored["region"].Correction!.Note);
            Assert.Equal([ExtractionStore.FormRow, "modality", "region"], await RowKeysAsync(host, key));
        }
    }
}
