using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpineReview;
using SpineReview.Configuration;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
var missingSecrets = KeyVaultReferences.TreatUnresolvedAsUnset(builder.Configuration);
builder.Services.AddSpineReview(builder.Configuration);
var app = builder.Build();
if (missingSecrets.Count > 0)
    app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SpineReview.Configuration").LogWarning(
        "Key Vault references not resolved, so these settings read as not set: {Settings}. Put the secrets into the vault (README, Deployment) and restart the app.",
        string.Join(", ", missingSecrets));
app.Run();
