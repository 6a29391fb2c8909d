using System.Diagnostics;
using System.Globalization;
using System.Text;
using SpineReview.Sources.Imports;

namespace SpineReview.Bench;

/// <summary>The import's reading step on large exports: a database export of many entries, and a single entry whose abstract
/// runs over thousands of wrapped lines (as a platform wraps a long field), in RIS or MEDLINE.</summary>
internal static class ImportBench
{
    /// <summary>Reads FILE as `import` does (bytes, hash, decode, detect, parse) and prints what it found and how long it took.</summary>
    public static async Task<int> ReadAsync(string file, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        await using var stream = File.OpenRead(file);
        var (bytes, _, read) = await ImportService.ReadFileAsync(stream, "bench", default);
        output.WriteLine(FormattableString.Invariant(
            $"import read: {ImportService.Describe(read.Format)}, {bytes.Length / 1e6:0.0} MB, {read.Entries} entries, {read.Records.Count} records, {read.Problems.Count} problems, {clock.Elapsed.TotalSeconds:0.00} s"));
        return 0;
    }

    /// <summary>Writes a RIS export of about <paramref name="megabytes"/> MB: the Ovid sample's entries again and again, each with an id of its own.</summary>
    public static int MakeExport(string samples, double megabytes, string file)
    {
        var entries = File.ReadAllText(Path.Combine(samples, "embase-ovid.ris")).Split("ER  - ", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        using var writer = new StreamWriter(file, false, new UTF8Encoding(false));
        long written = 0;
        for (var n = 0; written < megabytes * 1e6; n++)
        {
            var entry = entries[n % entries.Length].Replace("ID  - 20366", $"ID  - {n:D7}-", StringComparison.Ordinal) + "\nER  - \n\n";
            writer.Write(entry);
            written += Encoding.UTF8.GetByteCount(entry);
        }
        Console.WriteLine(FormattableString.Invariant($"wrote {file} ({new FileInfo(file).Length / 1e6:0.0} MB)"));
        return 0;
    }

    /// <summary>Writes one entry whose abstract is about <paramref name="megabytes"/> MB over wrapped lines of 78 characters, in RIS or MEDLINE.</summary>
    public static int MakeLongEntry(string format, double megabytes, string file)
    {
        var medline = format == "medline";
        var text = new StringBuilder(medline ? "PMID- 1\nTI  - One long entry\nDP  - 2024\nAB  - Start of the abstract.\n" : "TY  - JOUR\nTI  - One long entry\nPY  - 2024\nAB  - Start of the abstract.\n");
        const string Wrapped = "deep learning segmentation of lumbar vertebrae on sagittal magnetic resonance";
        while (text.Length < megabytes * 1e6) text.Append(medline ? "      " : "").Append(Wrapped).Append('\n');
        text.Append(medline ? "\n" : "ER  - \n");
        File.WriteAllText(file, text.ToString());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {file} ({new FileInfo(file).Length / 1e6:0.0} MB, one {format} entry)"));
        return 0;
    }
}
