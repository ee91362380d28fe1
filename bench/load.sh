#!/usr/bin/env bash
# The social map at national scale, end to end, on this machine: fills a
# database with the generated national map (100,000 services, 30,000
# organisations, every PC4 code), exports it as HSDS and imports that into an
# empty database, starts the release binary on the national database, loads
# the search page and the HSDS API over loopback with wrk, and prints:
#
#   in-process p50/p99, tantivy next to SQLite FTS5   (cargo bench -p wijkregie-bench)
#   HTTP searches/s and p99                            (wrk, page and API)
#   HSDS import time, index rebuild at start, resident memory
#
# Usage: bench/load.sh            (from the repository root; about 5 minutes)
# Environment:
#   WORK=DIR          scratch folder (default target/bench-national; emptied)
#   PORT=N            loopback port for the server (default 18080)
#   DURATION=S        seconds of load per wrk run (default 20)
#   CONNECTIONS=N     concurrent connections (default 8)
#   SKIP_INPROCESS=1  leave out the criterion bench (saves ~2 minutes)
# Needs: cargo, curl, wrk (Debian: apt-get install wrk).
# Not part of the test run: CI only builds bench/ (scripts/test-all).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${WORK:-$ROOT/target/bench-national}"
PORT="${PORT:-18080}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-8}"
BASE="http://127.0.0.1:$PORT"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/wijkregie"

command -v wrk >/dev/null || { echo "load.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }
command -v curl >/dev/null || { echo "load.sh: curl is missing" >&2; exit 2; }

log() { printf '\n==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

SERVER_PID=""
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

log "release build"
(cd "$ROOT" && cargo build --release -p wijkregie)

rm -rf "$WORK" && mkdir -p "$WORK"

log "national demo into an empty database"
start=$(now)
"$BIN" --data-dir "$WORK/national" demo --scale landelijk 2>&1 | grep -v '^  ' >&2
FILL_S=$(since "$start")

log "HSDS export of it, and import of that export into an empty database"
"$BIN" --data-dir "$WORK/national" export hsds "$WORK/hsds" >&2
"$BIN" --data-dir "$WORK/imported" audit verify >/dev/null  # creates and migrates the empty database
start=$(now)
"$BIN" --data-dir "$WORK/imported" import hsds "$WORK/hsds" >"$WORK/import.txt"
IMPORT_S=$(since "$start")
head -4 "$WORK/import.txt" >&2
SERVICES_IMPORTED=$(du -sh "$WORK/hsds" | cut -f1)

log "server on the national database"
start=$(now)
WIJKREGIE_LOG=info,sqlx=warn,tower_http=warn "$BIN" --data-dir "$WORK/national" serve \
    --addr "127.0.0.1:$PORT" --insecure-cookies true >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
until curl -sf "$BASE/healthz" >/dev/null 2>&1; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.1
done
READY_S=$(since "$start")
plain_log() { sed 's/\x1b\[[0-9;]*m//g' "$WORK/serve.log"; }
REBUILD_MS=$(plain_log | grep -o 'index_ms=[0-9]*' | head -1 | cut -d= -f2)
rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
hwm() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
RSS_START=$(rss)

log "log in as the demo wijkmanager, and an API token"
JAR="$WORK/cookies.txt"
csrf() { grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
CSRF=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | csrf)
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "email=wijkmanager@demo.wijkregie.nl" --data-urlencode "password=demo-wachtwoord" \
    --data-urlencode "next=/" "$BASE/login"
COOKIE=$(awk '$6 == "wr_session" { print "wr_session=" $7 }' "$JAR")
[[ -n "$COOKIE" ]] || { echo "load.sh: login failed" >&2; exit 1; }
CSRF=$(curl -s -b "$JAR" "$BASE/" | csrf)
TOKEN=$(curl -s -b "$JAR" -H "x-csrf-token: $CSRF" -H 'content-type: application/json' \
    -d '{"name":"bench"}' "$BASE/api/v1/tokens" | sed 's/.*"token":"\([^"]*\)".*/\1/')

# The same kind of questions as the in-process mix: Dutch words with typos,
# a postcode all over the country, 10 km, now and then a filter.
TEXTS=("fysiotherapeuten" "eenzaam" "wandelgroep%20ouderen" "schuldhulp" "eenzaamhied" "hulp%20bij%20geldzorgen"
    "valpreventie" "taalcaf%C3%A9%20nederlands" "mantelzorg" "")
POSTCODES=(1012AB 3511CD 9712EG 5611HJ 2511KL 3011MN 6811PR 7511TV 8011WX 6211ZA 1811AC 4811BE 8911CG 6511DH)
paths_lua() { # $1: page or api
    local i=0 out="" t pc filter
    for pc in "${POSTCODES[@]}"; do
        for t in "${TEXTS[@]}"; do
            if [[ "$1" == page ]]; then
                filter=""; (( i % 2 == 0 )) && filter="&gratis=1"; (( i % 3 == 0 )) && filter="$filter&domein=welzijn"
                out+="\"/aanbod?q=$t&postcode=$pc&straal=10$filter\","
            else
                out+="\"/api/hsds/services?search=$t&postcode=$pc&radius_km=10&per_page=20\","
            fi
            i=$((i + 1))
        done
    done
    printf 'local paths = {%s}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format("GET", paths[(i %% #paths) + 1])\nend\n' "$out"
}
paths_lua page >"$WORK/page.lua"
paths_lua api >"$WORK/api.lua"

# Every path answers 200 before it is measured.
check() { # $1: lua file, $2: header
    local p code
    for p in $(grep -o '"/[^"]*"' "$1" | tr -d '"' | head -20); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "$2" "$BASE$p")
        [[ "$code" == 200 ]] || { echo "load.sh: $p answered $code" >&2; exit 1; }
    done
}
check "$WORK/page.lua" "Cookie: $COOKIE"
check "$WORK/api.lua" "Authorization: Bearer $TOKEN"

run_wrk() { # $1: name, $2: lua, $3: header
    log "wrk: $1, $CONNECTIONS connections, ${DURATION}s"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$2" -H "$3" "$BASE" | tee "$WORK/wrk-$1.txt" >&2
}
wrk_rate() { awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$WORK/wrk-$1.txt"; }
wrk_p() { awk -v p="$2" '$1 == p { print $2 }' "$WORK/wrk-$1.txt"; }
wrk_errors() { grep -E 'Non-2xx|Socket errors' "$WORK/wrk-$1.txt" | tr '\n' ' ' || true; }
# A short warm-up so both runs start from a warm server.
wrk -t1 -c2 -d3s -s "$WORK/page.lua" -H "Cookie: $COOKIE" "$BASE" >/dev/null
run_wrk page "$WORK/page.lua" "Cookie: $COOKIE"
run_wrk api "$WORK/api.lua" "Authorization: Bearer $TOKEN"
RSS_AFTER=$(rss)
HWM=$(hwm)
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""

INPROCESS="(left out: SKIP_INPROCESS=1)"
if [[ -z "${SKIP_INPROCESS:-}" ]]; then
    log "in process: cargo bench -p wijkregie-bench"
    (cd "$ROOT" && cargo bench -p wijkregie-bench --bench national 2>&1) | tee "$WORK/inprocess.txt" >&2
    INPROCESS=$(grep -E '^(national:|  tantivy|  FTS5)' "$WORK/inprocess.txt")
fi

cat <<EOF

==================== wijkregie, national social map ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)) ====================
$INPROCESS
HTTP, search page /aanbod   $(wrk_rate page) searches/s   p50 $(wrk_p page 50%)   p99 $(wrk_p page 99%)   $(wrk_errors page)
HTTP, HSDS API /services       $(wrk_rate api) searches/s   p50 $(wrk_p api 50%)   p99 $(wrk_p api 99%)   $(wrk_errors api)
import hsds (100,000 services, $SERVICES_IMPORTED datapackage into an empty database)   ${IMPORT_S} s
index rebuild at start   ${REBUILD_MS} ms   (start to first answer ${READY_S} s)
resident memory   ${RSS_START} MB after start, ${RSS_AFTER} MB after load, peak ${HWM} MB
(filling the national demo database: ${FILL_S} s)
EOF
