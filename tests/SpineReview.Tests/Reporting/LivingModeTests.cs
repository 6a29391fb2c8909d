using SpineReview.Cycle;
using SpineReview.Reporting;
using SpineReview.Sources;
using SpineReview.Sources.Imports;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Reporting;

/// <summary>The report's PRISMA-LSR items, read back from the PDF of two versions made from the replayed PubMed sample and
/// imported export files: living and the version in the title, the previous version cited with its hash, the living mode from
/// settings, why this version, this version's flow beside the cumulative one, and the PRISMA-S items the search log answers.</summary>
public class LivingModeTests
{
    private static readonly DateOnly Searched = new(2026, 11, 30);

    private static async Task ImportAsync(TestHost host, string sample, string source, string database, string platform)
    {
        await using var stream = File.OpenRead(Path.Combine(TestPaths.RepoRoot, "samples", "import", sample));
        await host.Get<ImportService>().ImportAsync(stream, new ImportRequest(source, database, platform, Searched, "spine AND deep learning", sample), null, default);
        await host.Get<CycleService>().DrainScreenAsync(null, default);
    }

    [Fact]
    public async Task Report_TwoVersions_PrismaLsrItemsReadBackFromThePdf()
    {
        var settings = TestHost.PubMedOnly();
        settings["Schedules:HarvestPubMed"] = "0 15 2 * * 1";
        settings["Schedules:RegenerateReport"] = "0 0 5 * * *";
        settings["Living:RetireWhen"] = "when the update of 2031 finds no new eligible study";
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: settings);
        await host.Get<Harvester>().HarvestAsync("pubmed", new HarvestRequest(), null, default);
        await ImportAsync(host, "embase-ovid.ris", "embase-ovid", "Embase", "Ovid");
        var reports = host.Get<ReportService>();
        var first = await reports.GenerateAsync(default);
        var v1 = string.Join(" ", Pdf.PageTexts(first.Pdf));

        Assert.Contains($"a living scoping review, version {first.Manifest.Version}", v1, StringComparison.Ordinal);
        Assert.Contains("Why this version: first version", v1, StringComparison.Ordinal);
        Assert.Contains("Previous version: none; this is the first version.", v1, StringComparison.Ordinal);
        Assert.Contains("PubMed API search since its last complete search weekly on Monday at 02:15 UTC", v1, StringComparison.Ordinal);
        Assert.Contains("IEEE Xplore API search since its last complete search daily at 03:10 UTC", v1, StringComparison.Ordinal);
        Assert.Contains("Embase (Ovid) searched on the platform by a reviewer, export imported searched 2026-11-30", v1, StringComparison.Ordinal);
        Assert.Contains("The report is regenerated daily at 05:00 UTC.", v1, StringComparison.Ordinal);
        Assert.Contains("The living review will be retired when the update of 2031 finds no new eligible study.", v1, StringComparison.Ordinal);
        Assert.Contains("1 Database name yes PubMed; Embase (Ovid)", v1, StringComparison.Ordinal);
        Assert.Contains("2 Multi-database searching yes each source searched on its own: PubMed through its API; Embase on Ovid", v1, StringComparison.Ordinal);
        Assert.Contains("15 Total records yes PubMed 67; Embase (Ovid) 3", v1, StringComparison.Ordinal);
        Assert.Contains("16 Deduplication yes by DOI, PMID, PMCID and arXiv id, then by title, year and authors; 1 duplicate removed", v1, StringComparison.Ordinal);

        await ImportAsync(host, "wos.ris", "wos", "Web of Science Core Collection", "Clarivate");
        var second = await reports.GenerateAsync(default);
        // Set, the test leaves the second version's PDF there, to be looked at (pdftoppm -png).
        if (Environment.GetEnvironmentVariable("SPINE_REVIEW_LIVING_PDF") is { Length: > 0 } keep) await File.WriteAllBytesAsync(Path.Combine(keep, "living-v2.pdf"), second.Pdf);
        Assert.Equal(first.Manifest.Version, second.Manifest.PreviousVersion);
        var pages = Pdf.PageTexts(second.Pdf);
        var v2 = string.Join(" ", pages);
        Assert.Contains($"a living scoping review, version {second.Manifest.Version}", v2, StringComparison.Ordinal);
        Assert.Contains($"Previous version: {first.Manifest.Version} of {first.Manifest.Created.UtcDateTime:d MMMM yyyy}, SHA-256 {first.Manifest.Sha256}.", v2, StringComparison.Ordinal);
        Assert.Contains($"Why this version: {second.Manifest.Change}", v2, StringComparison.Ordinal);
        Assert.StartsWith("studies changed: 2 added", second.Manifest.Change, StringComparison.Ordinal);
        // This version's flow beside the cumulative one: the two Web of Science records are all this version identified.
        var flow = pages.Single(p => p.Contains("This version beside the cumulative review", StringComparison.Ordinal));
        Assert.Contains($"This version (since {first.Manifest.Version})", flow, StringComparison.Ordinal);
        Assert.Contains("Records identified 2 72", flow, StringComparison.Ordinal);
        Assert.Contains("Identified: Web of Science Core Collection (Clarivate) 2 2", flow, StringComparison.Ordinal);
        Assert.Contains("Identified: PubMed 0 67", flow, StringComparison.Ordinal);
        Assert.Contains("Identified: Embase (Ovid) 0 3", flow, StringComparison.Ordinal);
    }
}
