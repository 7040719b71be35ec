#!/usr/bin/env bash
# tests/tools/dotnet_dump_check.sh — a dump on demand as an operator uses it: the Generic Host test app
# (tests/Signals.Hosting.TestApp, AddSignals + AddSignalDiagnostics with SIGUSR2 as its dump signal and a thread
# blocked in KnownThreads.BlockedInMonitorWait) gets `kill -USR2`, logs the dump's path and size, keeps running, and
# the real dotnet-dump (installed as a .NET tool into build/tools, like dotnet-counters) opens the file:
# `clrstack -all` must show the blocked method. Part of ./build.sh test, after the NUnit suite. About 20 s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
VERSION=10.0.750501
TOOLS=$BUILD/tools
APP=$BUILD/bin/hosting-testapp/Signals.Hosting.TestApp.dll
KILL=$(type -P kill) # procps kill, as an operator types it (not the shell's builtin)
DEADLINE=60 # seconds for any positive wait (a dump with the heap on a loaded machine takes seconds)

log() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'dotnet_dump_check: FAIL: %s\n' "$*" >&2; exit 1; }

if [ ! -d "$TOOLS/.store/dotnet-dump/$VERSION" ]; then
  log "installing dotnet-dump $VERSION into build/tools"
  rm -rf "$TOOLS/dotnet-dump" "$TOOLS/.store/dotnet-dump"
  dotnet tool install dotnet-dump --version "$VERSION" --tool-path "$TOOLS" >/dev/null
fi
[ -f "$APP" ] || fail "$APP is missing: run ./build.sh build first"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/signals-dotnet-dump.XXXXXX")
APP_PID=
cleanup() {
  [ -z "$APP_PID" ] || kill -KILL "$APP_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

poll() { # WHAT COMMAND...: once every 0.1 s until it succeeds or DEADLINE passes
  local what=$1 tries=$((DEADLINE * 10)); shift
  until "$@"; do
    tries=$((tries - 1))
    [ $tries -gt 0 ] || fail "timed out after ${DEADLINE}s waiting for $what: $(cat "$WORK/app.out")"
    sleep 0.1
  done
}

echo '{ "Greeting": "hello" }' >"$WORK/settings.json"
mkdir "$WORK/dumps"
# env: the default dispositions a terminal gives (a background job's inherited SIG_IGN on SIGQUIT would be kept).
env --default-signal=INT,QUIT dotnet "$APP" --config "$WORK/settings.json" --signal-diagnostics --known-threads \
  --dump-signal SIGUSR2 --dump-dir "$WORK/dumps" --dump-max 2 >"$WORK/app.out" 2>&1 &
APP_PID=$!
poll "the app's ready line" grep -q "^ready pid=$APP_PID" "$WORK/app.out"

"$KILL" -s USR2 "$APP_PID"
poll "the dump's log line" grep -q "Dump (SIGUSR2 from pid" "$WORK/app.out"
line=$(grep "Dump (SIGUSR2 from pid" "$WORK/app.out")
log "${line#*: }"
dump=$(ls "$WORK"/dumps/dump-"$APP_PID"-*Z.dmp 2>/dev/null | head -1)
[ -n "$dump" ] || fail "no dump-$APP_PID-TIME.dmp in the directory: $line"
grep -qF "wrote $dump (" <<<"$line" || fail "the log line does not name $dump: $line"
kill -0 "$APP_PID" 2>/dev/null || fail "the app did not keep running after the dump"
! grep -q '\[createdump\]' "$WORK/app.out" || fail "createdump's lines reached the app's output"

log "dotnet-dump analyze $(basename "$dump") -c 'clrstack -all'"
"$TOOLS/dotnet-dump" analyze "$dump" -c "clrstack -all" -c exit >"$WORK/analyze.out" 2>&1 ||
  fail "dotnet-dump analyze failed: $(tail -20 "$WORK/analyze.out")"
grep -q "Signals.Hosting.TestApp.KnownThreads.BlockedInMonitorWait()" "$WORK/analyze.out" ||
  fail "clrstack -all lacks KnownThreads.BlockedInMonitorWait: $(head -60 "$WORK/analyze.out")"

"$KILL" -TERM "$APP_PID"
status=0
wait "$APP_PID" || status=$?
APP_PID=
[ $status -eq 0 ] || fail "the app exited with status $status: $(cat "$WORK/app.out")"
log "dotnet-dump: $(basename "$dump") opens, clrstack -all shows KnownThreads.BlockedInMonitorWait"
