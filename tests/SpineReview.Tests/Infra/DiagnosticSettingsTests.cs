using System.Text.Json;
using Xunit;

namespace SpineReview.Tests.Infra;

/// <summary>infra/main.bicep sends the platform's logs and metrics of the Function App, the storage services and Key Vault to the Log Analytics workspace.</summary>
public class DiagnosticSettingsTests
{
    private static IEnumerable<JsonElement> Items(JsonElement resources) =>
        resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray();

    /// <summary>Each module's diagnostic settings: the resource type they are scoped to, and their properties with a variable resolved.</summary>
    private static List<(string Module, string ScopeType, JsonElement Properties, string WorkspaceArgument)> Settings()
    {
        var found = new List<(string, string, JsonElement, string)>();
        foreach (var module in Items(Bicep.MainTemplate.GetProperty("resources")).Where(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"))
        {
            var name = module.GetProperty("name").GetString()!;
            var properties = module.GetProperty("properties");
            var template = properties.GetProperty("template");
            foreach (var setting in Items(template.GetProperty("resources")).Where(r => r.GetProperty("type").GetString() == "Microsoft.Insights/diagnosticSettings"))
            {
                var scope = setting.GetProperty("scope").GetString()!;
                var scopeType = scope[(scope.IndexOf('\'', StringComparison.Ordinal) + 1)..scope.IndexOf('\'', scope.IndexOf('\'', StringComparison.Ordinal) + 1)];
                var settingProperties = setting.GetProperty("properties");
                if (settingProperties.ValueKind == JsonValueKind.String && settingProperties.GetString()!.StartsWith("[variables('", StringComparison.Ordinal))
                    settingProperties = template.GetProperty("variables").GetProperty(settingProperties.GetString()!["[variables('".Length..^"')]".Length]);
                var workspace = properties.GetProperty("parameters").TryGetProperty("workspaceId", out var w) ? w.GetProperty("value").GetString()! : "";
                found.Add((name, scopeType, settingProperties, workspace));
            }
        }
        return found;
    }

    [Theory]
    [InlineData("Microsoft.Web/sites")]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices")]
    [InlineData("Microsoft.Storage/storageAccounts/queueServices")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices")]
    [InlineData("Microsoft.KeyVault/vaults")]
    public void DiagnosticSettings_Resource_SendsLogsAndMetricsToTheWorkspace(string type)
    {
        var (module, _, properties, workspace) = Assert.Single(Settings(), s => s.ScopeType == type);
        Assert.Equal("[parameters('workspaceId')]", properties.GetProperty("workspaceId").GetString());
        // main.bicep hands every module the monitoring module's workspace, not a workspace of its own.
        Assert.True(workspace.Contains("'monitoring'", StringComparison.Ordinal) && workspace.EndsWith(".outputs.workspaceId.value]", StringComparison.Ordinal),
            $"module {module} gets workspaceId {workspace}, not the monitoring module's output");
        Assert.Contains(properties.GetProperty("logs").EnumerateArray(), l => l.GetProperty("enabled").GetBoolean());
        Assert.Contains(properties.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("enabled").GetBoolean());
    }
}
