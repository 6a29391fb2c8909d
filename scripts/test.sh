#!/usr/bin/env bash
# Every test: the same set-up as run.sh, the Bicep build and lint, then the xunit suite against the real
# Azurite and a real SMTP server (maildev). Ends with "N passed, N failed, N skipped", non-zero on any failure.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in -h|--help) sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

require_toolchains
install_npm_packages
install_debian_packages
BICEP="$(bicep_path)"
export SPINE_REVIEW_BICEP="$BICEP"
# Tests make their own tables under their own prefixes and remove them: nothing needs to outlive the run.
AZURITE_IN_MEMORY=1 start_azurite
# The alert tests send real mail to maildev and read it back through its REST API.
start_maildev

# Every Bicep file must build and lint with nothing to say: any warning fails the run (infra/bicepconfig.json raises
# the important lint rules to errors). The parameter files are built against main.bicep too.
say "bicep build + lint: infra/main.bicep and its parameter files"
bicep_report=""
bicep_check() { # verb file: the command's diagnostics (stderr and lint's stdout), or a failure
  local out
  case "$1" in
    build|build-params) out=$("$BICEP" "$1" "$2" --stdout 2>&1 >/dev/null) ;;
    lint) out=$("$BICEP" lint "$2" 2>&1) ;;
  esac || { echo "$out" >&2; die "bicep $1 $2 failed"; }
  bicep_report+="$out"
}
bicep_check build "$ROOT/infra/main.bicep"
bicep_check lint "$ROOT/infra/main.bicep"
for params in "$ROOT"/infra/*.bicepparam; do
  bicep_check build-params "$params"
  bicep_check lint "$params"
done
if [ -n "$bicep_report" ]; then echo "$bicep_report" >&2; die "bicep reported warnings"; fi
say "bicep: no warnings"

results="$ROOT/out/test-results"
rm -rf "$results"; mkdir -p "$results"
say "building and running the tests (Release)"
set +e
dotnet test "$ROOT/SpineReview.sln" -c Release --nologo \
  --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?
set -e

trx=$(find "$results" -name '*.trx' | head -n 1)
if [ -z "$trx" ]; then
  echo "0 passed, 1 failed"
  die "no test results were written (the build probably failed; see above)"
fi
counters=$(grep -o '<Counters [^>]*>' "$trx")
get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
total=$(get total); passed=$(get passed); failed=$(get failed)
skipped=$(( total - passed - failed ))
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
# A skipped test says why (a corpus file read by path that is not beside this clone): list each with its reason.
if [ "$skipped" -gt 0 ]; then
  echo "skipped:"
  python3 - "$trx" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") == "NotExecuted":
        reason = " ".join(m.text or "" for m in r.iterfind(".//t:Message", ns)).strip() or "no reason given"
        print(f"  {r.get('testName')}: {reason}")
PY
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
