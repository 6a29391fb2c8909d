using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SpineReview.Web;

namespace SpineReview.Functions.Functions;

/// <summary>
/// The web app's pages in the Function App: one HTTP function per route of <see cref="WebApp.Routes"/>, each handing the request to
/// the same handler spine-review serve runs (shared/Web). Routes without a prefix (host.json routePrefix ""): the pages live at the
/// site's root, the JSON routes under /api. The root page's template matches only the empty path.
/// </summary>
public sealed class WebPages(IServiceProvider services)
{
    /// <summary>The template of the site's root: an optional segment that must be empty.</summary>
    public const string Root = "{ignored:maxlength(0)?}";

    [Function("WebHome")]
    public Task<IActionResult> Home([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Root)] HttpRequest request) => RunAsync(request, "Home");

    [Function("WebRecords")]
    public Task<IActionResult> Records([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "records")] HttpRequest request) => RunAsync(request, "Records");

    [Function("WebReport")]
    public Task<IActionResult> Report([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "report")] HttpRequest request) => RunAsync(request, "Report");

    [Function("WebDownloadCsv")]
    public Task<IActionResult> DownloadCsv([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "downloads/included.csv")] HttpRequest request) => RunAsync(request, "DownloadCsv");

    [Function("WebDownloadRis")]
    public Task<IActionResult> DownloadRis([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "downloads/included.ris")] HttpRequest request) => RunAsync(request, "DownloadRis");

    [Function("WebSubscribe")]
    public Task<IActionResult> Subscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "subscribe")] HttpRequest request) => RunAsync(request, "Subscribe");

    [Function("WebCss")]
    public Task<IActionResult> Css([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "static/app.css")] HttpRequest request) => RunAsync(request, "Css");

    [Function("WebJs")]
    public Task<IActionResult> Js([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "static/app.js")] HttpRequest request) => RunAsync(request, "Js");

    [Function("WebSignInPage")]
    public Task<IActionResult> SignInPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "signin")] HttpRequest request) => RunAsync(request, "SignInPage");

    [Function("WebSignIn")]
    public Task<IActionResult> SignIn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "signin")] HttpRequest request) => RunAsync(request, "SignIn");

    [Function("WebSignOut")]
    public Task<IActionResult> SignOut([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "signout")] HttpRequest request) => RunAsync(request, "SignOut");

    [Function("WebScreening")]
    public Task<IActionResult> Screening([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "screening")] HttpRequest request) => RunAsync(request, "Screening");

    [Function("WebScreeningNext")]
    public Task<IActionResult> ScreeningNext([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "screening/next")] HttpRequest request) => RunAsync(request, "ScreeningNext");

    [Function("WebScreeningChange")]
    public Task<IActionResult> ScreeningChange([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "screening/change")] HttpRequest request) => RunAsync(request, "ScreeningChange");

    [Function("WebScreeningDecide")]
    public Task<IActionResult> ScreeningDecide([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "screening/decide")] HttpRequest request) => RunAsync(request, "ScreeningDecide");

    [Function("WebConflicts")]
    public Task<IActionResult> Conflicts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conflicts")] HttpRequest request) => RunAsync(request, "Conflicts");

    [Function("WebConflictsResolve")]
    public Task<IActionResult> ConflictsResolve([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "conflicts/resolve")] HttpRequest request) => RunAsync(request, "ConflictsResolve");

    [Function("WebCharting")]
    public Task<IActionResult> Charting([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "charting")] HttpRequest request) => RunAsync(request, "Charting");

    [Function("WebChartingStudy")]
    public Task<IActionResult> ChartingStudy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "charting/study")] HttpRequest request) => RunAsync(request, "ChartingStudy");

    [Function("WebChartingCorrect")]
    public Task<IActionResult> ChartingCorrect([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "charting/correct")] HttpRequest request) => RunAsync(request, "ChartingCorrect");

    [Function("WebDuplicates")]
    public Task<IActionResult> Duplicates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "duplicates")] HttpRequest request) => RunAsync(request, "Duplicates");

    [Function("WebDuplicatesVerdict")]
    public Task<IActionResult> DuplicatesVerdict([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "duplicates/verdict")] HttpRequest request) => RunAsync(request, "DuplicatesVerdict");

    [Function("WebAlertsConfirmPage")]
    public Task<IActionResult> AlertsConfirmPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/alerts/confirm")] HttpRequest request) => RunAsync(request, "AlertsConfirmPage");

    [Function("WebAlertsConfirm")]
    public Task<IActionResult> AlertsConfirm([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/alerts/confirm")] HttpRequest request) => RunAsync(request, "AlertsConfirm");

    [Function("WebAlertsUnsubscribePage")]
    public Task<IActionResult> AlertsUnsubscribePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/alerts/unsubscribe")] HttpRequest request) => RunAsync(request, "AlertsUnsubscribePage");

    [Function("WebAlertsUnsubscribe")]
    public Task<IActionResult> AlertsUnsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/alerts/unsubscribe")] HttpRequest request) => RunAsync(request, "AlertsUnsubscribe");

    [Function("WebAdmin")]
    public Task<IActionResult> Admin([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manage")] HttpRequest request) => RunAsync(request, "Admin");

    [Function("WebAdminImportPage")]
    public Task<IActionResult> AdminImportPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manage/import")] HttpRequest request) => RunAsync(request, "AdminImportPage");

    [Function("WebAdminImport")]
    public Task<IActionResult> AdminImport([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/import")] HttpRequest request) => RunAsync(request, "AdminImport");

    private async Task<IActionResult> RunAsync(HttpRequest request, string route)
    {
        ArgumentNullException.ThrowIfNull(request);
        await WebApp.RunAsync(request.HttpContext, WebApp.Route(route), services);
        // The handler has written the whole answer.
        return new EmptyResult();
    }
}
