using SpineReview.Cli;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Cli;

/// <summary>OutputFile on real files in a folder of the test's own: only a regular file is replaced, whole, through a temporary
/// file nobody can plant; anything else is refused and left as it was, and a failed write leaves no trace. Named pipes, device
/// nodes and file modes are Unix matters.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OutputFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spine-outputfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string InFolder(string name) => Path.Combine(_folder, name);

    private string[] Entries() => Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static Func<Stream, Task> Text(string text) => s => s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text)).AsTask();

    private string Victim()
    {
        var victim = InFolder("victim.txt");
        File.WriteAllText(victim, "precious");
        return victim;
    }

    [Fact]
    public async Task ReplaceAsync_RegularFile_ReplacedWholeKeepingItsPermissions()
    {
        var target = InFolder("report.pdf");
        File.WriteAllText(target, "the old report, longer than the new one");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var full = await OutputFile.ReplaceAsync(target, Text("new"));

        Assert.Equal(target, full);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        Assert.Equal(["report.pdf"], Entries());
    }

    [Fact]
    public async Task ReplaceAsync_NewFileInAFolderNotYetThere_Written()
    {
        var target = InFolder(Path.Combine("out", "living-review.pdf"));

        await OutputFile.ReplaceAsync(target, Text("%PDF"));

        Assert.Equal("%PDF", File.ReadAllText(target));
        Assert.Equal(["living-review.pdf"], Directory.GetFileSystemEntries(InFolder("out")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ReplaceAsync_WriteFailsHalfWay_TargetUnchangedAndNoTemporaryFileLeft()
    {
        var target = InFolder("export.csv");
        File.WriteAllText(target, "the last good export");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => OutputFile.ReplaceAsync(target, async s =>
        {
            await s.WriteAsync(new byte[4096]);
            throw new InvalidOperationException("storage went away");
        }));

        Assert.Equal("storage went away", e.Message);
        Assert.Equal("the last good export", File.ReadAllText(target));
        Assert.Equal(["export.csv"], Entries());
    }

    [Fact]
    public async Task ReplaceAsync_NamedPipe_RefusedAndStillAPipe()
    {
        var fifo = InFolder("out.pdf");
        FileKinds.MakeFifo(fifo);

        var e = await Assert.ThrowsAsync<OutputFileException>(() => OutputFile.ReplaceAsync(fifo, Text("x")));

        Assert.Equal((2, $"{fifo} is a named pipe (FIFO), not a regular file: give the path of a file to write"), (e.ExitCode, e.Message));
        Assert.Equal("fifo", FileKinds.Kind(fifo));
        Assert.Equal(["out.pdf"], Entries());
    }

    [Fact]
    public async Task ReplaceAsync_CharacterDevice_RefusedAndStillADevice()
    {
        var device = InFolder("null");
        FileKinds.MakeCharacterDevice(device);

        var e = await Assert.ThrowsAsync<OutputFileException>(() => OutputFile.ReplaceAsync(device, Text("x")));

        Assert.Equal(2, e.ExitCode);
        Assert.Contains("is a character device", e.Message, StringComparison.Ordinal);
        Assert.Equal("character special file", FileKinds.Kind(device));
        Assert.Equal(["null"], Entries());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReplaceAsync_SymlinkAtTheTarget_RefusedNotFollowed(bool dangling)
    {
        var victim = dangling ? InFolder("not-there-yet.txt") : Victim();
        var link = InFolder("out.pdf");
        File.CreateSymbolicLink(link, victim);

        var e = await Assert.ThrowsAsync<OutputFileException>(() => OutputFile.ReplaceAsync(link, Text("x")));

        Assert.Equal((2, $"{link} is a symbolic link (to {victim}): links are not followed; give the path of a regular file, or remove the link"), (e.ExitCode, e.Message));
        Assert.Equal("symbolic link", FileKinds.Kind(link));
        if (dangling) Assert.False(File.Exists(victim));
        else Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public async Task ReplaceAsync_SymlinkPlantedAtTheOldTemporaryName_NotFollowed()
    {
        var victim = Victim();
        var target = InFolder("out.pdf");
        File.CreateSymbolicLink(target + ".tmp", victim);

        await OutputFile.ReplaceAsync(target, Text("the report"));

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal("the report", File.ReadAllText(target));
        Assert.StartsWith("regular", FileKinds.Kind(target), StringComparison.Ordinal);
        Assert.Equal("symbolic link", FileKinds.Kind(target + ".tmp"));
        Assert.Equal(["out.pdf", "out.pdf.tmp", "victim.txt"], Entries());
    }

    [Theory]
    [InlineData("reports", "is a directory: give a file name")]
    [InlineData("reports/", "names a folder: give a file name")]
    public async Task ReplaceAsync_Folder_RefusedSayingGiveAFileName(string name, string expected)
    {
        Directory.CreateDirectory(InFolder("reports"));
        var path = _folder + "/" + name;

        var e = await Assert.ThrowsAsync<OutputFileException>(() => OutputFile.ReplaceAsync(path, Text("x")));

        Assert.Equal((2, $"{path} {expected}"), (e.ExitCode, e.Message));
        Assert.Equal(["reports"], Entries());
        Assert.Empty(Directory.GetFileSystemEntries(InFolder("reports")));
    }

    [Fact]
    public async Task ReplaceAsync_FolderThatMayNotBeWritten_Exit1TargetUnchanged()
    {
        // Root may write anywhere, so the folder is made unwritable by being a file: the temporary file cannot be made in it.
        var notAFolder = InFolder("plain.txt");
        File.WriteAllText(notAFolder, "a file");
        var target = Path.Combine(notAFolder, "out.pdf");

        var e = await Assert.ThrowsAsync<OutputFileException>(() => OutputFile.ReplaceAsync(target, Text("x")));

        Assert.Equal(1, e.ExitCode);
        Assert.StartsWith($"{target} could not be written (", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("); it is unchanged", e.Message, StringComparison.Ordinal);
        Assert.Equal("a file", File.ReadAllText(notAFolder));
        Assert.Equal(["plain.txt"], Entries());
    }
}
