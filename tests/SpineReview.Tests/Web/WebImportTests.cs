using System.Net;
using System.Net.Http.Headers;
using SpineReview.Records;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Web;

/// <summary>The admin's upload of a database export over real Kestrel and Azurite: admins only, anti-forgery, the import
/// command's checks and messages, and the size limit, each refusal storing nothing.</summary>
public sealed class WebImportTests
{
    private static MultipartFormDataContent Upload(string? token, byte[] file, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        if (token is not null) form.Add(new StringContent(token), "__RequestVerificationToken");
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-research-info-systems");
        form.Add(content, "file", "embase-ovid.ris");
        return form;
    }

    private static readonly (string, string)[] Fields = [("source", "embase-ovid"), ("database", "Embase"), ("platform", "Ovid"), ("searched", "2026-10-30")];

    private static async Task<int> StoredAsync(WebServer web)
    {
        var n = 0;
        await foreach (var r in web.Host.Get<RecordStore>().ListAsync(default)) if (r.Record.Source == "embase-ovid") n++;
        return n;
    }

    [Fact]
    public async Task Import_DeclaredLargerThanTheLimit_413BeforeTheBodyIsRead()
    {
        await using var host = TestHost.Create(settings: new Dictionary<string, string?> { ["Screening:TrustIdentityHeaders"] = "true", ["Web:Admins"] = "root@example.org" });
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = host.Services };
        http.Request.Method = "POST";
        http.Request.Path = "/manage/import";
        http.Request.Headers[SpineReview.Web.PlatformPrincipal.NameHeader] = "root@example.org";
        http.Request.ContentType = "multipart/form-data; boundary=x";
        http.Request.ContentLength = SpineReview.Web.Pages.ImportPage.MaxBytes + 1;
        // A body that fails if read: the refusal must come from the declared length alone.
        http.Request.Body = new UnreadableStream();
        http.Response.Body = new MemoryStream();
        await SpineReview.Web.WebApp.RunAsync(http, SpineReview.Web.WebApp.Route("AdminImport"), host.Services);
        Assert.Equal(413, http.Response.StatusCode);
        Assert.Contains("at most 64 MB", System.Text.Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()), StringComparison.Ordinal);
    }

    private sealed class Endless(long length) : Stream
    {
        private long _left = length;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            Array.Fill(buffer, (byte)'A', offset, n);
            _left -= n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Upload_OverTheLimitWithoutADeclaredLength_TooLarge_NothingStored()
    {
        await using var web = await WebServer.StartAsync();
        var root = await web.SignedInAsync("root");
        var token = await WebServer.TokenAsync(root, "/manage/import");
        var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        foreach (var (name, value) in Fields) form.Add(new StringContent(value), name);
        var file = new StreamContent(new Endless(SpineReview.Web.Pages.ImportPage.MaxBytes + 1024 * 1024));
        form.Add(file, "file", "big.ris");
        var request = new HttpRequestMessage(HttpMethod.Post, "/manage/import") { Content = form };
        request.Headers.TransferEncodingChunked = true;
        var answer = await root.SendAsync(request);
        var text = await answer.Content.ReadAsStringAsync();
        // Kestrel stops reading at the limit; the person is told the limit, not "something went wrong".
        Assert.True((int)answer.StatusCode == 413, $"{(int)answer.StatusCode}: {text[..Math.Min(600, text.Length)]}");
        Assert.Contains("at most 64 MB and nothing was stored", text, StringComparison.Ordinal);
        Assert.Equal(0, await StoredAsync(web));
    }

    private sealed class UnreadableStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("the body was read");
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new InvalidOperationException("the body was read");
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new InvalidOperationException("the body was read");
    }

    [Fact]
    public async Task Import_RefusedForReviewersWithoutTokenBadRequestOrTooLarge_NothingStored_AdminsImport()
    {
        await using var web = await WebServer.StartAsync();
        var ris = await File.ReadAllBytesAsync(Path.Combine(TestPaths.RepoRoot, "samples", "import", "embase-ovid.ris"));
        var ana = await web.SignedInAsync("ana");
        Assert.Equal(HttpStatusCode.Forbidden, (await ana.GetAsync("/manage/import")).StatusCode);
        var anasToken = await WebServer.TokenAsync(ana, "/screening");
        Assert.Equal(HttpStatusCode.Forbidden, (await ana.PostAsync("/manage/import", Upload(anasToken, ris, Fields))).StatusCode);

        var root = await web.SignedInAsync("root");
        Assert.Equal(HttpStatusCode.BadRequest, (await root.PostAsync("/manage/import", Upload(null, ris, Fields))).StatusCode);
        var token = await WebServer.TokenAsync(root, "/manage/import");

        // The import command's own checks, in its words.
        async Task<string> RefusedAsync(HttpStatusCode status, HttpContent content)
        {
            var answer = await root.PostAsync("/manage/import", content);
            var text = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == status, $"{answer.StatusCode}: {text}");
            return WebUtility.HtmlDecode(text);
        }
        Assert.Contains("is in the future", await RefusedAsync(HttpStatusCode.BadRequest, Upload(token, ris, ("source", "embase-ovid"), ("database", "Embase"), ("platform", "Ovid"), ("searched", "2999-01-01"))), StringComparison.Ordinal);
        Assert.Contains("is taken by a source searched through its API", await RefusedAsync(HttpStatusCode.BadRequest, Upload(token, ris, ("source", "pubmed"), ("database", "Embase"), ("platform", "Ovid"), ("searched", "2026-10-30"))), StringComparison.Ordinal);
        Assert.Contains("The platform is needed: the platform it was searched on", await RefusedAsync(HttpStatusCode.BadRequest, Upload(token, ris, ("source", "embase-ovid"), ("database", "Embase"), ("platform", " "), ("searched", "2026-10-30"))), StringComparison.Ordinal);
        Assert.Contains("is not an export this reads", await RefusedAsync(HttpStatusCode.BadRequest, Upload(token, "just some notes\n"u8.ToArray(), Fields)), StringComparison.Ordinal);

        Assert.Equal(0, await StoredAsync(web));

        var done = await RefusedAsync(HttpStatusCode.OK, Upload(token, ris, Fields));
        Assert.Contains("is imported as a search of Embase (Ovid)", done, StringComparison.Ordinal);
        Assert.True(await StoredAsync(web) > 0);
    }
}
