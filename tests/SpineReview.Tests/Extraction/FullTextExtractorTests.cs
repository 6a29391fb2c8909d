using System.Globalization;
using SpineReview.Extraction;
using SpineReview.Extraction.Evaluation;
using SpineReview.Extraction.FullText;
using SpineReview.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SpineReview.Tests.Extraction;

/// <summary>Charting from full text: the gold set of JATS studies, each value's evidence, tables, and the sections trusted.</summary>
public class FullTextExtractorTests(ITestOutputHelper output)
{
    private static string GoldFile => Path.Combine(TestPaths.RepoRoot, "samples", "gold", "extraction-fulltext.jsonl");

    private static (JatsDocument Doc, Dictionary<string, ExtractedField> Fields) Chart(string id)
    {
        var doc = JatsParser.Parse(File.ReadAllBytes(JatsParserTests.Sample(id)));
        return (doc, FullTextExtractor.Extract(doc).ToDictionary(f => f.Field, StringComparer.Ordinal));
    }

    [Fact]
    public void Score_FullTextGoldSet_EveryFieldAtLeast090()
    {
        var gold = GoldSet.Read(GoldFile);
        Assert.True(gold.Count >= 10);
        Assert.All(gold, g => Assert.NotNull(g.FullText));
        var score = ExtractionEvaluation.Score(gold);
        foreach (var miss in score.Misses) output.WriteLine(miss);
        // The full-text fields are all scored, not only the protocol example's.
        Assert.Superset(new HashSet<string> { "split", "cross_validation", "subjects", "images", "external_validation", "code_url", "code_available" }, score.ExactFields.Keys.ToHashSet());
        Assert.Superset(new HashSet<string> { "dataset_origin", "dataset_names", "mri_sequence", "metrics", "task" }, score.SetFields.Keys.ToHashSet());
        foreach (var (name, s) in score.SetFields) Assert.True(s.F1 >= 0.90, $"{name}: F1 {s.F1}");
        foreach (var (name, s) in score.ExactFields) Assert.True(s.Accuracy >= 0.90, $"{name}: accuracy {s.Accuracy}");
    }

    [Fact]
    public void Extract_EveryGoldStudy_EvidenceOffsetsHoldTheValueInTheStudysOwnSections()
    {
        foreach (var g in GoldSet.Read(GoldFile))
        {
            var (doc, fields) = Chart(g.Id);
            foreach (var field in fields.Values)
            {
                foreach (var v in field.Values.Where(v => v.Length > 0))
                {
                    var span = doc.Text.Substring(v.Start, v.Length);
                    var where = $"{g.Id} {field.Field}={v.Value} at {v.Start} \"{span}\"";
                    // Never from what the paper cites: introduction, related work, discussion.
                    Assert.False(FullTextExtractor.IsCited(doc.SectionAt(v.Start)!.Kind), where);
                    switch (field.Field)
                    {
                        case "subjects" or "images":
                            // The count itself, or (a development and an external set) the numbers it is the sum of.
                            var counts = System.Text.RegularExpressions.Regex.Matches(span.Replace(",", "", StringComparison.Ordinal), @"\d+").Select(m => long.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
                            // A count in words ("Two hundred and forty children") is the words before its noun.
                            if (counts.Count == 0) Assert.Equal(v.Value, FormExtractor.ParseNumber(string.Join(' ', span.Split(' ')[..^1]))?.ToString(CultureInfo.InvariantCulture));
                            else Assert.True(counts.Contains(long.Parse(v.Value, CultureInfo.InvariantCulture)) || (counts.Count == 2 && counts.Sum().ToString(CultureInfo.InvariantCulture) == v.Value), where);
                            break;
                        case "codeUrl":
                            Assert.StartsWith(v.Value, span, StringComparison.Ordinal);
                            break;
                        case "split":
                            // The shares are those of the numbers the span holds.
                            var numbers = System.Text.RegularExpressions.Regex.Matches(span, @"\d{1,3}(?:,\d{3})+|\d+")
                                .Select(m => long.Parse(m.Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)).ToList();
                            var parts = numbers.Count >= 3 && !span.Contains('|', StringComparison.Ordinal) ? numbers.Take(3).ToList()
                                : span.Contains('|', StringComparison.Ordinal) && !span.Contains('\n', StringComparison.Ordinal) ? numbers
                                : span.Contains('|', StringComparison.Ordinal) ? CountsOfRows(span) : numbers;
                            // "Three quarters ... the remaining quarter": shares in words hold no numbers.
                            if (numbers.Count == 0) Assert.Matches(@"(?i)^(?:half|two[- ]thirds|three[- ]quarters|four[- ]fifths)\b.*\b(?:half|third|quarter|fifth)\b", span);
                            else Assert.Equal(v.Value, FormExtractor.Proportions(parts));
                            break;
                        case "datasetNames" or "mriSequence":
                            Assert.Contains(v.Value, span, StringComparison.OrdinalIgnoreCase);
                            break;
                    }
                }
            }
        }
    }

    // From the training set's count to the test set's: "1,470 | 2,786\nValidation | 210 | 398\nTest | 420": each row's first count.
    private static List<long> CountsOfRows(string span) =>
        span.Split('\n').Select((row, i) => i == 0 ? row.Split(" | ")[0] : row.Split(" | ")[1])
            .Select(cell => long.Parse(cell.Split(' ')[0].Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void Extract_CountsFromATable_NameTheirCell()
    {
        var (doc, fields) = Chart("FT02");
        var subjects = Assert.Single(fields["subjects"].Values);
        Assert.Equal("2550", subjects.Value);
        Assert.Equal("Table 1, row \"Total\", column \"Patients\": 2,550", subjects.Evidence);
        Assert.Equal("2,550", doc.Text.Substring(subjects.Start, subjects.Length));
        Assert.Equal("4800", fields["images"].Values.Single().Value);
        var split = Assert.Single(fields["split"].Values);
        Assert.Equal("0.70/0.10/0.20", split.Value);
        Assert.StartsWith("Table 2: ", split.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_WhatTheIntroductionCites_IsNotTheStudys()
    {
        // FT01's introduction cites five-fold cross-validation, an external dataset and SpineWeb; its discussion a multi-centre
        // study with external validation. The study itself used one hospital, a 70/15/15 split and no external test.
        var (doc, fields) = Chart("FT01");
        Assert.Contains("five-fold cross-validation", doc.Text, StringComparison.Ordinal);
        Assert.Equal(["false"], fields["crossValidation"].Distinct);
        Assert.Equal(["false"], fields["externalValidation"].Distinct);
        Assert.Empty(fields["datasetNames"].Values);
        Assert.Equal(["SingleCentre"], fields["datasetOrigin"].Distinct);
        Assert.Equal(["0.70/0.15/0.15"], fields["split"].Distinct);
        Assert.StartsWith("Materials and methods › Data split: ", fields["split"].Values[0].Evidence, StringComparison.Ordinal);
        // Read from the abstract alone, the same study has none of these.
        var abstractOnly = FormExtractor.Extract(doc.Text[..doc.AbstractEnd]).ToDictionary(f => f.Field, StringComparer.Ordinal);
        Assert.Empty(abstractOnly["split"].Values);
        Assert.Empty(abstractOnly["subjects"].Values);
    }

    [Fact]
    public void Extract_CodeOnRequestInTheBackMatter_IsNotShared()
    {
        Assert.Equal(["false"], Chart("FT04").Fields["codeAvailable"].Distinct);
        Assert.Equal(["false"], Chart("FT08").Fields["codeAvailable"].Distinct);
        var (_, shared) = Chart("FT09");
        Assert.Equal(["https://gitlab.com/polyu-us/spine-unet"], shared["codeUrl"].Distinct);
        Assert.StartsWith("Code availability: ", shared["codeUrl"].Values[0].Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Title\nThe images were divided into training and test sets at a ratio of 8:2.", "0.80/0.00/0.20")]
    [InlineData("Title\nThe data were split 8:1:1 into training, validation and test sets.", "0.80/0.10/0.10")]
    [InlineData("Title\nPatients were divided so that 80% were used for development and 20% were held out for testing.", "0.80/0.00/0.20")]
    [InlineData("Title\nThey were assigned to training (n = 1,200), validation (n = 150) and test (n = 150) sets.", "0.80/0.10/0.10")]
    public void Split_WrittenManyWays_GivesTheShares(string text, string shares) =>
        Assert.Equal([shares], FormExtractor.Extract(text).Single(f => f.Field == "split").Distinct);
}
