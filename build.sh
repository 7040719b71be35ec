#!/usr/bin/env bash
# build.sh — the one entry point. Usage: ./build.sh [build|test|demo [ARGS]|bench|stress|pack|clean]
#   build  (default) native library + generated binding + managed projects, Release, into build/
#   test   build, then every test suite: native ctest (linux-x64, with the C ABI check; linux-arm64 under qemu;
#          linux-musl-x64), the README's verifiable figures (tests/docs),
#          reliability scenarios (incl. sanitizers), package, NUnit, the meter through dotnet-counters (tests/tools),
#          demo tests on NativeAOT and arm64 (tests/platforms)
#   demo   build, then run build/bin/signals-demo with ARGS (default: serve)
#   bench  build, then the benchmark suite (bench/run.sh): prints the table and BENCH lines
#   stress build, then the reliability scenarios at full size (tests/stress/run.sh full)
#   pack   build, then NuGet packages into build/packages (managed/pack.sh)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
BUILD=$ROOT/build
JOBS=${JOBS:-2}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*" >&2; }

# The runtime identifiers built besides linux-x64 (build/native), each from cmake/RID.toolchain.cmake.
OTHER_RIDS="linux-arm64 linux-musl-x64"

# Debian packages the build and the tests need, by a command that proves each is there (pkill stands for
# procps, whose /bin/kill the tests run; the shell's builtin kill would hide its absence).
declare -A PACKAGE_FOR=([cmake]=cmake [gcc]=gcc [swig]=swig [make]=make [nm]=binutils [unzip]=unzip
  [pkg-config]=pkg-config [setarch]=util-linux [setpriv]=util-linux [unshare]=util-linux [pkill]=procps
  [valgrind]=valgrind [timeout]=coreutils
  # The NUnit suite's injected faults (issue 18): strace's -e inject=, prlimit's resource limits.
  [strace]=strace [prlimit]=util-linux
  # The other platforms' native libraries (linux-arm64 by cross gcc, run under qemu-user; linux-musl-x64 by
  # musl-gcc) and the check of each packed library's machine and libc.
  [aarch64-linux-gnu-gcc]=gcc-aarch64-linux-gnu [qemu-aarch64]=qemu-user [musl-gcc]=musl-tools
  [readelf]=binutils [file]=file
  # The C ABI check against native/abi/libsignals.abi (ctest abi.libsignals).
  [abidw]=abigail-tools [abidiff]=abigail-tools
  # Job control in a real terminal (the demo's Ctrl-Z test) and children in process groups of their own.
  [tmux]=tmux [perl]=perl-base)

ensure_packages() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is required (dotnet on PATH)" >&2
    exit 1
  fi
  local missing=()
  for command in "${!PACKAGE_FOR[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("${PACKAGE_FOR[$command]}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
  else
    echo "error: missing packages; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

build_native() {
  log "native library and generated binding"
  cmake -S "$ROOT" -B "$BUILD/native" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
  cmake --build "$BUILD/native" -j "$JOBS"
  # The same sources (and SWIG wrapper; the generated C# is the same) for the other packed platforms,
  # each in its own tree with its toolchain file: build/native-linux-arm64, build/native-linux-musl-x64.
  local rid
  for rid in $OTHER_RIDS; do
    log "native library for $rid"
    cmake -S "$ROOT" -B "$BUILD/native-$rid" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/$rid.toolchain.cmake" \
      -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON -DSIGNALS_BENCH=OFF >/dev/null
    cmake --build "$BUILD/native-$rid" -j "$JOBS" >/dev/null
  done
}

build_managed() {
  [ -n "$(dotnet sln Signals.sln list 2>/dev/null | grep -E '\.csproj$' || true)" ] || return 0
  log "managed projects"
  dotnet build Signals.sln -c Release -nologo -v quiet -p:SignalsNativeDir="$BUILD/native" "$@"
}

build_all() {
  ensure_packages
  build_native
  build_managed
}

run_tests() {
  build_all
  log "native suite"
  ctest --test-dir "$BUILD/native" --output-on-failure -j "$JOBS"
  local rid
  for rid in $OTHER_RIDS; do
    # linux-arm64 under qemu-aarch64 (the toolchain file's CMAKE_CROSSCOMPILING_EMULATOR), linux-musl-x64
    # natively against musl. Plain builds only: the sanitizer runs stay with linux-x64 (stress R6).
    log "native suite, $rid"
    ctest --test-dir "$BUILD/native-$rid" --output-on-failure -j "$JOBS"
  done
  # Figures, package list and paths the README states, against the trees just tested and build.sh itself.
  log "README figures"
  tests/docs/check_readme.sh
  if [ -x tests/stress/run.sh ]; then
    # Also the native suite under ASan+UBSan, TSan and valgrind (scenario R6).
    log "reliability scenarios, reduced size"
    tests/stress/run.sh reduced
  fi
  if [ -x tests/package/run.sh ]; then
    log "the NuGet package, consumed as shipped"
    tests/package/run.sh
  fi
  if [ -f tests/Signals.Tests/Signals.Tests.csproj ]; then
    log "NUnit suite"
    dotnet test tests/Signals.Tests/Signals.Tests.csproj -c Release --no-build -nologo \
      --logger "console;verbosity=normal" -p:SignalsNativeDir="$BUILD/native"
  fi
  # The real dotnet-counters (a .NET tool, installed into build/tools) reading the meter of the demo's serve.
  log "the Signals meter through dotnet-counters, against the demo's serve"
  tests/tools/dotnet_counters_check.sh
  # The real dotnet-dump (build/tools) opening a dump the test app wrote on its dump signal (Signals.Diagnostics).
  log "a dump on demand, opened by dotnet-dump analyze"
  tests/tools/dotnet_dump_check.sh
  # The demo tests again, against the NativeAOT demo and (a smoke subset) the linux-arm64 demo under qemu.
  log "other platforms: NativeAOT demo, linux-arm64 demo under qemu"
  tests/platforms/run.sh
}

command=${1:-build}
[ $# -gt 0 ] && shift
case "$command" in
  build) build_all ;;
  test) run_tests ;;
  demo)
    build_all
    exec "$BUILD/bin/signals-demo" "${@:-serve}"
    ;;
  bench) build_all && exec bench/run.sh "$@" ;;
  stress) build_all && exec tests/stress/run.sh full "$@" ;;
  pack) build_all && exec managed/pack.sh "$@" ;;
  clean) rm -rf "$BUILD" ;;
  *)
    echo "usage: ./build.sh [build|test|demo [ARGS]|bench|stress|pack|clean]" >&2
    exit 2
    ;;
esac
