using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SpineReview.Web;

/// <summary>
/// The web app on a person's own machine (<c>spine-review serve</c>, and the tests): Kestrel on a loopback address only, with
/// the local sign-in that asks who you are. Any other address is refused: that sign-in trusts whoever can reach the port.
/// </summary>
public static class LocalWebApp
{
    /// <summary>The port <c>spine-review serve</c> listens on unless told otherwise (the Functions host's local port, so alert links work).</summary>
    public const int DefaultPort = 7071;

    /// <summary>
    /// Builds the app over <paramref name="configuration"/> (the same settings as the other hosts), listening on
    /// <paramref name="address"/>:<paramref name="port"/> once started. Port 0 picks a free port: read it with <see cref="Url"/> after starting.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not a loopback address, or the port is out of range.</exception>
    public static WebApplication Build(IConfiguration configuration, int port, string address = "127.0.0.1", Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var ip = LoopbackAddress(address);
        if (port is < 0 or > 65535) throw new ArgumentException($"port {port} is not a TCP port: give one from 1 to 65535 (or 0 for any free port).", nameof(port));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.Sources.Clear();
        // Locally the keys that sign the sign-in cookie and the forms live in the git-ignored data folder, unless a setting says where.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Web:KeysDirectory"] = Path.Combine(Directory.GetCurrentDirectory(), "data", "web-keys"),
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.ConfigureKestrel(k => k.Listen(ip, port));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Keys kept unencrypted in a folder on one's own machine are the point of the local setup, not a warning.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        // A refused form is answered with a page that says so; the log need not repeat it for every such request.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Antiforgery", LogLevel.Error);
        if (logging is null) builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        else logging(builder.Logging);
        builder.Services.AddSpineReview(builder.Configuration);
        builder.Services.AddSingleton<LocalSignIn>();
        // Loopback over http: a cookie marked Secure would never come back, so the anti-forgery cookie follows the request.
        builder.Services.PostConfigure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        // A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) would reach the local sign-in through the
        // browser: only requests that name this machine by a loopback name are answered (400 otherwise).
        builder.Services.AddHostFiltering(o =>
        {
            o.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"];
            o.AllowEmptyHosts = false;
            o.IncludeFailureMessage = true;
        });
        // The model retrains beside the requests, never inside one (in Azure the RankScreening timer does this).
        builder.Services.AddHostedService<SpineReview.Screening.RankingRefresher>();
        // Whoever built the app stops it (serve on Ctrl+C, a test when it is done): no console lifetime taking the signals from them.
        builder.Services.AddSingleton<IHostLifetime, CallerLifetime>();
        var app = builder.Build();
        app.UseHostFiltering();
        foreach (var route in WebApp.Routes)
            app.MapMethods(route.Path, [route.Method], (RequestDelegate)(http => WebApp.RunAsync(http, route, http.RequestServices)));
        // Any other path: the pipeline's answer for a page that does not exist, with the same headers.
        var missing = new WebRoute("NotFound", "GET", "/", WebAccess.Public, NotFoundAsync);
        app.MapFallback((RequestDelegate)(http => WebApp.RunAsync(http, missing with { Method = http.Request.Method }, http.RequestServices)));
        return app;
    }

    /// <summary>The address a started app listens on, such as http://127.0.0.1:7071.</summary>
    public static string Url(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The web app has not started: call StartAsync first.");
    }

    /// <summary>The loopback address named, or an error that says why another is refused.</summary>
    public static IPAddress LoopbackAddress(string address)
    {
        if (string.Equals(address?.Trim(), "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (!IPAddress.TryParse(address?.Trim().Trim('[', ']'), out var ip))
            throw new ArgumentException($"\"{address}\" is not an IP address: give 127.0.0.1 (the default), ::1 or localhost.", nameof(address));
        if (!IPAddress.IsLoopback(ip))
            throw new ArgumentException($"{address} is not a loopback address: spine-review serve listens on this machine only (127.0.0.1, ::1 or localhost), " +
                "because its local sign-in believes whoever reaches it. To let others in, deploy the Function App, whose sign-in is Microsoft Entra ID (docs/deployment.md).", nameof(address));
        return ip;
    }

    /// <summary>A host lifetime that leaves starting and stopping to the code that holds the app.</summary>
    private sealed class CallerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static Task NotFoundAsync(WebContext context) =>
        context.HtmlAsync(Html.Message(context, "Not found", $"There is no page at {context.Path}.", "/", "Go to the living review"), StatusCodes.Status404NotFound);
}
