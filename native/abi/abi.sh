#!/bin/sh
# native/abi/abi.sh — the C ABI baseline of libsignals (issue 21): the exported functions, their signatures and
# the layout of every struct they use (signals_record), as abidw (abigail-tools) describes them, in
# native/abi/libsignals.abi beside this script; and the values of the header's numeric #defines (policies,
# dispositions, codes: compiled into every caller, invisible to abidiff) in native/abi/signals.defines.
#
#   native/abi/abi.sh check TWIN SHIPPED   the ctest abi.libsignals: TWIN is build/native/abi/libsignals.so (the
#                                          same sources built with -g), SHIPPED build/native/lib/libsignals.so
#   native/abi/abi.sh update [--force]     after ./build.sh build: writes the baseline from build/native
#
# check fails when an export was removed, a signature or a struct layout changed, the soname changed, or a #define
# was removed or got another value, against the baseline: such a change must raise SIGNALS_SOVERSION
# (native/CMakeLists.txt) and update the baseline with it. An added export or #define passes and is listed, so
# the next baseline update records it. update refuses to record an
# incompatible change under the same soname (--force records it anyway, for a change abidiff flags that you
# have checked is harmless, e.g. a renamed struct field).
set -eu
export LC_ALL=C # one sort order for the baseline and the check
HERE=$(cd "$(dirname "$0")" && pwd)
BASELINE=$HERE/libsignals.abi
DEFINES=$HERE/signals.defines
HEADERS=$HERE/../include
ABIDW=${ABIDW:-abidw}
ABIDIFF=${ABIDIFF:-abidiff}

# The ABI of LIBRARY as abixml on stdout: exported interfaces only, types from the public header only, and
# nothing that depends on the checkout's path or the machine's locations.
describe() {
  "$ABIDW" --headers-dir "$HEADERS" --drop-private-types --exported-interfaces-only --no-corpus-path \
    --no-comp-dir-path --no-show-locs --type-id-style hash "$1"
}

# abidiff OLD NEW [OPTIONS]; its status is a bit set: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
compare() {
  status=0
  "$ABIDIFF" --no-show-locs "$@" >"$work/report" 2>&1 || status=$?
  if [ $((status & 3)) -ne 0 ]; then
    cat "$work/report" >&2
    echo "abi: abidiff failed (status $status)" >&2
    exit 2
  fi
  return $status
}

defines() { # "NAME VALUE" for each numeric #define of the header, sorted
  grep -E '^#define SIGNALS_[A-Z0-9_]+[[:space:]]+(0x[0-9a-fA-F]+|-?[0-9]+)' "$HEADERS/signals.h" | awk '{ print $2, $3 }' | sort
}

exports() { # the signals_* functions a library exports, one per line
  nm -D --defined-only "$1" | awk '$2 == "T" && $3 ~ /^signals_/ { print $3 }' | sort
}

command -v "$ABIDW" >/dev/null 2>&1 || { echo "abi: abidw not found: apt-get install abigail-tools" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/signals-abi.XXXXXX")
trap 'rm -rf "$work"' EXIT

case ${1:-} in
check)
  [ $# -eq 3 ] || { echo "usage: $0 check TWIN SHIPPED" >&2; exit 2; }
  twin=$2
  shipped=$3
  # The twin stands for the shipped library only if both export the same functions under the same soname.
  exports "$twin" >"$work/twin.exports"
  exports "$shipped" >"$work/shipped.exports"
  if ! cmp -s "$work/twin.exports" "$work/shipped.exports"; then
    diff "$work/twin.exports" "$work/shipped.exports" >&2 || true
    echo "FAIL: $twin and $shipped export different signals_* functions" >&2
    exit 1
  fi
  soname() { readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }
  [ "$(soname "$twin")" = "$(soname "$shipped")" ] || { echo "FAIL: the twin's soname differs from the shipped one" >&2; exit 1; }

  # A #define of the baseline that is gone or has another value (comm -23: lines only in the baseline).
  defines >"$work/current.defines"
  changed=$(comm -23 "$DEFINES" "$work/current.defines")
  if [ -n "$changed" ]; then
    printf '%s\n' "baseline #defines now gone or different:" "$changed" "now:" "$(comm -13 "$DEFINES" "$work/current.defines")"
    echo "FAIL: a #define of signals.h was removed or changed its value (native/abi/signals.defines). Callers" \
      "compiled the old value in: raise SIGNALS_SOVERSION in native/CMakeLists.txt and run native/abi/abi.sh update," \
      "or put the value back." >&2
    exit 1
  fi
  added_defines=$(comm -13 "$DEFINES" "$work/current.defines")

  describe "$twin" >"$work/current.abi"
  if ! compare "$BASELINE" "$work/current.abi" --no-added-syms; then
    cat "$work/report"
    echo "FAIL: the C ABI of $(soname "$shipped") differs from native/abi/libsignals.abi (above: removed or changed" \
      "exports, struct layouts, soname). If that is intended, raise SIGNALS_SOVERSION in native/CMakeLists.txt and" \
      "run native/abi/abi.sh update; otherwise put the old signature or layout back." >&2
    exit 1
  fi
  if ! compare "$BASELINE" "$work/current.abi" || [ -n "$added_defines" ]; then
    cat "$work/report"
    [ -z "$added_defines" ] || printf '%s\n' "#defines added:" "$added_defines"
    echo "PASS, with additions: exports or #defines added since the baseline (compatible); record them with" \
      "native/abi/abi.sh update"
  else
    echo "PASS: the C ABI of $(soname "$shipped") matches native/abi/libsignals.abi ($(wc -l <"$work/shipped.exports") exports)"
  fi
  ;;
update)
  ROOT=$(cd "$HERE/../.." && pwd)
  cmake --build "$ROOT/build/native" --target signals_abi >/dev/null
  twin=$ROOT/build/native/abi/libsignals.so
  describe "$twin" >"$work/current.abi"
  if [ -f "$BASELINE" ] && [ "${2:-}" != --force ] && ! compare "$BASELINE" "$work/current.abi" --no-added-syms; then
    old=$(sed -n "1s/.*soname='\([^']*\)'.*/\1/p" "$BASELINE")
    new=$(sed -n "1s/.*soname='\([^']*\)'.*/\1/p" "$work/current.abi")
    if [ "$old" = "$new" ]; then
      cat "$work/report" >&2
      echo "abi: refused: an incompatible change under the same soname $new. Raise SIGNALS_SOVERSION in" \
        "native/CMakeLists.txt, rebuild and run this again (or --force if the change above is harmless)." >&2
      exit 1
    fi
  fi
  defines >"$work/current.defines"
  if [ -f "$DEFINES" ] && [ "${2:-}" != --force ] && [ -n "$(comm -23 "$DEFINES" "$work/current.defines")" ]; then
    old=$(sed -n "1s/.*soname='\([^']*\)'.*/\1/p" "$BASELINE")
    new=$(sed -n "1s/.*soname='\([^']*\)'.*/\1/p" "$work/current.abi")
    if [ "$old" = "$new" ]; then
      comm -23 "$DEFINES" "$work/current.defines" >&2
      echo "abi: refused: the #defines above were removed or changed under the same soname $new. Raise" \
        "SIGNALS_SOVERSION in native/CMakeLists.txt, rebuild and run this again (or --force)." >&2
      exit 1
    fi
  fi
  cp "$work/current.abi" "$BASELINE"
  cp "$work/current.defines" "$DEFINES"
  echo "abi: wrote $BASELINE ($(exports "$twin" | wc -l) exports) and $DEFINES ($(wc -l <"$DEFINES") #defines)"
  ;;
*)
  echo "usage: $0 check TWIN SHIPPED | update [--force]" >&2
  exit 2
  ;;
esac
