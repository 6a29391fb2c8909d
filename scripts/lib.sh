#!/usr/bin/env bash
# Shared set-up for scripts/run.sh and scripts/test.sh: install what is missing, start Azurite (and, for the
# tests, maildev) if needed, and stop only what this script started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AZURITE_DIR="$ROOT/.azurite"
AZURITE_PID=""
# maildev: a real SMTP server for the alert tests; they read mail back through its REST API (/api/email).
export MAILDEV_SMTP_PORT="${MAILDEV_SMTP_PORT:-1025}"
export MAILDEV_WEB_PORT="${MAILDEV_WEB_PORT:-1080}"
MAILDEV_PID=""
MAILDEV_DIR=""
BICEP_VERSION="0.49.2"

say() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The Node.js major the pinned npm packages ask for: the highest lower bound among the "engines" of package.json's
# devDependencies, as package-lock.json records them. Derived, not written here, so the scripts can never accept a Node
# that Azurite or maildev refuses. Prints "MAJOR NAME@VERSION RANGE" (the package that sets it). Only the pinned
# packages count: maildev 3.0.0 asks for 20 while two of its own dependencies (cookie 2, content-disposition 3)
# declare 22, and it runs on 20 (the alert tests use it).
required_node() { # [ROOT]
  node -e '
    const [root] = process.argv.slice(1);
    const pkg = require(root + "/package.json"), lock = require(root + "/package-lock.json");
    // The lowest major a range admits: ">=20.0.0" is 20, "^18.19.0 || >=20.6.0" is 18.
    const floor = range => Math.min(...range.split("||").map(a => Number((a.match(/\d+/) || ["0"])[0])));
    let best = [0, "", ""];
    for (const name of Object.keys(pkg.devDependencies || {})) {
      const entry = lock.packages["node_modules/" + name];
      if (!entry) { console.error(`package-lock.json has no ${name}: run npm install`); process.exit(1); }
      const range = (entry.engines && entry.engines.node) || "*";
      if (floor(range) > best[0]) best = [floor(range), `${name}@${entry.version}`, range];
    }
    console.log(best.join(" "));' "${1:-$ROOT}"
}

require_toolchains() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is not installed (https://dot.net); see README prerequisites"
  command -v node >/dev/null && command -v npm >/dev/null \
    || die "Node.js with npm is not installed (package.json says which version: engines); see README prerequisites"
  local need major by range
  read -r need by range <<<"$(required_node)" || die "could not read the Node.js version the npm packages ask for from package-lock.json"
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge "$need" ] || die "Node.js $(node --version) found; the pinned npm packages need Node.js $need or later ($by asks for node $range): install it, see README prerequisites"
}

# npm ci when the installed Azurite or maildev is missing or is not the version package-lock.json pins.
install_npm_packages() {
  local stale
  stale=$(node -e '
    const [root] = process.argv.slice(1);
    const pkg = require(root + "/package.json"), lock = require(root + "/package-lock.json"), fs = require("fs");
    for (const name of Object.keys(pkg.devDependencies || {})) {
      const file = `${root}/node_modules/${name}/package.json`;
      const installed = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")).version : "none";
      if (installed !== lock.packages["node_modules/" + name].version) console.log(`${name} ${installed}`);
    }' "$ROOT")
  if [ -n "$stale" ]; then
    say "installing npm packages (Azurite, maildev) from package-lock.json (installed: ${stale//$'\n'/, })"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci failed (see above)"
  fi
}

# Debian packages the tests need (pdftoppm renders report pages to PNG; python3 reads the test results for the list of
# skipped tests; chromium is the headless browser the web app's tests drive through Playwright, which is told its path
# and never downloads a browser of its own). Installed only when missing: as root with apt-get (CI on a new machine),
# otherwise through sudo when it can run without a password prompt, else the run stops saying what to install.
install_debian_packages() {
  local missing=()
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  command -v python3 >/dev/null || missing+=(python3)
  [ -x "${SPINE_REVIEW_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
  [ ${#missing[@]} -gt 0 ] || return 0
  local as_root=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo -n)
    else die "missing ${missing[*]}: install it with your package manager (Debian: sudo apt-get install ${missing[*]}), or run scripts/test.sh as root"; fi
  fi
  command -v apt-get >/dev/null || die "missing ${missing[*]} and there is no apt-get here: install it with your package manager"
  say "installing Debian packages: ${missing[*]}${as_root:+ (through sudo)}"
  ("${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2 \
    || die "apt-get could not install ${missing[*]} (see above)"
}

# The Bicep CLI comes from NuGet, so it works offline once restored.
bicep_path() {
  local nuget="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  local bin="$nuget/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep"
  if [ ! -x "$bin" ]; then
    dotnet restore "$ROOT/infra/tools/BicepCli.csproj" --verbosity quiet >&2 || die "could not restore the Bicep CLI from NuGet"
    chmod +x "$bin" 2>/dev/null || true
  fi
  [ -x "$bin" ] || die "Bicep CLI not found at $bin"
  printf '%s' "$bin"
}

start_azurite() {
  if port_open 10000 && port_open 10001 && port_open 10002; then
    say "Azurite (or another storage emulator) is already listening on 127.0.0.1:10000-10002; using it"
    return
  fi
  for p in 10000 10001 10002; do
    port_open "$p" && die "port $p is in use by something that is not a complete storage emulator; free it and run again"
  done
  mkdir -p "$AZURITE_DIR"
  local store=(--location "$AZURITE_DIR") where="in .azurite/"
  if [ -n "${AZURITE_IN_MEMORY:-}" ]; then store=(--inMemoryPersistence); where="in memory"; fi
  say "starting Azurite on 127.0.0.1 (data $where)"
  "$ROOT/node_modules/.bin/azurite" --silent "${store[@]}" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --skipApiVersionCheck --loose \
    >"$AZURITE_DIR/azurite.out" 2>&1 &
  AZURITE_PID=$!
  trap stop_started EXIT
  await_ports Azurite "$AZURITE_PID" "$AZURITE_DIR/azurite.out" 10000 10001 10002
}

# await_ports NAME PID LOG PORT...: waits up to 20 s for a service just started to listen on every PORT.
await_ports() {
  local name=$1 pid=$2 log=$3; shift 3
  for _ in $(seq 1 100); do
    local all=1 p
    for p in "$@"; do port_open "$p" || all=0; done
    [ "$all" = 1 ] && return
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "$name exited at start"; }
    sleep 0.2
  done
  die "$name did not open its ports within 20 s (log: $log)"
}

# stop_pid NAME PID SECONDS: asks a process this script started to stop, waits, then kills it.
stop_pid() {
  local name=$1 pid=$2 tries=$(( $3 * 5 ))
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 "$tries"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  say "stopped the $name this script started"
}

stop_azurite() {
  # Azurite closes gracefully (it saves its metadata); it can linger on idle keep-alive sockets, so give it 10 s.
  stop_pid Azurite "$AZURITE_PID" 10
}

start_maildev() {
  if port_open "$MAILDEV_SMTP_PORT" && port_open "$MAILDEV_WEB_PORT"; then
    say "an SMTP test server is already listening on 127.0.0.1:$MAILDEV_SMTP_PORT (web $MAILDEV_WEB_PORT); using it"
    return
  fi
  for p in "$MAILDEV_SMTP_PORT" "$MAILDEV_WEB_PORT"; do
    port_open "$p" && die "port $p is in use by something that is not maildev; free it, or set MAILDEV_SMTP_PORT and MAILDEV_WEB_PORT to free ports"
  done
  # Mail kept in a folder of its own that goes when maildev stops, so no run reads another run's mail.
  MAILDEV_DIR="$(mktemp -d "${TMPDIR:-/tmp}/spine-review-maildev.XXXXXX")"
  say "starting maildev on 127.0.0.1 (SMTP $MAILDEV_SMTP_PORT, REST API $MAILDEV_WEB_PORT)"
  "$ROOT/node_modules/.bin/maildev" --silent --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --smtp "$MAILDEV_SMTP_PORT" --web "$MAILDEV_WEB_PORT" --mail-directory "$MAILDEV_DIR" \
    >"$MAILDEV_DIR.log" 2>&1 &
  MAILDEV_PID=$!
  trap stop_started EXIT
  await_ports maildev "$MAILDEV_PID" "$MAILDEV_DIR.log" "$MAILDEV_SMTP_PORT" "$MAILDEV_WEB_PORT"
}

stop_maildev() {
  stop_pid maildev "$MAILDEV_PID" 5
  if [ -n "$MAILDEV_DIR" ]; then rm -rf "$MAILDEV_DIR" "$MAILDEV_DIR.log"; fi
}

# The EXIT trap: stops whatever this script started, and nothing else.
stop_started() {
  stop_maildev
  stop_azurite
}
