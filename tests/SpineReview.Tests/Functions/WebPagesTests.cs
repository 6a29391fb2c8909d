using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SpineReview.Functions.Functions;
using SpineReview.Tests.Support;
using SpineReview.Web;
using Xunit;

namespace SpineReview.Tests.Functions;

/// <summary>The Function App's web pages: one thin adapter per route of the web app, the JSON routes still under /api, and the
/// platform's sign-in naming the person.</summary>
public class WebPagesTests
{
    private static IEnumerable<(string Function, string Method, string Route)> HttpFunctions(Type type) =>
        type.GetMethods().SelectMany(m => m.GetCustomAttributes<FunctionAttribute>().Select(f => (f.Name,
            Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null))))
            .Where(x => x.Trigger is not null)
            .SelectMany(x => x.Trigger!.Methods!.Select(method => (x.Name, method.ToUpperInvariant(), x.Trigger.Route ?? "")));

    [Fact]
    public void WebPages_OneFunctionPerRoute_WithTheRoutesMethodAndPath()
    {
        var functions = HttpFunctions(typeof(WebPages)).ToList();
        var expected = WebApp.Routes.Select(r => ("Web" + r.Name, r.Method, r.Path == "/" ? WebPages.Root : r.Path[1..])).OrderBy(x => x.Item1).ToList();
        Assert.Equal(expected, functions.OrderBy(f => f.Function).ToList());
        // The Functions host keeps /admin/... for its own API: a page there would never be reached.
        Assert.DoesNotContain(functions, f => f.Route.StartsWith("admin", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void HostJson_NoRoutePrefix_JsonRoutesKeepTheirApiAddresses()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "functions", "SpineReview.Functions", "host.json")));
        Assert.Equal("", doc.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        var api = typeof(WebPages).Assembly.GetTypes().Where(t => t != typeof(WebPages)).SelectMany(HttpFunctions).ToList();
        Assert.NotEmpty(api);
        Assert.All(api, f => Assert.StartsWith("api/", f.Route, StringComparison.Ordinal));
        Assert.Contains(api, f => f.Route == "api/screening/next");
    }

    [Fact]
    public async Task WebPages_PlatformSignIn_NamesTheReviewer_AnonymousIsSentToEntra()
    {
        var keys = Directory.CreateTempSubdirectory("spine-web-keys").FullName;
        try
        {
            await using var host = TestHost.Create(settings: new Dictionary<string, string?>
            {
                ["Screening:TrustIdentityHeaders"] = "true", ["Web:Reviewers"] = "ana@example.org", ["Web:KeysDirectory"] = keys,
            });
            var adapter = new WebPages(host.Services);

            var anonymous = Request(host, "/screening");
            await adapter.Screening(anonymous.Request);
            Assert.Equal(303, anonymous.Response.StatusCode);
            Assert.StartsWith("/.auth/login/aad?post_login_redirect_uri=%2Fscreening", anonymous.Response.Headers.Location.ToString(), StringComparison.Ordinal);

            var ana = Request(host, "/screening");
            var principal = """{"auth_typ":"aad","claims":[{"typ":"preferred_username","val":"ana@example.org"}]}""";
            ana.Request.Headers[PlatformPrincipal.PrincipalHeader] = Convert.ToBase64String(Encoding.UTF8.GetBytes(principal));
            await adapter.Screening(ana.Request);
            Assert.Equal(200, ana.Response.StatusCode);
            var html = Encoding.UTF8.GetString(((MemoryStream)ana.Response.Body).ToArray());
            Assert.Contains("Signed in as <strong>ana@example.org</strong>", html, StringComparison.Ordinal);
            Assert.Contains("/.auth/logout", html, StringComparison.Ordinal);
            Assert.DoesNotContain("local sign-in", html, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", ana.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);

            // There is no local sign-in in Azure: the page sends people to the platform's.
            var signin = Request(host, "/signin");
            await adapter.SignInPage(signin.Request);
            Assert.Equal(303, signin.Response.StatusCode);
            Assert.StartsWith("/.auth/login/aad", signin.Response.Headers.Location.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    private static DefaultHttpContext Request(TestHost host, string path)
    {
        var context = new DefaultHttpContext { RequestServices = host.Services };
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context;
    }
}
