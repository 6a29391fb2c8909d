namespace SpineReview.Cli.Commands;

/// <summary>The commands' way to the files a person asked for (--out, --found): <see cref="OutputFile"/>, with the option
/// named in what it refuses.</summary>
internal static class OutputFiles
{
    /// <summary>Refuses a target that exists and is not a regular file, before any work is done.</summary>
    public static void Check(string option, string path)
    {
        try
        {
            OutputFile.Check(path);
        }
        catch (OutputFileException e)
        {
            throw Named(option, e);
        }
    }

    /// <summary>Writes the file whole or not at all; returns its full path.</summary>
    public static async Task<string> WriteAsync(string option, string path, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        try
        {
            return await OutputFile.ReplaceAsync(path, target => write(target, ct));
        }
        catch (OutputFileException e)
        {
            throw Named(option, e);
        }
    }

    public static Task<string> WriteAsync(string option, string path, byte[] content, CancellationToken ct) =>
        WriteAsync(option, path, (target, t) => target.WriteAsync(content, t).AsTask(), ct);

    private static OutputFileException Named(string option, OutputFileException e) => new($"{option} {e.Message}", e.ExitCode, e);
}
