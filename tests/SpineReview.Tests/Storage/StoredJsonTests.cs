using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SpineReview.Dedup;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using Xunit;

namespace SpineReview.Tests.Storage;

/// <summary>Stored JSON stays readable across versions: each feature's serializer context writes byte for byte what the
/// one shared context wrote before the split (the expected strings are that context's output), and reads it back.</summary>
public class StoredJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 8, 30, 0, TimeSpan.Zero);

    private static void AssertSameJson<T>(T value, JsonTypeInfo<T> info, string before)
    {
        var json = JsonSerializer.Serialize(value, info);
        Assert.Equal(before, json);
        // What was stored before reads back to a value that writes the same bytes again.
        Assert.Equal(before, JsonSerializer.Serialize(JsonSerializer.Deserialize(before, info)!, info));
    }

    [Fact]
    public void BibRecord_WrittenAsBefore()
    {
        var record = new BibRecord
        {
            Source = "pubmed", SourceId = "36000001", Pmid = "36000001", Doi = "10.1007/s00586-022-1", Pmcid = "PMC1", ArxivId = null,
            Title = "Deep learning \"U-Net\" on MRI – a study", Abstract = "BACKGROUND: x\nMETHODS: y",
            AbstractSections = [new AbstractSection("BACKGROUND", "x"), new AbstractSection(null, "y")], Year = 2022, Journal = "Eur Spine J",
            JournalAbbreviation = "ESJ", Volume = "31", Issue = "2", Pages = "100-110", Authors = [new Author("Smith JA", ["Dept <1>", "Zürich"])],
            PublicationTypes = ["Journal Article"], Mesh = ["Spine"], Keywords = ["deep learning"], Language = ["eng"], EntryDate = "2022-03-01",
            Enriched = ["crossref:abstract"],
        };
        AssertSameJson(record, RecordsJson.Default.BibRecord,
            """{"source":"pubmed","sourceId":"36000001","pmid":"36000001","doi":"10.1007/s00586-022-1","pmcid":"PMC1","arxivId":null,"title":"Deep learning \u0022U-Net\u0022 on MRI \u2013 a study","abstract":"BACKGROUND: x\nMETHODS: y","abstractSections":[{"label":"BACKGROUND","text":"x"},{"label":null,"text":"y"}],"year":2022,"journal":"Eur Spine J","journalAbbreviation":"ESJ","volume":"31","issue":"2","pages":"100-110","authors":[{"name":"Smith JA","affiliations":["Dept \u003C1\u003E","Z\u00FCrich"]}],"publicationTypes":["Journal Article"],"mesh":["Spine"],"keywords":["deep learning"],"language":["eng"],"entryDate":"2022-03-01","enriched":["crossref:abstract"]}""");
    }

    [Fact]
    public void RecordMessage_WrittenAsBefore() =>
        Assert.Equal("""{"recordKey":"openalex:W1"}""", new RecordMessage("openalex:W1").ToJson());

    [Fact]
    public void DedupRecord_WrittenAsBefore() =>
        AssertSameJson(new DedupRecord("pubmed:1", "A title", "Smith JA; Lee K", 2022, "Eur Spine J", "31", "2", "100-110", null, "text"),
            DedupJson.Default.DedupRecord,
            """{"id":"pubmed:1","title":"A title","authors":"Smith JA; Lee K","year":2022,"venue":"Eur Spine J","volume":"31","number":"2","pages":"100-110","doi":null,"abstract":"text"}""");

    [Fact]
    public void ExtractedValues_WrittenAsBefore() =>
        AssertSameJson<IReadOnlyList<ExtractedValue>>([new ExtractedValue("MRI", "on MRI scans", 12, 3)], ExtractionJson.Default.IReadOnlyListExtractedValue,
            """[{"value":"MRI","evidence":"on MRI scans","start":12,"length":3}]""");

    [Theory]
    [InlineData("extraction")]
    [InlineData("alerts")]
    public void StringList_WrittenAsBefore(string feature) =>
        AssertSameJson<IReadOnlyList<string>>(["a|pubmed:1", "é"],
            feature == "alerts" ? SpineReview.Alerts.AlertsJson.Default.IReadOnlyListString : ExtractionJson.Default.IReadOnlyListString, """["a|pubmed:1","\u00E9"]""");

    [Fact]
    public void ModelSummary_WrittenAsBefore() =>
        AssertSameJson(new ModelSummary(3, At, "nb", 10, 90, 100, false, true, 0.05, 0.9, ["spine"], "abc", 4, 1, 1.5, 0.5, 1),
            ScreeningJson.Default.ModelSummary,
            """{"version":3,"trainedAt":"2026-05-01T08:30:00+00:00","model":"nb","includes":10,"exclusions":90,"ranked":100,"coldStart":false,"calibrated":true,"lowThreshold":0.05,"highThreshold":0.9,"topTerms":["spine"],"labelsFingerprint":"abc","autoExcluded":4,"auditSent":1,"seconds":1.5,"readSeconds":0.5,"trainSeconds":1}""");

    [Fact]
    public void ReportManifest_WrittenAsBefore() =>
        AssertSameJson(new ReportManifest(new ReportVersion(1, 2, 3), At, new DateOnly(2026, 4, 30), "sha", 1234, 9, "versions/1.2.3/report.pdf",
                new ReportCounts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), "rules-1.1", "form-1.1", "minor", new ReportVersion(1, 1, 0), "20260501T000000000Z",
                ["pubmed:1"], ["pubmed:1"], null),
            ReportingJson.Default.ReportManifest,
            """{"version":"1.2.3","created":"2026-05-01T08:30:00+00:00","dataCutoff":"2026-04-30","sha256":"sha","size":1234,"pages":9,"pdf":"versions/1.2.3/report.pdf","counts":{"identified":1,"duplicates":2,"excludedByRules":3,"passedRules":4,"excludedByReviewers":5,"excludedByModel":6,"awaitingReviewers":7,"conflicts":8,"included":9,"provisional":10,"newInThisVersion":11},"eligibility":"rules-1.1","extractor":"form-1.1","change":"minor","previousVersion":"1.1.0","lastHarvestRun":"20260501T000000000Z","studies":["pubmed:1"],"included":["pubmed:1"],"retracted":null,"pending":null}""");
}
