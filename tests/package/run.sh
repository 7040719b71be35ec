#!/usr/bin/env bash
# tests/package/run.sh — the NuGet packages tested as shipped: a fresh console project in a temp folder
# references Signals and Signals.Hosting from build/packages (plus nuget.org for their dependencies), is
# built and run framework-dependent with `dotnet run`, so libsignals.so must come from the package's
# runtimes/linux-x64/native through the app's deps.json. Program.cs beside this script does a sigqueue
# round trip and a SIGHUP configuration reload. The same consumer is then published trimmed and self-contained
# and run again, and once more without libsignals.so (the unsupported-platform answer: PlatformNotSupportedException,
# IsSupported false, Signals.Hosting falling back to ConsoleLifetime with one warning). Any failure ends the
# script with a non-zero status.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/package
PACKAGES=$ROOT/build/packages
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "package test: FAILED: $*" >&2; exit 1; }

# Packages older than the library or the managed sources would test yesterday's code: pack again then.
packages_are_current() {
  local packages oldest
  ls "$PACKAGES"/Signals.[0-9]*.nupkg "$PACKAGES"/Signals.Hosting.[0-9]*.nupkg >/dev/null 2>&1 || return 1
  mapfile -t packages < <(ls -tr "$PACKAGES"/Signals.[0-9]*.nupkg "$PACKAGES"/Signals.Hosting.[0-9]*.nupkg)
  oldest=${packages[0]}
  [ -z "$(find "$ROOT"/build/native{,-linux-arm64,-linux-musl-x64}/lib/libsignals.so "$ROOT/managed/Signals" "$ROOT/managed/Signals.Hosting" \
            \( -name bin -o -name obj \) -prune -o -type f -newer "$oldest" -print | head -1)" ]
}
if ! packages_are_current; then
  echo "==> packages in $PACKAGES missing or older than the build: running managed/pack.sh" >&2
  "$ROOT/managed/pack.sh"
fi
version=$(basename "$(ls "$PACKAGES"/Signals.[0-9]*.nupkg | grep -v snupkg | head -1)" .nupkg)
version=${version#Signals.}

echo "==> native assets: machine and C library of each runtimes/RID/native/libsignals.so" >&2
"$HERE/check_native_assets.sh" "$PACKAGES/Signals.$version.nupkg" || fail "a native asset is not what its folder promises"

# A private package cache: the rest of the machine never sees our packages, and our own entries are
# removed on every run, so a stale copy of the same version number can never stand in for the new build.
export NUGET_PACKAGES=$ROOT/build/package-test/nuget-cache
rm -rf "$NUGET_PACKAGES/signals" "$NUGET_PACKAGES/signals.hosting"
mkdir -p "$NUGET_PACKAGES"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/signals-package-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$PACKAGES" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Signals" /><package pattern="Signals.Hosting" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

echo "==> fresh console project in $WORK, Signals $version from $PACKAGES" >&2
dotnet new console --name Consumer --output Consumer --framework net10.0 >/dev/null
cd Consumer
dotnet add package Signals --version "$version" >/dev/null
dotnet add package Signals.Hosting --version "$version" >/dev/null
dotnet add package Microsoft.Extensions.Hosting --version 10.0.0 >/dev/null
cp "$HERE/Program.cs" Program.cs

# The cache must hold exactly what build/packages holds.
cmp -s "$NUGET_PACKAGES/signals/$version/signals.$version.nupkg" "$PACKAGES/Signals.$version.nupkg" ||
  fail "the restored Signals package is not the one in $PACKAGES"

dotnet build -c Release -nologo -v quiet >build.log 2>&1 || { cat build.log >&2; fail "the consumer does not build"; }
grep -q '"runtimes/linux-x64/native/libsignals.so"' bin/Release/net10.0/Consumer.deps.json ||
  fail "Consumer.deps.json does not list runtimes/linux-x64/native/libsignals.so"
[ ! -e bin/Release/net10.0/libsignals.so ] ||
  fail "libsignals.so sits beside the app: it should be found through deps.json, not by luck"

echo "==> dotnet run (framework-dependent)" >&2
if ! output=$(timeout 120 dotnet run -c Release --no-build 2>&1); then
  echo "$output" >&2
  fail "the consumer failed"
fi
echo "$output"
grep -qx "received SIGUSR1 from pid [0-9]* value 4242 code Queue" <<<"$output" || fail "no round trip in the output"
grep -qx "package consumer: OK" <<<"$output" || fail "the consumer did not report OK"

# Trimmed and self-contained, as a container image would ship it: the libraries are declared trimmable
# (IsTrimmable), so the trimmer must neither warn (warnings are errors here) nor cut what the run needs.
echo "==> dotnet publish -r linux-x64 --self-contained -p:PublishTrimmed=true" >&2
dotnet publish -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -p:TreatWarningsAsErrors=true \
  -nologo -v quiet -o trimmed >publish.log 2>&1 || { cat publish.log >&2; fail "the trimmed consumer does not publish"; }
cmp -s trimmed/libsignals.so "$ROOT/build/native/lib/libsignals.so" ||
  fail "the trimmed publish does not carry the package's runtimes/linux-x64/native/libsignals.so"
echo "==> the trimmed consumer" >&2
if ! output=$(timeout 120 trimmed/Consumer 2>&1); then
  echo "$output" >&2
  fail "the trimmed consumer failed"
fi
echo "$output"
grep -qx "package consumer: OK" <<<"$output" || fail "the trimmed consumer did not report OK"

# A platform without a native asset, made here by taking the library away from the published app: the same
# code path a Windows, macOS or linux-musl-arm64 user takes (the load fails), checked by Program.cs's
# `unsupported` mode; the host's one warning is counted here.
echo "==> the trimmed consumer without libsignals.so" >&2
rm trimmed/libsignals.so
if ! output=$(timeout 120 trimmed/Consumer unsupported 2>&1); then
  echo "$output" >&2
  fail "the consumer without libsignals.so failed"
fi
echo "$output"
grep -qx "package consumer (unsupported): OK" <<<"$output" || fail "the consumer without libsignals.so did not report OK"
warnings=$(grep -c "Signals: not available" <<<"$output" || true)
[ "$warnings" -eq 1 ] || fail "expected one warning from Signals.Hosting, saw $warnings"
echo "==> package test passed" >&2
