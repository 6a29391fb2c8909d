using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SpineReview.Tests.Support;
using SpineReview.Web;

namespace SpineReview.Tests.Alerts;

/// <summary>The pages an alert email links to (confirm, unsubscribe), run through the web app's pipeline with the host's services,
/// as both hosts serve them at /api/alerts/...; the answer as a ContentResult (status, type, the page).</summary>
internal sealed class LinkPages(TestHost host)
{
    public Task<ContentResult> ConfirmPage(HttpRequest request) => RunAsync("AlertsConfirmPage", request);

    public Task<ContentResult> Confirm(HttpRequest request, CancellationToken _) => RunAsync("AlertsConfirm", request);

    public Task<ContentResult> UnsubscribePage(HttpRequest request) => RunAsync("AlertsUnsubscribePage", request);

    public Task<ContentResult> Unsubscribe(HttpRequest request, CancellationToken _) => RunAsync("AlertsUnsubscribe", request);

    private async Task<ContentResult> RunAsync(string name, HttpRequest request)
    {
        var route = WebApp.Route(name);
        var http = request.HttpContext;
        if (string.IsNullOrEmpty(request.Method)) request.Method = route.Method;
        http.RequestServices = host.Services;
        var body = new MemoryStream();
        http.Response.Body = body;
        await WebApp.RunAsync(http, route, host.Services);
        return new ContentResult { StatusCode = http.Response.StatusCode, ContentType = http.Response.ContentType, Content = Encoding.UTF8.GetString(body.ToArray()) };
    }
}
