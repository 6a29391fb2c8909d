namespace SpineReview.Cli.Commands;

/// <summary>The one place the command line writes a file a person asked for (--out, --found).</summary>
internal static class OutputFiles
{
    /// <summary>Writes through a temporary name, so a file is never left half written; returns its full path.</summary>
    public static async Task<string> WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        try
        {
            await using (var target = File.Create(temp))
                await write(target, ct);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        return full;
    }

    public static Task<string> WriteAsync(string path, byte[] content, CancellationToken ct) =>
        WriteAsync(path, (target, t) => target.WriteAsync(content, t).AsTask(), ct);
}
