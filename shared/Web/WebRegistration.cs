using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Storage;

namespace SpineReview.Web;

/// <summary>Registers the web app: its settings, who is signed in, anti-forgery and the keys that sign both.</summary>
public static class WebRegistration
{
    /// <summary>Adds setting Web, the identity, anti-forgery, and data protection with its key ring in a folder (setting
    /// Web:KeysDirectory) or, when none is set, in a blob shared by every instance.</summary>
    public static IServiceCollection AddWeb(this IServiceCollection services)
    {
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section);
        services.TryAddSingleton<WebIdentity>();
        services.AddDataProtection().SetApplicationName("SpineReview");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            var folder = sp.GetRequiredService<IOptions<WebOptions>>().Value.KeysDirectory;
            o.XmlRepository = string.IsNullOrWhiteSpace(folder)
                ? new BlobKeyRepository(sp.GetRequiredService<StorageClients>())
                : new FileSystemXmlRepository(Directory.CreateDirectory(folder), sp.GetRequiredService<ILoggerFactory>());
        }));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "spine-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Sent over https only: the Function App is https-only (infra: httpsOnly). spine-review serve, which listens on
            // loopback over http, follows the request instead (LocalWebApp).
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.FormFieldName = "__RequestVerificationToken";
            o.HeaderName = "X-CSRF-TOKEN";
            // The pipeline sends X-Frame-Options DENY and frame-ancestors 'none' itself.
            o.SuppressXFrameOptionsHeader = true;
        });
        return services;
    }
}
