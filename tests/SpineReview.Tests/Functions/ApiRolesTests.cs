using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using SpineReview.Dedup;
using SpineReview.Extraction;
using SpineReview.Functions.Functions;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Functions;

/// <summary>The JSON routes under /api check the role, as the pages do: a person signed in through the platform but named neither as
/// reviewer nor in the reviewers' group gets 403 and nothing is stored.</summary>
public sealed class ApiRolesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EveryScreeningAndChartingRoute_SignedInButNotAReviewer_Forbidden_NothingStored()
    {
        await using var host = TestHost.Create(settings: new Dictionary<string, string?>
        {
            ["Screening:TrustIdentityHeaders"] = "true",
            ["Web:Reviewers"] = "dana@example.org",
            ["Web:Admins"] = "root@example.org",
            ["Web:ReviewerGroup"] = "11111111-2222-3333-4444-555555555555",
        });
        var record = new BibRecord { Source = "pubmed", SourceId = "871001", Pmid = "871001", Year = 2022, Title = "Deep learning for scoliosis on radiographs",
            Abstract = "A CNN measured the Cobb angle on 300 radiographs." };
        await host.Get<DedupService>().RegisterAsync(record, "run1", T0, default);
        await host.Get<ScreeningStore>().SaveRuleDecisionAsync(new RuleDecision(record.Key, false, null, "none", RuleVerdict.Version, "", T0), default);
        await host.Get<ScreeningStore>().EnqueueAsync(record.Key, 0.8, T0, default);
        await host.Get<ExtractionService>().ExtractAsync(new RecordMessage(record.Key), default);
        var screening = ActivatorUtilities.CreateInstance<ScreeningApi>(host.Services);
        var extraction = ActivatorUtilities.CreateInstance<ExtractionApi>(host.Services);
        var decision = $$"""{"recordKey":"{{record.Key}}","decision":"include"}""";
        var correction = """{"values":["Deformity"]}""";

        // An admin is not a reviewer unless named as one; a stranger the platform signed in is neither.
        foreach (var who in new[] { "mallory@example.org", "root@example.org" })
        {
            var calls = new (string Route, Func<Task<IActionResult>> Call)[]
            {
                ("POST /api/screening/decisions", () => screening.Decide(Signed(who, decision), default)),
                ("POST /api/screening/conflicts/{key}/resolution", () => screening.Resolve(Signed(who, decision), record.Key, default)),
                ("POST /api/extraction/{key}/{field}", () => extraction.Correct(Signed(who, correction), record.Key, "condition", default)),
                ("GET /api/screening/next", () => screening.Next(Signed(who), default)),
                ("GET /api/screening/conflicts", () => screening.Conflicts(Signed(who), default)),
                ("GET /api/screening/status", () => screening.Status(Signed(who), default)),
                ("GET /api/extraction/{key}", () => extraction.Form(Signed(who), record.Key, default)),
            };
            foreach (var (route, call) in calls)
            {
                var answer = await call();
                Assert.True(answer is ObjectResult { StatusCode: 403 }, $"{route} as {who}: {(answer as ObjectResult)?.StatusCode.ToString() ?? answer.GetType().Name}");
                var problem = Assert.IsType<ProblemDetails>(((ObjectResult)answer).Value);
                Assert.Contains("Web__Reviewers", problem.Detail, StringComparison.Ordinal);
            }
        }
        Assert.Empty(await host.Get<ScreeningStore>().DecisionsAsync(record.Key, default));
        Assert.Null((await host.Get<ExtractionStore>().GetAsync(record.Key, default)).GetValueOrDefault("condition")?.Correction);

        // A member of the reviewers' Entra group and a reviewer named in the settings are let through.
        Assert.Equal(201, ((ObjectResult)await screening.Decide(Signed("gus@example.org", decision, "11111111-2222-3333-4444-555555555555"), default)).StatusCode);
        Assert.Equal(201, ((ObjectResult)await extraction.Correct(Signed("dana@example.org", correction), record.Key, "condition", default)).StatusCode);
        Assert.Equal("gus@example.org", Assert.Single(await host.Get<ScreeningStore>().DecisionsAsync(record.Key, default)).Decision.Reviewer);
    }

    /// <summary>A request as App Service authentication passes it on: the principal's claims as base64 JSON in a header it sets itself.</summary>
    private static HttpRequest Signed(string name, string? body = null, string? group = null)
    {
        var context = new DefaultHttpContext();
        var groups = group is null ? "" : $$""",{"typ":"groups","val":"{{group}}"}""";
        var principal = $$"""{"auth_typ":"aad","name_typ":"preferred_username","claims":[{"typ":"preferred_username","val":"{{name}}"}{{groups}}]}""";
        context.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(principal));
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            context.Request.ContentType = "application/json";
        }
        return context.Request;
    }
}
