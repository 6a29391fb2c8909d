#!/usr/bin/env bash
# One full living-review cycle on this machine: installs what is missing, starts Azurite if none is
# listening, runs `spine-review cycle`, writes out/living-review.pdf.
#   scripts/run.sh            sources replayed from the recorded sample set in samples/replay, stored under the
#                             prefix spinedemo (or Storage__Prefix when set), apart from the live review
#   scripts/run.sh --live     sources queried for real, stored under Storage__Prefix (default spine)
#   scripts/run.sh --serve    after the cycle, serves the web app on http://127.0.0.1:7071 (same storage) until Ctrl+C;
#                             local sign-in as reviewer1, reviewer2, reviewer3 or admin unless Web__Reviewers/Web__Admins are set
# Any other options are passed to `spine-review cycle`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

live=false
serve=false
args=()
for a in "$@"; do
  case "$a" in
    --live) live=true ;;
    --serve) serve=true ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$a") ;;
  esac
done

require_toolchains
install_npm_packages
start_azurite

say "building (Release)"
dotnet build "$ROOT/functions/SpineReview.Cli/SpineReview.Cli.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2 \
  || die "the build failed (see above)"

cli="$ROOT/functions/SpineReview.Cli/bin/Release/net10.0/linux-x64/spine-review"
mkdir -p "$ROOT/out"
if $live; then
  (cd "$ROOT" && "$cli" cycle --out "$ROOT/out/living-review.pdf" "${args[@]}")
else
  # The sample never shares storage with the live review (a live harvest refuses storage holding it): the same name the
  # command line gives a replayed run, here also over a Storage__Prefix from local.settings.json.
  export Storage__Prefix="${Storage__Prefix:-spinedemo}"
  say "sources replayed from samples/replay; stored under the prefix $Storage__Prefix, apart from the live review (scripts/run.sh --live)"
  (cd "$ROOT" && "$cli" cycle --replay "$ROOT/samples/replay" --out "$ROOT/out/living-review.pdf" "${args[@]}")
fi
say "report: $ROOT/out/living-review.pdf"

# The web app's local sign-in offers the people named in settings; these defaults make it usable in a fresh clone.
export Web__Reviewers="${Web__Reviewers:-reviewer1,reviewer2,reviewer3}"
export Web__Admins="${Web__Admins:-admin}"
if $serve; then
  say "web app on http://127.0.0.1:7071/ (sign in as one of $Web__Reviewers or $Web__Admins); Ctrl+C stops it"
  (cd "$ROOT" && "$cli" serve)
else
  say "to open the web app on the same data: scripts/run.sh --serve (or, with storage running: Storage__Prefix=${Storage__Prefix:-spine} Web__Reviewers=$Web__Reviewers Web__Admins=$Web__Admins $cli serve)"
fi
