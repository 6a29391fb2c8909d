using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpineReview.Configuration;
using SpineReview.Functions;
using Xunit;

namespace SpineReview.Tests.Functions;

/// <summary>The Functions host's start-up names the Key Vault references it could not resolve, once, as Program.cs does.</summary>
public class UnresolvedSecretsTests
{
    private sealed class Warnings : ILoggerProvider
    {
        public List<(string Category, string Text)> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(Warnings owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) lock (owner.Lines) owner.Lines.Add((category, formatter(state, exception)));
            }
        }
    }

    private static (IHost Host, Warnings Warnings, IReadOnlyList<string> Unresolved) Start(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        var unresolved = KeyVaultReferences.TreatUnresolvedAsUnset(builder.Configuration);
        var warnings = new Warnings();
        builder.Services.AddLogging(l => l.AddProvider(warnings));
        return (builder.Build(), warnings, unresolved);
    }

    [Fact]
    public void Warn_UnresolvedReferences_OneWarningNamingTheSettingsNotTheirValues()
    {
        var (host, warnings, unresolved) = Start(new()
        {
            ["PubMed:ApiKey"] = "@Microsoft.KeyVault(SecretUri=https://kv-spine.vault.azure.net/secrets/ncbi-api-key/)",
            ["Smtp:Password"] = "@Microsoft.KeyVault(SecretUri=https://kv-spine.vault.azure.net/secrets/smtp-password/)",
            ["OpenAlex:ApiKey"] = "resolved-value",
        });
        using (host) UnresolvedSecrets.Warn(host, unresolved);

        var (category, text) = Assert.Single(warnings.Lines);
        Assert.Equal("SpineReview.Configuration", category);
        Assert.Contains("PubMed:ApiKey, Smtp:Password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("kv-spine", text, StringComparison.Ordinal);
        Assert.DoesNotContain("resolved-value", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Warn_EverythingResolved_SaysNothing()
    {
        var (host, warnings, unresolved) = Start(new() { ["PubMed:ApiKey"] = "resolved-value" });
        using (host) UnresolvedSecrets.Warn(host, unresolved);
        Assert.Empty(warnings.Lines);
    }
}
