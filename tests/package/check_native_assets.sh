#!/usr/bin/env bash
# tests/package/check_native_assets.sh SIGNALS.nupkg — each native library in the Signals package is built
# for the machine and C library its runtimes/RID folder promises, read from the ELF file itself:
#   linux-x64       x86-64,  NEEDED libc.so.6 (glibc)
#   linux-arm64     AArch64, NEEDED libc.so.6 (glibc)
#   linux-musl-x64  x86-64,  NEEDED libc.so (musl's loader answers that name itself), no GLIBC_ symbol version
# A library swapped between folders, or one linked against the wrong libc, fails here rather than at a
# user's first signal. Prints one line per asset (with the newest glibc symbol version it needs).
set -euo pipefail
fail() { echo "native assets: FAILED: $*" >&2; exit 1; }
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 Signals.VERSION.nupkg" >&2; exit 2; }
package=$1
for tool in unzip readelf file; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is needed (apt-get install -y unzip binutils file)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/signals-assets.XXXXXX")
trap 'rm -rf "$work"' EXIT
unzip -q "$package" 'runtimes/*' -d "$work"

# RID, the word file(1) prints for the machine, readelf's Machine line, the libc NEEDED entry.
expected="linux-x64 x86-64 X86-64 libc.so.6
linux-arm64 aarch64 AArch64 libc.so.6
linux-musl-x64 x86-64 X86-64 libc.so"

# Native assets only: runtimes/linux-x64/lib holds the ReadyToRun Signals.dll (managed, checked by pack.sh).
found=$(cd "$work" && find runtimes -path '*/native/*' -type f | sort)
[ "$(wc -l <<<"$found")" -eq 3 ] || fail "expected exactly three native assets in $(basename "$package"), found:"$'\n'"$found"

while read -r rid file_machine elf_machine libc; do
  asset=$work/runtimes/$rid/native/libsignals.so
  [ -f "$asset" ] || fail "$(basename "$package") has no runtimes/$rid/native/libsignals.so"
  description=$(file -b "$asset")
  grep -q "^ELF 64-bit LSB shared object, .*$file_machine" <<<"$description" ||
    fail "$rid: file(1) says '$description', expected a 64-bit $file_machine shared object"
  machine=$(readelf -h "$asset" | sed -n 's/^ *Machine: *//p')
  grep -q "$elf_machine" <<<"$machine" || fail "$rid: ELF machine is '$machine', expected $elf_machine"
  # The versioned soname (native/CMakeLists.txt, SIGNALS_SOVERSION): the C ABI's version travels with the file.
  soname=$(readelf -d "$asset" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  grep -qE '^libsignals\.so\.[0-9]+$' <<<"$soname" || fail "$rid: SONAME is '$soname', expected libsignals.so.N"
  needed=$(readelf -d "$asset" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
  grep -qxF "$libc" <<<"${needed// /$'\n'}" || fail "$rid: NEEDED is '$needed', expected $libc"
  glibc=$(readelf -V "$asset" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 || true)
  if [ "$libc" = libc.so ]; then
    # musl: nothing from glibc may be asked for, neither its soname nor a versioned glibc symbol.
    grep -qxF libc.so.6 <<<"${needed// /$'\n'}" && fail "$rid: needs glibc's libc.so.6"
    [ -z "$glibc" ] || fail "$rid: needs glibc symbol version $glibc"
    echo "ok  $rid: $machine, SONAME $soname, NEEDED $needed(musl)"
  else
    echo "ok  $rid: $machine, SONAME $soname, NEEDED $needed(glibc, newest symbol version $glibc)"
  fi
done <<<"$expected"
