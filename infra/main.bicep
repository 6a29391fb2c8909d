metadata description = 'SpineReview: storage and the Function App that keeps the living review current. Deploy with az deployment group create.'

targetScope = 'resourceGroup'

@description('Optional. Short environment name used in resource names (e.g. dev, prod).')
@maxLength(8)
param environmentName string = 'dev'

@description('Optional. Azure region; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Optional. Prefix of every table, queue and container name (setting Storage__Prefix).')
param storagePrefix string = 'spine'

@description('Optional. Contact address NCBI may write to about heavy use (setting PubMed__Email).')
param pubmedEmail string = ''

@description('Optional. NCRONTAB schedule of the PubMed harvest (setting Schedules__HarvestPubMed).')
param harvestSchedule string = '0 0 3 * * *'

@description('Optional. NCRONTAB schedules of the other sources\' harvests (settings Schedules__HarvestIeee, __HarvestEuropePmc, __HarvestArxiv, __HarvestOpenAlex).')
param sourceSchedules object = {
  ieee: '0 10 3 * * *'
  europepmc: '0 20 3 * * *'
  arxiv: '0 30 3 * * *'
  openalex: '0 40 3 * * *'
}

@description('Optional. Contact address for the OpenAlex and Crossref polite pools and Europe PMC (settings OpenAlex__Email, Crossref__Email, EuropePmc__Email).')
param contactEmail string = ''

@description('Optional. NCRONTAB schedule of the report regeneration (setting Schedules__RegenerateReport).')
param reportSchedule string = '0 30 4 * * *'

@description('Optional. Tags for every resource.')
param tags object = {}

var suffix = uniqueString(resourceGroup().id, environmentName)
var storageName = take('spine${environmentName}${suffix}', 24)
var appName = 'func-spine-${environmentName}-${suffix}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-spine-${environmentName}-${suffix}'
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageName
    location: location
    prefix: storagePrefix
    tags: tags
  }
}

// Data-plane roles for the app's identity: blobs (reports, raw archive, app package), queues (stages), tables (records).
var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageName
  dependsOn: [storage]
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(roles): {
  name: guid(storageAccount.id, identity.id, role.value)
  scope: storageAccount
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
  }
}]

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: appName
    location: location
    identityId: identity.id
    identityClientId: identity.properties.clientId
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    tags: tags
    appSettings: {
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
      AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
      AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
      Storage__Prefix: storagePrefix
      PubMed__Email: pubmedEmail
      Schedules__HarvestPubMed: harvestSchedule
      Schedules__RegenerateReport: reportSchedule
      Schedules__RankScreening: '0 */15 * * * *'
      Schedules__ReextractStudies: '0 0 4 * * *'
      Screening__ReviewersPerRecord: '2'
      Screening__AutoExclude: 'false'
      Schedules__HarvestIeee: sourceSchedules.ieee
      Schedules__HarvestEuropePmc: sourceSchedules.europepmc
      Schedules__HarvestArxiv: sourceSchedules.arxiv
      Schedules__HarvestOpenAlex: sourceSchedules.openalex
      OpenAlex__Email: contactEmail
      Crossref__Email: contactEmail
      EuropePmc__Email: contactEmail
    }
  }
  dependsOn: [roleAssignments]
}

@description('The Function App URL; the latest report is at /api/reports/latest.')
output appUrl string = functionApp.outputs.url

@description('The storage account name.')
output storageAccountName string = storage.outputs.name
