#!/usr/bin/env bash
# managed/pack.sh — writes the NuGet packages Signals and Signals.Hosting (+ .snupkg symbols) into build/packages.
# ./build.sh pack calls it after building; tests/package/run.sh calls it when the packages are missing.
# Then checks that the Signals package carries what a consumer needs, the native library above all.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
OUT=$BUILD/packages
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "pack: error: $*" >&2; exit 1; }

[ -f "$BUILD/native/lib/libsignals.so" ] || fail "$BUILD/native/lib/libsignals.so is missing: run ./build.sh build first"
command -v unzip >/dev/null 2>&1 || fail "unzip is needed to check the packages (apt-get install -y unzip)"

# Old packages of another version would sit beside the new ones and confuse consumers of the folder.
rm -rf "$OUT"
mkdir -p "$OUT"
for project in managed/Signals/Signals.csproj managed/Signals.Hosting/Signals.Hosting.csproj; do
  echo "==> dotnet pack $project" >&2
  dotnet pack "$ROOT/$project" -c Release -nologo -v quiet -o "$OUT" -p:SignalsNativeDir="$BUILD/native"
done

# What the Signals package must contain, path by path.
signals=$(ls "$OUT"/Signals.[0-9]*.nupkg | grep -v '\.snupkg$')
listing=$(unzip -Z1 "$signals")
for entry in lib/net10.0/Signals.dll lib/net10.0/Signals.xml README.md runtimes/linux-x64/native/libsignals.so; do
  grep -qx "$entry" <<<"$listing" || fail "$(basename "$signals") lacks $entry; it has:"$'\n'"$listing"
done
# The packed library must be the one just built, not a stale copy.
cmp -s <(unzip -p "$signals" runtimes/linux-x64/native/libsignals.so) "$BUILD/native/lib/libsignals.so" ||
  fail "the libsignals.so in $(basename "$signals") differs from $BUILD/native/lib/libsignals.so"
# (Into variables first: `unzip | grep -q` fails under pipefail when grep stops reading early.)
hosting=$(ls "$OUT"/Signals.Hosting.[0-9]*.nupkg | grep -v '\.snupkg$')
listing=$(unzip -Z1 "$hosting")
grep -qx lib/net10.0/Signals.Hosting.dll <<<"$listing" || fail "$(basename "$hosting") lacks its assembly"
nuspec=$(unzip -p "$hosting" Signals.Hosting.nuspec)
grep -q '<dependency id="Signals"' <<<"$nuspec" || fail "$(basename "$hosting") does not depend on the Signals package"

echo "==> packages in $OUT:" >&2
ls -l "$OUT" >&2
