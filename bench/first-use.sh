#!/usr/bin/env bash
# bench/first-use.sh — the two cold-process figures of the suite, quickly and without the other rows:
# first_subscribe_ms (Signals.Bench first-use ours, one process per sample; psr alongside) and rss_added_mb
# (VmRSS of an idle process holding SignalEvents.Subscribe for SIGHUP, SIGTERM and SIGUSR1, minus one holding
# PosixSignalRegistrations for them; read once the first tamper check has run). Several builds of the benchmark
# can be compared in the same interleaved rounds: pass their folders (copies of build/bench/managed).
#   bench/first-use.sh [--runs N] [--idle N] [DIR...]     default: 9 runs, 3 idle pairs, build/bench/managed
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=9 IDLE=3
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    *) break ;;
  esac
done
DIRS=("$@")
if [ ${#DIRS[@]} -eq 0 ]; then
  DIRS=(build/bench/managed)
  dotnet build bench/Signals.Bench/Signals.Bench.csproj -c Release -nologo -v quiet \
    -p:SignalsNativeDir="$PWD/build/native" -o build/bench/managed >&2
fi

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Prints the VmRSS (kB) of an idle process of MODE, 1 s after it said ready (the tamper check runs at 200 ms).
idle_rss() {
  local dir=$1 mode=$2 line rss
  coproc IDLE_PROC { exec "$dir/Signals.Bench" idle "$mode"; }
  read -r line <&"${IDLE_PROC[0]}"
  sleep 1
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$IDLE_PROC_PID/status")
  local pid=$IDLE_PROC_PID
  eval "exec ${IDLE_PROC[1]}>&-"
  wait "$pid" || true
  echo "$rss"
}

declare -A ours psr rss
for ((run = 0; run < RUNS; run++)); do
  for dir in "${DIRS[@]}"; do
    ours[$dir]+="$("$dir/Signals.Bench" first-use ours) "
    psr[$dir]+="$("$dir/Signals.Bench" first-use psr) "
  done
done
for ((pair = 0; pair < IDLE; pair++)); do
  for dir in "${DIRS[@]}"; do
    base=$(idle_rss "$dir" psr)
    with=$(idle_rss "$dir" ours)
    rss[$dir]+="$(awk -v a="$with" -v b="$base" 'BEGIN { printf "%.2f", (a - b) / 1024 }') "
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for dir in "${DIRS[@]}"; do
  echo "$dir"
  echo "  first_subscribe_ms median $(printf '%s\n' ${ours[$dir]} | median)  (${ours[$dir]% })"
  echo "  psr_first_create_ms median $(printf '%s\n' ${psr[$dir]} | median)  (${psr[$dir]% })"
  echo "  rss_added_mb median $(printf '%s\n' ${rss[$dir]} | median)  (${rss[$dir]% })"
done
