#!/bin/sh
# check_handler_symbols.sh NM ALLOWLIST OBJECT... — the `handler_async_signal_safety` test.
#
# Lists every symbol the signal handler's object file(s) need from elsewhere (`nm -u`: each function
# it calls, each datum it uses) and fails, naming them, if any is not in ALLOWLIST, a list of the
# async-signal-safe functions of signal-safety(7) plus a few commented compiler/build symbols.
# A call to printf or malloc added to native/src/handler.c makes this fail.
set -eu

if [ $# -lt 3 ]; then
    echo "usage: $0 NM ALLOWLIST OBJECT..." >&2
    exit 2
fi
nm=$1
allowlist=$2
shift 2

# Exact names and `prefix*` patterns, comments and blank lines removed.
allowed=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$allowlist")

# POSIX format: "name U" per undefined symbol (plus "file:" headers with several objects). Symbol
# versions (name@GLIBC_x) are stripped.
undefined=$("$nm" -u --format=posix "$@" | awk '$2 == "U" { sub(/@.*/, "", $1); print $1 }' | sort -u)

if ! printf '%s\n' "$undefined" | grep -qx send; then
    # The handler wakes the reader with send(2); if that is missing we are not looking at it.
    echo "error: no call to send found in $*; is this the handler's object file?" >&2
    exit 2
fi

is_allowed() {
    for entry in $allowed; do
        case $entry in
        *\*) case $1 in "${entry%\*}"*) return 0 ;; esac ;;
        *) [ "$1" = "$entry" ] && return 0 ;;
        esac
    done
    return 1
}

status=0
for symbol in $undefined; do
    if is_allowed "$symbol"; then
        echo "ok       $symbol"
    else
        echo "UNSAFE   $symbol: not async-signal-safe (not in signal-safety(7) or $allowlist)"
        status=1
    fi
done
if [ $status -ne 0 ]; then
    echo "FAIL: the signal handler (native/src/handler.c) calls functions that are not async-signal-safe" >&2
else
    echo "PASS: every symbol the handler uses is async-signal-safe"
fi
exit $status
