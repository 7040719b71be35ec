#!/usr/bin/env bash
# bench/thread-dump.sh — the thread-stacks report of Signals.Diagnostics in a process with 50 extra threads: time per
# report, peak memory added, a request loop's p99 meanwhile (bench/ThreadDump). Separate from the interleaved suite
# (bench/run.sh): a report stops the process while createdump copies it. About 30 s. Ends with BENCH lines.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/build
OUT=$BUILD/bench/thread-dump
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "==> benchmark program (.NET, Release)" >&2
dotnet build "$ROOT/bench/ThreadDump/Signals.Bench.ThreadDump.csproj" -c Release -nologo -v quiet \
  -p:SignalsNativeDir="$BUILD/native" -o "$OUT" >&2
exec "$OUT/Signals.Bench.ThreadDump" "$@"
