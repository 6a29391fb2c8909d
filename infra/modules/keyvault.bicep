metadata description = 'Key Vault (RBAC, soft delete, optional purge protection) for the source API keys and SMTP credentials. The app reads secrets only through Key Vault references in its app settings, resolved with its user-assigned identity.'

@description('Required. Key Vault name (3-24 letters, digits and hyphens, unique in Azure).')
@minLength(3)
@maxLength(24)
param name string

@description('Required. Azure region.')
param location string

@description('Required. Resource id of the app\'s identity (role Key Vault Secrets User: read secret values).')
param readerIdentityId string

@description('Required. Principal id of that identity.')
param readerPrincipalId string

@description('Optional. Object id of a person or group who puts the secrets in (role Key Vault Secrets Officer); empty for none.')
param officerPrincipalId string = ''

@description('Optional. Purge protection: a deleted vault or secret cannot be purged before the retention ends. It cannot be turned off again.')
param purgeProtection bool = true

@description('Optional. Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteDays int = 90

@description('Required. Names of the secrets the app settings refer to.')
param secretNames string[]

@description('Optional. Secret values to store now, by secret name; a name without a value is left as it is (put it in later with az keyvault secret set).')
@secure()
param secretValues object = {}

@description('Required. Resource id of the Log Analytics workspace the diagnostic logs and metrics go to.')
param workspaceId string

@description('Optional. Tags for every resource.')
param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteDays
    // The service rejects false here: leave it out rather than turn it off.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

// Only values given now are written, so that a later deployment without them keeps what was put in by hand.
resource secrets 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = [
  for secret in secretNames: if (!empty(secretValues[?secret] ?? '')) {
    parent: vault
    name: secret
    properties: { value: secretValues[?secret] ?? '', contentType: 'text/plain' }
  }
]

var roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerIdentityId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    description: 'SpineReview app: read the secrets its app settings refer to'
  }
}

resource officer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(officerPrincipalId)) {
  name: guid(vault.id, officerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: officerPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    description: 'SpineReview administrator: put in the API keys and SMTP credentials'
  }
}

// Every access to the vault (AuditEvent: who read or changed which secret) and its metrics.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

@description('Key Vault name.')
output name string = vault.name

@description('Key Vault URI, ending in a slash.')
output uri string = vault.properties.vaultUri
