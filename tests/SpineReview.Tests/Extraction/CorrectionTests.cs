using SpineReview.Dedup;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;
using SpineReview.Screening;

namespace SpineReview.Tests.Extraction;

/// <summary>People's corrections against Azurite: they win, they survive re-extraction, they measure the extractor.</summary>
public class CorrectionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Correct_WinsOverTheAutomaticValue_SurvivesReextraction_AndCountsForAccuracy()
    {
        await using var host = TestHost.Create();
        var record = new BibRecord
        {
            Source = "pubmed", SourceId = "870001", Pmid = "870001", Year = 2022,
            Title = "Deep learning detection of lumbar disc herniation on MRI",
            Abstract = "A ResNet-50 classified herniation on T2-weighted sagittal MRI of 1,200 patients; no external validation was performed.",
            Authors = [new Author("Doe J", ["Department of Radiology, Seoul National University Hospital, Seoul, Korea"])],
        };
        await host.Get<DedupService>().RegisterAsync(record, "run1", T0, default);
        var service = host.Get<ExtractionService>();
        await service.ExtractAsync(new RecordMessage(record.Key), default);

        var stored = await host.Get<ExtractionStore>().GetAsync(record.Key, default);
        Assert.Equal(FormExtractor.Fields.Count, stored.Count);
        Assert.Equal(["1200"], stored["subjects"].Effective);
        Assert.Equal(["South Korea"], stored["country"].Effective);

        await service.CorrectAsync("ana", record.Key, "subjects", ["1150"], "1,200 scans of 1,150 patients", default);
        await service.CorrectAsync("ana", record.Key, "modality", ["MRI"], null, default);
        // Re-extraction (a new run, or a new extractor version) writes the automatic values again; the corrections stay.
        await service.ExtractAsync(new RecordMessage(record.Key), default);
        stored = await host.Get<ExtractionStore>().GetAsync(record.Key, default);
        Assert.Equal(["1150"], stored["subjects"].Effective);
        Assert.Equal(["1200"], stored["subjects"].Automatic.Distinct);
        Assert.Equal(("ana", "1,200 scans of 1,150 patients"), (stored["subjects"].Correction!.By, stored["subjects"].Correction!.Note));
        var listed = await host.Get<ExtractionStore>().ListAsync(default);
        Assert.Equal(["1150"], listed[record.Key].Single(f => f.Field == "subjects").Distinct);

        var accuracy = ExtractionService.Accuracy(stored.Values);
        Assert.Equal((1, 0), (accuracy.Single(a => a.Field == "subjects").Checked, accuracy.Single(a => a.Field == "subjects").Right));
        Assert.Equal((1, 1), (accuracy.Single(a => a.Field == "modality").Checked, accuracy.Single(a => a.Field == "modality").Right));
    }

    [Theory]
    [InlineData("subjects", new[] { "many" }, "whole number")]
    [InlineData("modality", new[] { "PET-CT" }, "its values are")]
    [InlineData("condition", new[] { "Fracture", "Neoplasm" }, "takes one value")]
    [InlineData("colour", new[] { "blue" }, "not a field of the form")]
    public async Task Correct_BadValues_AreRefusedWithTheVocabulary(string field, string[] values, string message)
    {
        await using var host = TestHost.Create();
        var e = await Assert.ThrowsAsync<CorrectionRefusedException>(() => host.Get<ExtractionService>().CorrectAsync("ana", "pubmed:1", field, values, null, default));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractionApi_CorrectionFromTheSignedInReviewer()
    {
        await using var host = TestHost.Create(settings: new Dictionary<string, string?> { ["Screening:TrustIdentityHeaders"] = "true", ["Web:Reviewers"] = "ben@example.org" });
        var record = new BibRecord { Source = "pubmed", SourceId = "870002", Pmid = "870002", Year = 2021, Title = "Deep learning for scoliosis on radiographs",
            Abstract = "A CNN measured the Cobb angle on 300 radiographs." };
        await host.Get<DedupService>().RegisterAsync(record, "run1", T0, default);
        await host.Get<ExtractionService>().ExtractAsync(new RecordMessage(record.Key), default);
        var api = new SpineReview.Functions.Functions.ExtractionApi(host.Get<ExtractionService>(), host.Get<SpineReview.Web.WebIdentity>(),
            host.Get<Microsoft.Extensions.Options.IOptions<ScreeningOptions>>());

        var anonymous = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        anonymous.Request.Body = new MemoryStream("{\"values\":[\"Deformity\"]}"u8.ToArray());
        Assert.Equal(401, ((Microsoft.AspNetCore.Mvc.ObjectResult)await api.Correct(anonymous.Request, record.Key, "condition", default)).StatusCode);

        var signed = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        signed.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = "ben@example.org";
        // Posted as text/plain (what another site's form can send without asking): refused, nothing stored.
        signed.Request.ContentType = "text/plain";
        signed.Request.Body = new MemoryStream("{\"values\":[\"Deformity\"],\"note\":\"adolescent idiopathic scoliosis\"}"u8.ToArray());
        Assert.Equal(415, ((Microsoft.AspNetCore.Mvc.ObjectResult)await api.Correct(signed.Request, record.Key, "condition", default)).StatusCode);
        Assert.Null((await host.Get<ExtractionStore>().GetAsync(record.Key, default))["condition"].Correction);
        signed.Request.ContentType = "application/json; charset=utf-8";
        signed.Request.Body = new MemoryStream("{\"values\":[\"Deformity\"],\"note\":\"adolescent idiopathic scoliosis\"}"u8.ToArray());
        var created = (Microsoft.AspNetCore.Mvc.ObjectResult)await api.Correct(signed.Request, record.Key, "condition", default);
        Assert.Equal(201, created.StatusCode);
        var stored = await host.Get<ExtractionStore>().GetAsync(record.Key, default);
        Assert.Equal(["Deformity"], stored["condition"].Effective);
        Assert.Equal("ben@example.org", stored["condition"].Correction!.By);

        var bad = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        bad.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = "ben@example.org";
        bad.Request.ContentType = "application/json";
        bad.Request.Body = new MemoryStream("{\"values\":[\"Scoliosis\"]}"u8.ToArray());
        var refused = (Microsoft.AspNetCore.Mvc.ObjectResult)await api.Correct(bad.Request, record.Key, "condition", default);
        Assert.Equal(400, refused.StatusCode);

        // The form as the reviewer reads it: every field in the form's order, the correction in use, the automatic values kept.
        var form = Assert.IsAssignableFrom<IReadOnlyList<FormField>>(((Microsoft.AspNetCore.Mvc.OkObjectResult)await api.Form(signed.Request, record.Key, default)).Value);
        Assert.Equal(FormExtractor.Fields, form.Select(f => f.Field));
        var condition = form.Single(f => f.Field == "condition");
        Assert.Equal(["Deformity"], condition.Values);
        Assert.Equal("ben@example.org", condition.Correction!.By);
        Assert.Equal(FormExtractor.Version, condition.ExtractorVersion);
        var missing = (Microsoft.AspNetCore.Mvc.ObjectResult)await api.Form(signed.Request, "pubmed:1", default);
        Assert.Equal(404, missing.StatusCode);
    }
}
