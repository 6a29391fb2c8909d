using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpineReview.Storage;
using SpineReview.Web;

namespace SpineReview.Cli.Commands;

/// <summary>`serve`: the web app on this machine, on loopback only, with the local sign-in.</summary>
internal static class ServeCommand
{
    public static Command Create(Runner runner)
    {
        var port = Syntax.Number("--port", "N", 0, 65535, $"the port to listen on (default {LocalWebApp.DefaultPort}; 0: any free port)");
        var address = Syntax.Value("--address", "IP", "the loopback address to listen on: 127.0.0.1 (the default), ::1 or localhost; any other is refused");
        Syntax.Check(address, a =>
        {
            try
            {
                LocalWebApp.LoopbackAddress(a);
                return null;
            }
            catch (ArgumentException e)
            {
                return "--address " + e.Message.Split(" (Parameter", 2)[0];
            }
        });
        var command = new CliCommand("serve", "the web app on this machine: the living review, screening, conflicts, charting, duplicates, admin", $"""
            Usage: spine-review serve [--port N] [--address IP]

            Serves the web app on http://127.0.0.1:{LocalWebApp.DefaultPort} (this machine only) until Ctrl+C: the living review at /,
            and after the local sign-in the reviewers' pages (screening, conflicts, charting, duplicates) and the admins' page.
            The local sign-in asks who you are from the people named in settings Web__Reviewers and Web__Admins; it is a
            convenience for one's own machine, which is why any address but loopback is refused. In Azure the Function App
            serves the same pages behind Microsoft Entra ID sign-in.
            """) { port, address };
        // The web app is a host of its own, which checks the settings and makes the storage ready as it starts: the command's
        // services are not started as well.
        runner.HandleOffline(command, async (p, c) =>
        {
            var app = LocalWebApp.Build(c.Settings(), p.GetValue(port) ?? LocalWebApp.DefaultPort, p.GetValue(address) ?? "127.0.0.1");
            await using (app)
            {
                var served = 0;
                app.Use(async (http, next) =>
                {
                    Interlocked.Increment(ref served);
                    await next(http);
                });
                // Storage answers first, or serve stops with the one line that says what to do: started inside the host, a failure
                // would be logged with its stack trace before that line. The host's own start then finds everything made.
                await app.Services.GetRequiredService<StorageInitializer>().CreateAsync(c.Cancellation);
                try
                {
                    await app.StartAsync(c.Cancellation);
                }
                catch (IOException e)
                {
                    throw new UsageException($"cannot listen there ({e.Message}); another program has the port: choose another with --port N");
                }
                var url = LocalWebApp.Url(app);
                var web = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
                await c.Out.WriteLineAsync($"web app: {url}/   (the living review; screening at {url}/screening)");
                await c.Out.WriteLineAsync(web.ReviewerList().Count + web.AdminList().Count == 0
                    ? "local sign-in: nobody is configured; set Web__Reviewers (for example reviewer1,reviewer2,reviewer3) and Web__Admins, then start again"
                    : $"local sign-in: choose from reviewers {Names(web.ReviewerList())}; admins {Names(web.AdminList())}");
                await c.Err.WriteLineAsync("serving until Ctrl+C");
                try
                {
                    await Task.Delay(Timeout.Infinite, c.Cancellation);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C is how serve is meant to stop.
                }
                await app.StopAsync(CancellationToken.None);
                await c.Out.WriteLineAsync($"serve done: {served} requests served at {url}; stopped");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);
}
