metadata description = 'Storage account with the tables, queues and containers SpineReview uses, and the container the Flex Consumption plan deploys the app package from. Shared-key access is off: everything signs in with Microsoft Entra ID.'

@description('Required. Storage account name (3-24 lower-case letters and digits, unique in Azure).')
@minLength(3)
@maxLength(24)
param name string

@description('Required. Azure region.')
param location string

@description('Required. Prefix of every table, queue and container name (setting Storage__Prefix).')
param prefix string

@description('Required. Table names after the prefix (shared/Storage/StorageNames.cs).')
param tables string[]

@description('Required. Queue names after the prefix, with their hyphen.')
param queues string[]

@description('Required. Blob container names after the prefix, with their hyphen.')
param containers string[]

@description('Optional. Days a deleted or overwritten blob, and a deleted container, can be restored.')
@minValue(1)
@maxValue(365)
param softDeleteDays int = 30

@description('Optional. Days older versions of the model and app-package blobs are kept (report versions are kept for good).')
@minValue(1)
param noncurrentVersionDays int = 30

@description('Required. Resource id of the identity that gets the blob, queue and table data roles (names the role assignments).')
param dataIdentityId string

@description('Required. Principal id of that identity.')
param dataPrincipalId string

@description('Required. Resource id of the Log Analytics workspace the diagnostic logs and metrics go to.')
param workspaceId string

@description('Optional. Tags for every resource.')
param tags object = {}

// The Flex Consumption plan reads the app package from here with the app's identity.
var packageContainer = 'app-package'

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // No account keys and no SAS signed with them: the app, the Functions host and the deployment all use tokens.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    // Report versions (<prefix>-reports) must survive a mistaken delete or overwrite: keep every version and
    // let a deleted blob or container be restored for softDeleteDays.
    isVersioningEnabled: true
    deleteRetentionPolicy: { enabled: true, days: softDeleteDays }
    containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for c in concat(map(containers, c => '${prefix}${c}'), [packageContainer]): {
    parent: blobService
    name: c
    properties: { publicAccess: 'None' }
  }
]

// Versioning is account-wide; the screening model's latest.json and the app package are overwritten often, so their
// old versions go after noncurrentVersionDays. Reports and the raw archive keep theirs.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-old-versions-of-rewritten-blobs'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${prefix}-models/', '${packageContainer}/']
            }
            actions: {
              version: { delete: { daysAfterCreationGreaterThan: noncurrentVersionDays } }
            }
          }
        }
      ]
    }
  }
  dependsOn: [blobService]
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource storageQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = [
  for q in queues: {
    parent: queueService
    name: '${prefix}${q}'
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for t in tables: {
    parent: tableService
    name: '${prefix}${t}'
  }
]

// Diagnostic settings: each service's writes and deletes (who changed what) and every service's transaction metrics.
// Reads are left out: most of them are the Functions host's timer leases and the app's reads of every row for ranking and the
// report (docs/deployment.md; the queues are no longer polled by triggers), and the Transaction metric counts them by API name anyway.
var storageDiagnostics = {
  workspaceId: workspaceId
  logs: [
    { category: 'StorageWrite', enabled: true }
    { category: 'StorageDelete', enabled: true }
  ]
  metrics: [{ category: 'Transaction', enabled: true }]
}

resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: storageDiagnostics
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: storageDiagnostics
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: storageDiagnostics
}

// Data-plane roles, no control-plane ones: blobs (reports, raw archive, models, app package; Owner because the
// Functions host takes blob leases for its timers), queues (the stages), tables (records, screening, extraction).
var dataRoles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource dataRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(dataRoles): {
    name: guid(account.id, dataIdentityId, role.value)
    scope: account
    properties: {
      principalId: dataPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
      description: 'SpineReview app: ${role.key}'
    }
  }
]

@description('Storage account name.')
output name string = account.name

@description('Blob endpoint.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue endpoint.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table endpoint.')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('URL of the container the app package is deployed from.')
output packageContainerUrl string = '${account.properties.primaryEndpoints.blob}${packageContainer}'

@description('Tables created.')
output tables string[] = [for (t, i) in tables: storageTables[i].name]

@description('Queues created.')
output queues string[] = [for (q, i) in queues: storageQueues[i].name]

@description('Blob containers created (the last one holds the app package).')
output containers string[] = [for (c, i) in concat(containers, [packageContainer]): blobContainers[i].name]
