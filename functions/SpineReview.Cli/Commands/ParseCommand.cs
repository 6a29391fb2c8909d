using System.CommandLine;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Xml;
using SpineReview.Sources;
using SpineReview.Sources.PubMed;

namespace SpineReview.Cli.Commands;

/// <summary>`parse`: the normalised records of one raw response file, one JSON object a line. Needs no storage.</summary>
internal static class ParseCommand
{
    public static Command Create(Runner runner)
    {
        var source = Syntax.Word("SOURCE", "pubmed, ieee, europepmc, arxiv, openalex or crossref");
        Syntax.Check(source, s => SourceFiles.Names.Contains(s) ? null : $"unknown source '{s}'; sources: {string.Join(", ", SourceFiles.Names)}");
        var file = Syntax.Word("FILE", "a raw response file of SOURCE (.gz too)");
        Syntax.Check(file, Syntax.NoSuchFile);
        var command = new CliCommand("parse", "print the normalised records of one raw response file",
            "Usage: spine-review parse SOURCE FILE\n\nParses a raw response file of SOURCE (pubmed, ieee, europepmc, arxiv, openalex, crossref; .gz too)\nand prints the normalised records, one JSON object a line. Needs no storage.")
            { source, file };
        runner.HandleOffline(command, (p, c) => RunAsync(p.GetValue(source)!, p.GetValue(file)!, c));
        return command;
    }

    private static async Task<int> RunAsync(string source, string file, CommandContext c)
    {
        if (source == "pubmed" && SniffRoot(file) == "eSearchResult")
        {
            await using var s = OpenMaybeGzip(file);
            var result = PubMedXml.ParseESearch(s);
            if (result.Warnings.Count > 0)
                throw new SourceException($"{file} is an esearch answer with errors: {string.Join("; ", result.Warnings)} (count {result.Count})");
            throw new SourceException($"{file} is an esearch answer (count {result.Count}, {result.Ids.Count} ids), not records; records come from efetch");
        }
        if (source == "pubmed" && !file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && new FileInfo(file).Length > 4_000_000)
        {
            // A large efetch file is parsed on every core, each part written to JSON lines in memory, then printed in order.
            var parts = await c.ComputeAsync(() => PubMedFile.ParseParallel(file, ToJsonLines));
            await c.Out.FlushAsync(c.Cancellation);
            var stdout = c.Out == Console.Out ? Console.OpenStandardOutput() : null;
            foreach (var (buffer, _) in parts)
            {
                if (stdout is not null) { buffer.Position = 0; await buffer.CopyToAsync(stdout, c.Cancellation); }
                else await c.Out.WriteAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            }
            if (stdout is not null) await stdout.FlushAsync(c.Cancellation);
            await c.Err.WriteLineAsync($"parse done: {parts.Sum(p => p.n)} records from {file}");
            return ExitCodes.Success;
        }
        await using var stream = OpenMaybeGzip(file);
        var (records, reported) = SourceFiles.Parse(source, stream);
        foreach (var record in records)
            await c.Out.WriteLineAsync(JsonSerializer.Serialize(record, CliJson.Record));
        await c.Err.WriteLineAsync($"parse done: {records.Count} records from {file}{(reported is int r ? $" (the source reported {r} in all)" : "")}");
        return ExitCodes.Success;
    }

    private static (MemoryStream, int n) ToJsonLines(IEnumerable<Records.BibRecord> records)
    {
        var buffer = new MemoryStream();
        var n = 0;
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = CliJson.RecordOptions.Encoder, SkipValidation = true }))
            foreach (var record in records)
            {
                JsonSerializer.Serialize(json, record, CliJson.Record);
                json.Flush();
                buffer.WriteByte((byte)'\n');
                json.Reset();
                n++;
            }
        return (buffer, n);
    }

    private static Stream OpenMaybeGzip(string file)
    {
        Stream s = File.OpenRead(file);
        return file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(s, CompressionMode.Decompress) : s;
    }

    private static string? SniffRoot(string file)
    {
        using var s = OpenMaybeGzip(file);
        try
        {
            using var r = XmlReader.Create(s, PubMedXml.ReaderSettings);
            while (r.Read())
                if (r.NodeType == XmlNodeType.Element) return r.LocalName;
        }
        catch (XmlException) { return null; }
        return null;
    }
}
