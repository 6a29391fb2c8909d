// A development environment: cheap to throw away (no purge protection), authentication optional.
// Values that belong to you come from environment variables, so this file never holds a secret:
//   SPINE_CONTACT_EMAIL, SPINE_ADMIN_OBJECT_ID (az ad signed-in-user show --query id -o tsv),
//   SPINE_AUTH_CLIENT_ID (the Entra app registration reviewers sign in to; empty leaves authentication off),
//   NCBI_API_KEY, IEEE_API_KEY, OPENALEX_API_KEY, SMTP_USERNAME, SMTP_PASSWORD (each written to Key Vault only when set).
using 'main.bicep'

param environmentName = 'dev'
param contactEmail = readEnvironmentVariable('SPINE_CONTACT_EMAIL', '')
param keyVaultOfficerObjectId = readEnvironmentVariable('SPINE_ADMIN_OBJECT_ID', '')
param keyVaultPurgeProtection = false
param enableAuthentication = !empty(readEnvironmentVariable('SPINE_AUTH_CLIENT_ID', ''))
param authClientId = readEnvironmentVariable('SPINE_AUTH_CLIENT_ID', '')
param maximumInstanceCount = 4
param logRetentionDays = 30
param logDailyCapGb = 1
param ncbiApiKey = readEnvironmentVariable('NCBI_API_KEY', '')
param ieeeApiKey = readEnvironmentVariable('IEEE_API_KEY', '')
param openAlexApiKey = readEnvironmentVariable('OPENALEX_API_KEY', '')
param smtpUsername = readEnvironmentVariable('SMTP_USERNAME', '')
param smtpPassword = readEnvironmentVariable('SMTP_PASSWORD', '')
param tags = { application: 'spine-review', environment: 'dev' }
