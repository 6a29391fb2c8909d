using SpineReview.Records;
using SpineReview.Sources;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

/// <summary>The source names as one type: the harvest order, the names a reader sees, and what a wrong name is told.</summary>
public class SourceNameTests
{
    [Fact]
    public void All_HarvestOrder_WithDisplayNames()
    {
        Assert.Equal(["pubmed", "ieee", "europepmc", "arxiv", "openalex", "crossref"], SourceName.All.Select(s => s.Name));
        Assert.Equal(["PubMed", "IEEE Xplore", "Europe PMC", "arXiv", "OpenAlex", "Crossref"], SourceName.All.Select(s => s.DisplayName));
        Assert.Equal(SourceName.All.Select(s => s.Name), SourceFiles.Names);
    }

    [Fact]
    public void TryParse_StoredName_TheOneInstance()
    {
        Assert.True(SourceName.TryParse("europepmc", out var s, out var error));
        Assert.Same(SourceName.EuropePmc, s);
        Assert.Null(error);
        Assert.Equal("Europe PMC", SourceName.DisplayNameOf("europepmc"));
        Assert.Equal(4, SourceName.OrderOf("openalex"));
    }

    [Theory]
    [InlineData("scopus")]
    [InlineData("PubMed")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnknownName_ErrorNamesItAndListsTheValidNames(string? text)
    {
        Assert.False(SourceName.TryParse(text, out var s, out var error));
        Assert.Null(s);
        Assert.Equal($"Unknown source '{text}'. Sources: pubmed, ieee, europepmc, arxiv, openalex, crossref, citations.", error);
    }

    [Fact]
    public void UnknownStoredName_ShownAsStored_SortedAfterTheApiSources()
    {
        Assert.Equal("scopus", SourceName.DisplayNameOf("scopus"));
        Assert.Equal(SourceName.All.Count, SourceName.OrderOf("scopus"));
    }

    [Fact]
    public void TryImport_NamedByThePerson_ShownAsDatabaseAndPlatform_AfterTheApiSources()
    {
        Assert.True(SourceName.TryImport("embase-ovid", " Embase ", "Ovid", out var s, out var error), error);
        Assert.Equal(("embase-ovid", "Embase (Ovid)", "Embase", "Ovid", true), (s.Name, s.DisplayName, s.Database, s.Platform, s.IsImport));
        Assert.False(SourceName.PubMed.IsImport);
        var log = new SearchLogEntry("embase-ovid", "r1", DateTimeOffset.UnixEpoch, "q", default, default, "", 3, 3, 3, 0, 0, 0, 0, "complete", null,
            Database: "Embase", Platform: "Ovid");
        Assert.Equal("Embase (Ovid)", SourceName.DisplayNameOf("embase-ovid", [log]));
        Assert.Equal("PubMed", SourceName.DisplayNameOf("pubmed", [log]));
        Assert.True(SourceName.OrderOf("embase-ovid") > SourceName.OrderOf("crossref"));
    }

    [Theory]
    [InlineData("pubmed", "Source name 'pubmed' is taken by a source searched through its API; name the imported database another way (for example pubmed-export).")]
    [InlineData("Embase", "Source name 'Embase' is not usable: use lower-case letters, digits and hyphens, starting with a letter, at most 32 (for example embase-ovid).")]
    [InlineData("embase:ovid", "Source name 'embase:ovid' is not usable: use lower-case letters, digits and hyphens, starting with a letter, at most 32 (for example embase-ovid).")]
    [InlineData("", "Source name '' is not usable: use lower-case letters, digits and hyphens, starting with a letter, at most 32 (for example embase-ovid).")]
    public void TryImport_UnusableName_SaysWhatIsWrong(string name, string expected)
    {
        Assert.False(SourceName.TryImport(name, "Embase", "Ovid", out var s, out var error));
        Assert.Null(s);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void SourceFiles_UnknownSource_SaysWhichSourcesThereAre()
    {
        using var s = new MemoryStream();
        var e = Assert.Throws<ArgumentException>(() => SourceFiles.Parse("scopus", s));
        Assert.StartsWith("Unknown source 'scopus'. Sources: pubmed, ieee, europepmc, arxiv, openalex, crossref, citations.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EverySource_TheHarvesterKnows_IsASourceName_InHarvestOrder()
    {
        await using var host = TestHost.Create();
        var names = host.Get<Harvester>().Sources.Select(s => s.Name).ToList();
        Assert.All(names, n => Assert.True(SourceName.TryParse(n, out _, out _), n));
        Assert.Equal(names.OrderBy(SourceName.OrderOf), names);
        foreach (var (name, _) in SourceDefaults.Sections) Assert.True(SourceName.TryParse(name, out _, out _), name);
    }
}
