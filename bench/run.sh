#!/usr/bin/env bash
# bench/run.sh — the benchmark suite (./build.sh bench runs it after building everything).
# Builds the .NET half (Release), then runs every row interleaved in rounds: prints the table, saves
# it as bench/results/latest.md, and ends with the BENCH lines. Extra arguments go to the orchestrator,
# e.g. `bench/run.sh --rounds 3 --samples 2000` for a quicker look.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/build
TOOLS=$BUILD/native/bench
OUT=$BUILD/bench/managed
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for tool in pingpong_sender flood_sender isolated_sender paced_sender recv_selfpipe recv_ring recv_sigwait recv_signalfd recv_libsignals handler_cost; do
  if [ ! -x "$TOOLS/$tool" ]; then
    echo "error: $TOOLS/$tool is missing: run ./build.sh build first (or ./build.sh bench)" >&2
    exit 1
  fi
done

echo "==> benchmark receivers and orchestrator (.NET, Release)" >&2
dotnet build "$ROOT/bench/Signals.Bench/Signals.Bench.csproj" -c Release -nologo -v quiet \
  -p:SignalsNativeDir="$BUILD/native" -o "$OUT" >&2

echo "==> running the suite (about 6 minutes)" >&2
exec "$OUT/Signals.Bench" run --tools "$TOOLS" --out "$ROOT/bench/results/latest.md" \
  --sdk "$(dotnet --version)" "$@"
