using System.Diagnostics;
using UglyToad.PdfPig;

namespace SpineReview.Tests.Support;

internal static class Pdf
{
    /// <summary>The text of every page, read back from the PDF bytes.</summary>
    public static List<string> PageTexts(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        // Content order keeps a wrapped line next to the line it continues; white space is folded to one space.
        return doc.GetPages()
            .Select(p => System.Text.RegularExpressions.Regex.Replace(UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor.ContentOrderTextExtractor.GetText(p), @"\s+", " "))
            .ToList();
    }

    /// <summary>Renders every page to greyscale with pdftoppm and returns each page's share of non-white pixels.</summary>
    public static List<double> InkPerPage(byte[] pdf)
    {
        var dir = Directory.CreateTempSubdirectory("spine-pdf-");
        try
        {
            var file = Path.Combine(dir.FullName, "report.pdf");
            File.WriteAllBytes(file, pdf);
            var psi = new ProcessStartInfo("pdftoppm") { RedirectStandardError = true };
            foreach (var a in new[] { "-gray", "-r", "30", file, Path.Combine(dir.FullName, "page") }) psi.ArgumentList.Add(a);
            Process? p;
            try { p = Process.Start(psi); }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("pdftoppm is not installed (Debian: apt-get install poppler-utils; scripts/test.sh installs it).", e);
            }
            using (p!)
            {
                var err = p!.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException($"pdftoppm failed: {err}");
            }
            return Directory.GetFiles(dir.FullName, "page-*.pgm").Order(StringComparer.Ordinal).Select(InkShare).ToList();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static double InkShare(string pgm)
    {
        var bytes = File.ReadAllBytes(pgm);
        // Binary PGM: "P5" width height maxval, each separated by white space, then one byte per pixel.
        var fields = 0;
        var i = 0;
        while (fields < 4)
        {
            while (char.IsWhiteSpace((char)bytes[i])) i++;
            while (!char.IsWhiteSpace((char)bytes[i])) i++;
            fields++;
        }
        i++;
        var pixels = bytes.AsSpan(i);
        var ink = 0;
        foreach (var b in pixels) if (b < 200) ink++;
        return (double)ink / pixels.Length;
    }
}
