using System.Text.Json;
using SpineReview.Reporting;
using Xunit;

namespace SpineReview.Tests.Reporting;

/// <summary>Semantic version numbers of the report: parsing, order, and which part moves for which change.</summary>
public class ReportVersionTests
{
    private static readonly ReviewMethod Method = new("rules-1.1", "form-1.1+keywords-1.2", 2, false);

    private static ReportManifest Previous(string version, string[] studies, string[] included, ReviewMethod? method = null) =>
        PdfReportTests.Manifest(ReportVersion.Parse(version), DateTimeOffset.UnixEpoch, studies, included, eligibility: (method ?? Method).Eligibility)
            with { Extractor = (method ?? Method).ExtractorVersion };

    [Theory]
    [InlineData("1.0.0", 1, 0, 0)]
    [InlineData("v2.13.4", 2, 13, 4)]
    [InlineData(" 10.0.1 ", 10, 0, 1)]
    public void Parse_Valid(string text, int major, int minor, int patch) =>
        Assert.Equal(new ReportVersion(major, minor, patch), ReportVersion.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.0")]
    [InlineData("1.0.0.0")]
    [InlineData("01.0.0")]
    [InlineData("1.-1.0")]
    [InlineData("latest")]
    [InlineData("1.0.0-beta")]
    public void Parse_Invalid_SaysWhatAVersionLooksLike(string text)
    {
        Assert.False(ReportVersion.TryParse(text, out _));
        var e = Assert.Throws<FormatException>(() => ReportVersion.Parse(text));
        Assert.Contains("MAJOR.MINOR.PATCH", e.Message, StringComparison.Ordinal);
    }

    private static readonly string[] Unsorted = ["1.10.0", "1.9.3", "2.0.0", "1.9.10", "1.0.0"];

    [Fact]
    public void Order_IsNumericPerPart_NotTextual()
    {
        var sorted = Unsorted.Select(ReportVersion.Parse).Order().Select(v => v.ToString());
        Assert.Equal(["1.0.0", "1.9.3", "1.9.10", "1.10.0", "2.0.0"], sorted);
        Assert.True(ReportVersion.Parse("1.10.0") > ReportVersion.Parse("1.9.99"));
    }

    [Fact]
    public void Manifest_Json_KeepsTheVersionAsText()
    {
        var manifest = Previous("3.2.1", ["a"], []) with { PreviousVersion = new ReportVersion(3, 2, 0) };
        var json = JsonSerializer.Serialize(manifest, ReportingJson.Default.ReportManifest);
        Assert.Contains("\"version\":\"3.2.1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"previousVersion\":\"3.2.0\"", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize(json, ReportingJson.Default.ReportManifest)!;
        Assert.Equal(manifest.Version, back.Version);
        Assert.Equal(manifest.PreviousVersion, back.PreviousVersion);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json.Replace("\"3.2.1\"", "3", StringComparison.Ordinal), ReportingJson.Default.ReportManifest));
    }

    [Fact]
    public void Manifest_Json_FingerprintKeptWhenThere_AbsentFromAManifestMadeBeforeIt()
    {
        var before = Previous("1.0.0", ["a"], []);
        var json = JsonSerializer.Serialize(before, ReportingJson.Default.ReportManifest);
        Assert.DoesNotContain("fingerprint", json, StringComparison.Ordinal);
        Assert.Null(JsonSerializer.Deserialize(json, ReportingJson.Default.ReportManifest)!.Fingerprint);
        var now = JsonSerializer.Serialize(before with { Fingerprint = "ab12" }, ReportingJson.Default.ReportManifest);
        Assert.EndsWith(",\"fingerprint\":\"ab12\"}", now, StringComparison.Ordinal);
        Assert.Equal("ab12", JsonSerializer.Deserialize(now, ReportingJson.Default.ReportManifest)!.Fingerprint);
    }

    [Fact]
    public void Next_First_Is1_0_0()
    {
        var (v, why) = ReportVersioning.Next(null, Method, ["a"], []);
        Assert.Equal(ReportVersion.First, v);
        Assert.Equal("first version", why);
    }

    [Fact]
    public void Next_SameStudies_IsAPatch()
    {
        var (v, _) = ReportVersioning.Next(Previous("1.2.5", ["a", "b"], ["a"]), Method, ["b", "a"], ["a"]);
        Assert.Equal(new ReportVersion(1, 2, 6), v);
    }

    [Theory]
    [InlineData(new[] { "a", "b", "c" }, new[] { "a" }, "1 added")]          // a new study shown
    [InlineData(new[] { "a" }, new[] { "a" }, "1 removed")]                   // a study no longer shown
    [InlineData(new[] { "a", "b" }, new[] { "a", "b" }, "1 newly included")]   // reviewers included one
    [InlineData(new[] { "a", "b" }, new string[0], "1 no longer included")]   // an inclusion reopened
    public void Next_StudiesChanged_IsAMinorAndSaysWhat(string[] shown, string[] included, string says)
    {
        var (v, why) = ReportVersioning.Next(Previous("1.2.5", ["a", "b"], ["a"]), Method, shown, included);
        Assert.Equal(new ReportVersion(1, 3, 0), v);
        Assert.Contains(says, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_ChartingMethodChanged_IsAMinor()
    {
        var (v, why) = ReportVersioning.Next(Previous("1.2.5", ["a"], []), Method with { ExtractorVersion = "form-2.0" }, ["a"], []);
        Assert.Equal(new ReportVersion(1, 3, 0), v);
        Assert.Contains("form-2.0", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rules-1.2", 2, false)]
    [InlineData("rules-1.1", 3, false)]
    [InlineData("rules-1.1", 2, true)]
    public void Next_EligibilityChanged_IsAMajor(string rules, int reviewers, bool autoExclude)
    {
        var (v, why) = ReportVersioning.Next(Previous("1.2.5", ["a"], []), Method with { RulesVersion = rules, ReviewersPerRecord = reviewers, AutoExclude = autoExclude }, ["a", "z"], []);
        Assert.Equal(new ReportVersion(2, 0, 0), v);
        Assert.Contains("eligibility method changed", why, StringComparison.Ordinal);
    }
}
