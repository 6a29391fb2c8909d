using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SpineReview.Web;

/// <summary>One request as a page handler sees it: the person, the services, the query and form, and ways to answer.</summary>
public sealed class WebContext
{
    private IFormCollection? _form;

    internal WebContext(HttpContext http, IServiceProvider services, WebUser? user, bool localSignIn)
    {
        Http = http;
        Services = services;
        User = user;
        LocalSignIn = localSignIn;
    }

    /// <summary>The ASP.NET Core request.</summary>
    public HttpContext Http { get; }
    /// <summary>The host's services.</summary>
    public IServiceProvider Services { get; }
    /// <summary>The signed-in person, or null.</summary>
    public WebUser? User { get; }
    /// <summary>Whether the local sign-in is in use (spine-review serve).</summary>
    public bool LocalSignIn { get; }
    /// <summary>The signed-in person's name (routes that need a role always have one).</summary>
    public string Me => User?.Name ?? throw new InvalidOperationException("This page needs a signed-in person.");
    /// <summary>The request path.</summary>
    public string Path => Http.Request.Path.Value is { Length: > 0 } p ? p : "/";
    /// <summary>Cancelled when the browser goes away.</summary>
    public CancellationToken Cancellation => Http.RequestAborted;
    /// <summary>The small script asks for a part of a page (the next record) rather than a whole page.</summary>
    public bool Fragment => Http.Request.Headers["X-Fragment"] == "1";

    /// <summary>A service of the host.</summary>
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A query-string value, or null.</summary>
    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v.ToString() : null;

    /// <summary>A posted form field, or null.</summary>
    public async Task<string?> FormAsync(string name)
    {
        _form ??= Http.Request.HasFormContentType ? await Http.Request.ReadFormAsync(Cancellation) : FormCollection.Empty;
        return _form.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v.ToString() : null;
    }

    /// <summary>Every value of a posted form field (a multi-valued field such as checkboxes).</summary>
    public async Task<IReadOnlyList<string>> FormValuesAsync(string name)
    {
        _form ??= Http.Request.HasFormContentType ? await Http.Request.ReadFormAsync(Cancellation) : FormCollection.Empty;
        return _form.TryGetValue(name, out var v) ? v.Where(s => s is not null).Select(s => s!).ToList() : [];
    }

    /// <summary>An uploaded file of a multipart form, or null when none was sent under <paramref name="name"/>.</summary>
    public async Task<IFormFile?> UploadAsync(string name)
    {
        _form ??= Http.Request.HasFormContentType ? await Http.Request.ReadFormAsync(Cancellation) : FormCollection.Empty;
        return _form.Files.GetFile(name);
    }

    /// <summary>The anti-forgery form field's name and this request's token (its cookie half is set on the response).</summary>
    public (string Field, string Value) AntiforgeryToken()
    {
        var tokens = Get<IAntiforgery>().GetAndStoreTokens(Http);
        return (tokens.FormFieldName, tokens.RequestToken ?? "");
    }

    /// <summary>Answers with HTML.</summary>
    public Task HtmlAsync(string html, int status = StatusCodes.Status200OK)
    {
        Http.Response.StatusCode = status;
        Http.Response.ContentType = "text/html; charset=utf-8";
        return Http.Response.WriteAsync(html, Encoding.UTF8, Cancellation);
    }

    /// <summary>Sends the browser to <paramref name="path"/> (303: the form's POST becomes a GET there).</summary>
    public Task RedirectAsync(string path)
    {
        Http.Response.StatusCode = StatusCodes.Status303SeeOther;
        Http.Response.Headers.Location = path;
        return Task.CompletedTask;
    }

    /// <summary>Answers with a file to download.</summary>
    public async Task FileAsync(byte[] bytes, string contentType, string fileName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Http.Response.ContentType = contentType;
        Http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await Http.Response.Body.WriteAsync(bytes, Cancellation);
    }
}
