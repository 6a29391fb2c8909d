metadata description = 'Function App on the Flex Consumption plan (dotnet-isolated 10.0) that signs in to storage, Key Vault and Application Insights with one user-assigned managed identity; optional App Service authentication with Microsoft Entra ID.'

@description('Required. Function App name (also the start of its host name).')
param name string

@description('Required. Azure region.')
param location string

@description('Required. Resource id of the user-assigned managed identity.')
param identityId string

@description('Required. Blob container URL the app package is deployed from.')
param packageContainerUrl string

@description('Required. App settings, the names the code reads (checked by tests/SpineReview.Tests/Infra).')
param appSettings object

@description('Optional. App settings that replace or add to appSettings (no secrets: those belong in Key Vault).')
param appSettingOverrides object = {}

@description('Optional. Most instances the app may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 10

@description('Optional. Memory of each instance in MB (512, 2048 or 4096); billing is per GB-second of this size.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Optional. Turn on App Service authentication with Microsoft Entra ID. Reviewers sign in; public routes stay open.')
param enableAuthentication bool = false

@description('Optional. Application (client) id of the Entra app registration that reviewers sign in to; required with enableAuthentication.')
param authClientId string = ''

@description('Optional. Entra tenant id the reviewers belong to.')
param authTenantId string = tenant().tenantId

@description('Required. Resource id of the Log Analytics workspace the diagnostic logs and metrics go to.')
param workspaceId string

@description('Optional. Tags for every resource.')
param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references in the app settings are resolved with this identity, not a system-assigned one.
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: packageContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: instanceMemoryMB }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: app
  name: 'appsettings'
  properties: union(appSettings, appSettingOverrides)
}

// Deployments sign in with Entra ID; publishing user names and passwords are switched off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

// The screening and extraction routes believe the X-MS-CLIENT-PRINCIPAL headers only when WEBSITE_AUTH_ENABLED is True,
// which this sets. Unauthenticated requests still reach the app (AllowAnonymous): the report, the exports and the
// subscription links are public, and the signed-in routes answer 401 themselves.
resource auth 'Microsoft.Web/sites/config@2024-11-01' = if (enableAuthentication) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: { requireHttps: true }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
          clientId: authClientId
        }
        validation: {
          allowedAudiences: ['api://${authClientId}', authClientId]
        }
      }
    }
    // No token store: it needs a file share or a SAS URL, and the routes read only the principal headers.
    login: { tokenStore: { enabled: false } }
  }
  dependsOn: [settings]
}

// The platform's logs of the app (function executions, sign-ins through App Service authentication) and its metrics;
// the app's own telemetry goes to Application Insights in the same workspace.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: app
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

@description('The app URL.')
output url string = 'https://${app.properties.defaultHostName}'

@description('The app name.')
output name string = app.name
