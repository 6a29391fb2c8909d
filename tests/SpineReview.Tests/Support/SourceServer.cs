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

/// <summary>A real HTTP server on 127.0.0.1 that plays every source (first path segment = source name) from recorded
/// answers, enforces each source's published limit (429 with Retry-After past it) and injects faults on request.</summary>
internal sealed class SourceServer : IAsyncDisposable
{
    private static readonly Dictionary<string, string> Paths = new()
    {
        ["pubmed"] = "entrez/eutils/", ["europepmc"] = "europepmc/webservices/rest/search", ["arxiv"] = "api/query",
        ["openalex"] = "works", ["ieee"] = "api/v1/search/articles", ["crossref"] = "works",
    };

    private readonly WebApplication _app;
    private readonly ReplayResponder _replay;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, (int Count, TimeSpan Window)> _limits = new()
    {
        ["pubmed"] = (3, TimeSpan.FromSeconds(1)), ["ieee"] = (10, TimeSpan.FromSeconds(1)), ["europepmc"] = (10, TimeSpan.FromSeconds(1)),
        ["arxiv"] = (1, TimeSpan.FromSeconds(3)), ["openalex"] = (10, TimeSpan.FromSeconds(1)), ["crossref"] = (5, TimeSpan.FromSeconds(1)),
    };
    private string _address = "";

    /// <summary>Faults answered instead of the recording, matched on source, endpoint (last path segment) and page; consumed once unless sticky.</summary>
    public FaultList Faults { get; } = new();
    public ConcurrentQueue<Request> Requests { get; } = new();
    public int RateViolations;

    internal sealed record Request(string Source, TimeSpan At, string PathAndQuery, int Status);

    /// <param name="Page">retstart / start / start_record / cursor value, or null for any.</param>
    internal sealed record Fault(string Endpoint, int? Page, int Status, string Body, string? RetryAfter = null, bool Sticky = false,
        string Source = "pubmed", TimeSpan? Delay = null);

    /// <summary>Faults in the order added; the first that matches a request answers it (and is used up unless sticky).</summary>
    internal sealed class FaultList
    {
        private readonly List<Fault> _faults = [];
        private readonly Lock _lock = new();

        public void Enqueue(Fault fault) { lock (_lock) _faults.Add(fault); }
        public void Clear() { lock (_lock) _faults.Clear(); }

        public Fault? Take(Func<Fault, bool> match)
        {
            lock (_lock)
            {
                var f = _faults.FirstOrDefault(match);
                if (f is not null && !f.Sticky) _faults.Remove(f);
                return f;
            }
        }
    }

    private SourceServer(string replay)
    {
        _replay = new ReplayResponder(replay);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public static async Task<SourceServer> StartAsync(string replay)
    {
        var server = new SourceServer(replay);
        await server._app.StartAsync();
        server._address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public string BaseUrl(string source) => $"{_address}/{source}/{Paths[source]}";

    public void Limit(string source, int count, TimeSpan window) => _limits[source] = (count, window);

    public IEnumerable<Request> Of(string source) => Requests.Where(r => r.Source == source);

    private async Task HandleAsync(HttpContext context)
    {
        var now = _clock.Elapsed;
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var source = segments[0];
        var pathAndQuery = context.Request.Path + context.Request.QueryString;
        var (count, window) = _limits.GetValueOrDefault(source, (1000, TimeSpan.FromSeconds(1)));
        if (Of(source).Count(r => now - r.At < window) >= count)
        {
            Interlocked.Increment(ref RateViolations);
            Requests.Enqueue(new Request(source, now, pathAndQuery, 429));
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsync("{\"error\":\"rate limit exceeded\"}");
            return;
        }
        var endpoint = segments[^1];
        var q = context.Request.Query;
        string? page = q["retstart"].FirstOrDefault() ?? q["start_record"].FirstOrDefault() ?? q["start"].FirstOrDefault();
        int? pageNumber = int.TryParse(page, out var p) ? p : null;
        var fault = Faults.Take(f => f.Source == source && (f.Endpoint == endpoint || f.Endpoint == "*") && (f.Page is null || f.Page == pageNumber));
        if (fault is not null)
        {
            Requests.Enqueue(new Request(source, now, pathAndQuery, fault.Status));
            if (fault.Delay is { } delay) await Task.Delay(delay);
            context.Response.StatusCode = fault.Status;
            if (fault.RetryAfter is not null) context.Response.Headers.RetryAfter = fault.RetryAfter;
            context.Response.ContentType = "text/xml";
            await context.Response.WriteAsync(fault.Body);
            return;
        }
        var rest = "/" + string.Join('/', segments.Skip(1));
        var (status, type, body) = _replay.Respond(source, new Uri("http://local" + rest + context.Request.QueryString));
        Requests.Enqueue(new Request(source, now, pathAndQuery, (int)status));
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
