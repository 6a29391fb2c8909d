using System.Diagnostics;

namespace SpineReview.Tests.Support;

/// <summary>Makes and inspects special files (named pipes, device nodes, links) with the system's own tools, so the checks do not
/// rest on the code under test.</summary>
internal static class FileKinds
{
    /// <summary>Runs a tool; fails with its error output when it does not succeed.</summary>
    public static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {error}");
        return output.Trim();
    }

    /// <summary>A named pipe (FIFO) at <paramref name="path"/>.</summary>
    public static void MakeFifo(string path) => Run("mkfifo", path);

    /// <summary>A character device node with the numbers of /dev/null (1, 3) at <paramref name="path"/>; needs root, which the
    /// project's machines and CI are.</summary>
    public static void MakeCharacterDevice(string path) => Run("mknod", path, "c", "1", "3");

    /// <summary>What the file at <paramref name="path"/> is, without following a link: "regular file", "fifo", "character special
    /// file", "symbolic link", "directory" (GNU stat's words).</summary>
    public static string Kind(string path) => Run("stat", "-c", "%F", path);
}
