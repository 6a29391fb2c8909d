using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpineReview.Tests.Support;

/// <summary>
/// A scripted SMTP server on a loopback port, for what maildev cannot do: never greet, answer a recipient with a given reply
/// (after running a step of the test), or never answer it. Plain text, no TLS, no login; one conversation at a time.
/// </summary>
internal sealed class FakeSmtp : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _greet;
    private readonly Func<string, Task<string?>> _onRecipient;

    /// <param name="greet">False: accept connections and never say a word (a server that hangs before its greeting).</param>
    /// <param name="onRecipient">The reply to RCPT TO (given the command line); null never answers it.</param>
    public FakeSmtp(bool greet = true, Func<string, Task<string?>>? onRecipient = null)
    {
        _greet = greet;
        _onRecipient = onRecipient ?? (_ => Task.FromResult<string?>("250 2.1.5 OK"));
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Messages the server took (the DATA of each), in order.</summary>
    public List<string> Received { get; } = [];

    /// <summary>Connections accepted so far.</summary>
    public int Connections { get; private set; }

    /// <summary>Completes when the first connection is accepted.</summary>
    public Task Connected => _connected.Task;

    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Connections++;
                _connected.TrySetResult();
                _ = Task.Run(() => ConverseAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task ConverseAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            if (!_greet)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake.test ESMTP");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO": await writer.WriteLineAsync("250 fake.test"); break;
                    case "MAIL": await writer.WriteLineAsync("250 2.1.0 OK"); break;
                    case "RCPT":
                        var reply = await _onRecipient(line);
                        if (reply is null) await Task.Delay(Timeout.Infinite, _stop.Token);
                        await writer.WriteLineAsync(reply);
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go on");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } l && l != ".") data.Append(l).Append('\n');
                        lock (Received) Received.Add(data.ToString());
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "RSET" or "NOOP": await writer.WriteLineAsync("250 OK"); break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default: await writer.WriteLineAsync("502 5.5.2 not implemented"); break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            // The client went away or the server stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
