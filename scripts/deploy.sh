#!/usr/bin/env bash
# Deploy SpineReview to Azure: the infrastructure (infra/main.bicep with infra/main.ENV.bicepparam), then the
# Functions app package. Needs the Azure CLI signed in (az login) and an existing resource group.
#   scripts/deploy.sh RESOURCE_GROUP [dev|prod] [--package ZIP]
#   --package ZIP   deploy this app package instead of publishing one from the source
# Personal values and secrets come from the environment (see the parameters file's header), never from a file.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; }
group="" env="prod" package=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --package) [ $# -ge 2 ] || { usage >&2; exit 2; }; package="$2"; shift ;;
    dev|prod) env="$1" ;;
    -*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    *) [ -z "$group" ] || { usage >&2; exit 2; }; group="$1" ;;
  esac
  shift
done
[ -n "$group" ] || { usage >&2; exit 2; }
command -v az >/dev/null || die "the Azure CLI (az) is not installed: https://aka.ms/installazurecli"
params="$ROOT/infra/main.$env.bicepparam"
deployment="spine-review-$env"
output() { az deployment group show -g "$group" -n "$deployment" --query "properties.outputs.$1.value" -o tsv; }

say "deploying the infrastructure to resource group $group ($params)"
az deployment group create -g "$group" -n "$deployment" --template-file "$ROOT/infra/main.bicep" --parameters "$params" -o none \
  || die "the infrastructure deployment failed (see above); nothing else was changed"
app="$(output appName)"
[ -n "$app" ] || die "deployment $deployment did not report the app's name"

if [ -z "$package" ]; then
  command -v dotnet >/dev/null || die "the .NET 10 SDK is not installed; see README prerequisites"
  command -v zip >/dev/null || die "zip is not installed (Debian: apt-get install zip)"
  say "publishing the Functions app (Release)"
  rm -rf "$ROOT/out/publish" "$ROOT/out/spine-review-functions.zip"
  dotnet publish "$ROOT/functions/SpineReview.Functions" -c Release -o "$ROOT/out/publish" --nologo -v quiet >&2 || die "dotnet publish failed (see above)"
  (cd "$ROOT/out/publish" && zip -qr "$ROOT/out/spine-review-functions.zip" .)
  package="$ROOT/out/spine-review-functions.zip"
fi
[ -f "$package" ] || die "app package $package not found"

# Stopped while the package changes: the new version moves rows stored in an earlier layout when it starts, and a process of
# the earlier version still writing beside it would keep changing them (docs/deployment.md, "Updating and removing").
say "stopping $app while its package changes"
az functionapp stop -g "$group" -n "$app" -o none || die "could not stop $app (see above); nothing was deployed, run this again"
say "deploying $package to $app"
az functionapp deployment source config-zip -g "$group" -n "$app" --src "$package" -o none \
  || die "the app package deployment failed (see above); $app is stopped: run this again, or start it with az functionapp start -g $group -n $app"
az functionapp start -g "$group" -n "$app" -o none || die "$app is deployed but did not start (see above): az functionapp start -g $group -n $app"

say "deployed. Key Vault: $(output keyVaultName); the report, after the first cycle: $(output reportUrl)"
say "first run: README.md, Deployment"
