using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Outline;
using Xunit;

namespace SpineReview.Tests.Reporting;

/// <summary>What the report says: the 2023 figures recomputed, what changed since the previous version, the outline and the links.</summary>
public class ReportContentTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static StudyRow Study(string key, bool included, params (string Field, string[] Values)[] fields) =>
        new(key, $"Study {key}", $"Author {key}", "Spine", 2023, $"10.5555/{key}", null,
            fields.FirstOrDefault(f => f.Field == "modality").Values ?? [], fields.FirstOrDefault(f => f.Field == "region").Values ?? [], false, included,
            fields.ToDictionary(f => f.Field, f => (IReadOnlyList<string>)f.Values));

    [Fact]
    public void Results_CountEachCategory_AgainstTheStatedBaseline()
    {
        var studies = new[]
        {
            Study("a", true, ("modality", ["MRI"]), ("region", ["Lumbar"]), ("application", ["Diagnostic"]), ("architectures", ["U-Net", "ResNet"]), ("subjects", ["50"]), ("externalValidation", ["true"])),
            Study("b", true, ("modality", ["MRI", "CT"]), ("region", ["Lumbar", "Thoracic"]), ("application", ["Assessment"]), ("subjects", ["5000"]), ("externalValidation", ["false"])),
            Study("c", true, ("modality", ["Radiograph"]), ("region", ["WholeSpine"]), ("codeAvailable", ["true"])),
            Study("d", true, ("modality", ["CT"])),
            // Not included by reviewers: left out once any study is included.
            Study("e", false, ("modality", ["MRI"]), ("region", ["Cervical"])),
        };
        var r = Results.Compute(studies);
        Assert.True(r.Confirmed);
        Assert.Equal(4, r.N);
        var modality = r.Figures.Single(f => f.Id == "modalities").Rows;
        Assert.Equal((2, 50.0, 36.0), (modality.Single(x => x.Category == "MRI").Count, modality.Single(x => x.Category == "MRI").Percent, modality.Single(x => x.Category == "MRI").BaselinePercent!.Value));
        Assert.Equal(2, modality.Single(x => x.Category == "CT").Count);
        Assert.Null(modality.Single(x => x.Category == "CT").BaselinePercent);
        Assert.DoesNotContain(modality, x => x.Category == Results.NotStated);
        var span = r.Figures.Single(f => f.Id == "region-span").Rows.ToDictionary(x => x.Category, x => x.Count);
        Assert.Equal((1, 1, 1, 1), (span["One region"], span["Several regions"], span["Whole spine"], span[Results.NotStated]));
        var application = r.Figures.Single(f => f.Id == "applications").Rows.ToDictionary(x => x.Category, x => x.Count);
        Assert.Equal((1, 1, 2), (application["Diagnostic"], application["Assessment"], application[Results.NotStated]));
        var headline = r.Headline.ToDictionary(i => i.Name);
        Assert.Equal((2, 4, 36.0), (headline["MRI used"].Count, headline["MRI used"].Of, headline["MRI used"].Baseline!.Value));
        Assert.Equal(1, headline["Externally validated"].Count);
        Assert.Equal(1, headline["Code or model shared"].Count);
        var subjects = r.Sizes.Single(s => s.Measure == "Subjects");
        Assert.Equal(2, subjects.Reported);
        Assert.Equal([1, 0, 1, 0, 0], subjects.Bins.Select(b => b.Count));
        Assert.Equal(2525, subjects.Mean);
        Assert.Equal([(2023, 4)], r.PerYear);
    }

    [Fact]
    public void Results_NobodyIncludedYet_DescribeTheProvisionalStudiesAndSaySo()
    {
        var r = Results.Compute([Study("a", false, ("modality", ["MRI"])), Study("b", false)]);
        Assert.False(r.Confirmed);
        Assert.Equal(2, r.N);
        Assert.Contains("provisionally eligible", r.Basis, StringComparison.Ordinal);
        Assert.Equal(0, Results.Compute([]).N);
    }

    /// <summary>
    /// Five records. The previous version showed 1, 2, 3 and 5, counted 3 and 5 as included, and knew 5 was retracted.
    /// Now 1 is included, 2 excluded by reviewers, 3 reopened (pending again), 4 new and retracted, 5 still included.
    /// </summary>
    private static ReportModel Changed()
    {
        BibRecord Rec(string id, string title, params string[] types) => new()
        {
            Source = "pubmed", SourceId = id, Pmid = id, Title = title, Year = 2024, Doi = $"10.5555/wn.{id}", Authors = [new Author($"Writer{id} A", [])],
            PublicationTypes = types,
        };
        var records = new[]
        {
            Rec("1", "Deep learning grades lumbar stenosis on MRI"), Rec("2", "A CNN for disc herniation"),
            Rec("3", "Transformer segmentation of vertebral fractures"), Rec("4", "Retracted: automated Cobb angle by CNN", "Journal Article"),
            Rec("5", "Vertebral fracture detection on CT", "Journal Article", "Retracted Publication"),
        }.Select(r => new StoredRecord(r.Key, r, null, null, "20260501T000000000Z", At)).ToList();
        var rules = records.Select(r => new RuleDecision(r.Key, false, null, "none", RuleVerdict.Version, "", At)).ToList();
        QueueEntry Q(int i, ScreeningStatus s, bool? included, string? reason) => new(records[i].Key, 0.5, ["ana", "ben"], s, included, reason, "", false, false, At, At, default);
        var queue = new List<QueueEntry>
        {
            Q(0, ScreeningStatus.Final, true, null), Q(1, ScreeningStatus.Final, false, ReasonCodes.NotImaging),
            Q(2, ScreeningStatus.Pending, null, null), Q(3, ScreeningStatus.Pending, null, null), Q(4, ScreeningStatus.Final, true, null),
        };
        var previous = PdfReportTests.Manifest(new ReportVersion(1, 3, 2), At.AddDays(-7), [records[0].Key, records[1].Key, records[2].Key, records[4].Key],
            [records[2].Key, records[4].Key], lastRun: "20260501T000000000Z") with { Retracted = [records[4].Key] };
        return ReportModelBuilder.Build(new ReportVersion(1, 4, 0), At, records, rules, new Dictionary<string, List<ExtractedField>>(), [], previous,
            new PeopleScreening(queue, [], null, 0.5, false));
    }

    [Fact]
    public void WhatsNew_NamesStudiesIncludedDecisionsChangedAndRetractions()
    {
        var model = Changed();
        Assert.Equal(["pubmed:1"], model.Changes.NewlyIncluded.Select(s => s.Key));
        Assert.Equal(["pubmed:4"], model.Changes.NewProvisional.Select(s => s.Key));
        Assert.Equal(["pubmed:2"], model.Changes.Removed.Select(s => s.Key));
        Assert.Equal(["pubmed:3"], model.Changes.Reopened.Select(s => s.Key));
        // Study 5 was already known to be retracted: only 4 is news.
        Assert.Equal(["pubmed:4"], model.Changes.Retracted.Select(s => s.Key));
        Assert.Equal(2, model.Studies.Count(s => s.Retracted));

        var rendered = PdfReport.Render(model);
        Layout.AssertContained(rendered);
        var text = string.Join(" ", Pdf.PageTexts(rendered.Pdf));
        Assert.Contains("Since version 1.3.2: 1 study included by reviewers, 1 new provisionally eligible study, 1 study no longer shown, " +
            "1 inclusion reopened, 1 newly retracted study among those shown.", text, StringComparison.Ordinal);
        Assert.Contains("Included by reviewers (1) • Writer1 A (2024). Deep learning grades lumbar stenosis on MRI", text, StringComparison.Ordinal);
        Assert.Contains("Decisions changed: no longer shown (1) • Writer2 A (2024). A CNN for disc herniation excluded by reviewers: No medical images", text, StringComparison.Ordinal);
        Assert.Contains("Decisions changed: reopened by reviewers, no longer counted as included (1) • Writer3 A (2024). Transformer segmentation", text, StringComparison.Ordinal);
        Assert.Contains("Newly retracted (marked by the source) (1) • Writer4 A (2024). Retracted: automated Cobb angle by CNN", text, StringComparison.Ordinal);
        // Nothing harvested since the previous version's last run: this update identified nothing.
        Assert.Equal(0, model.ThisUpdate.Identified);
    }

    [Fact]
    public void Prisma_EverySourceAndEveryReason_FitsItsPage()
    {
        var records = new List<StoredRecord>();
        var rules = new List<RuleDecision>();
        var queue = new List<QueueEntry>();
        var sources = new[] { "pubmed", "ieee", "europepmc", "arxiv", "openalex", "crossref" };
        var reasons = ReasonCodes.All.Where(c => c != ReasonCodes.Duplicate).ToArray();
        for (var i = 0; i < 600; i++)
        {
            var r = new BibRecord { Source = sources[i % sources.Length], SourceId = $"p{i}", Title = $"Deep learning spine study {i}", Year = 2020 };
            records.Add(new StoredRecord(r.Key, r, i % 50 == 7 ? "pubmed:p0" : null, null, "20260501T000000000Z", At));
            var excludedByRules = i % 3 == 0;
            rules.Add(new RuleDecision(r.Key, excludedByRules, excludedByRules ? reasons[i % reasons.Length] : null, "t", RuleVerdict.Version, "", At));
            if (!excludedByRules)
            {
                var (status, included, reason, auto) = (i % 5) switch
                {
                    0 => (ScreeningStatus.Final, (bool?)true, (string?)null, false),
                    1 => (ScreeningStatus.Final, false, reasons[i % reasons.Length], false),
                    2 => (ScreeningStatus.Final, false, reasons[(i + 3) % reasons.Length], true),
                    3 => (ScreeningStatus.Conflict, null, null, false),
                    _ => (ScreeningStatus.Pending, null, null, false),
                };
                queue.Add(new QueueEntry(r.Key, 0.4, ["ana", "ben"], status, included, reason, "", false, auto, At, At, default));
            }
        }
        var model = ReportModelBuilder.Build(ReportVersion.First, At, records, rules, new Dictionary<string, List<ExtractedField>>(), [], null,
            new PeopleScreening(queue, [], null, 0.5, AutoExclude: true));
        Assert.Equal(reasons.Length, model.Cumulative.ExcludedByRules.Count);
        Assert.Equal(reasons.Length, model.Cumulative.ExcludedByPeople!.Count);
        var rendered = PdfReport.Render(model);
        Layout.AssertContained(rendered);
        var prismaPage = rendered.Outline.Single(o => o.Title == "PRISMA 2020 flow").Page;
        var page = Pdf.PageTexts(rendered.Pdf)[prismaPage - 1];
        foreach (var name in new[] { "PubMed", "IEEE Xplore", "Europe PMC", "arXiv", "OpenAlex", "Crossref" })
            Assert.Contains($"{name} (n = 100 [100])", page, StringComparison.Ordinal);
        Assert.Contains($"Studies included (n = {model.Cumulative.IncludedConfirmed} [{model.Cumulative.IncludedConfirmed}])", page, StringComparison.Ordinal);
        Assert.Contains($"Excluded by the model (n = {model.Cumulative.ExcludedByModel} [{model.Cumulative.ExcludedByModel}])", page, StringComparison.Ordinal);
        Assert.Contains("2023 review: 1,475 records identified", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Outline_HasEverySectionAndFigure_EachOpeningTheRightPage()
    {
        var model = Changed();
        var rendered = PdfReport.Render(model);
        using var doc = PdfDocument.Open(rendered.Pdf);
        Assert.True(doc.TryGetBookmarks(out var bookmarks), "the PDF has no outline");
        var sections = bookmarks!.Roots.Select(b => b.Title).ToList();
        Assert.Equal(PdfReport.Components.Select(c => c.Title).Where(t => sections.Contains(t)), sections);
        foreach (var title in new[] { "What is new in this version", "Methods", "PRISMA 2020 flow", "Results: the 2023 figures recomputed", "Included and provisionally eligible studies", "Appendix" })
            Assert.Contains(title, sections);
        var results = bookmarks.Roots.Single(b => b.Title.StartsWith("Results", StringComparison.Ordinal));
        Assert.Contains(results.Children, c => c.Title.StartsWith("Figure 3. Imaging modalities", StringComparison.Ordinal));
        Assert.Contains(results.Children, c => c.Title == "Headline figures");
        var texts = Pdf.PageTexts(rendered.Pdf);
        foreach (var node in bookmarks.GetNodes().OfType<DocumentBookmarkNode>())
        {
            // Not the cover, whose contents list every section's title too.
            Assert.True(node.PageNumber > 1, $"\"{node.Title}\" opens the cover");
            Assert.Contains(node.Title, texts[node.PageNumber - 1], StringComparison.Ordinal);
        }
        Assert.Equal(rendered.Outline.Select(o => o.Page), bookmarks.GetNodes().OfType<DocumentBookmarkNode>().Select(n => n.PageNumber));
        Assert.Equal(rendered.Outline.Count, bookmarks.GetNodes().Count());
    }

    [Fact]
    public void Render_EveryDoi_IsALinkToDoiOrg()
    {
        var model = Changed();
        var rendered = PdfReport.Render(model);
        using var doc = PdfDocument.Open(rendered.Pdf);
        var uris = doc.GetPages().SelectMany(p => p.GetHyperlinks()).Select(h => h.Uri).ToHashSet(StringComparer.Ordinal);
        foreach (var s in model.Studies) Assert.Contains($"https://doi.org/{s.Doi}", uris);
    }

    [Fact]
    public void Render_RichForm_EverySectionPresent_NoTextOutOfItsBox_NoBlankPage()
    {
        var records = new List<StoredRecord>();
        var rules = new List<RuleDecision>();
        var fields = new Dictionary<string, List<ExtractedField>>(StringComparer.Ordinal);
        var queue = new List<QueueEntry>();
        for (var i = 0; i < 60; i++)
        {
            var r = new BibRecord
            {
                Source = "pubmed", SourceId = $"9{i:D3}", Pmid = $"9{i:D3}", Year = 2016 + i % 11, Doi = $"10.5555/rich.{i}", Authors = [new Author($"Rich{i} B", []), new Author("Other C", [])],
                Title = i % 5 == 0 ? "Multicentre external validation of a transformer-based deep learning model for automated grading of lumbar spinal stenosis, foraminal narrowing and facet arthropathy on axial T2-weighted MRI" : $"Deep learning study {i} of the spine",
                Journal = i % 3 == 0 ? "Journal of Neurosurgery: Spine" : "Eur Radiol",
            };
            records.Add(new StoredRecord(r.Key, r, null, null, "20260501T000000000Z", At));
            rules.Add(new RuleDecision(r.Key, false, null, "none", RuleVerdict.Version, "", At));
            fields[r.Key] = [.. FormExtractor.Extract(
                "Deep learning for lumbar and cervical degenerative disease\nA U-Net and ResNet-50 trained on MRI and CT of 1,250 patients (8,400 images) from three hospitals; " +
                "external validation on an independent cohort; AUC, sensitivity, specificity and Dice are reported; 5-fold cross-validation; code at https://github.com/example/spine.")];
            queue.Add(new QueueEntry(r.Key, 0.8, ["ana", "ben"], ScreeningStatus.Final, i % 4 != 0, i % 4 != 0 ? null : ReasonCodes.TechnicalOnly, "", false, false, At, At, default));
        }
        var model = ReportModelBuilder.Build(ReportVersion.First, At, records, rules, fields, [], null, new PeopleScreening(queue, [], null, 0.5, false));
        Assert.True(model.Results.Confirmed);
        Assert.Equal(45, model.Results.N);
        var rendered = PdfReport.Render(model);
        if (Environment.GetEnvironmentVariable("SPINE_REVIEW_DUMP_PDF") is { Length: > 0 } dump) File.WriteAllBytes(dump, rendered.Pdf);
        Layout.AssertContained(rendered);
        var all = string.Join(" ", Pdf.PageTexts(rendered.Pdf));
        foreach (var c in PdfReport.Components.Where(c => c is not ScreeningQualityComponent)) Assert.Contains(c.Title, all, StringComparison.Ordinal);
        Assert.Contains("Every figure below describes the 45 studies included by reviewers", all, StringComparison.Ordinal);
        // The headline table, read back: 45 of 45 use MRI, beside the paper's 36%.
        Assert.Contains("MRI used 45 of 45 100% 36% Fig. 4B text", all, StringComparison.Ordinal);
        Assert.Contains("Externally validated 45 of 45 100% 15%", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Provisional: no study has been included", all, StringComparison.Ordinal);
        // Form values read as words, names as names.
        Assert.Contains("Whole spine", all, StringComparison.Ordinal);
        Assert.Contains("ResNet 45 100% 16%", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Res net", all, StringComparison.Ordinal);
        var ink = Pdf.InkPerPage(rendered.Pdf);
        Assert.Equal(rendered.Pages, ink.Count);
        Assert.All(ink, share => Assert.True(share > 0.005, $"a page is blank ({share:P2} ink)"));
    }
}
