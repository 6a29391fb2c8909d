metadata description = 'Log Analytics workspace and workspace-based Application Insights. Local (instrumentation-key) authentication is off: the app sends telemetry with its managed identity.'

@description('Required. Name of the Log Analytics workspace.')
param workspaceName string

@description('Required. Name of the Application Insights component.')
param appInsightsName string

@description('Required. Azure region.')
param location string

@description('Optional. Days logs are kept (31 are included in the ingestion price).')
@minValue(30)
@maxValue(730)
param retentionDays int = 31

@description('Optional. Most GB the workspace ingests a day; -1 for no cap. A cap keeps a logging fault from running up the bill.')
param dailyCapGb int = 1

@description('Required. Resource id of the identity that may publish telemetry (role Monitoring Metrics Publisher).')
param publisherIdentityId string

@description('Required. Principal id of that identity.')
param publisherPrincipalId string

@description('Optional. Tags for every resource.')
param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionDays
    workspaceCapping: { dailyQuotaGb: dailyCapGb }
    features: { disableLocalAuth: true }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Telemetry only with an Entra token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), never with the key alone.
    DisableLocalAuth: true
    IngestionMode: 'LogAnalytics'
  }
}

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, publisherIdentityId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: publisherPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    description: 'SpineReview app: send telemetry'
  }
}

@description('Application Insights connection string (identifies the component; sending still needs an Entra token).')
output connectionString string = appInsights.properties.ConnectionString

@description('Application Insights name.')
output appInsightsName string = appInsights.name

@description('Log Analytics workspace resource id (where the diagnostic settings send logs and metrics).')
output workspaceId string = workspace.id

@description('Log Analytics workspace name.')
output workspaceName string = workspace.name
