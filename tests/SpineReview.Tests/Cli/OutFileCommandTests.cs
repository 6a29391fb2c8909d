using SpineReview.Cli;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Cli;

/// <summary>
/// --out of export, report, report get and cycle, through the command line, on real files in a folder of the test's own: a
/// link, a named pipe, a device node or a folder at the target is refused before any work, a link planted at the old fixed
/// temporary name (FILE.tmp) is not followed, and a regular file is replaced whole.
/// </summary>
public sealed class OutFileCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spine-out-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Storage nobody listens on: a command that reaches it fails with exit 1, so exit 2 shows the target was refused first.
    private static readonly Dictionary<string, string?> NoStorage = new()
    {
        ["AzureWebJobsStorage"] = "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;SharedAccessSignature=sv=2020-08-04&sig=none",
        ["Storage:Prefix"] = "tnostorage",
    };

    private static async Task<(int Code, string Out, string Err)> Run(IDictionary<string, string?>? settings, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, settings);
        return (code, output.ToString(), error.ToString());
    }

    private string InFolder(string name) => Path.Combine(_folder, name);

    private string Victim()
    {
        var victim = InFolder("victim.txt");
        File.WriteAllText(victim, "precious");
        return victim;
    }

    private string[] Entries() => Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public async Task Export_OutIsASymlink_Exit2AndTheLinkedFileUnchanged()
    {
        var victim = Victim();
        var link = InFolder("out.csv");
        File.CreateSymbolicLink(link, victim);
        await using var host = TestHost.Create();

        var (code, _, err) = await Run(new Dictionary<string, string?> { ["Storage:Prefix"] = host.Prefix }, "export", "--format", "csv", "--out", link);

        Assert.Equal(2, code);
        Assert.Contains($"--out {link} is a symbolic link", err, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal("symbolic link", FileKinds.Kind(link));
        Assert.Equal(["out.csv", "victim.txt"], Entries());
    }

    [Fact]
    public async Task Export_LinkPlantedAtTheOldTemporaryName_NotFollowedAndTheFileReplacedWhole()
    {
        var victim = Victim();
        var target = InFolder("out.csv");
        File.WriteAllText(target, "an older export");
        File.CreateSymbolicLink(target + ".tmp", victim);
        await using var host = TestHost.Create();

        var (code, output, err) = await Run(new Dictionary<string, string?> { ["Storage:Prefix"] = host.Prefix }, "export", "--format", "csv", "--out", target);

        Assert.True(code == 0, err);
        Assert.Contains($"written to {target}", output, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal("symbolic link", FileKinds.Kind(target + ".tmp"));
        Assert.StartsWith("regular", FileKinds.Kind(target), StringComparison.Ordinal);
        Assert.StartsWith("key,", File.ReadAllText(target), StringComparison.Ordinal);
        Assert.Equal(["out.csv", "out.csv.tmp", "victim.txt"], Entries());
    }

    [Fact]
    public async Task ReportGet_OutIsANamedPipe_Exit2AndThePipeStays()
    {
        var fifo = InFolder("report.pdf");
        FileKinds.MakeFifo(fifo);
        await using var host = TestHost.Create();
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = host.Prefix };
        var made = await Run(settings, "report");
        Assert.True(made.Code == 0, made.Err);

        var (code, _, err) = await Run(settings, "report", "get", "latest", "--out", fifo);

        Assert.True(code == 2, err);
        Assert.Contains($"--out {fifo} is a named pipe (FIFO), not a regular file", err, StringComparison.Ordinal);
        Assert.Equal("fifo", FileKinds.Kind(fifo));
        Assert.Equal(["report.pdf"], Entries());
    }

    [Fact]
    public async Task Report_OutIsACharacterDevice_Exit2BeforeTheReportIsMadeAndTheDeviceStays()
    {
        // The issue's /dev/null, made again in the test's own folder: the same device numbers, never the system's node.
        var device = InFolder("null");
        FileKinds.MakeCharacterDevice(device);
        await using var host = TestHost.Create();

        var (code, _, err) = await Run(new Dictionary<string, string?> { ["Storage:Prefix"] = host.Prefix }, "report", "--out", device);

        Assert.True(code == 2, err);
        Assert.Contains($"--out {device} is a character device, not a regular file", err, StringComparison.Ordinal);
        Assert.Equal("character special file", FileKinds.Kind(device));
        Assert.Equal(["null"], Entries());
        Assert.Empty(await host.Get<SpineReview.Reporting.ReportService>().ListAsync(default));
    }

    [Fact]
    public async Task Cycle_OutIsAFolder_Exit2SaysGiveAFileNameBeforeTheHarvest()
    {
        var folder = InFolder("reports");
        Directory.CreateDirectory(folder);

        var (code, _, err) = await Run(NoStorage, "cycle", "--out", folder);

        Assert.True(code == 2, err);
        Assert.Contains($"--out {folder} is a directory: give a file name", err, StringComparison.Ordinal);
        Assert.DoesNotContain("[1/6] harvest", err, StringComparison.Ordinal);
        Assert.Equal(["reports"], Entries());
    }

    [Fact]
    public async Task Export_OutIsAFolder_SaysSoOnceNotCannotReadTheInput()
    {
        var folder = InFolder("exports");
        Directory.CreateDirectory(folder);
        await using var host = TestHost.Create();

        var (code, _, err) = await Run(new Dictionary<string, string?> { ["Storage:Prefix"] = host.Prefix }, "export", "--format", "ris", "--out", folder);

        Assert.Equal(2, code);
        Assert.Equal($"spine-review export: --out {folder} is a directory: give a file name", err.Trim());
        Assert.Equal(["exports"], Entries());
    }
}
