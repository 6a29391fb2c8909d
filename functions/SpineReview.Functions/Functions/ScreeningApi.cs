using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SpineReview.Functions.Http;
using SpineReview.Screening;
using SpineReview.Screening.People;

namespace SpineReview.Functions.Functions;

/// <summary>
/// HTTP: people's screening. The reviewer is the caller's platform identity (App Service authentication); routes answer 401
/// without one and 403 to a person who is not a reviewer, as the pages do. Decisions are stored under ETag concurrency: send If-Match only to change one's own earlier decision.
/// </summary>
public sealed class ScreeningApi(ReviewService people, SpineReview.Web.WebIdentity identity, Microsoft.Extensions.Options.IOptions<ScreeningOptions> options)
{
    /// <summary>GET /api/screening/next: the highest-priority record the caller has not decided; 204 when none waits.</summary>
    [Function("ScreeningNext")]
    public Task<IActionResult> Next([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/screening/next")] HttpRequest request, CancellationToken ct) =>
        Handle(request, async reviewer =>
        {
            var item = await people.NextAsync(reviewer, ct);
            return item is null ? new NoContentResult() : new OkObjectResult(item);
        });

    /// <summary>POST /api/screening/decisions {"recordKey", "decision": include|exclude|unsure, "reason", "note"}.</summary>
    [Function("ScreeningDecide")]
    public Task<IActionResult> Decide([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/screening/decisions")] HttpRequest request, CancellationToken ct) =>
        Handle(request, async reviewer =>
        {
            if (Problems.NotJson(request) is { } unsupported) return unsupported;
            var body = await DecisionRequest.ReadJsonAsync(request.Body, ct);
            var result = await people.DecideAsync(reviewer, body.RecordKey ?? "", body.Decision ?? "", body.Reason, body.Note, IfMatch(request), ct);
            return Created(request, result);
        });

    /// <summary>GET /api/screening/conflicts: records whose two decisions disagree, with both decisions.</summary>
    [Function("ScreeningConflicts")]
    public Task<IActionResult> Conflicts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/screening/conflicts")] HttpRequest request, CancellationToken ct) =>
        Handle(request, async _ => new OkObjectResult(await people.ConflictsAsync(ct)));

    /// <summary>POST /api/screening/conflicts/{recordKey}/resolution {"decision": include|exclude, "reason", "note"}: a third reviewer settles it.</summary>
    [Function("ScreeningResolve")]
    public Task<IActionResult> Resolve([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/screening/conflicts/{recordKey}/resolution")] HttpRequest request,
        string recordKey, CancellationToken ct) =>
        Handle(request, async reviewer =>
        {
            if (Problems.NotJson(request) is { } unsupported) return unsupported;
            var body = await DecisionRequest.ReadJsonAsync(request.Body, ct);
            // The route value arrives decoded; a key with characters a URL cannot carry may be given in the body instead.
            var result = await people.ResolveAsync(reviewer, body.RecordKey ?? recordKey, body.Decision ?? "", body.Reason, body.Note, IfMatch(request), ct);
            return Created(request, result);
        });

    /// <summary>GET /api/screening/status: counts, Cohen's kappa (reviewers; model against people) and the estimated recall.</summary>
    [Function("ScreeningStatus")]
    public Task<IActionResult> Status([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/screening/status")] HttpRequest request, CancellationToken ct) =>
        Handle(request, async _ =>
        {
            var q = await people.QualityAsync(null, ct);
            return new OkObjectResult(new
            {
                q.Waiting, q.Conflicts, q.IncludedByPeople, q.ExcludedByPeople, q.AutoExcluded, q.Audited, q.AuditIncluded,
                ReviewerKappa = q.Reviewers, ModelKappa = q.ModelVsPeople, q.Recall, Recall_Estimate = q.RecallSentence(),
            });
        });

    private async Task<IActionResult> Handle(HttpRequest request, Func<string, Task<IActionResult>> action)
    {
        var (reviewer, refusal) = Problems.Reviewer(request, identity, options.Value.TrustIdentityHeaders, "Screening");
        if (refusal is not null) return refusal;
        try
        {
            return await action(reviewer!);
        }
        catch (DecisionRejectedException e)
        {
            return Problems.Of(e.Status, e.Message);
        }
        catch (Azure.RequestFailedException e) when (e.Status is 400 or 413)
        {
            return Problems.Of(400, $"Storage refused the decision as given ({e.ErrorCode}): shorten the note or check the record key.");
        }
    }

    private static string? IfMatch(HttpRequest request) =>
        request.Headers.IfMatch.Count > 0 && !string.IsNullOrWhiteSpace(request.Headers.IfMatch[0]) ? request.Headers.IfMatch[0] : null;

    private static ObjectResult Created(HttpRequest request, DecisionResult result)
    {
        request.HttpContext.Response.Headers.ETag = result.ETag;
        return new ObjectResult(result) { StatusCode = StatusCodes.Status201Created };
    }
}
