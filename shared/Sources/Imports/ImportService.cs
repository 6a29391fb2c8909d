using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Sources.Imports;

/// <summary>One export file to import: the source it is stored under and the search it came from.</summary>
/// <param name="Source">The import source's name (records are stored as "NAME:id"): lower-case letters, digits and hyphens.</param>
/// <param name="Database">The database searched ("Embase").</param>
/// <param name="Platform">The platform it was searched on ("Ovid").</param>
/// <param name="Searched">The date the search was run on the platform.</param>
/// <param name="Query">The query as run on the platform, for the methods and the appendix; null when not given.</param>
/// <param name="FileName">The file's name, as the person chose it (kept with the archived copy and in the search log).</param>
public sealed record ImportRequest(string Source, string Database, string Platform, DateOnly Searched, string? Query, string FileName);

/// <summary>What an import did.</summary>
/// <param name="Entries">Entries in the file, read or not.</param>
/// <param name="Read">Entries read as records.</param>
/// <param name="Rerun">The same file was imported under the same source before (<paramref name="FirstImported"/>): the same search,
/// not a new one; records stored then were not stored again.</param>
/// <param name="Problems">Each entry not read, with its line.</param>
/// <param name="EncodingWarning">The lines read as Windows-1252 because they were not UTF-8, and what to check; null when none were.</param>
/// <param name="Resumed">A rerun that finished an import which had stopped (or was still running) before its end: this run may
/// have stored records; the counts are the whole search's.</param>
public sealed record ImportResult(string Source, string DisplayName, string RunId, ImportFormat Format, int Entries, int Read, int New, int Duplicates,
    int AlreadyStored, IReadOnlyList<ImportProblem> Problems, bool Rerun, DateTimeOffset FirstImported, string Sha256, string Status, string? EncodingWarning = null,
    bool Resumed = false);

/// <summary>Imports a database's export file as one search of an import source: read (any of the formats, detected from the
/// content), archived as received, each record stored, deduplicated and handed to screening the way the harvest does
/// (<see cref="Harvester.StoreRecordsAsync"/>), and the search logged like an API search, so the report's PRISMA flow and
/// methods count it. A hosted page can call it with an uploaded stream.</summary>
public sealed class ImportService(Harvester harvester, RecordStore records, SearchLog searchLog, RawArchive archive, StorageClients storage, TimeProvider time,
    ILogger<ImportService> log)
{
    /// <summary>Largest file read (a Embase export of 100,000 records in RIS is about 250 MB).</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    private const string ClaimPartition = "import";

    private TableClient State => storage.Table(storage.Names.StateTable);

    /// <summary>Checks a request before anything is read: the error a person can act on, or null.</summary>
    public string? Check(ImportRequest request, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!SourceName.TryImport(request.Source, request.Database, request.Platform, out _, out var error)) return error;
        if (request.Searched > today) return $"The search date {request.Searched:yyyy-MM-dd} is in the future; give the date the search was run.";
        return null;
    }

    /// <summary>Imports the file in <paramref name="content"/>. Importing the same bytes again under the same source is the same
    /// search run again: nothing stored twice, the search log keeps one row.</summary>
    /// <exception cref="ArgumentException">The request is not usable (<see cref="Check"/> says why).</exception>
    /// <exception cref="InvalidDataException">The file is not an export this reads, or no entry in it could be read.</exception>
    public async Task<ImportResult> ImportAsync(Stream content, ImportRequest request, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetUtcNow();
        if (Check(request, DateOnly.FromDateTime(started.UtcDateTime)) is { } wrong) throw new ArgumentException(wrong, nameof(request));
        SourceName.TryImport(request.Source, request.Database, request.Platform, out var source, out _);
        var clock = Stopwatch.StartNew();

        var (bytes, sha, file) = await ReadFileAsync(content, source!.Name, ct);
        progress?.Report($"{source.Name}: {request.FileName} is {Describe(file.Format)}; {file.Records.Count} of {file.Entries} entries read");
        foreach (var p in file.Problems) progress?.Report($"{source.Name}: {request.FileName} {p}");
        if (file.EncodingWarning is { } encoding)
        {
            progress?.Report($"{source.Name}: {request.FileName}: {encoding}");
            ImportLog.LegacyLines(log, source.Name, request.FileName, file.LegacyLines.Count);
        }
        if (file.Records.Count == 0)
            throw new InvalidDataException($"No entry of {request.FileName} could be read ({Describe(file.Format)}): " +
                string.Join("; ", file.Problems.Take(5).Select(p => p.ToString())) + (file.Problems.Count > 5 ? $"; and {file.Problems.Count - 5} more" : "") + ".");

        var (runId, firstImported, rerun) = await ClaimAsync(source.Name, sha, started, ct);
        var before = await searchLog.GetAsync(source.Name, runId, ct);
        if (rerun && before is { Status: "complete" or "incomplete" })
        {
            // Stored already: the records are looked at again only to hand over any a stopped run did not, which costs reads, not writes.
            var again = await harvester.StoreRecordsAsync(file.Records, runId, ct);
            progress?.Report($"{source.Name}: this file was imported on {firstImported:yyyy-MM-dd HH:mm} UTC (run {runId}); the same search, nothing new stored");
            ImportLog.Rerun(log, source.Name, request.FileName, runId);
            return new ImportResult(source.Name, source.DisplayName, runId, file.Format, file.Entries, file.Records.Count, again.New, again.Duplicates,
                again.AlreadyStored, file.Problems, true, firstImported, sha, before.Status, file.EncodingWarning);
        }

        await archive.SaveAsync(source.Name, runId, ArchiveName(request.FileName), bytes, ct);
        SearchLogEntry Entry(string status, StoredCounts counts, string? message) => new(
            source.Name, runId, firstImported, request.Query ?? "", request.Searched, request.Searched, "", file.Entries, file.Records.Count,
            counts.New, counts.Duplicates, counts.AlreadyStored, 0, clock.Elapsed.TotalSeconds, status, message,
            Database: source.Database, Platform: source.Platform, File: $"{request.FileName} sha256:{sha}");
        // A row from the start, so a run that stops half way is on record as such; a rerun of it finds the row and finishes it.
        if (before is null) await searchLog.WriteAsync(Entry("importing", new StoredCounts(0, 0, 0), null), ct);
        progress?.Report($"{source.Name}: storing {file.Records.Count} records");
        await harvester.StoreRecordsAsync(file.Records, runId, ct);
        var counts = await CountAsync(file.Records, runId, ct);
        var status = file.Problems.Count == 0 ? "complete" : "incomplete";
        var unread = file.Problems.Count == 0 ? null
            : $"{file.Problems.Count} of {file.Entries} entries could not be read: {string.Join("; ", file.Problems.Take(5).Select(p => p.ToString()))}{(file.Problems.Count > 5 ? "; ..." : "")}";
        // Lines read as Windows-1252 do not make the search incomplete (every entry was read), but the log keeps which they were.
        var message = unread is null ? file.EncodingWarning : file.EncodingWarning is null ? unread : $"{unread}; {file.EncodingWarning}";
        var entry = Entry(status, counts, message);
        await searchLog.WriteAsync(entry, ct);
        ImportLog.Imported(log, source.Name, request.FileName, entry.Retrieved, entry.New, entry.Duplicates, file.Problems.Count);
        return new ImportResult(source.Name, source.DisplayName, runId, file.Format, file.Entries, file.Records.Count, entry.New, entry.Duplicates,
            entry.AlreadyStored, file.Problems, rerun, firstImported, sha, status, file.EncodingWarning, Resumed: rerun);
    }

    // The search's figures come from what is stored, not from what this run happened to write: a record stored by this search
    // (whichever run of it, even one that stopped half way or ran at the same time) is new or a duplicate by its link; any
    // other was stored by an earlier search. So a rerun or two runs at once write the same row.
    private async Task<StoredCounts> CountAsync(IReadOnlyList<BibRecord> read, string runId, CancellationToken ct)
    {
        int fresh = 0, duplicates = 0;
        await Parallel.ForEachAsync(read.Select(r => r.Key).Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (key, token) =>
        {
            var stored = await records.GetAsync(key, token);
            if (stored is null || stored.HarvestRun != runId) return;
            if (stored.DuplicateOf is null) Interlocked.Increment(ref fresh);
            else Interlocked.Increment(ref duplicates);
        });
        // Reconciled as the harvest's are: every record read is new, a duplicate, or already stored (an entry the file lists twice too).
        return new StoredCounts(fresh, duplicates, read.Count - fresh - duplicates);
    }

    // One claim per source and file, insert-only: of two imports of the same file, at once or a year apart, the first names the
    // run and the other is its rerun.
    private async Task<(string RunId, DateTimeOffset Started, bool Rerun)> ClaimAsync(string source, string sha, DateTimeOffset now, CancellationToken ct)
    {
        var row = KeyEncoding.Encode($"{source}:{sha}");
        var runId = now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        try
        {
            await State.AddEntityAsync(new TableEntity(ClaimPartition, row) { ["RunId"] = runId, ["Started"] = now }, ct);
            return (runId, now, false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var claim = (await State.GetEntityAsync<TableEntity>(ClaimPartition, row, cancellationToken: ct)).Value;
            return (claim.GetString("RunId")!, claim.GetDateTimeOffset("Started") ?? now, true);
        }
    }

    /// <summary>The file's bytes (archived as received), their SHA-256 and what they hold: the import's whole reading step, without storage.</summary>
    /// <exception cref="InvalidDataException">The file is too large, or is not an export this reads.</exception>
    public static async Task<(byte[] Bytes, string Sha256, ImportedFile File)> ReadFileAsync(Stream content, string source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var bytes = await ReadAllAsync(content, ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return (bytes, sha, ImportReader.Read(bytes, source));
    }

    private static async Task<byte[]> ReadAllAsync(Stream content, CancellationToken ct)
    {
        var tooLarge = $"The file is larger than {MaxBytes / (1024 * 1024)} MB; export the results in parts and import each.";
        if (content.CanSeek)
        {
            // A file (the command line) says its length: read into one array of that size, not a growing buffer copied at the end.
            var length = content.Length - content.Position;
            if (length > MaxBytes) throw new InvalidDataException(tooLarge);
            var bytes = new byte[length];
            await content.ReadExactlyAsync(bytes, ct);
            if (content.ReadByte() >= 0) throw new InvalidDataException("The file grew while it was read; import it again when nothing is writing to it.");
            return bytes;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxBytes) throw new InvalidDataException(tooLarge);
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    // The archived copy keeps the person's file name, made safe as a blob name.
    private static string ArchiveName(string fileName)
    {
        var name = Path.GetFileName(fileName);
        var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        return safe.Length == 0 ? "export" : safe;
    }

    /// <summary>The format as a person knows it.</summary>
    public static string Describe(ImportFormat format) => format switch
    {
        ImportFormat.Ris => "RIS",
        ImportFormat.Medline => "MEDLINE (.nbib)",
        ImportFormat.BibTex => "BibTeX",
        _ => "EndNote XML",
    };
}

/// <summary>The import's log lines.</summary>
internal static partial class ImportLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {File} as source {Source}: {Read} read, {New} new, {Duplicates} duplicates, {Problems} entries not read")]
    public static partial void Imported(ILogger logger, string source, string file, int read, int @new, int duplicates, int problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} imported as source {Source}: {Lines} lines were not UTF-8 and were read as Windows-1252")]
    public static partial void LegacyLines(ILogger logger, string source, string file, int lines);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} was imported before as source {Source} (run {RunId}): nothing new stored")]
    public static partial void Rerun(ILogger logger, string source, string file, string runId);
}
