using SpineReview.Extraction;
using Xunit;

namespace SpineReview.Tests.Extraction;

public class KeywordExtractorTests
{
    private static string[] Modality(string text) => KeywordExtractor.Modality(text).Distinct.ToArray();
    private static string[] Region(string text) => KeywordExtractor.Region(text).Distinct.ToArray();

    [Theory]
    [InlineData("Sagittal T2-weighted images of the lumbar spine", new[] { "MRI" })]
    [InlineData("magnetic resonance imaging and computed tomography", new[] { "MRI", "CT" })]
    [InlineData("standing whole-spine radiographs", new[] { "Radiograph" })]
    [InlineData("dual-energy X-ray absorptiometry of the lumbar spine", new[] { "DEXA" })]
    [InlineData("bone density on DXA and CT", new[] { "CT", "DEXA" })]
    [InlineData("intraoperative fluoroscopy during pedicle screw placement", new[] { "Fluoroscopy" })]
    [InlineData("paraspinal ultrasound images", new[] { "Ultrasound" })]
    [InlineData("a convolutional network", new string[0])]
    public void Modality_Phrases_GiveFormValues(string text, string[] expected) =>
        Assert.Equal(expected.Order(), Modality(text).Order());

    [Theory]
    [InlineData("T2-weighted lumbar MRI", new[] { "Lumbar" })]
    [InlineData("thoracolumbar fractures", new[] { "Thoracic", "Lumbar" })]
    [InlineData("cervical spondylotic myelopathy", new[] { "Cervical" })]
    [InlineData("fractures from T12-L1", new[] { "Thoracic", "Lumbar" })]
    [InlineData("the L4/5 disc", new[] { "Lumbar" })]
    [InlineData("sacral tumours", new[] { "Sacral" })]
    [InlineData("whole-spine sagittal images", new[] { "WholeSpine" })]
    public void Region_Phrases_GiveFormValues(string text, string[] expected) =>
        Assert.Equal(expected.Order(), Region(text).Order());

    [Fact]
    public void Modality_Value_CarriesItsEvidenceSpan()
    {
        const string text = "We used sagittal MRI of 300 patients.";
        var v = Assert.Single(KeywordExtractor.Modality(text).Values);
        Assert.Equal("MRI", text.Substring(v.Start, v.Length));
        Assert.Contains("sagittal MRI of 300", v.Evidence, StringComparison.Ordinal);
        Assert.Equal(KeywordExtractor.Version, KeywordExtractor.Modality(text).ExtractorVersion);
    }
}
