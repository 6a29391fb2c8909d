using Microsoft.Extensions.Configuration;

namespace SpineReview.Configuration;

/// <summary>
/// App Service resolves app settings of the form <c>@Microsoft.KeyVault(SecretUri=...)</c> from Key Vault before the app
/// starts; one it cannot resolve (the secret is not in the vault yet, or access is missing) reaches the app as that text.
/// Such a setting is read as not set, so that a key not yet put in the vault is never sent to an API as the key.
/// </summary>
public static class KeyVaultReferences
{
    /// <summary>How every Key Vault reference starts.</summary>
    public const string Marker = "@Microsoft.KeyVault(";

    /// <summary>Whether a setting's value is a Key Vault reference that was not resolved.</summary>
    public static bool IsUnresolved(string? value) =>
        value is not null && value.TrimStart().StartsWith(Marker, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Adds a last configuration source that sets every unresolved reference to empty; returns those settings' names
    /// (configuration keys, never values) so that the host can say which secrets are missing.
    /// </summary>
    public static IReadOnlyList<string> TreatUnresolvedAsUnset(IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var unresolved = configuration.AsEnumerable()
            .Where(kv => IsUnresolved(kv.Value))
            .Select(kv => kv.Key)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (unresolved.Count > 0)
            configuration.AddInMemoryCollection(unresolved.Select(key => new KeyValuePair<string, string?>(key, "")));
        return unresolved;
    }
}
