using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace SpineReview.Tests.Support;

/// <summary>
/// An Azurite of a test's own, to stop and start again: its own free ports (never the shared 10000-10002), its data on disk
/// in a temporary folder (so it survives a restart), and an account with a key made for this run (AZURITE_ACCOUNTS), not
/// the well-known development key.
/// </summary>
internal sealed class PrivateAzurite : IAsyncDisposable
{
    private readonly string _location;
    private readonly string _account;
    private readonly string _key;
    private Process? _process;

    private PrivateAzurite(string location, int blobPort, int queuePort, int tablePort)
    {
        _location = location;
        (BlobPort, QueuePort, TablePort) = (blobPort, queuePort, tablePort);
        _account = "fault" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public IReadOnlyList<int> Ports => [BlobPort, QueuePort, TablePort];

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={_account};AccountKey={_key};BlobEndpoint=http://127.0.0.1:{BlobPort}/{_account};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{_account};TableEndpoint=http://127.0.0.1:{TablePort}/{_account};";

    public static async Task<PrivateAzurite> StartAsync()
    {
        var ports = FreePorts(3);
        var azurite = new PrivateAzurite(Directory.CreateTempSubdirectory("spine-azurite-").FullName, ports[0], ports[1], ports[2]);
        await azurite.StartAgainAsync();
        return azurite;
    }

    /// <summary>Starts the process on the same ports and folder (what it had acknowledged is still there) and waits until every service listens.</summary>
    public async Task StartAgainAsync()
    {
        var exe = Path.Combine(TestPaths.RepoRoot, "node_modules", ".bin", "azurite");
        if (!File.Exists(exe)) throw new InvalidOperationException($"{exe} is missing: run `npm ci` in the repository (scripts/test.sh does).");
        var start = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--silent", "--skipApiVersionCheck", "--loose", "--location", _location,
                     "--blobHost", "127.0.0.1", "--blobPort", $"{BlobPort}", "--queueHost", "127.0.0.1", "--queuePort", $"{QueuePort}",
                     "--tableHost", "127.0.0.1", "--tablePort", $"{TablePort}" })
            start.ArgumentList.Add(a);
        start.Environment["AZURITE_ACCOUNTS"] = $"{_account}:{_key}";
        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!Ports.All(Listening))
        {
            if (_process.HasExited) throw new InvalidOperationException($"Azurite exited with {_process.ExitCode} before it listened on {string.Join(", ", Ports)}.");
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"Azurite did not listen on {string.Join(", ", Ports)} within 60 s.");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Stops Azurite the way a service goes away: SIGTERM, so it closes its listeners and writes what it acknowledged to disk
    /// (Azure keeps every acknowledged write; a SIGKILL could lose Azurite's last five seconds, which Azure never would).
    /// Returns once nothing listens any more.
    /// </summary>
    public void Stop()
    {
        if (_process is not { HasExited: false } p) return;
        using (var kill = Process.Start("kill", ["-TERM", $"{p.Id}"])) kill.WaitForExit();
        if (!p.WaitForExit(TimeSpan.FromSeconds(20))) p.Kill(entireProcessTree: true);
        p.WaitForExit();
        p.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        try { Directory.Delete(_location, recursive: true); }
        catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    private static bool Listening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Ports the system hands out (never Azurite's 10000-10002), all held until all are chosen so none is chosen twice.</summary>
    public static int[] FreePorts(int n)
    {
        var listeners = Enumerable.Range(0, n).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
