using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpineReview.Sources.Replay;

namespace SpineReview.Tests.Support;

/// <summary>A real HTTP server on 127.0.0.1 that answers E-utilities requests from recorded responses, enforces NCBI's
/// rate limit (429 when more than the allowed requests start within one second) and can inject faults.</summary>
internal sealed class EutilsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ReplayResponder _replay;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Faults to answer instead of the recording: (endpoint, retstart or null) to a fault, consumed once unless Sticky.</summary>
    public ConcurrentQueue<Fault> Faults { get; } = new();
    public ConcurrentQueue<(TimeSpan At, string PathAndQuery, int Status)> Requests { get; } = new();
    public int RateViolations;
    public int AllowedPerSecond { get; set; } = 3;
    public string BaseUrl { get; private set; } = "";

    internal sealed record Fault(string Endpoint, int? RetStart, int Status, string Body, string? RetryAfter = null, bool Sticky = false);

    private EutilsServer(string replay)
    {
        _replay = new ReplayResponder(replay);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public static async Task<EutilsServer> StartAsync(string replay)
    {
        var server = new EutilsServer(replay);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address + "/entrez/eutils/";
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = _clock.Elapsed;
        var pathAndQuery = context.Request.Path + context.Request.QueryString;
        var inWindow = Requests.Count(r => now - r.At < TimeSpan.FromSeconds(1));
        if (inWindow >= AllowedPerSecond)
        {
            Interlocked.Increment(ref RateViolations);
            Requests.Enqueue((now, pathAndQuery, 429));
            context.Response.StatusCode = 429;
            await context.Response.WriteAsync("{\"error\":\"API rate limit exceeded\"}");
            return;
        }
        var endpoint = context.Request.Path.Value!.Split('/').Last();
        int? retstart = int.TryParse(context.Request.Query["retstart"], out var rs) ? rs : null;
        var fault = Faults.FirstOrDefault(f => f.Endpoint == endpoint && (f.RetStart is null || f.RetStart == retstart));
        if (fault is not null)
        {
            if (!fault.Sticky) Faults.TryDequeue(out _);
            Requests.Enqueue((now, pathAndQuery, fault.Status));
            context.Response.StatusCode = fault.Status;
            if (fault.RetryAfter is not null) context.Response.Headers.RetryAfter = fault.RetryAfter;
            context.Response.ContentType = "text/xml";
            await context.Response.WriteAsync(fault.Body);
            return;
        }
        var uri = new Uri("http://local" + pathAndQuery);
        var (status, type, body) = _replay.Respond(uri);
        Requests.Enqueue((now, pathAndQuery, (int)status));
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = type;
        await context.Response.Body.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
