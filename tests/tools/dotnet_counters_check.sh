#!/usr/bin/env bash
# tests/tools/dotnet_counters_check.sh — the "Signals" meter as an operator sees it: the real dotnet-counters tool
# (installed as a .NET tool into build/tools) collects from the demo's `serve` while procps kill sends it real
# signals, and the CSV must show signals.deliveries for SIGUSR1 adding up to exactly the number sent.
#   1. serve starts; `dotnet-counters collect -p PID --counters Signals --format csv --duration 00:00:00:15 -o FILE`.
#      The CSV is written at the end (the tool buffers 10 000 characters), and SIGINT/SIGTERM end the tool without
#      writing it, so the session runs for a fixed duration.
#   2. Warm-up: the session attaches a moment after the tool starts, and a delivery before that is not counted.
#      SIGHUP (a reload) is sent every 0.5 s for 3 s; a SIGHUP in the CSV proves the session was collecting before
#      the SIGUSR1s (once attached it counts every later delivery).
#   3. N SIGUSR1, one at a time (each waits for serve's "received SIGUSR1" line: two pending at once would merge
#      in the kernel), at least two refresh intervals before the session ends.
# Counters come as "Rate" rows (the increment in each 1 s interval), so the sum of the rows is the cumulative
# count. Fails when the meter reports nothing. Needs ./build.sh build first (build.sh test runs it after the
# NUnit suite). About 17 s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
VERSION=10.0.750501
TOOLS=$BUILD/tools
DEMO=$BUILD/bin/signals-demo
KILL=$(type -P kill) # procps kill, as an operator types it (not the shell's builtin)
SENT=5
DURATION=15 # seconds of collection
DEADLINE=20 # seconds for any positive wait

log() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'dotnet_counters_check: FAIL: %s\n' "$*" >&2; exit 1; }

if [ ! -d "$TOOLS/.store/dotnet-counters/$VERSION" ]; then
  log "installing dotnet-counters $VERSION into build/tools"
  rm -rf "$TOOLS/dotnet-counters" "$TOOLS/.store/dotnet-counters"
  dotnet tool install dotnet-counters --version "$VERSION" --tool-path "$TOOLS" >/dev/null
fi
[ -x "$DEMO" ] || fail "$DEMO is missing: run ./build.sh build first"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/signals-dotnet-counters.XXXXXX")
CSV=$WORK/counters.csv
SERVE_PID= COLLECT_PID=
cleanup() {
  [ -z "$COLLECT_PID" ] || kill -KILL "$COLLECT_PID" 2>/dev/null || true
  [ -z "$SERVE_PID" ] || kill -KILL "$SERVE_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Polls COMMAND once every 0.1 s until it succeeds or DEADLINE passes.
poll() { # WHAT COMMAND...
  local what=$1 tries=$((DEADLINE * 10)); shift
  until "$@"; do
    tries=$((tries - 1))
    [ $tries -gt 0 ] || fail "timed out after ${DEADLINE}s waiting for $what"
    sleep 0.1
  done
}
received() { grep -c " received $1 " "$WORK/serve.out" || true; }
received_at_least() { [ "$(received "$1")" -ge "$2" ]; }
send() { # SIGNAL: one kill, then serve's line for it (so that no two are ever pending together)
  local before; before=$(received "$1")
  "$KILL" -s "${1#SIG}" "$SERVE_PID"
  poll "serve's 'received $1' line" received_at_least "$1" $((before + 1))
}
# Sum of the signals.deliveries increments in the CSV for one signal.
deliveries() { # SIGNAL
  awk -F, -v tag="[signal=$1]" '$2 == "Signals" && $3 ~ /^signals\.deliveries / && index($3, tag) { sum += $5 } END { print sum + 0 }' "$CSV"
}

"$DEMO" serve --config "$WORK/serve.conf" >"$WORK/serve.out" 2>&1 &
SERVE_PID=$!
poll "serve's ready line" grep -q " ready; try: " "$WORK/serve.out"

COMMAND=("$TOOLS/dotnet-counters" collect -p "$SERVE_PID" --counters Signals --format csv --duration "00:00:00:$DURATION" -o "$CSV")
log "${COMMAND[*]#$ROOT/}"
STARTED=$SECONDS
"${COMMAND[@]}" >"$WORK/collect.out" 2>&1 &
COLLECT_PID=$!
poll "dotnet-counters starting its session" grep -q "Starting a counter session" "$WORK/collect.out"

for _ in 1 2 3 4 5 6; do
  send SIGHUP
  sleep 0.5
done
for _ in $(seq 1 "$SENT"); do
  send SIGUSR1
done
[ $((SECONDS - STARTED)) -le $((DURATION - 3)) ] ||
  fail "the signals took until ${SECONDS}s of a ${DURATION}s session: too late for its last intervals"

status=0
wait "$COLLECT_PID" || status=$?
COLLECT_PID=
[ $status -eq 0 ] || fail "dotnet-counters exited with status $status: $(cat "$WORK/collect.out")"
"$KILL" -TERM "$SERVE_PID"
status=0
wait "$SERVE_PID" || status=$?
SERVE_PID=
[ $status -eq 0 ] || fail "serve exited with status $status: $(cat "$WORK/serve.out")"
[ -f "$CSV" ] || fail "dotnet-counters wrote no CSV: $(cat "$WORK/collect.out")"

[ "$(received SIGUSR1)" -eq "$SENT" ] || fail "serve received $(received SIGUSR1) SIGUSR1, not $SENT"
grep -F "signals.deliveries" "$CSV" | grep -v ',0$' >&2 || true
[ "$(deliveries SIGHUP)" -gt 0 ] ||
  fail "no SIGHUP delivery in the CSV: the meter did not report (or the session attached after the 3 s warm-up): $(cat "$CSV")"
counted=$(deliveries SIGUSR1)
[ "$counted" -eq "$SENT" ] || fail "dotnet-counters saw $counted SIGUSR1 deliveries, $SENT were sent: $(cat "$CSV")"
log "dotnet-counters: signals.deliveries[signal=SIGUSR1] adds up to $counted, as sent (SIGHUP warm-up: $(deliveries SIGHUP) of 6 counted)"
