using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SpineReview.Dedup;
using SpineReview.Extraction;
using SpineReview.Functions.Functions;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Functions;

/// <summary>The function classes called directly, with services from the composition root, against Azurite.</summary>
public class FunctionTests
{
    private static BibRecord Eligible(string pmid) => new()
    {
        Source = "pubmed", SourceId = pmid, Pmid = pmid, Year = 2022, PublicationTypes = ["Journal Article"], Mesh = ["Humans"],
        Title = "Deep learning detection of vertebral fractures on CT",
        Abstract = "A convolutional neural network detected thoracolumbar vertebral fractures on 1,200 CT scans.",
    };

    [Fact]
    public async Task DrainQueues_HandedOverBatch_ScreensExtractsAndEmptiesTheQueues()
    {
        await using var host = TestHost.Create();
        var records = new[]
        {
            Eligible("900001"),
            Eligible("900002") with { Title = "Deep learning grading of lumbar disc degeneration on MRI", Abstract = "A convolutional neural network graded 500 lumbar MRI scans." },
        };
        foreach (var r in records) await host.Get<DedupService>().RegisterAsync(r, "run1", DateTimeOffset.UnixEpoch, default);
        await host.Get<SpineReview.Sources.ScreeningHandover>().HandOverManyAsync([.. records.Select(r => r.Key)], default);
        var queues = host.Get<WorkQueues>();
        Assert.Equal(1, (await queues.Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        await new DrainQueues(host.Get<SpineReview.Cycle.CycleService>(), host.Get<Microsoft.Extensions.Logging.ILogger<DrainQueues>>()).Run(new TimerInfo(), default);

        foreach (var r in records)
        {
            var decision = await host.Get<ScreeningStore>().GetRuleDecisionAsync(r.Key, default);
            Assert.False(decision!.Excluded);
            Assert.Equal(RuleVerdict.Version, decision.RuleVersion);
            Assert.NotNull(await host.Get<ScreeningStore>().GetQueueEntryAsync(r.Key, default));
        }
        var fields = (await host.Get<ExtractionStore>().ListAsync(default))[records[0].Key];
        var modality = fields.Single(f => f.Field == "modality");
        Assert.Equal(["CT"], modality.Distinct);
        Assert.Contains("fractures on CT", modality.Values[0].Evidence, StringComparison.Ordinal);
        Assert.Equal(["Thoracic", "Lumbar"], fields.Single(f => f.Field == "region").Distinct);
        Assert.Equal(0, (await queues.Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(0, (await queues.Extract.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task DrainQueues_MalformedMessage_FailsTheRunAndLeavesTheMessageForItsRetries()
    {
        await using var host = TestHost.Create();
        var queues = host.Get<WorkQueues>();
        await queues.SendAsync(queues.Screen, "not json", default);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new DrainQueues(host.Get<SpineReview.Cycle.CycleService>(), host.Get<Microsoft.Extensions.Logging.ILogger<DrainQueues>>()).Run(new TimerInfo(), default));
        Assert.Contains("1 queued batches failed", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await queues.Screen.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Theory]
    [InlineData("not json", "recordKey")]
    [InlineData("""{"recordKey":""}""", "recordKey")]
    [InlineData("""{"recordKeys":[]}""", "recordKeys")]
    public async Task ScreenExtractAndAlerts_MalformedMessage_ThrowSoTheDrainPoisonQueuesIt(string body, string named)
    {
        await using var host = TestHost.Create();
        var screen = await Assert.ThrowsAsync<FormatException>(() => host.Get<ScreeningService>().ScreenMessageAsync(body, default));
        Assert.Contains(named, screen.Message, StringComparison.Ordinal);
        var extract = await Assert.ThrowsAsync<FormatException>(() => host.Get<ExtractionService>().ExtractMessageAsync(body, default));
        Assert.Contains(named, extract.Message, StringComparison.Ordinal);
        var alert = await Assert.ThrowsAsync<FormatException>(() => host.Get<SpineReview.Alerts.AlertService>().RunForMessageAsync(body, default));
        Assert.Contains("recordKey", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HarvestPubMedThenRegenerateReport_Timers_StoreRecordsAndAReport()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        await new HarvestSources(host.Get<SpineReview.Sources.Harvester>()).HarvestPubMed(new TimerInfo(), default);
        var count = 0;
        await foreach (var _ in host.Get<RecordStore>().ListAsync(default)) count++;
        Assert.Equal(ReplaySample.Expected.Count, count);

        await new RegenerateReport(host.Get<ReportService>()).Run(new TimerInfo(), default);
        var manifest = await host.Get<ReportService>().LatestManifestAsync(default);
        Assert.Equal(ReportVersion.First, manifest!.Version);
        Assert.Equal(count, manifest.Counts.Identified);
    }

    [Fact]
    public async Task GetLatestReport_Http_ServesPdfWithETagThen304()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay);
        var function = new GetLatestReport(host.Get<ReportService>());

        var none = await function.Run(new DefaultHttpContext().Request, default);
        Assert.Equal(404, Assert.IsType<ObjectResult>(none).StatusCode);

        var (manifest, pdf) = await host.Get<ReportService>().GenerateAsync(default);
        var context = new DefaultHttpContext();
        var result = Assert.IsType<FileStreamResult>(await function.Run(context.Request, default));
        Assert.Equal("application/pdf", result.ContentType);
        Assert.Equal("living-review-v1.0.0.pdf", result.FileDownloadName);
        Assert.Equal($"\"{manifest.Sha256}\"", result.EntityTag!.Tag.ToString());
        using var body = new MemoryStream();
        await result.FileStream.CopyToAsync(body);
        Assert.Equal(pdf, body.ToArray());

        var again = new DefaultHttpContext();
        again.Request.Headers.IfNoneMatch = $"\"{manifest.Sha256}\"";
        var notModified = Assert.IsType<StatusCodeResult>(await function.Run(again.Request, default));
        Assert.Equal(304, notModified.StatusCode);
    }

    [Fact]
    public async Task ReportsHttp_ListAndOneVersion_WithETag304AndClearErrors()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay);
        var reports = host.Get<ReportService>();
        var list = new ListReports(reports);
        var one = new GetReportVersion(reports);
        var empty = Assert.IsType<OkObjectResult>(await list.Run(new DefaultHttpContext().Request, default));
        Assert.Empty(Assert.IsAssignableFrom<IEnumerable<ReportSummary>>(empty.Value));

        var (manifest, pdf) = await reports.GenerateAsync(default);
        var listed = Assert.IsAssignableFrom<IEnumerable<ReportSummary>>(Assert.IsType<OkObjectResult>(await list.Run(new DefaultHttpContext().Request, default)).Value).Single();
        Assert.Equal(("1.0.0", manifest.Sha256, (long)pdf.Length, manifest.Counts.Identified), (listed.Version, listed.Sha256, listed.Size, listed.Identified));

        var okContext = new DefaultHttpContext();
        var ok = Assert.IsType<FileStreamResult>(await one.Run(okContext.Request, "1.0.0", default));
        Assert.Equal("living-review-v1.0.0.pdf", ok.FileDownloadName);
        // A numbered version never changes: caches may keep it. The latest is revalidated.
        Assert.Equal("public, max-age=31536000, immutable", okContext.Response.Headers.CacheControl.ToString());
        var latestContext = new DefaultHttpContext();
        Assert.IsType<FileStreamResult>(await new GetLatestReport(reports).Run(latestContext.Request, default));
        Assert.Equal("no-cache", latestContext.Response.Headers.CacheControl.ToString());
        using (var body = new MemoryStream())
        {
            await ok.FileStream.CopyToAsync(body);
            Assert.Equal(pdf, body.ToArray());
        }
        // If-None-Match may list several tags.
        var cached = new DefaultHttpContext();
        cached.Request.Headers.IfNoneMatch = $"\"other\", \"{manifest.Sha256}\"";
        Assert.Equal(304, Assert.IsType<StatusCodeResult>(await one.Run(cached.Request, "1.0.0", default)).StatusCode);
        var stale = new DefaultHttpContext();
        stale.Request.Headers.IfNoneMatch = "\"other\"";
        Assert.IsType<FileStreamResult>(await one.Run(stale.Request, "1.0.0", default));
        Assert.IsType<FileStreamResult>(await one.Run(new DefaultHttpContext().Request, "latest", default));

        var bad = Assert.IsType<ObjectResult>(await one.Run(new DefaultHttpContext().Request, "1.0", default));
        Assert.Equal(400, bad.StatusCode);
        Assert.Contains("MAJOR.MINOR.PATCH", Assert.IsType<ProblemDetails>(bad.Value).Detail, StringComparison.Ordinal);
        var missing = Assert.IsType<ObjectResult>(await one.Run(new DefaultHttpContext().Request, "4.0.0", default));
        Assert.Equal(404, missing.StatusCode);
    }
}
