// Production: purge protection on, logs kept 90 days, reviewers sign in with Microsoft Entra ID.
// Values that belong to you come from environment variables, so this file never holds a secret:
//   SPINE_CONTACT_EMAIL (sent to NCBI, Europe PMC, OpenAlex and Crossref), SPINE_ADMIN_OBJECT_ID (who may put keys
//   into Key Vault: az ad signed-in-user show --query id -o tsv), SPINE_AUTH_CLIENT_ID (the Entra app registration;
//   authentication is on when it is set), NCBI_API_KEY, IEEE_API_KEY, OPENALEX_API_KEY, SMTP_USERNAME, SMTP_PASSWORD
//   (each written to Key Vault only when set; a later deployment without them keeps what the vault holds),
//   SPINE_SMTP_HOST, SPINE_SMTP_FROM, SPINE_ALERT_ADMINS, SPINE_PUBLIC_URL (e-mail alerts; none sent without a host),
//   SPINE_WEB_REVIEWERS, SPINE_WEB_ADMINS (sign-in names) or SPINE_WEB_REVIEWER_GROUP, SPINE_WEB_ADMIN_GROUP (Entra group ids): the web app's roles.
using 'main.bicep'

param environmentName = 'prod'
param contactEmail = readEnvironmentVariable('SPINE_CONTACT_EMAIL', '')
param keyVaultOfficerObjectId = readEnvironmentVariable('SPINE_ADMIN_OBJECT_ID', '')
param keyVaultPurgeProtection = true
param enableAuthentication = !empty(readEnvironmentVariable('SPINE_AUTH_CLIENT_ID', ''))
param authClientId = readEnvironmentVariable('SPINE_AUTH_CLIENT_ID', '')
param maximumInstanceCount = 10
param logRetentionDays = 90
param logDailyCapGb = 1
param ncbiApiKey = readEnvironmentVariable('NCBI_API_KEY', '')
param ieeeApiKey = readEnvironmentVariable('IEEE_API_KEY', '')
param openAlexApiKey = readEnvironmentVariable('OPENALEX_API_KEY', '')
param smtpUsername = readEnvironmentVariable('SMTP_USERNAME', '')
param smtpPassword = readEnvironmentVariable('SMTP_PASSWORD', '')
param smtpHost = readEnvironmentVariable('SPINE_SMTP_HOST', '')
param smtpFromAddress = readEnvironmentVariable('SPINE_SMTP_FROM', '')
param alertAdmins = readEnvironmentVariable('SPINE_ALERT_ADMINS', '')
param publicBaseUrl = readEnvironmentVariable('SPINE_PUBLIC_URL', '')
param webReviewers = readEnvironmentVariable('SPINE_WEB_REVIEWERS', '')
param webAdmins = readEnvironmentVariable('SPINE_WEB_ADMINS', '')
param webReviewerGroup = readEnvironmentVariable('SPINE_WEB_REVIEWER_GROUP', '')
param webAdminGroup = readEnvironmentVariable('SPINE_WEB_ADMIN_GROUP', '')
param tags = { application: 'spine-review', environment: 'prod' }
