using SkiaSharp;

namespace SpineReview.Reporting;

/// <summary>Fonts, sizes and colours of the report, in one place. Fonts travel with the app (fonts/ beside the binaries).</summary>
public static class Typography
{
    public const string FontFamily = "DejaVu Sans";
    private static readonly Lazy<(SKTypeface Regular, SKTypeface Bold, SKTypeface Italic)> Faces = new(Load);

    public static SKTypeface Regular => Faces.Value.Regular;
    public static SKTypeface Bold => Faces.Value.Bold;
    public static SKTypeface Italic => Faces.Value.Italic;

    public const float TitleSize = 24f;
    public const float HeadingSize = 15f;
    public const float SubheadingSize = 11f;
    public const float BodySize = 9.5f;
    public const float SmallSize = 7.5f;
    /// <summary>Table cells and headers; list items; notes under figures and charts' legends.</summary>
    public const float TableSize = 8f;
    public const float ListSize = 8.5f;
    public const float NoteSize = 8f;

    public static readonly SKColor Ink = SKColor.Parse("#1b1f24");
    public static readonly SKColor Muted = SKColor.Parse("#5b6570");
    public static readonly SKColor Accent = SKColor.Parse("#1f4e79");
    public static readonly SKColor AccentLight = SKColor.Parse("#e8eff7");
    public static readonly SKColor Rule = SKColor.Parse("#c9d1d9");
    public static readonly SKColor Highlight = SKColor.Parse("#b45309");
    /// <summary>Text on the cover's band, a table's alternate rows, links.</summary>
    public static readonly SKColor Pale = SKColor.Parse("#cfdcea");
    public static readonly SKColor Zebra = SKColor.Parse("#f6f8fa");
    public static readonly SKColor Link = SKColor.Parse("#1a5fb4");
    /// <summary>Charts: this version (Accent), the 2023 baseline, a second series beside the first, and what came after 2021 (Highlight).</summary>
    public static readonly SKColor ChartBaseline = SKColor.Parse("#a7b3bf");
    public static readonly SKColor ChartSecond = SKColor.Parse("#6b9bc3");

    /// <summary>Folder holding the .ttf files.</summary>
    public static string FontDirectory => Path.Combine(AppContext.BaseDirectory, "fonts");

    public static SKFont Font(SKTypeface face, float size) => new(face, size) { Subpixel = true, Edging = SKFontEdging.Antialias };

    private static (SKTypeface, SKTypeface, SKTypeface) Load()
    {
        SKTypeface From(string file)
        {
            var path = Path.Combine(FontDirectory, file);
            if (!File.Exists(path))
                throw new FileNotFoundException($"Report font {path} is missing; it ships with the app (shared/Reporting/Fonts). Rebuild the project.", path);
            return SKTypeface.FromFile(path) ?? throw new InvalidOperationException($"Report font {path} could not be read.");
        }
        var regular = From("DejaVuSans.ttf");
        var bold = From("DejaVuSans-Bold.ttf");
        var italic = From("DejaVuSans-Oblique.ttf");
        // Charts draw text through ScottPlot's own font registry.
        ScottPlot.Fonts.AddFontFile(FontFamily, Path.Combine(FontDirectory, "DejaVuSans.ttf"), bold: false, italic: false);
        ScottPlot.Fonts.AddFontFile(FontFamily, Path.Combine(FontDirectory, "DejaVuSans-Bold.ttf"), bold: true, italic: false);
        ScottPlot.Fonts.AddFontFile(FontFamily, Path.Combine(FontDirectory, "DejaVuSans-Oblique.ttf"), bold: false, italic: true);
        ScottPlot.Fonts.Default = FontFamily;
        return (regular, bold, italic);
    }
}
