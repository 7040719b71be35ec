#!/usr/bin/env bash
# managed/pack.sh — writes the NuGet packages Signals, Signals.Hosting and Signals.Diagnostics (+ .snupkg symbols)
# into build/packages.
# ./build.sh pack calls it after building; tests/package/run.sh calls it when the packages are missing.
# Then checks that the Signals package carries what a consumer needs, the native libraries above all (one per
# runtime identifier, each of the right machine and C library: tests/package/check_native_assets.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
OUT=$BUILD/packages
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "pack: error: $*" >&2; exit 1; }

# The native library per runtime identifier, as build.sh lays them out.
declare -A NATIVE_DIR=([linux-x64]=$BUILD/native [linux-arm64]=$BUILD/native-linux-arm64
  [linux-musl-x64]=$BUILD/native-linux-musl-x64)
for rid in "${!NATIVE_DIR[@]}"; do
  [ -f "${NATIVE_DIR[$rid]}/lib/libsignals.so" ] ||
    fail "${NATIVE_DIR[$rid]}/lib/libsignals.so ($rid) is missing: run ./build.sh build first"
done
command -v unzip >/dev/null 2>&1 || fail "unzip is needed to check the packages (apt-get install -y unzip)"

# Old packages of another version would sit beside the new ones and confuse consumers of the folder.
rm -rf "$OUT"
mkdir -p "$OUT"
for project in managed/Signals/Signals.csproj managed/Signals.Hosting/Signals.Hosting.csproj managed/Signals.Diagnostics/Signals.Diagnostics.csproj; do
  echo "==> dotnet pack $project" >&2
  dotnet pack "$ROOT/$project" -c Release -nologo -v quiet -o "$OUT" -p:SignalsNativeDir="$BUILD/native"
done

# What the Signals package must contain, path by path.
signals=$(ls "$OUT"/Signals.[0-9]*.nupkg | grep -v '\.snupkg$')
listing=$(unzip -Z1 "$signals")
# runtimes/linux-x64/lib: the ReadyToRun image (Signals.csproj), made when packing on a linux-x64 host.
for entry in lib/net10.0/Signals.dll lib/net10.0/Signals.xml README.md runtimes/linux-x64/lib/net10.0/Signals.dll; do
  grep -qx "$entry" <<<"$listing" || fail "$(basename "$signals") lacks $entry; it has:"$'\n'"$listing"
done
for rid in "${!NATIVE_DIR[@]}"; do
  entry=runtimes/$rid/native/libsignals.so
  grep -qx "$entry" <<<"$listing" || fail "$(basename "$signals") lacks $entry; it has:"$'\n'"$listing"
  # The packed library must be the one just built, not a stale copy.
  cmp -s <(unzip -p "$signals" "$entry") "${NATIVE_DIR[$rid]}/lib/libsignals.so" ||
    fail "the $entry in $(basename "$signals") differs from ${NATIVE_DIR[$rid]}/lib/libsignals.so"
done
# Each library is built for its folder's machine and C library.
"$ROOT/tests/package/check_native_assets.sh" "$signals" || fail "the native assets are not what their folders promise"
# (Into variables first: `unzip | grep -q` fails under pipefail when grep stops reading early.)
hosting=$(ls "$OUT"/Signals.Hosting.[0-9]*.nupkg | grep -v '\.snupkg$')
listing=$(unzip -Z1 "$hosting")
grep -qx lib/net10.0/Signals.Hosting.dll <<<"$listing" || fail "$(basename "$hosting") lacks its assembly"
nuspec=$(unzip -p "$hosting" Signals.Hosting.nuspec)
grep -q '<dependency id="Signals"' <<<"$nuspec" || fail "$(basename "$hosting") does not depend on the Signals package"

# Signals.Diagnostics: its assembly, and the dependencies a consumer's restore must bring (ClrMD; Hosting for the
# interface it implements). Not in tests/package's consumer: that one is published trimmed, and ClrMD is not trimmable.
diagnostics=$(ls "$OUT"/Signals.Diagnostics.[0-9]*.nupkg | grep -v '\.snupkg$')
listing=$(unzip -Z1 "$diagnostics")
for entry in lib/net10.0/Signals.Diagnostics.dll lib/net10.0/Signals.Diagnostics.xml README.md; do
  grep -qx "$entry" <<<"$listing" || fail "$(basename "$diagnostics") lacks $entry; it has:"$'\n'"$listing"
done
nuspec=$(unzip -p "$diagnostics" Signals.Diagnostics.nuspec)
for dependency in Signals.Hosting Microsoft.Diagnostics.Runtime; do
  grep -q "<dependency id=\"$dependency\"" <<<"$nuspec" || fail "$(basename "$diagnostics") does not depend on $dependency"
done

echo "==> packages in $OUT:" >&2
ls -l "$OUT" >&2
