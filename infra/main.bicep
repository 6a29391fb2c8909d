metadata description = 'SpineReview: the whole system in one resource group. Storage (no shared keys), a user-assigned managed identity, Key Vault for the API keys, Log Analytics with Application Insights, and the Function App on Flex Consumption. Deploy with: az deployment group create -g <group> --template-file infra/main.bicep --parameters infra/main.prod.bicepparam'

// Settings the code reads that have no place in Azure. The settings test (tests/SpineReview.Tests/Infra) accepts a
// setting that is either in appSettings below or named here.
metadata localOnlySettings = {
  Replay__Directory: 'answers source requests from recorded files; local runs and tests only'
  Screening__Reviewer: 'who screens at a terminal of the command-line host; in Azure the sign-in names the reviewer'
  Screening__RetrainEverySeconds: 'spine-review serve retrains the model beside the requests; in Azure the RankScreening timer (Schedules__RankScreening) does it'
  Web__KeysDirectory: 'spine-review serve keeps the web app\'s signing keys in a folder; in Azure they are a blob in the <prefix>-keys container'
}

targetScope = 'resourceGroup'

@description('Optional. Short environment name used in resource names: lower-case letters and digits (e.g. dev, prod).')
@minLength(1)
@maxLength(8)
param environmentName string = 'dev'

@description('Optional. Azure region; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Optional. Prefix of every table, queue and container name (setting Storage__Prefix): 1-20 lower-case letters or digits, starting with a letter.')
@minLength(1)
@maxLength(20)
param storagePrefix string = 'spine'

@description('Optional. Contact address sent to NCBI, Europe PMC, OpenAlex and Crossref so they can reach you about heavy use (settings PubMed__Email, EuropePmc__Email, OpenAlex__Email, Crossref__Email).')
param contactEmail string = ''

@description('Optional. App settings that replace or add to the ones below, e.g. { Screening__AutoExclude: \'true\', Schedules__HarvestPubMed: \'0 0 2 * * *\' }. Never secrets: those go to Key Vault.')
param appSettingOverrides object = {}

@description('Optional. NCBI E-utilities API key, written to Key Vault as secret ncbi-api-key when given (setting PubMed__ApiKey). Leave empty and put it in the vault by hand instead, if you prefer.')
@secure()
param ncbiApiKey string = ''

@description('Optional. IEEE Xplore API key, written to Key Vault as secret ieee-api-key when given (setting Ieee__ApiKey). Without it the IEEE harvest is skipped.')
@secure()
param ieeeApiKey string = ''

@description('Optional. OpenAlex API key, written to Key Vault as secret openalex-api-key when given (setting OpenAlex__ApiKey).')
@secure()
param openAlexApiKey string = ''

@description('Optional. SMTP server for the e-mail alerts (for Azure Communication Services: smtp.azurecomm.net). Empty: no alert is sent, and the cycle says so.')
param smtpHost string = ''

@description('Optional. SMTP port: 587 with STARTTLS (the default), 465 with SslOnConnect.')
@minValue(1)
@maxValue(65535)
param smtpPort int = 587

@description('Optional. How the SMTP connection is secured: StartTls (default), SslOnConnect, or Auto. None is refused when a user name is set.')
@allowed(['StartTls', 'SslOnConnect', 'Auto', 'None'])
param smtpSecurity string = 'StartTls'

@description('Optional. The sender address of the alert e-mails (for Azure Communication Services, a verified MailFrom address). Required when smtpHost is set.')
param smtpFromAddress string = ''

@description('Optional. Who may list subscribers (GET /api/alerts/subscriptions): sign-in names or e-mail addresses, comma-separated.')
param alertAdmins string = ''

@description('Optional. The public URL of the app, used in the links of the alert e-mails (confirm, unsubscribe, latest report). Empty: https://<app name>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('Optional. SMTP user name for the e-mail alerts, written to Key Vault as secret smtp-username when given.')
@secure()
param smtpUsername string = ''

@description('Optional. SMTP password for the e-mail alerts, written to Key Vault as secret smtp-password when given.')
@secure()
param smtpPassword string = ''

@description('Optional. Object id of the person or group who puts the API keys into Key Vault (role Key Vault Secrets Officer), e.g. from az ad signed-in-user show --query id.')
param keyVaultOfficerObjectId string = ''

@description('Optional. Key Vault purge protection (recommended in production; once on it cannot be turned off, and the vault name stays taken for the retention period after a delete).')
param keyVaultPurgeProtection bool = true

@description('Optional. Who may use the web app\'s reviewer pages (screening, conflicts, charting, duplicates): sign-in names, comma-separated (setting Web__Reviewers).')
param webReviewers string = ''

@description('Optional. Who may use the web app\'s admin page: sign-in names, comma-separated (setting Web__Admins).')
param webAdmins string = ''

@description('Optional. Object id of a Microsoft Entra group whose members are reviewers (setting Web__ReviewerGroup; the app registration must emit the groups claim).')
param webReviewerGroup string = ''

@description('Optional. Object id of a Microsoft Entra group whose members are admins (setting Web__AdminGroup).')
param webAdminGroup string = ''

@description('Optional. Turn on App Service authentication (Microsoft Entra ID) so that reviewers can sign in to the screening and extraction routes. Needs authClientId.')
param enableAuthentication bool = false

@description('Optional. Application (client) id of the Entra app registration reviewers sign in to.')
param authClientId string = ''

@description('Optional. Entra tenant of the reviewers; defaults to the deployment\'s tenant.')
param authTenantId string = tenant().tenantId

@description('Optional. Most instances the Function App may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 10

@description('Optional. Days logs are kept in Log Analytics.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 31

@description('Optional. Most GB of logs ingested a day (-1: no cap).')
param logDailyCapGb int = 1

@description('Optional. Tags for every resource.')
param tags object = {}

var suffix = uniqueString(resourceGroup().id, environmentName)
var names = {
  storage: take('spine${environmentName}${suffix}', 24)
  identity: 'id-spine-${environmentName}-${suffix}'
  app: 'func-spine-${environmentName}-${suffix}'
  keyVault: take('kv-spine-${environmentName}-${suffix}', 24)
  workspace: 'log-spine-${environmentName}-${suffix}'
  appInsights: 'appi-spine-${environmentName}-${suffix}'
}

// Every table, queue and container the code names (shared/Storage/StorageNames.cs), after the prefix. The code also
// creates them when missing; creating them here lets the roles and the lifecycle rule refer to them from the start.
var storageLayout = {
  tables: ['Records', 'Identifiers', 'Screening', 'Extractions', 'SearchLog', 'State', 'Fingerprints', 'DedupPairs', 'ScreeningQueue', 'AlertSubscribers', 'AlertLog']
  queues: ['-screen', '-extract', '-alerts']
  containers: ['-reports', '-raw', '-models', '-locks', '-keys', '-fulltext']
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: names.identity
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    prefix: storagePrefix
    tables: storageLayout.tables
    queues: storageLayout.queues
    containers: storageLayout.containers
    dataIdentityId: identity.id
    dataPrincipalId: identity.properties.principalId
    workspaceId: monitoring.outputs.workspaceId
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    retentionDays: logRetentionDays
    dailyCapGb: logDailyCapGb
    publisherIdentityId: identity.id
    publisherPrincipalId: identity.properties.principalId
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    readerIdentityId: identity.id
    readerPrincipalId: identity.properties.principalId
    officerPrincipalId: keyVaultOfficerObjectId
    purgeProtection: keyVaultPurgeProtection
    workspaceId: monitoring.outputs.workspaceId
    secretNames: ['ncbi-api-key', 'ieee-api-key', 'openalex-api-key', 'smtp-username', 'smtp-password']
    secretValues: {
      'ncbi-api-key': ncbiApiKey
      'ieee-api-key': ieeeApiKey
      'openalex-api-key': openAlexApiKey
      'smtp-username': smtpUsername
      'smtp-password': smtpPassword
    }
    tags: tags
  }
}

// Versionless references with a trailing slash: the app picks up a new secret version within a day, or at a restart.
// A secret not yet in the vault stays an unresolved reference, which the app reads as "not set" (shared/Configuration).
var secrets = '${keyVault.outputs.uri}secrets'

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: names.app
    location: location
    identityId: identity.id
    packageContainerUrl: storage.outputs.packageContainerUrl
    maximumInstanceCount: maximumInstanceCount
    enableAuthentication: enableAuthentication
    authClientId: authClientId
    authTenantId: authTenantId
    workspaceId: monitoring.outputs.workspaceId
    tags: tags
    appSettingOverrides: appSettingOverrides
    // Every setting the code reads, with the code's default unless a parameter sets it (the settings test compares
    // both). Secrets are Key Vault references.
    appSettings: {
      // The Functions host and the app's storage clients: the user-assigned identity, no keys.
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.properties.clientId
      AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
      AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
      AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'

      Storage__Prefix: storagePrefix

      Schedules__HarvestPubMed: '0 0 3 * * *'
      Schedules__HarvestIeee: '0 10 3 * * *'
      Schedules__HarvestEuropePmc: '0 20 3 * * *'
      Schedules__HarvestArxiv: '0 30 3 * * *'
      Schedules__HarvestOpenAlex: '0 40 3 * * *'
      Schedules__SearchCitations: '0 50 3 * * 1'
      Schedules__RefreshStudies: '0 0 5 * * 1'
      Schedules__ReextractStudies: '0 0 4 * * *'
      Schedules__RegenerateReport: '0 30 4 * * *'
      Living__RetireWhen: 'when two consecutive yearly checks find no new eligible study, or when the review team judges the question answered; the last version then says that it is the last'
      Schedules__RankScreening: '0 */15 * * * *'
      Schedules__DrainQueues: '0 5,20,35,50 * * * *'
      Schedules__SendDigests: '0 15 * * * *'

      Screening__ReviewersPerRecord: '2'
      Screening__AutoExclude: 'false'
      Screening__AuditRate: '0.10'
      Screening__AutoExcludeRecall: '0.98'
      Screening__MinIncludesForAutoExclude: '20'
      Screening__HighThreshold: '0.5'
      // App Service authentication says who is signed in; headers are never trusted without it.
      Screening__TrustIdentityHeaders: 'false'

      // The web app: who may use the reviewers' and admins' pages (names, or Entra groups from the sign-in's groups claim).
      Web__Reviewers: webReviewers
      Web__Admins: webAdmins
      Web__ReviewerGroup: webReviewerGroup
      Web__AdminGroup: webAdminGroup

      // E-mail alerts: any SMTP server (Azure Communication Services or another provider); user name and password from Key Vault.
      Alerts__PublicBaseUrl: empty(publicBaseUrl) ? 'https://${names.app}.azurewebsites.net' : publicBaseUrl
      Alerts__IncludeLikelyEligible: 'false'
      Alerts__DailyAt: '07:00'
      Alerts__WeeklyOn: 'Monday'
      Alerts__MaxAttempts: '5'
      Alerts__RetryDelayMinutes: '5'
      Alerts__SendingLeaseMinutes: '15'
      Alerts__ConfirmationValidHours: '72'
      Alerts__ConfirmationIntervalMinutes: '10'
      Alerts__MaxStudiesPerEmail: '50'
      Alerts__SubjectPrefix: '[SpineReview]'
      Alerts__Admins: alertAdmins
      Smtp__Host: smtpHost
      Smtp__Port: string(smtpPort)
      Smtp__Security: smtpSecurity
      Smtp__Username: '@Microsoft.KeyVault(SecretUri=${secrets}/smtp-username/)'
      Smtp__Password: '@Microsoft.KeyVault(SecretUri=${secrets}/smtp-password/)'
      Smtp__FromAddress: smtpFromAddress
      Smtp__FromName: 'SpineReview alerts'
      Smtp__TimeoutSeconds: '30'

      Dedup__MergeTitleSimilarity: '0.93'
      Dedup__ReviewTitleSimilarity: '0.80'
      Dedup__LinkTitleSimilarity: '0.90'
      Dedup__LinkMaxYears: '3'
      Dedup__MaxBlockSize: '400'

      PubMed__Enabled: 'true'
      PubMed__BaseUrl: 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/'
      PubMed__ApiKey: '@Microsoft.KeyVault(SecretUri=${secrets}/ncbi-api-key/)'
      PubMed__Tool: 'spine-review'
      PubMed__Email: contactEmail
      PubMed__Query: ''
      PubMed__BatchSize: '200'
      PubMed__StartDate: '2012-01-01'
      PubMed__MaxRetries: '4'
      PubMed__RetryDelaySeconds: '2'
      PubMed__TimeoutSeconds: '60'

      Ieee__Enabled: 'true'
      Ieee__BaseUrl: 'https://ieeexploreapi.ieee.org/api/v1/search/articles'
      Ieee__ApiKey: '@Microsoft.KeyVault(SecretUri=${secrets}/ieee-api-key/)'
      Ieee__Email: ''
      Ieee__Query: ''
      Ieee__PageSize: '200'
      Ieee__RequestsPerSecond: '10'
      Ieee__StartDate: '2012-01-01'
      Ieee__MaxRetries: '4'
      Ieee__RetryDelaySeconds: '2'
      Ieee__TimeoutSeconds: '60'
      Ieee__DailyCallBudget: '200'

      EuropePmc__Enabled: 'true'
      EuropePmc__BaseUrl: 'https://www.ebi.ac.uk/europepmc/webservices/rest/search'
      EuropePmc__ApiKey: ''
      EuropePmc__Email: contactEmail
      EuropePmc__Query: ''
      EuropePmc__PageSize: '1000'
      EuropePmc__RequestsPerSecond: '5'
      EuropePmc__StartDate: '2012-01-01'
      EuropePmc__MaxRetries: '4'
      EuropePmc__RetryDelaySeconds: '2'
      EuropePmc__TimeoutSeconds: '60'
      EuropePmc__DailyCallBudget: '0'

      Arxiv__Enabled: 'true'
      Arxiv__BaseUrl: 'https://export.arxiv.org/api/query'
      Arxiv__ApiKey: ''
      Arxiv__Email: ''
      Arxiv__Query: ''
      Arxiv__PageSize: '100'
      Arxiv__RequestsPerSecond: '0.333'
      Arxiv__StartDate: '2012-01-01'
      Arxiv__MaxRetries: '4'
      Arxiv__RetryDelaySeconds: '2'
      Arxiv__TimeoutSeconds: '60'
      Arxiv__DailyCallBudget: '0'

      OpenAlex__Enabled: 'true'
      OpenAlex__BaseUrl: 'https://api.openalex.org/works'
      OpenAlex__ApiKey: '@Microsoft.KeyVault(SecretUri=${secrets}/openalex-api-key/)'
      OpenAlex__Email: contactEmail
      OpenAlex__Query: ''
      OpenAlex__PageSize: '200'
      OpenAlex__RequestsPerSecond: '10'
      OpenAlex__StartDate: '2012-01-01'
      OpenAlex__MaxRetries: '4'
      OpenAlex__RetryDelaySeconds: '2'
      OpenAlex__TimeoutSeconds: '60'
      OpenAlex__DailyCallBudget: '0'

      Crossref__Enabled: 'true'
      Crossref__BaseUrl: 'https://api.crossref.org/works'
      Crossref__ApiKey: ''
      Crossref__Email: contactEmail
      Crossref__Query: ''
      Crossref__PageSize: '1'
      Crossref__RequestsPerSecond: '5'
      Crossref__StartDate: '2012-01-01'
      Crossref__MaxRetries: '4'
      Crossref__RetryDelaySeconds: '2'
      Crossref__TimeoutSeconds: '60'
      Crossref__DailyCallBudget: '0'
    }
  }
}

@description('The Function App URL.')
output appUrl string = functionApp.outputs.url

@description('The Function App name (for az functionapp deployment and the portal).')
output appName string = functionApp.outputs.name

@description('Where the latest report is downloaded.')
output reportUrl string = '${functionApp.outputs.url}/api/reports/latest'

@description('The storage account name.')
output storageAccountName string = storage.outputs.name

@description('The tables in the storage account.')
output storageTables string[] = storage.outputs.tables

@description('The queues in the storage account.')
output storageQueues string[] = storage.outputs.queues

@description('The blob containers in the storage account (reports are in <prefix>-reports).')
output storageContainers string[] = storage.outputs.containers

@description('The Key Vault the API keys and SMTP credentials go into.')
output keyVaultName string = keyVault.outputs.name

@description('Client id of the app\'s managed identity.')
output identityClientId string = identity.properties.clientId

@description('The Application Insights component the app logs to.')
output appInsightsName string = monitoring.outputs.appInsightsName
