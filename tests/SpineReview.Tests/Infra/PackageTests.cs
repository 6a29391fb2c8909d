using System.Text.Json;
using System.Xml.Linq;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Infra;

/// <summary>Directory.Packages.props pins what the projects use, and the report's graphics packages are one version line.</summary>
public class PackageTests
{
    private static readonly string Root = TestPaths.RepoRoot;

    private static IEnumerable<string> ProjectFiles() =>
        Directory.EnumerateFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(Root, f).Split(Path.DirectorySeparatorChar).Any(d => d is "obj" or "bin" or "node_modules"));

    [Fact]
    public void PackageVersions_EachIsReferencedOrSaysWhyItPinsATransitivePackage()
    {
        var referenced = ProjectFiles().SelectMany(f => XDocument.Load(f).Descendants("PackageReference"))
            .Select(r => (string?)r.Attribute("Include")).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var props = XDocument.Load(Path.Combine(Root, "Directory.Packages.props"));
        var unused = props.Descendants("PackageVersion")
            .Where(v => !referenced.Contains((string)v.Attribute("Include")!))
            // Transitive pinning: a pin for a package no project names must say so in the comment just above it.
            .Where(v => !(v.NodesBeforeSelf().LastOrDefault() is XComment c && c.Value.TrimStart().StartsWith("Not referenced directly:", StringComparison.Ordinal)))
            .Select(v => (string)v.Attribute("Include")!)
            .ToList();
        Assert.True(unused.Count == 0, $"Directory.Packages.props pins packages no project references: {string.Join(", ", unused)} (remove them, or say above one why it pins a transitive package: <!-- Not referenced directly: ... -->)");
    }

    [Fact]
    public void ReportGraphics_SkiaSharpHarfBuzzAndHarfBuzzSharp_AreOneVersionLine()
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "shared", "obj", "project.assets.json")));
        var packages = assets.RootElement.GetProperty("targets").EnumerateObject().First().Value.EnumerateObject()
            .ToDictionary(p => p.Name.Split('/')[0], p => (Version: p.Name.Split('/')[1], Package: p.Value), StringComparer.OrdinalIgnoreCase);
        var skia = packages["SkiaSharp"].Version;
        var (shaperVersion, shaper) = packages["SkiaSharp.HarfBuzz"];
        Assert.Equal(skia, shaperVersion);
        // The HarfBuzzSharp restored is the one SkiaSharp.HarfBuzz was built against.
        Assert.Equal(shaper.GetProperty("dependencies").GetProperty("HarfBuzzSharp").GetString(), packages["HarfBuzzSharp"].Version);
        Assert.Equal(shaper.GetProperty("dependencies").GetProperty("SkiaSharp").GetString(), skia);
        Assert.Equal(packages["HarfBuzzSharp"].Version, packages["HarfBuzzSharp.NativeAssets.Linux"].Version);
        Assert.Equal(skia, packages["SkiaSharp.NativeAssets.Linux.NoDependencies"].Version);
    }
}
