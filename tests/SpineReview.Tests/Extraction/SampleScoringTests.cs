using SpineReview.Extraction;
using SpineReview.Sources;
using SpineReview.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SpineReview.Tests.Extraction;

/// <summary>The keyword extractors scored against the ground truth shipped with the recorded sample (eligible studies).</summary>
public class SampleScoringTests(ITestOutputHelper output)
{
    private static Dictionary<string, Records.BibRecord> SampleRecords() =>
        Directory.GetFiles(Path.Combine(TestPaths.Replay, "pubmed"), "efetch_*.xml")
            .SelectMany(f => { using var s = File.OpenRead(f); return SourceFiles.Parse("pubmed", s).Records; })
            .ToDictionary(r => r.Pmid!);

    private (double Precision, double Recall, double F1) Score(string field, Func<string, ExtractedField> extract, Func<ExpectedRecord, string[]> truth)
    {
        var records = SampleRecords();
        int tp = 0, fp = 0, fn = 0;
        foreach (var e in ReplaySample.Expected.Where(e => e.Eligible))
        {
            var r = records[e.Pmid];
            var text = string.Join("\n", [r.Title, r.Abstract ?? "", string.Join("; ", r.Keywords), string.Join("; ", r.Mesh)]);
            var found = extract(text).Distinct.ToHashSet();
            var want = truth(e).ToHashSet();
            tp += found.Intersect(want).Count();
            fp += found.Except(want).Count();
            fn += want.Except(found).Count();
            foreach (var wrong in found.Except(want)) output.WriteLine($"{field} {e.Pmid}: extra {wrong}");
            foreach (var missed in want.Except(found)) output.WriteLine($"{field} {e.Pmid}: missed {missed}");
        }
        var p = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        var rc = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        var f1 = p + rc == 0 ? 0 : 2 * p * rc / (p + rc);
        output.WriteLine($"{field}: precision {p:0.000} recall {rc:0.000} F1 {f1:0.000} (tp {tp}, fp {fp}, fn {fn})");
        return (p, rc, f1);
    }

    [Fact]
    public void Modality_OnTheEligibleSampleStudies_F1AtLeast090() =>
        Assert.True(Score("modality", KeywordExtractor.Modality, e => e.Modality).F1 >= 0.90);

    [Fact]
    public void Region_OnTheEligibleSampleStudies_F1AtLeast085() =>
        Assert.True(Score("region", KeywordExtractor.Region, e => e.Region).F1 >= 0.85);

    [Fact]
    public void Parser_MedlineDateRecord_TakesTheYearFromIt()
    {
        var r = SampleRecords()["34194159"];
        Assert.Equal(2021, r.Year);
    }
}
