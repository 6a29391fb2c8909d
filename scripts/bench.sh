#!/usr/bin/env bash
# Benchmarks (not part of the tests; figures go into notes):
#   scripts/bench.sh harvest [RECORDS]   PubMed harvest of generated records against a local server enforcing 10 requests/s
#   scripts/bench.sh parse [RECORDS]     PubMed efetch parsing beside NCBI's xtract on the same generated file, with a
#                                        field-by-field comparison of both outputs
#   scripts/bench.sh dedup [RECORDS]     duplicate detection on the corpus benchmarks replicated to RECORDS (default 100,000),
#                                        a 1,000-record update against them, and the replay sample with identifiers hidden
#   scripts/bench.sh screening [WAITING] retrain and re-rank a queue of WAITING records (default 10,000; target under 2 s),
#                                        then eval screening --runs 10 on the ACE inhibitors and Jeyaraman sets, and the
#                                        classifiers tried, side by side
#   scripts/bench.sh web [DECISIONS]     the screening page's decision -> next record over HTTP against the web app in-process, with
#                                        10,000 records waiting on Azurite: p50/p95 of DECISIONS (default 200; target p95 under 200 ms)
#   scripts/bench.sh cycle [RECORDS]     the whole cycle (harvest, dedup, rules, ranking, extraction, report, alerts) on a generated first
#                                        harvest of RECORDS records (default 10,000) of the five sources, through an Azurite of its own
#                                        with its data on disk: progress per stage, storage requests per record, PRISMA counts against
#                                        the in-memory computation; then an update of 500 new records against what it stored, timed as
#                                        a second cycle; BENCH_TIME_LIMIT=SECONDS cuts each cycle off and says where it was
#   scripts/bench.sh report              the PDF report at the paper's scale (365 of 1,475) and at 10,000 of 40,000 (generated data), in memory,
#                                        then through an Azurite of its own with its data on disk (ports 10150-10152, BENCH_REPORT_PORT=P
#                                        moves them; its folder out/bench/azurite-report-P is made anew): generation time (median of 3),
#                                        size, each read alone; seeding 40,000 takes many minutes, BENCH_TIME_LIMIT=SECONDS cuts it off
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
what="${1:-}"; records="${2:-}"; [ -n "$records" ] || { [ "$what" = dedup ] && records=100000 || records=10000; }
case "$what" in harvest|parse|dedup|screening|report|web|cycle) ;; *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;; esac
require_toolchains
install_npm_packages
bench="$ROOT/bench/SpineReview.Bench/bin/Release/net10.0/linux-x64/SpineReview.Bench"

# An Azurite of a benchmark's own with its data on disk (folder made anew), on ports BASE..BASE+2 and an account key made for
# this run; AzureWebJobsStorage points at it and it is stopped when the script ends. Args: NAME BASE PORT_VARIABLE DATA_FOLDER.
start_own_azurite() {
  local name=$1 bp=$2 variable=$3 data=$4 qp tp p account key
  qp=$((bp + 1)); tp=$((bp + 2))
  for p in $bp $qp $tp; do port_open "$p" && die "port $p is in use; the $name benchmark starts its own Azurite there ($variable=P moves it to P..P+2)"; done
  rm -rf "$data"; mkdir -p "$data"
  account="bench$name"; key=$(python3 -c "import os,base64;print(base64.b64encode(os.urandom(64)).decode())")
  AZURITE_ACCOUNTS="$account:$key" "$ROOT/node_modules/.bin/azurite" --silent --location "$data" --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --blobPort "$bp" --queueHost 127.0.0.1 --queuePort "$qp" --tableHost 127.0.0.1 --tablePort "$tp" >"$data.out" 2>&1 &
  AZURITE_PID=$!
  trap stop_started EXIT
  await_ports Azurite "$AZURITE_PID" "$data.out" "$bp" "$qp" "$tp"
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$bp/$account;QueueEndpoint=http://127.0.0.1:$qp/$account;TableEndpoint=http://127.0.0.1:$tp/$account;"
}

if [ -n "${BENCH_BUILT:-}" ]; then
  # A benchmark built elsewhere (another commit's code, for its figure beside this one's), run as it is.
  bench="$BENCH_BUILT/SpineReview.Bench"; [ -x "$bench" ] || die "BENCH_BUILT=$BENCH_BUILT holds no SpineReview.Bench"
else
  say "building (Release)"
  dotnet build "$ROOT/bench/SpineReview.Bench/SpineReview.Bench.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2 || die "the build failed"
  dotnet build "$ROOT/functions/SpineReview.Cli/SpineReview.Cli.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2 || die "the build failed"
fi
cli="$ROOT/functions/SpineReview.Cli/bin/Release/net10.0/linux-x64/spine-review"
export SPINE_REVIEW_REPLAY="$ROOT/samples/replay"

if [ "$what" = dedup ]; then
  export SPINE_REVIEW_CORPUS="${SPINE_REVIEW_CORPUS:-$ROOT/../shared/corpus}"
  [ -d "$SPINE_REVIEW_CORPUS/dedup" ] || die "the dedup benchmarks are read from $SPINE_REVIEW_CORPUS/dedup; set SPINE_REVIEW_CORPUS"
  /usr/bin/time -f "whole process: %e s wall, %M KB peak" "$bench" dedup "$records" || exit $?
  "$bench" dedup-sample
  exit $?
fi

if [ "$what" = report ]; then
  # Model and rendering in memory, then the whole generation through storage (Azurite) as the timer runs it.
  # Every line is run (a missed target on a loaded machine does not hide the others); the exit status is the last target missed.
  worst=0
  "$bench" report 365 1475 || worst=$?
  /usr/bin/time -f "whole process: %e s wall, %M KB peak" "$bench" report 10000 40000 || worst=$?
  # Through storage: an Azurite of its own with its data on disk, as scripts/run.sh keeps it (its table store writes the whole
  # database out every few seconds, which slows as the data grows), on ports 10150-10152 (BENCH_REPORT_PORT=P: P to P+2),
  # with an account key made for this run. Seeded through the cycle's bulk paths (not timed).
  start_own_azurite report "${BENCH_REPORT_PORT:-10150}" BENCH_REPORT_PORT "$ROOT/out/bench/azurite-report-${BENCH_REPORT_PORT:-10150}"
  say "through storage (Azurite with its data on disk); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$bench" report-stored 365 1475 || worst=$?
  limit=${BENCH_TIME_LIMIT:-3600}
  timeout "$limit" /usr/bin/time -f "whole process: %e s wall, %M KB peak" "$bench" report-stored 10000 40000 || { rc=$?; [ $rc -eq 124 ] && say "report-stored 10000 40000: cut off at the time limit ($limit s; BENCH_TIME_LIMIT)"; worst=$rc; }
  say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit $worst
fi

if [ "$what" = screening ]; then
  export SPINE_REVIEW_CORPUS="${SPINE_REVIEW_CORPUS:-$ROOT/../shared/corpus}"
  [ -d "$SPINE_REVIEW_CORPUS/screening" ] || die "the labelled screening sets are read from $SPINE_REVIEW_CORPUS/screening; set SPINE_REVIEW_CORPUS"
  "$bench" screening-rank "$records" || exit $?
  for set in "$SPINE_REVIEW_CORPUS/screening/asreview_srd/Cohen_2006_ACEInhibitors.csv" "$SPINE_REVIEW_CORPUS/screening/synergy/Jeyaraman_2020"; do
    "$cli" eval screening --dataset "$set" --runs 10 --json || exit $?
  done
  for set in "$SPINE_REVIEW_CORPUS/screening/asreview_srd/Cohen_2006_ACEInhibitors.csv" "$SPINE_REVIEW_CORPUS/screening/synergy/Jeyaraman_2020"; do
    "$bench" screening-compare "$set" 10 || exit $?
  done
  exit 0
fi

if [ "$what" = web ]; then
  AZURITE_IN_MEMORY=1 start_azurite
  say "command: scripts/bench.sh web ${2:-200}"
  "$bench" web "${2:-200}" 10000
  exit $?
fi

if [ "$what" = cycle ]; then
  # An Azurite of its own with its data on disk, as scripts/run.sh keeps it (the shared one on 10000-10002 may be in memory and
  # busy with tests), on ports 10110-10112 (BENCH_CYCLE_PORT=P: P to P+2, for a second benchmark at the same time), with an
  # account key made for this run.
  start_own_azurite cycle "${BENCH_CYCLE_PORT:-10110}" BENCH_CYCLE_PORT "$ROOT/out/bench/azurite-cycle"
  export BENCH_QUEUE_PORT=$((${BENCH_CYCLE_PORT:-10110} + 1)) BENCH_TABLE_PORT=$((${BENCH_CYCLE_PORT:-10110} + 2))
  say "command: scripts/bench.sh cycle $records${BENCH_TIME_LIMIT:+ (BENCH_TIME_LIMIT=$BENCH_TIME_LIMIT)}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$bench" cycle "$records" ${BENCH_TIME_LIMIT:+"$BENCH_TIME_LIMIT"}
  status=$?
  say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit $status
fi

if [ "$what" = harvest ]; then
  AZURITE_IN_MEMORY=1 start_azurite
  "$bench" harvest "$records"
  exit $?
fi

# parse: xtract comes from Debian's ncbi-entrez-direct
if ! command -v xtract >/dev/null; then
  if [ "$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ncbi-entrez-direct) >&2 || die "could not install ncbi-entrez-direct"
  else die "xtract is missing: apt-get install ncbi-entrez-direct"; fi
fi
work="$ROOT/out/bench"; mkdir -p "$work"
# The parse command as shipped for offline use: the same CLI published as a native executable (no JIT, no start-up warm-up).
say "publishing the native spine-review (dotnet publish -p:PublishAot=true; about a minute)"
dotnet publish "$ROOT/functions/SpineReview.Cli/SpineReview.Cli.csproj" -c Release -p:PublishAot=true -o "$work/native" --nologo -v quiet -clp:ErrorsOnly >&2 || die "the native publish failed"
native="$work/native/spine-review"
# The native publish shares obj/ and bin/ with the regular build: build the regular CLI again after it.
dotnet build "$ROOT/functions/SpineReview.Cli/SpineReview.Cli.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2 || die "the build failed"
file="$work/efetch-$records.xml"
[ -f "$file" ] || "$bench" make-efetch "$records" "$file"
mb=$(python3 -c "import os;print(os.path.getsize('$file')/1e6)")
fields=(-pattern PubmedArticle -def - -element MedlineCitation/PMID -block PubmedData/ArticleIdList/ArticleId -if @IdType -equals doi -element ArticleId
  -block Article/Journal -element Title -block Article -element ArticleTitle -block JournalIssue/PubDate -element Year -block Abstract -sep " " -element AbstractText)
# Median wall time of 5 runs (the machines are shared; one run says little).
time_it() { local t0 t1 all=(); for _ in 1 2 3 4 5; do t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); all+=("$t0 $t1"); done
  printf '%s\n' "${all[@]}" | python3 -c "import sys,statistics; print(statistics.median(float(b)-float(a) for a,b in (l.split() for l in sys.stdin)))"; }
say "xtract on $file ($mb MB)"
tx=$(time_it sh -c "xtract -input '$file' ${fields[*]@Q} > '$work/xtract.tsv' 2> '$work/xtract.err'")
say "spine-review parse on the same file: native, then the regular (JIT) build"
ts=$(time_it sh -c "'$native' parse pubmed '$file' > '$work/spine.jsonl' 2> '$work/spine.err'")
tj=$(time_it sh -c "'$cli' parse pubmed '$file' > '$work/spine-jit.jsonl' 2> '$work/spine-jit.err'")
cmp -s "$work/spine.jsonl" "$work/spine-jit.jsonl" || die "the native and JIT builds printed different records"
# For the comparison each field is extracted in its own pass (pmid + field), so a missing field cannot shift columns.
xf() { xtract -input "$file" -pattern PubmedArticle -element MedlineCitation/PMID "$@" 2>/dev/null; }
xf -block PubmedData/ArticleIdList/ArticleId -if @IdType -equals doi -element ArticleId > "$work/x_doi.tsv"
xf -block Article -element ArticleTitle > "$work/x_title.tsv"
xf -block Article/Journal -element Title > "$work/x_journal.tsv"
xf -block JournalIssue/PubDate -element Year > "$work/x_year.tsv"
xf -block Abstract -sep " " -element AbstractText > "$work/x_abstract.tsv"
python3 - "$work" "$mb" "$tx" "$ts" "$tj" <<'PY'
import json, sys, re, html
work, mb, tx, ts, tj = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
ours = {}
for line in open(f"{work}/spine.jsonl", encoding="utf-8"):
    r = json.loads(line); ours[r["pmid"]] = r
theirs = {}
for line in open(f"{work}/xtract.tsv", encoding="utf-8"):
    theirs[line.split("\t", 1)[0]] = True
fields_x = {}
for f in ["doi", "title", "journal", "year", "abstract"]:
    d = {}
    for line in open(f"{work}/x_{f}.tsv", encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        d[cols[0]] = cols[1] if len(cols) > 1 else ""
    fields_x[f] = d
def norm(s): return re.sub(r"\s+", " ", s or "").strip()
fields = ["doi", "title", "journal", "year", "abstract"]
diff = {f: 0 for f in fields}; examples = {}
for pmid, r in ours.items():
    x = [pmid] + [fields_x[f].get(pmid, "") for f in ["doi", "title", "journal", "year", "abstract"]]
    # xtract writes the abstract's sections joined by a space; ours keeps "LABEL: text" lines.
    ours_abs = norm(" ".join(s["text"] for s in r["abstractSections"]))
    pairs = {"doi": (r["doi"] or "", x[1].lower()), "title": (norm(r["title"]), norm(html.unescape(x[2]))), "journal": (r["journal"] or "", x[3]),
             "year": (str(r["year"] or ""), x[4]), "abstract": (ours_abs, norm(html.unescape(x[5])))}
    for f, (a, b) in pairs.items():
        if a != b:
            diff[f] += 1; examples.setdefault(f, (pmid, a[:90], b[:90]))
print(f"file: {mb:.1f} MB, {len(ours)} records parsed by spine-review, {len(theirs)} rows from xtract")
print(f"xtract:       {tx:.2f} s  {mb/tx:7.1f} MB/s  {len(theirs)/tx:9.0f} records/s (whole process)")
print(f"spine-review: {ts:.2f} s  {mb/ts:7.1f} MB/s  {len(ours)/ts:9.0f} records/s (whole process, native, JSON out)")
print(f"spine-review: {tj:.2f} s  {mb/tj:7.1f} MB/s  {len(ours)/tj:9.0f} records/s (whole process, regular JIT build, same output)")
print(f"throughput ratio spine-review/xtract (medians of 5 runs): native {tx/ts:.2f}, JIT build {tx/tj:.2f}")
print("fields that differ (records): " + ", ".join(f"{f} {n}" for f, n in diff.items()))
for f, (p, a, b) in examples.items(): print(f"  e.g. {f} of PMID {p}: ours {a!r} | xtract {b!r}")
PY
