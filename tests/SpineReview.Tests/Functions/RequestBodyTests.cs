using System.Text;
using Microsoft.AspNetCore.Http;
using SpineReview.Alerts;
using SpineReview.Extraction;
using SpineReview.Functions.Http;
using SpineReview.Screening.People;
using SpineReview.Web;
using Xunit;

namespace SpineReview.Tests.Functions;

/// <summary>The HTTP routes' request bodies, read into their models in shared/ through each feature's JSON context: what is accepted, and what a refusal says.</summary>
public class RequestBodyTests
{
    private static MemoryStream Body(string json) => new(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task SubscriptionRequest_FieldNamesInAnyCase_OneFilterValueOrAList()
    {
        var r = await SubscriptionRequest.ReadJsonAsync(Body("""{"EMAIL": "jane@example.org", "Modality": "MRI", "region": ["Lumbar", "Sacral"], "task": null, "frequency": "weekly"}"""), null, default);
        Assert.Equal(("jane@example.org", "weekly"), (r.Email, r.Frequency));
        Assert.Equal(["MRI"], r.Modality!);
        Assert.Equal(["Lumbar", "Sacral"], r.Region!);
        Assert.Null(r.Task);
        Assert.Null(r.Condition);
    }

    [Theory]
    [InlineData("email=jane@example.org", "the body is not JSON; send {\"email\"")]
    [InlineData("", "the body is not JSON")]
    [InlineData("{\"email\": \"a@example.org\", \"name\": }", "the body is not JSON")]
    [InlineData("[{\"email\": \"a@example.org\"}]", "the body must be one JSON object; send")]
    [InlineData("null", "the body must be one JSON object")]
    [InlineData("{\"email\": 7}", "\"email\" must be a string")]
    [InlineData("{\"Frequency\": [\"daily\"]}", "\"frequency\" must be a string")]
    [InlineData("{\"region\": [\"Lumbar\", 3]}", "\"region\" must be a list of at most 20 strings, for example [\"MRI\", \"CT\"]")]
    [InlineData("{\"condition\": {\"a\": 1}}", "\"condition\" must be a list of at most 20 strings")]
    [InlineData("{\"email\": \"a@example.org\", \"modalities\": [\"MRI\"]}", "\"modalities\" is not a subscription field; the fields are email, name, modality, region, condition, task, frequency")]
    public async Task SubscriptionRequest_WrongShape_SaysWhatWasWrong(string json, string says)
    {
        var e = await Assert.ThrowsAsync<AlertRejectedException>(() => SubscriptionRequest.ReadJsonAsync(Body(json), null, default));
        Assert.Equal(400, e.Status);
        Assert.StartsWith(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscriptionRequest_MoreThan20ValuesOrTooLarge_Refused()
    {
        var many = string.Join(", ", Enumerable.Range(0, 21).Select(i => $"\"v{i}\""));
        var e = await Assert.ThrowsAsync<AlertRejectedException>(() => SubscriptionRequest.ReadJsonAsync(Body($$"""{"task": [{{many}}]}"""), null, default));
        Assert.StartsWith("\"task\" must be a list of at most 20 strings", e.Message, StringComparison.Ordinal);

        var large = $$"""{"email": "a@example.org", "name": "{{new string('x', 20_000)}}"}""";
        e = await Assert.ThrowsAsync<AlertRejectedException>(() => SubscriptionRequest.ReadJsonAsync(Body(large), null, default));
        Assert.Equal("the body is larger than 16384 bytes; a subscription fits in much less", e.Message);
        e = await Assert.ThrowsAsync<AlertRejectedException>(() => SubscriptionRequest.ReadJsonAsync(Body(large), large.Length, default));
        Assert.Equal($"the body has {large.Length} bytes; a subscription fits in 16384", e.Message);
    }

    [Fact]
    public async Task CorrectionRequest_StringsAndNumbersAsWritten_OtherFieldsIgnored()
    {
        var r = await CorrectionRequest.ReadJsonAsync(Body("""{"Values": ["446", 1200, 3.5], "note": "table 1", "source": "pdf"}"""), default);
        Assert.Equal(["446", "1200", "3.5"], r.Values!);
        Assert.Equal("table 1", r.Note);
        Assert.Empty((await CorrectionRequest.ReadJsonAsync(Body("""{"values": []}"""), default)).Values!);
    }

    [Theory]
    [InlineData("not json", "The body is not JSON (")]
    [InlineData("", "The body is not JSON (")]
    [InlineData("{\"note\": \"x\"}", "Send {\"values\": [\"...\"], \"note\": \"...\"}; an empty list means \"not reported\".")]
    [InlineData("{\"values\": \"MRI\"}", "Send {\"values\": [\"...\"]")]
    [InlineData("{\"values\": [\"MRI\", {\"x\": 1}]}", "Send {\"values\": [\"...\"]")]
    [InlineData("[\"MRI\"]", "Send {\"values\": [\"...\"]")]
    [InlineData("{\"values\": [\"MRI\"], \"note\": 5}", "\"note\" must be text")]
    [InlineData("{\"values\": [\"MRI\"], \"Reviewer\": \"someone.else\"}", "\"reviewer\" cannot be given: the reviewer is whoever is signed in.")]
    public async Task CorrectionRequest_WrongShape_SaysWhatWasWrong(string json, string says)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => CorrectionRequest.ReadJsonAsync(Body(json), default));
        Assert.StartsWith(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecisionRequest_FieldNamesInAnyCase_NullsAllowed()
    {
        var r = await DecisionRequest.ReadJsonAsync(Body("""{"RecordKey": "pubmed:1", "decision": "exclude", "reason": null, "note": "pigs", "client": "web"}"""), default);
        Assert.Equal(new DecisionRequest("pubmed:1", "exclude", null, "pigs"), r with { Unknown = null });
    }

    [Theory]
    [InlineData("{\"recordKey\": ", "the body is not JSON (")]
    [InlineData("\"include\"", "the body must be one JSON object")]
    [InlineData("{\"decision\": true}", "\"decision\" must be a string")]
    [InlineData("{\"recordkey\": 12}", "\"recordKey\" must be a string")]
    [InlineData("{\"decision\": \"include\", \"decidedBy\": \"x\"}", "\"decidedBy\" cannot be given: the reviewer is whoever is signed in")]
    [InlineData("{\"decision\": \"include\", \"USER\": \"x\"}", "\"user\" cannot be given")]
    public async Task DecisionRequest_WrongShape_SaysWhatWasWrong(string json, string says)
    {
        var e = await Assert.ThrowsAsync<DecisionRejectedException>(() => DecisionRequest.ReadJsonAsync(Body(json), default));
        Assert.Equal(400, e.Status);
        Assert.StartsWith(says, e.Message, StringComparison.Ordinal);
    }

    private static HeaderDictionary Principal(string json) => new() { [PlatformPrincipal.PrincipalHeader] = Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) };

    [Theory]
    [InlineData("""{"auth_typ":"aad","name_typ":"name","claims":[{"typ":"name","val":"Dana"},{"typ":"preferred_username","val":" dana@example.org "}]}""", "dana@example.org")]
    [InlineData("""{"name_typ":"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name","claims":[{"typ":"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name","val":"Ben"}]}""", "Ben")]
    [InlineData("""{"claims":[{"typ":"email","val":""},{"typ":"name","val":"Ana"}]}""", "Ana")]
    [InlineData("""{"claims":{"typ":"name","val":"Ana"}}""", null)]
    [InlineData("""{"claims":[{"typ":7,"val":"Ana"}]}""", null)]
    [InlineData("""[1, 2]""", null)]
    public void PlatformPrincipal_ThePrincipalsSignInName_OrNoneWhenMalformed(string principal, string? expected) =>
        Assert.Equal(expected, PlatformPrincipal.Read(Principal(principal))?.Name);

    [Fact]
    public void PlatformPrincipal_PrincipalNotBase64_TheNameHeaderStillCounts()
    {
        var headers = new HeaderDictionary { [PlatformPrincipal.PrincipalHeader] = "not base64 json", [PlatformPrincipal.NameHeader] = "carl@example.org" };
        Assert.Equal("carl@example.org", PlatformPrincipal.Read(headers)?.Name);
    }
}
