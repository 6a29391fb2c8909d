using SpineReview.Cycle;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Sources;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Cycle;

/// <summary>The whole cycle over the recorded sample set, against Azurite, the way scripts/run.sh runs it.</summary>
public class CycleTests
{
    private static readonly HarvestRequest Window = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 6, 30));

    private static async Task<List<StoredRecord>> RecordsAsync(TestHost host)
    {
        var list = new List<StoredRecord>();
        await foreach (var r in host.Get<RecordStore>().ListAsync(default)) list.Add(r);
        return list;
    }

    [Fact]
    public async Task Cycle_RunTwice_StoresNothingTwiceNewIsZeroAndOnlyThePatchVersionMoves()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        var cycle = host.Get<CycleService>();

        var first = await cycle.RunAsync(Window, null, default);
        var records = await RecordsAsync(host);
        var expected = ReplaySample.Expected.Count;
        Assert.Equal(expected, records.Count);
        Assert.Equal(expected, first.Screened.Done);
        Assert.Equal(ReportVersion.First, first.Report.Version);
        Assert.Equal(first.Report.Counts.PassedRules, first.Report.Counts.NewInThisVersion);
        Assert.Equal(first.Report.Counts.PassedRules, first.Extracted.Done);

        var second = await cycle.RunAsync(Window, null, default);
        Assert.Equal(expected, (await RecordsAsync(host)).Count);
        Assert.Equal(0, second.Harvests[0].New);
        Assert.Equal(expected, second.Harvests[0].AlreadyStored);
        Assert.Equal(0, second.Screened.Done);
        Assert.Equal(0, second.Report.Counts.NewInThisVersion);
        // The second search is logged (the methods table changes) but the same studies are shown: a patch version.
        Assert.Equal(new ReportVersion(1, 0, 1), second.Report.Version);
        Assert.Equal(first.Report.Counts.Identified, second.Report.Counts.Identified);
        Assert.Equal(first.Report.Counts.ExcludedByRules, second.Report.Counts.ExcludedByRules);
        Assert.Equal(["1.0.0", "1.0.1"], (await host.Get<ReportService>().ListAsync(default)).Select(m => m.Version));
    }

    [Fact]
    public async Task Report_NothingChanged_NoNewVersion_SomethingChanged_NextVersion()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        await host.Get<CycleService>().RunAsync(Window, null, default);
        var reports = host.Get<ReportService>();
        var again = await reports.GenerateAsync(default);
        Assert.True(again.Unchanged);
        Assert.Equal(ReportVersion.First, again.Manifest.Version);
        Assert.Equal(["1.0.0"], (await reports.ListAsync(default)).Select(m => m.Version));

        // A person's correction changes what the report shows: a new version.
        var key = (await host.Get<SpineReview.Extraction.ExtractionStore>().ListStoredAsync(default)).Keys.First();
        await host.Get<SpineReview.Extraction.ExtractionService>().CorrectAsync("ana", key, "modality", ["Other"], null, default);
        var changed = await reports.GenerateAsync(default);
        Assert.False(changed.Unchanged);
        // Same studies, a corrected value: a patch version.
        Assert.Equal(new ReportVersion(1, 0, 1), changed.Manifest.Version);
    }

    [Fact]
    public async Task Report_ReviewersIncludeAStudy_MinorVersion_WhatsNewNamesIt_EveryVersionKeptWithItsManifest()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        await host.Get<CycleService>().RunAsync(Window, null, default);
        var reports = host.Get<ReportService>();
        var first = await reports.LatestManifestAsync(default);
        Assert.Equal(ReportVersion.First, first!.Version);

        var key = first.Studies[0];
        var people = host.Get<SpineReview.Screening.People.ReviewService>();
        await people.DecideAsync("ana", key, "include", null, null, null, default);
        await people.DecideAsync("ben", key, "include", null, null, null, default);
        var (manifest, pdf) = await reports.GenerateAsync(default);
        Assert.Equal(new ReportVersion(1, 1, 0), manifest.Version);
        Assert.Equal(ReportVersion.First, manifest.PreviousVersion);
        Assert.Equal([key], manifest.Included);
        Assert.Equal(1, manifest.Counts.Included);
        Assert.Contains("1 newly included by reviewers", manifest.Change, StringComparison.Ordinal);
        var text = string.Join(" ", Pdf.PageTexts(pdf));
        Assert.Contains("Since version 1.0.0: 1 study included by reviewers", text, StringComparison.Ordinal);
        // Found in the first harvest, included since version 1.0.0: this update's inclusion.
        Assert.Contains("Studies included (n = 1 [1])", text, StringComparison.Ordinal);
        Assert.Contains("Every figure below describes the 1 study included by reviewers", text, StringComparison.Ordinal);

        // Both versions listed with their counts and hashes; each version's PDF is kept as it was, its hash as listed.
        var list = await reports.ListAsync(default);
        Assert.Equal(["1.0.0", "1.1.0"], list.Select(v => v.Version));
        Assert.Equal((0, 1), (list[0].Included, list[1].Included));
        Assert.Equal(manifest.Sha256, list[1].Sha256);
        Assert.Equal(pdf.Length, list[1].Size);
        foreach (var v in list)
        {
            var stored = await reports.GetVersionAsync(ReportVersion.Parse(v.Version), default);
            await using var stream = await stored!.OpenAsync(default);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            Assert.Equal(v.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.ToArray())));
            Assert.Equal($"\"{v.Sha256}\"", stored.ETag);
        }
        Assert.Null(await reports.GetVersionAsync(new ReportVersion(9, 9, 9), default));
    }

    [Fact]
    public async Task Report_TwoRunsAtOnce_NeitherOverwritesTheOther()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        await host.Get<CycleService>().RunAsync(Window, null, default);
        var key = (await host.Get<SpineReview.Extraction.ExtractionStore>().ListStoredAsync(default)).Keys.First();
        await host.Get<SpineReview.Extraction.ExtractionService>().CorrectAsync("ana", key, "region", ["Sacral"], null, default);
        var reports = host.Get<ReportService>();
        var runs = await Task.WhenAll(Task.Run(() => reports.GenerateAsync(default)), Task.Run(() => reports.GenerateAsync(default)));
        var list = await reports.ListAsync(default);
        // Either both made a version (different numbers) or the second found the first's and changed nothing; no number is used twice.
        Assert.Equal(list.Count, list.Select(v => v.Version).Distinct().Count());
        Assert.Contains(runs, r => !r.Unchanged);
        Assert.All(runs, r => Assert.Contains(list, v => v.Version == r.Manifest.Version.ToString() && v.Sha256 == r.Manifest.Sha256));
    }

    [Fact]
    public async Task Cycle_ReportText_CarriesThePrismaCountsThatAreStored()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        await host.Get<CycleService>().RunAsync(Window, null, default);
        var (manifest, pdf) = await host.Get<ReportService>().GenerateAsync(default);

        var records = await RecordsAsync(host);
        var decisions = await host.Get<ScreeningStore>().ListRuleDecisionsAsync(default);
        var identified = records.Count;
        var duplicates = records.Count(r => r.DuplicateOf is not null);
        var excluded = decisions.Count(d => d.Excluded);
        var passed = decisions.Count(d => !d.Excluded);
        Assert.Equal((identified, duplicates, excluded, passed), (manifest.Counts.Identified, manifest.Counts.Duplicates, manifest.Counts.ExcludedByRules, manifest.Counts.PassedRules));

        var text = string.Join("\n", Pdf.PageTexts(pdf));
        // First version: this update is the whole review, so both numbers of each box are the stored count.
        Assert.Contains($"Records identified (n = {identified} [{identified}])", text, StringComparison.Ordinal);
        Assert.Contains($"Duplicate records (n = {duplicates} [{duplicates}])", text, StringComparison.Ordinal);
        Assert.Contains($"Records screened by rules (n = {decisions.Count} [{decisions.Count}])", text, StringComparison.Ordinal);
        Assert.Contains($"Records excluded by rules (n = {excluded} [{excluded}])", text, StringComparison.Ordinal);
        Assert.Contains($"Records passed to reviewers (n = {passed} [{passed}])", text, StringComparison.Ordinal);
        foreach (var reason in decisions.Where(d => d.Excluded).GroupBy(d => d.Reason!))
            Assert.Contains($"{ReasonCodes.Describe(reason.Key)} (n = {reason.Count()} [{reason.Count()}])", text, StringComparison.Ordinal);
        foreach (var component in PdfReport.Components.Where(c => c is not ScreeningQualityComponent))
            Assert.Contains(component.Title, text, StringComparison.Ordinal);
        var latest = await host.Get<ReportService>().GetLatestAsync(default);
        Assert.Equal($"\"{manifest.Sha256}\"", latest!.ETag);
    }

    [Fact]
    public async Task RuleScreen_OnTheSample_NeverExcludesAnEligibleStudyAndGivesTheRightReason()
    {
        await using var host = TestHost.Create(replay: TestPaths.Replay, settings: TestHost.PubMedOnly());
        await host.Get<CycleService>().RunAsync(Window, null, default);
        var decisions = (await host.Get<ScreeningStore>().ListRuleDecisionsAsync(default)).ToDictionary(d => d.RecordKey);
        foreach (var e in ReplaySample.Expected)
        {
            var d = decisions[$"pubmed:{e.Pmid}"];
            if (e.Eligible) Assert.False(d.Excluded, $"eligible PMID {e.Pmid} excluded by {d.Rule}: {d.Evidence}");
            else if (d.Excluded) Assert.True(e.Reason == d.Reason, $"PMID {e.Pmid}: rule said {d.Reason}, truth is {e.Reason}");
        }
        // Rules exclude at least what is certain by publication type and year.
        foreach (var e in ReplaySample.Expected.Where(e => e.Reason is ReasonCodes.Review or ReasonCodes.EditorialOrLetter or ReasonCodes.Before2012 && e.RuleCertain))
            Assert.True(decisions[$"pubmed:{e.Pmid}"].Excluded, $"PMID {e.Pmid} ({e.Reason}) passed the rules");
    }
}
