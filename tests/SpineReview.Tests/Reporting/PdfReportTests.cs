using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Reporting;

/// <summary>The renderer on a model built in memory: layout checks need no storage.</summary>
public class PdfReportTests
{
    private static ReportModel Model(int studies)
    {
        var records = new List<StoredRecord>();
        var decisions = new List<RuleDecision>();
        var at = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < studies + 10; i++)
        {
            var rec = new BibRecord
            {
                Source = "pubmed", SourceId = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), Pmid = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Title = i % 7 == 0
                    ? "A deliberately long title about convolutional neural networks for automated multi-level lumbar spinal canal stenosis grading on sagittal and axial T2-weighted magnetic resonance images with external validation across three hospitals"
                    : $"Deep learning study number {i} on spine imaging",
                Year = 2015 + i % 10, Journal = "Spine (Phila Pa 1976)", Doi = $"10.1000/study.{i}",
                Authors = [new Author($"Author{i} AB", [])],
            };
            records.Add(new StoredRecord(rec.Key, rec, null, null, "20250101T000000000Z", at));
            decisions.Add(new RuleDecision(rec.Key, i >= studies, i >= studies ? ReasonCodes.Review : null, "t", "t", "", at));
        }
        var fields = records.Take(studies).ToDictionary(r => r.Key, r => new List<SpineReview.Extraction.ExtractedField>
        {
            SpineReview.Extraction.KeywordExtractor.Modality(r.Key.EndsWith('0') ? "MRI and CT" : "radiographs"),
            SpineReview.Extraction.KeywordExtractor.Region("lumbar and thoracic"),
        });
        var searches = new List<SearchLogEntry>
        {
            new("pubmed", "20250101T000000000Z", at, "(deep learning) AND (spine) AND (MRI)", new DateOnly(2012, 1, 1), new DateOnly(2025, 3, 1), "", studies + 10, studies + 10, studies + 10, 0, 0, 3, 1.5, "complete", null),
        };
        return ReportModelBuilder.Build(new ReportVersion(1, 2, 0), at, records, decisions, fields, searches, null);
    }

    /// <summary>A previous version's manifest with only what the builder reads.</summary>
    internal static ReportManifest Manifest(ReportVersion version, DateTimeOffset created, IReadOnlyList<string> studies, IReadOnlyList<string> included,
        string? lastRun = null, string? eligibility = null) =>
        new(version, created, DateOnly.FromDateTime(created.UtcDateTime), "sha", 0, 0, "pdf", new ReportCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            eligibility ?? new ReviewMethod(RuleVerdict.Version, SpineReview.Extraction.FormExtractor.Version, 2, false).Eligibility,
            SpineReview.Extraction.FormExtractor.Version, "", null, lastRun, studies, included);

    [Fact]
    public void Render_ManyStudies_NoTextLeavesItsBoxOrThePage()
    {
        var report = PdfReport.Render(Model(120));
        Assert.True(report.Pages >= 5);
        Assert.NotEmpty(report.TextLog);
        Layout.AssertContained(report);
    }

    [Fact]
    public void Render_EveryPage_HasTextAndInk()
    {
        var report = PdfReport.Render(Model(40));
        var texts = Pdf.PageTexts(report.Pdf);
        Assert.Equal(report.Pages, texts.Count);
        for (var i = 1; i < texts.Count; i++) Assert.Contains($"Page {i + 1} of {report.Pages}", texts[i], StringComparison.Ordinal);
        var ink = Pdf.InkPerPage(report.Pdf);
        Assert.Equal(report.Pages, ink.Count);
        Assert.All(ink, share => Assert.True(share > 0.005, $"a page is blank ({share:P2} ink)"));
    }

    [Fact]
    public void Render_SameModelTwice_SameBytes()
    {
        var model = Model(10);
        Assert.Equal(PdfReport.Render(model).Pdf, PdfReport.Render(model).Pdf);
    }

    [Fact]
    public void Fingerprint_SameDataBuiltTwice_Same_AnythingShownChanged_Different()
    {
        var model = Model(30);
        var fingerprint = ReportFingerprint.Of(model);
        Assert.Equal(fingerprint, ReportFingerprint.Of(Model(30)));
        Assert.Matches("^[0-9a-f]{64}$", fingerprint);
        var study = model.Studies[3];
        ReportModel[] changed =
        [
            Model(31),
            model with { Studies = [.. model.Studies.Take(3), study with { Title = study.Title + "." }, .. model.Studies.Skip(4)] },
            model with { Studies = [.. model.Studies.Take(3), study with { Region = ["Cervical"] }, .. model.Studies.Skip(4)] },
            model with { Pending = new PendingWork(1, 0) },
            model with { Created = model.Created.AddSeconds(1) },
            model with { Version = new ReportVersion(1, 2, 1) },
        ];
        Assert.Equal(changed.Length, changed.Select(ReportFingerprint.Of).Append(fingerprint).Distinct().Count() - 1);
    }

    [Fact]
    public void Render_StudyTable_ListsEveryStudyWithItsDoi()
    {
        var model = Model(25);
        var text = string.Join(" ", Pdf.PageTexts(PdfReport.Render(model).Pdf));
        foreach (var s in model.Studies) Assert.Contains($"doi:{s.Doi}", text, StringComparison.Ordinal);
        Assert.Contains("Version", text, StringComparison.Ordinal);
        Assert.Contains("Data cut-off", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PeoplesScreening_PrismaAndQualityShowTheStoredCounts()
    {
        var at = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var records = new List<StoredRecord>();
        var rules = new List<RuleDecision>();
        for (var i = 0; i < 8; i++)
        {
            var rec = new BibRecord { Source = "pubmed", SourceId = $"77{i}", Pmid = $"77{i}", Title = $"Deep learning spine study {i}", Year = 2024 };
            records.Add(new StoredRecord(rec.Key, rec, null, null, "20250101T000000000Z", at));
            rules.Add(new RuleDecision(rec.Key, false, null, "none", "t", "", at));
        }
        SpineReview.Screening.People.ReviewerDecision D(int i, string who, SpineReview.Screening.People.Verdict v, string? reason = null) =>
            new(records[i].Key, who, SpineReview.Screening.People.DecisionRole.Screen, v, reason, null, at.AddMinutes(i), 0.9);
        QueueEntry Q(int i, SpineReview.Screening.People.ScreeningStatus status, bool? included = null, string? reason = null) =>
            new(records[i].Key, 0.3, ["ana", "ben"], status, included, reason, "", false, false,
                status == SpineReview.Screening.People.ScreeningStatus.Final ? at.AddMinutes(i) : null, at, default);
        var queue = new List<QueueEntry>
        {
            Q(0, SpineReview.Screening.People.ScreeningStatus.Final, true), Q(1, SpineReview.Screening.People.ScreeningStatus.Final, true),
            Q(2, SpineReview.Screening.People.ScreeningStatus.Final, false, ReasonCodes.NotImaging), Q(3, SpineReview.Screening.People.ScreeningStatus.Conflict),
            Q(4, SpineReview.Screening.People.ScreeningStatus.Pending), Q(5, SpineReview.Screening.People.ScreeningStatus.Pending),
            Q(6, SpineReview.Screening.People.ScreeningStatus.Pending), Q(7, SpineReview.Screening.People.ScreeningStatus.Pending),
        };
        var decisions = new List<SpineReview.Screening.People.ReviewerDecision>
        {
            D(0, "ana", SpineReview.Screening.People.Verdict.Include), D(0, "ben", SpineReview.Screening.People.Verdict.Include),
            D(1, "ana", SpineReview.Screening.People.Verdict.Include), D(1, "ben", SpineReview.Screening.People.Verdict.Include),
            D(2, "ana", SpineReview.Screening.People.Verdict.Exclude, ReasonCodes.NotImaging), D(2, "ben", SpineReview.Screening.People.Verdict.Exclude, ReasonCodes.NotImaging),
            D(3, "ana", SpineReview.Screening.People.Verdict.Include), D(3, "ben", SpineReview.Screening.People.Verdict.Exclude, ReasonCodes.Review),
        };
        var trained = new ModelSummary(4, at, "m", 2, 1, 5, false, Calibrated: true, null, 0.5, [], "", 0, 0, 0);
        // The previous version was made after the first two records' decisions: "this update" holds records 2 and 3 only.
        var previous = Manifest(new ReportVersion(1, 0, 0), at.AddMinutes(1.5), [], []);
        var model = ReportModelBuilder.Build(new ReportVersion(1, 1, 0), at, records, rules, new Dictionary<string, List<SpineReview.Extraction.ExtractedField>>(), [], previous,
            new PeopleScreening(queue, decisions, trained, 0.5, false));
        Assert.Equal((2, 1, 4, 1), (model.Cumulative.IncludedConfirmed, model.Cumulative.ExcludedByPeopleTotal, model.Cumulative.AwaitingPeople, model.Cumulative.Conflicts));
        Assert.Equal(7, model.Studies.Count);
        Assert.Equal(2, model.Studies.Count(s => s.Included));
        // Records 0-3 each have both reviewers' decisions: four pairs, three agreeing. Categories Include/Exclude:
        // ana 3 I 1 E, ben 2 I 2 E; po = 3/4, pe = (3/4)(2/4) + (1/4)(2/4) = 1/2, kappa = 0.5.
        Assert.Equal(4, model.Screening!.Reviewers.Pairs);
        Assert.Equal(0.5, model.Screening.Reviewers.Value, 10);
        Assert.Equal(2, model.ScreeningThisUpdate!.Reviewers.Pairs);

        var rendered = PdfReport.Render(model);
        Layout.AssertContained(rendered);
        var text = string.Join(" ", Pdf.PageTexts(rendered.Pdf));
        // In brackets, decisions settled since the previous version (made after minute 1.5): only record 2's exclusion.
        Assert.Contains("Studies included (n = 2 [0])", text, StringComparison.Ordinal);
        Assert.Contains("No medical images (n = 1 [1])", text, StringComparison.Ordinal);
        Assert.Contains("Conflicts, for a third reviewer (n = 1 [1])", text, StringComparison.Ordinal);
        Assert.Contains("Screening quality", text, StringComparison.Ordinal);
        Assert.Contains($"{model.Screening.Reviewers.Value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} (n = 4)", text, StringComparison.Ordinal);
        Assert.Contains("automatic exclusion is switched off", text, StringComparison.Ordinal);
        Assert.Contains("0.50 (n = 4)", text, StringComparison.Ordinal);
        // Found 2; the unsettled records 3-7 carry 0.3 each: 1.5 expected; 2 / 3.5 = 57.1%.
        Assert.Contains("Estimated recall 57.1%", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ExtractionQuality_ShowsPerFieldAccuracyAgainstCorrections()
    {
        var model = Model(5) with
        {
            ExtractionAccuracy = [new SpineReview.Extraction.FieldAccuracy("modality", 8, 8), new SpineReview.Extraction.FieldAccuracy("subjects", 4, 3)],
        };
        var rendered = PdfReport.Render(model);
        // Headers and cells stay inside their boxes.
        Layout.AssertContained(rendered);
        var text = string.Join(" ", Pdf.PageTexts(rendered.Pdf));
        Assert.Contains("Charting quality", text, StringComparison.Ordinal);
        Assert.Contains("subjects 4 3 75%", text, StringComparison.Ordinal);
        Assert.Contains("modality 8 8 100%", text, StringComparison.Ordinal);
        var none = string.Join(" ", Pdf.PageTexts(PdfReport.Render(Model(5)).Pdf));
        Assert.Contains("No field has been checked by people yet.", none, StringComparison.Ordinal);
    }
}
