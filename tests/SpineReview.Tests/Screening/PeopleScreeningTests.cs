using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SpineReview.Dedup;
using SpineReview.Functions.Functions;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>People's screening against Azurite: blind double screening, conflicts to a third person, ETag concurrency.</summary>
public class PeopleScreeningTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    // Each its own DOI: records with different DOIs are different works, however alike their generated titles.
    private static BibRecord Record(string pmid, string title, string text) => new()
    {
        Source = "pubmed", SourceId = pmid, Pmid = pmid, Doi = $"10.5555/test.{pmid}", Year = 2023, PublicationTypes = ["Journal Article"], Mesh = ["Humans"],
        Title = title, Abstract = text,
    };

    /// <summary>Stores records and puts them in the people's queue with the given probabilities.</summary>
    private static async Task<List<string>> SeedAsync(TestHost host, params (string Pmid, double P)[] records)
    {
        var keys = new List<string>();
        foreach (var (pmid, p) in records)
        {
            var r = Record(pmid, $"Deep learning for lumbar spine MRI {pmid}", "A convolutional neural network graded lumbar disc degeneration on MRI.");
            var (_, duplicateOf) = await host.Get<DedupService>().RegisterAsync(r, "run1", T0, default);
            Assert.Null(duplicateOf);
            await host.Get<ScreeningStore>().EnqueueAsync(r.Key, p, T0, default);
            keys.Add(r.Key);
        }
        // Probabilities as seeded: the model must not re-rank them in these tests.
        await host.Get<RankingService>().RankAsync(force: true, default);
        foreach (var (key, (_, p)) in keys.Zip(records))
            await host.Get<ScreeningStore>().SetProbabilitiesAsync([(key, p)], default);
        return keys;
    }

    private static ReviewService People(TestHost host) => host.Get<ReviewService>();

    [Fact]
    public async Task Decide_TwoReviewersAtTheSameMoment_BothDecisionsPersist()
    {
        await using var host = TestHost.Create();
        var keys = await SeedAsync(host, ("810001", 0.9), ("810011", 0.9), ("810012", 0.9), ("810013", 0.9), ("810014", 0.9));
        // Each record gets both decisions at once; the queue row, written under ETag concurrency, must count both every time.
        await Task.WhenAll(keys.SelectMany(key => new[]
        {
            Task.Run(() => People(host).DecideAsync("ana", key, "include", null, null, null, default)),
            Task.Run(() => People(host).DecideAsync("ben", key, "exclude", "not_imaging", null, null, default)),
        }));
        foreach (var key in keys)
        {
            var decisions = await host.Get<ScreeningStore>().DecisionsAsync(key, default);
            Assert.Equal(["ana", "ben"], decisions.Select(d => d.Decision.Reviewer).Order(StringComparer.Ordinal));
            var entry = await host.Get<ScreeningStore>().GetQueueEntryAsync(key, default);
            Assert.Equal(["ana", "ben"], entry!.Reviewers.Order(StringComparer.Ordinal));
            Assert.Equal(ScreeningStatus.Conflict, entry.Status);
        }
    }

    [Fact]
    public async Task Decide_Disagreement_GoesToAThirdReviewerWhoSettlesIt()
    {
        await using var host = TestHost.Create();
        var key = (await SeedAsync(host, ("810002", 0.7)))[0];
        await People(host).DecideAsync("ana", key, "include", null, null, null, default);
        var second = await People(host).DecideAsync("ben", key, "exclude", "technical_only", "segmentation only", null, default);
        Assert.Equal(ScreeningStatus.Conflict, second.Status);

        var conflicts = await People(host).ConflictsAsync(default);
        var conflict = Assert.Single(conflicts);
        Assert.Equal(key, conflict.RecordKey);
        Assert.Equal(["ana:Include", "ben:Exclude"], conflict.Decisions.Select(d => $"{d.Reviewer}:{d.Verdict}").Order(StringComparer.Ordinal));

        // Neither of the two may settle it, and a third reviewer is never served it as an ordinary record.
        var refused = await Assert.ThrowsAsync<DecisionRejectedException>(() => People(host).ResolveAsync("ana", key, "include", null, null, null, default));
        Assert.Equal(403, refused.Status);
        Assert.Null(await People(host).NextAsync("cleo", default));
        var late = await Assert.ThrowsAsync<DecisionRejectedException>(() => People(host).DecideAsync("cleo", key, "include", null, null, null, default));
        Assert.Equal(409, late.Status);

        var resolved = await People(host).ResolveAsync("cleo", key, "exclude", "technical_only", "no clinical use", null, default);
        Assert.Equal(ScreeningStatus.Final, resolved.Status);
        Assert.False(resolved.Included);
        Assert.Equal("technical_only", resolved.Reason);
        Assert.Empty(await People(host).ConflictsAsync(default));
        var entry = await host.Get<ScreeningStore>().GetQueueEntryAsync(key, default);
        Assert.Equal("resolved by cleo", entry!.How);
    }

    [Fact]
    public async Task Next_NeverServesARecordTheReviewerDecided_AndHidesOthersDecisions()
    {
        await using var host = TestHost.Create();
        var keys = await SeedAsync(host, ("810003", 0.95), ("810004", 0.40), ("810005", 0.10));
        var first = await People(host).NextAsync("ana", default);
        Assert.Equal(keys[0], first!.RecordKey);
        Assert.Equal(3, first.WaitingForYou);
        await People(host).DecideAsync("ana", keys[0], "include", null, null, null, default);

        Assert.Equal(keys[1], (await People(host).NextAsync("ana", default))!.RecordKey);
        // Ben is still served the first record: it needs his independent decision, and nothing in it shows Ana's.
        var forBen = await People(host).NextAsync("ben", default);
        Assert.Equal(keys[0], forBen!.RecordKey);
        var shown = System.Text.Json.JsonSerializer.Serialize(forBen);
        Assert.DoesNotContain("ana", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Include", shown, StringComparison.Ordinal);
        var agreed = await People(host).DecideAsync("ben", keys[0], "include", null, null, null, default);
        Assert.Equal(ScreeningStatus.Final, agreed.Status);
        Assert.True(agreed.Included);

        await People(host).DecideAsync("ana", keys[1], "exclude", "not_spine", null, null, default);
        await People(host).DecideAsync("ana", keys[2], "unsure", null, "needs the full text", null, default);
        Assert.Null(await People(host).NextAsync("ana", default));
        var again = await Assert.ThrowsAsync<DecisionRejectedException>(() => People(host).DecideAsync("ana", keys[1], "include", null, null, null, default));
        Assert.Equal(409, again.Status);
    }

    [Fact]
    public async Task Decide_ChangingOwnDecision_NeedsTheCurrentETag()
    {
        await using var host = TestHost.Create();
        var key = (await SeedAsync(host, ("810006", 0.5)))[0];
        var first = await People(host).DecideAsync("ana", key, "exclude", "review", null, null, default);
        var changed = await People(host).DecideAsync("ana", key, "include", null, "it is an original study", first.ETag, default);
        Assert.Equal(Verdict.Include, (await host.Get<ScreeningStore>().DecisionsAsync(key, default)).Single().Decision.Verdict);
        // The first ETag is stale now: a second screen open on the old state cannot overwrite the newer decision.
        var stale = await Assert.ThrowsAsync<DecisionRejectedException>(() => People(host).DecideAsync("ana", key, "exclude", "review", null, first.ETag, default));
        Assert.Equal(412, stale.Status);
        Assert.NotEqual(first.ETag, changed.ETag);
    }

    [Theory]
    [InlineData("exclude", null, "needs a reason code")]
    [InlineData("exclude", "boring", "not a protocol reason code")]
    [InlineData("exclude", "duplicate", "not a protocol reason code")]
    [InlineData("include", "review", "goes with an exclusion only")]
    [InlineData("perhaps", null, "not one of include, exclude, unsure")]
    public async Task Decide_EveryExclusionCarriesAProtocolReasonCode(string verdict, string? reason, string message)
    {
        await using var host = TestHost.Create();
        var key = (await SeedAsync(host, ("810007", 0.5)))[0];
        var e = await Assert.ThrowsAsync<DecisionRejectedException>(() => People(host).DecideAsync("ana", key, verdict, reason, null, null, default));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Empty(await host.Get<ScreeningStore>().DecisionsAsync(key, default));
    }

    [Fact]
    public async Task Rank_AutomaticExclusionIsOffByDefault_AndWhenOnEachHasAReasonAndAnAuditShare()
    {
        Assert.False(new ScreeningOptions().AutoExclude);
        var prefix = TestHost.NewPrefix();
        await using (var host = TestHost.Create(prefix: prefix, cleanup: false))
        {
            await LabelledPoolAsync(host);
            var model = await host.Get<RankingService>().RankAsync(force: true, default);
            Assert.NotNull(model.LowThreshold);
            Assert.Equal(0, model.AutoExcluded);
            Assert.Equal(0, model.AuditSent);
            Assert.DoesNotContain(await host.Get<ScreeningStore>().ListQueueAsync(null, default), q => q.AutoExcluded);
        }
        await using (var on = TestHost.Create(prefix: prefix, settings: new Dictionary<string, string?> { ["Screening:AutoExclude"] = "true", ["Screening:AuditRate"] = "0.25" }))
        {
            var model = await on.Get<RankingService>().RankAsync(force: true, default);
            var queue = await on.Get<ScreeningStore>().ListQueueAsync(null, default);
            var auto = queue.Where(q => q.AutoExcluded).ToList();
            Assert.True(model.AutoExcluded > 0, "the off-topic records fall below the low threshold");
            Assert.Equal(auto.Count, model.AutoExcluded);
            Assert.All(auto, q => Assert.Contains(q.Reason, ScreeningRules.PeopleReasons));
            Assert.All(auto, q => Assert.StartsWith("excluded by the model", q.How, StringComparison.Ordinal));
            Assert.Equal(queue.Count(q => q.Audit), model.AuditSent);
            Assert.True(model.AuditSent > 0, "a quarter of the would-be exclusions go to people");
            // The audit comes first in every reviewer's queue.
            Assert.True((await on.Get<ReviewService>().NextAsync("zoe", default))!.Audit);
            // The spine records (all above the threshold) are still waiting for people.
            Assert.All(queue.Where(q => q.RecordKey.Contains("8300", StringComparison.Ordinal)), q => Assert.False(q.AutoExcluded));
            // Run again: nothing changes twice.
            var again = await on.Get<RankingService>().RankAsync(force: true, default);
            Assert.Equal(0, again.AutoExcluded);
            // The model's own exclusions do not count as news: without a new decision there is no new training (no cascade).
            Assert.Equal(again.Version, (await on.Get<RankingService>().RankAsync(force: false, default)).Version);
            // A person overrules the model: deciding an automatically excluded record reopens it for the second reviewer.
            var rescued = await on.Get<ReviewService>().DecideAsync("ana", auto[0].RecordKey, "include", null, "relevant after all", null, default);
            Assert.Equal(ScreeningStatus.Pending, rescued.Status);
            var reopened = await on.Get<ScreeningStore>().GetQueueEntryAsync(auto[0].RecordKey, default);
            Assert.False(reopened!.AutoExcluded);
        }
    }

    [Fact]
    public async Task Rank_RecordsThatPassedTheRulesButWereNeverQueued_AreQueued_AndMergedOnesLeave()
    {
        await using var host = TestHost.Create();
        var kept = Record("840001", "Deep learning for cervical spine fractures on CT", "A network detected fractures on cervical CT.");
        var other = Record("840002", "Deep learning for vertebral fractures on CT scans", "A network detected vertebral fractures on CT.") with { Doi = null };
        foreach (var r in new[] { kept, other })
        {
            await host.Get<DedupService>().RegisterAsync(r, "run1", T0, default);
            // A rule verdict but no queue row: as stored before people's screening existed.
            await host.Get<ScreeningStore>().SaveRuleDecisionAsync(new RuleDecision(r.Key, false, null, "none", RuleVerdict.Version, "", T0), default);
        }
        await host.Get<RankingService>().RankAsync(force: false, default);
        Assert.Equal([kept.Key, other.Key], (await host.Get<ScreeningStore>().ListQueueAsync(null, default)).Select(q => q.RecordKey).Order(StringComparer.Ordinal));

        await host.Get<DedupService>().MergeAsync(other.Key, kept.Key, "ana", T0, default);
        // The next training (here forced; in use the next decision starts one) takes the merged record out of the queue.
        await host.Get<RankingService>().RankAsync(force: true, default);
        Assert.Equal([kept.Key], (await host.Get<ScreeningStore>().ListQueueAsync(null, default)).Select(q => q.RecordKey));
    }

    /// <summary>25 inclusions and 25 exclusions settled by people, then 30 spine records and 60 off-topic records waiting.</summary>
    private static async Task LabelledPoolAsync(TestHost host)
    {
        var store = host.Get<ScreeningStore>();
        string[] spine = ["lumbar disc herniation", "vertebral fracture", "scoliosis Cobb angle", "cervical myelopathy", "spinal metastasis"];
        string[] off = ["knee osteoarthritis", "breast cancer mammography", "retinal fundus", "liver fibrosis", "dental caries"];
        async Task Add(string pmid, string topic, bool? label, string? reason)
        {
            var r = Record(pmid, $"Deep learning for {topic}", $"We trained a convolutional neural network on images of {topic} in {pmid[^2..]} centres and report accuracy.");
            await host.Get<DedupService>().RegisterAsync(r, "run1", T0, default);
            await store.EnqueueAsync(r.Key, 0.5, T0, default);
            if (label is bool y)
                await store.UpdateQueueAsync(r.Key, q => Task.FromResult(q with { Status = ScreeningStatus.Final, Included = y, Reason = reason, How = "2 reviewers agreed", SettledAt = T0 }), default);
        }
        for (var i = 0; i < 25; i++) await Add($"8200{i:D2}", spine[i % 5], true, null);
        for (var i = 0; i < 25; i++) await Add($"8100{i:D2}", off[i % 5], false, ReasonCodes.NotSpine);
        for (var i = 0; i < 30; i++) await Add($"8300{i:D2}", spine[i % 5], null, null);
        for (var i = 0; i < 60; i++) await Add($"8400{i:D2}", off[i % 5], null, null);
    }

    [Fact]
    public async Task ScreeningApi_IdentityFromThePlatformOnly()
    {
        var prefix = TestHost.NewPrefix();
        await using (var untrusted = TestHost.Create(prefix: prefix, cleanup: false))
        {
            // Without App Service authentication a header is anyone's word: refused, whoever it names.
            var refusedApi = new ScreeningApi(untrusted.Get<ReviewService>(), untrusted.Get<SpineReview.Web.WebIdentity>(), untrusted.Get<Microsoft.Extensions.Options.IOptions<ScreeningOptions>>());
            var forged = new DefaultHttpContext();
            forged.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = "someone";
            Assert.Equal(401, ((ObjectResult)await refusedApi.Next(forged.Request, default)).StatusCode);
            Assert.Equal(401, ((ObjectResult)await refusedApi.Next(Signed("dana@example.org").Request, default)).StatusCode);
        }
        await using var host = TestHost.Create(prefix: prefix, settings: new Dictionary<string, string?> { ["Screening:TrustIdentityHeaders"] = "true", ["Web:Reviewers"] = "dana@example.org" });
        var key = (await SeedAsync(host, ("810008", 0.8)))[0];
        var api = new ScreeningApi(host.Get<ReviewService>(), host.Get<SpineReview.Web.WebIdentity>(), host.Get<Microsoft.Extensions.Options.IOptions<ScreeningOptions>>());

        var malformed = new DefaultHttpContext();
        malformed.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = "not base64 json";
        Assert.Equal(401, ((ObjectResult)await api.Next(malformed.Request, default)).StatusCode);

        var anonymous = (ObjectResult)await api.Next(new DefaultHttpContext().Request, default);
        Assert.Equal(401, anonymous.StatusCode);

        var next = await api.Next(Signed("dana@example.org").Request, default);
        Assert.Equal(key, Assert.IsType<ScreeningItem>(((OkObjectResult)next).Value).RecordKey);

        var spoof = Signed("dana@example.org", $$"""{"recordKey":"{{key}}","decision":"include","reviewer":"someone.else"}""");
        var refused = (ObjectResult)await api.Decide(spoof.Request, default);
        Assert.Equal(400, refused.StatusCode);
        Assert.Empty(await host.Get<ScreeningStore>().DecisionsAsync(key, default));

        // The same body as text/plain, as another site's form could post it with the reviewer's cookie: refused, nothing stored.
        var plain = Signed("dana@example.org", $$"""{"recordKey":"{{key}}","decision":"exclude","reason":"animal","note":"pigs"}""");
        plain.Request.ContentType = "text/plain";
        Assert.Equal(415, ((ObjectResult)await api.Decide(plain.Request, default)).StatusCode);
        Assert.Empty(await host.Get<ScreeningStore>().DecisionsAsync(key, default));

        var ok = Signed("dana@example.org", $$"""{"recordKey":"{{key}}","decision":"exclude","reason":"animal","note":"pigs"}""");
        var created = (ObjectResult)await api.Decide(ok.Request, default);
        Assert.Equal(201, created.StatusCode);
        Assert.False(string.IsNullOrEmpty(ok.Response.Headers.ETag));
        var stored = (await host.Get<ScreeningStore>().DecisionsAsync(key, default)).Single().Decision;
        Assert.Equal(("dana@example.org", Verdict.Exclude, "animal"), (stored.Reviewer, stored.Verdict, stored.Reason));
    }

    /// <summary>A request as App Service authentication passes it on: the principal as base64 JSON in a header it sets itself.</summary>
    private static DefaultHttpContext Signed(string name, string? body = null)
    {
        var context = new DefaultHttpContext();
        var principal = $$"""{"auth_typ":"aad","name_typ":"preferred_username","role_typ":"roles","claims":[{"typ":"preferred_username","val":"{{name}}"}]}""";
        context.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(principal));
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            context.Request.ContentType = "application/json";
        }
        return context;
    }
}
