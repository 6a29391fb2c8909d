using Microsoft.Extensions.Configuration;
using SpineReview.Configuration;
using Xunit;
using SpineReview.Sources;

namespace SpineReview.Tests.Infra;

public class KeyVaultReferenceTests
{
    [Fact]
    public void TreatUnresolvedAsUnset_UnresolvedReference_ReadsAsEmptyAndIsNamed()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PubMed:ApiKey"] = "@Microsoft.KeyVault(SecretUri=https://kv-spine.vault.azure.net/secrets/ncbi-api-key/)",
            ["Ieee:ApiKey"] = " @microsoft.keyvault(VaultName=kv-spine;SecretName=ieee-api-key)",
            ["OpenAlex:ApiKey"] = "resolved-value",
            ["PubMed:Email"] = "team@example.org",
        });

        var unresolved = KeyVaultReferences.TreatUnresolvedAsUnset(configuration);

        Assert.Equal(["Ieee:ApiKey", "PubMed:ApiKey"], unresolved);
        Assert.Equal("", configuration["PubMed:ApiKey"]);
        Assert.Equal("", configuration["Ieee:ApiKey"]);
        Assert.Equal("resolved-value", configuration["OpenAlex:ApiKey"]);
        Assert.Equal("team@example.org", configuration["PubMed:Email"]);
    }

    [Fact]
    public void TreatUnresolvedAsUnset_NoReferences_AddsNothing()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["PubMed:ApiKey"] = "key" });
        var sources = configuration.Sources.Count;

        Assert.Empty(KeyVaultReferences.TreatUnresolvedAsUnset(configuration));
        Assert.Equal(sources, configuration.Sources.Count);
    }

    [Fact]
    public void UnresolvedKey_BindsToOptionsAsNoKey()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PubMed:ApiKey"] = "@Microsoft.KeyVault(SecretUri=https://kv-spine.vault.azure.net/secrets/ncbi-api-key/)",
        });
        KeyVaultReferences.TreatUnresolvedAsUnset(configuration);

        var options = configuration.GetSection(PubMedOptions.Section).Get<PubMedOptions>()!;

        // No key: NCBI's 3 requests a second, not a rejected key.
        Assert.Equal(3, options.RequestsPerSecond);
    }
}
