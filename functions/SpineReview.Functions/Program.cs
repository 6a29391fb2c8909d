using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SpineReview;
using SpineReview.Configuration;
using SpineReview.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
var unresolvedSecrets = KeyVaultReferences.TreatUnresolvedAsUnset(builder.Configuration);
builder.Services.AddSpineReview(builder.Configuration).AddSpineReviewTelemetry(builder.Configuration);
var app = builder.Build();
UnresolvedSecrets.Warn(app, unresolvedSecrets);
app.Run();
