using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SpineReview.Cli;

/// <summary>
/// Writes the files the commands are asked for (<c>report --out</c>, <c>report get --out</c>, <c>export --out</c>,
/// <c>cycle --out</c>) so that a crash never leaves one half written and nothing but a regular file is ever replaced.
/// </summary>
/// <remarks>
/// The bytes go to a new file with a random name in the target's own folder, created exclusively (O_CREAT|O_EXCL: an existing
/// file or a link planted there makes the create fail instead of being followed), flushed to disk, then renamed over the
/// target in one step, so a reader sees the old file or the whole new one. A rename replaces whatever the target path holds,
/// so the target is looked at first, without following a link: a directory, a device (as <c>/dev/null</c>), a named pipe, a
/// socket or a symbolic link is refused, and looked at again just before the rename. On any failure the temporary file is
/// removed and the target is left as it was.
/// </remarks>
public static class OutputFile
{
    /// <summary>Refuses a target that exists and is not a regular file. Commands call it before their work, so that a bad
    /// --out fails at once rather than after a whole cycle.</summary>
    /// <exception cref="OutputFileException">The target is not a file that may be replaced (exit code 2).</exception>
    public static void Check(string path) => CheckTarget(path, FullPath(path));

    /// <summary>Writes a file through a fresh temporary file in its folder and renames it over the target; returns the
    /// target's full path.</summary>
    /// <exception cref="OutputFileException">The target was refused (exit code 2), or writing failed and it is unchanged (exit code 1).</exception>
    public static async Task<string> ReplaceAsync(string path, Func<Stream, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = FullPath(path);
        var existing = CheckTarget(path, full);
        var folder = Path.GetDirectoryName(full)!;
        // A name nobody can guess, short enough to stay under the 255-byte limit of a file name.
        var name = Path.GetFileName(full);
        var temp = Path.Combine(folder, $".{(name.Length > 100 ? name[..100] : name)}.{RandomNumberGenerator.GetHexString(16, lowercase: true)}.tmp");
        FileStream stream;
        try
        {
            Directory.CreateDirectory(folder);
            stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(path, e);
        }
        try
        {
            await using (stream)
            {
                // A replaced file keeps who may read it (a report made private stays private).
                if (existing && !OperatingSystem.IsWindows())
                    File.SetUnixFileMode(stream.SafeFileHandle, File.GetUnixFileMode(full) & Permissions);
                await write(stream);
                await stream.FlushAsync();
                stream.Flush(flushToDisk: true);
            }
            // Something else may have been put at the target while the file was written.
            CheckTarget(path, full);
            File.Move(temp, full, overwrite: true);
            return full;
        }
        catch (Exception e)
        {
            try { File.Delete(temp); }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { }
            if (e is IOException or UnauthorizedAccessException) throw Failed(path, e);
            throw;
        }
    }

    private const UnixFileMode Permissions = (UnixFileMode)0x1FF;

    private static string FullPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Trim().Length == 0) throw new OutputFileException($"'{path}' is not a file name: give one", 2);
        if (Path.EndsInDirectorySeparator(path)) throw new OutputFileException($"{path} names a folder: give a file name", 2);
        return Path.GetFullPath(path);
    }

    private static OutputFileException Failed(string path, Exception e) =>
        new($"{path} could not be written ({e.Message}); it is unchanged", 1, e);

    // True when a regular file is there to be replaced, false when nothing is; anything else is refused.
    private static bool CheckTarget(string path, string full)
    {
        var what = KindOf(full) switch
        {
            Kind.None => null,
            Kind.Regular => null,
            Kind.Directory => "is a directory: give a file name",
            Kind.SymbolicLink => $"is a symbolic link (to {new FileInfo(full).LinkTarget}): links are not followed; give the path of a regular file, or remove the link",
            Kind.CharacterDevice => "is a character device, not a regular file: give the path of a file to write",
            Kind.BlockDevice => "is a block device, not a regular file: give the path of a file to write",
            Kind.Pipe => "is a named pipe (FIFO), not a regular file: give the path of a file to write",
            Kind.Socket => "is a socket, not a regular file: give the path of a file to write",
            _ => "is not a regular file: give the path of a file to write",
        };
        if (what is not null) throw new OutputFileException($"{path} {what}", 2);
        return File.Exists(full);
    }

    private enum Kind { None, Regular, Directory, SymbolicLink, CharacterDevice, BlockDevice, Pipe, Socket, Other }

    private static Kind KindOf(string full)
    {
        // .NET's file APIs call a device or a pipe a plain file; only the file mode's type bits (lstat) tell them apart.
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (Native.Statx(Native.AtCurrentDirectory, full, Native.AtSymlinkNoFollow, Native.StatxType, out var status) == 0)
                    return (status.Mode & 0xF000) switch
                    {
                        0x8000 => Kind.Regular,
                        0x4000 => Kind.Directory,
                        0xA000 => Kind.SymbolicLink,
                        0x2000 => Kind.CharacterDevice,
                        0x6000 => Kind.BlockDevice,
                        0x1000 => Kind.Pipe,
                        0xC000 => Kind.Socket,
                        _ => Kind.Other,
                    };
                var errno = Marshal.GetLastPInvokeError();
                if (errno is Native.NoSuchEntry or Native.NotADirectory) return Kind.None;
                // Other errors (a folder that may not be searched) are left to the write, which reports them; a kernel or
                // sandbox without statx falls back to what .NET can tell.
                if (errno is not (Native.NotImplemented or Native.NotPermitted)) return Kind.None;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { }
        }
        var info = new FileInfo(full);
        if (info.LinkTarget is not null) return Kind.SymbolicLink;
        if (Directory.Exists(full)) return Kind.Directory;
        return info.Exists ? Kind.Regular : Kind.None;
    }

    private static class Native
    {
        public const int AtCurrentDirectory = -100;
        public const int AtSymlinkNoFollow = 0x100;
        public const uint StatxType = 0x1;
        public const int NotPermitted = 1;
        public const int NoSuchEntry = 2;
        public const int NotADirectory = 20;
        public const int NotImplemented = 38;

        // struct statx has one layout on every Linux architecture (linux/stat.h): 256 bytes, stx_mode at byte 28.
        [StructLayout(LayoutKind.Explicit, Size = 256)]
        public struct StatxBuffer
        {
            [FieldOffset(28)] public ushort Mode;
        }

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer status);
    }
}

/// <summary>An output file that was refused (exit code 2: give another path) or could not be written (exit code 1); the target is unchanged.</summary>
public sealed class OutputFileException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The command line's exit code for this failure.</summary>
    public int ExitCode { get; } = exitCode;
}
