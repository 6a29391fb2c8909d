namespace SpineReview.Web.Pages;

/// <summary>The app's one script and one style sheet, embedded in the assembly: nothing is fetched from elsewhere at run time.</summary>
internal static class StaticFiles
{
    private static readonly Dictionary<string, byte[]> Files = new(StringComparer.Ordinal);

    public static async Task ServeAsync(WebContext context, string name, string contentType)
    {
        byte[] bytes;
        lock (Files)
        {
            if (!Files.TryGetValue(name, out bytes!))
            {
                using var stream = typeof(StaticFiles).Assembly.GetManifestResourceStream("SpineReview.Web.Static." + name)
                    ?? throw new KeyNotFoundException($"{name} is not one of the app's files");
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                Files[name] = bytes = copy.ToArray();
            }
        }
        context.Http.Response.ContentType = contentType;
        context.Http.Response.Headers.CacheControl = "no-cache";
        await context.Http.Response.Body.WriteAsync(bytes, context.Cancellation);
    }
}
