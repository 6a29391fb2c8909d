metadata description = 'Function App on the Flex Consumption plan (dotnet-isolated 10.0) signing in to storage with a user-assigned managed identity.'

@description('Required. Function App name.')
param name string

@description('Required. Azure region.')
param location string

@description('Required. Resource id of the user-assigned managed identity.')
param identityId string

@description('Required. Client id of the user-assigned managed identity.')
param identityClientId string

@description('Required. Blob container URL the app package is deployed from.')
param deploymentContainerUrl string

@description('Required. App settings, the same names the code reads.')
param appSettings object

@description('Optional. Tags for every resource.')
param tags object = {}

@description('Optional. Maximum instances the plan may scale out to.')
param maximumInstanceCount int = 10

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
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
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: 2048 }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(appSettings, { AzureWebJobsStorage__clientId: identityClientId })
}

@description('The app URL.')
output url string = 'https://${app.properties.defaultHostName}'

@description('The app name.')
output name string = app.name
