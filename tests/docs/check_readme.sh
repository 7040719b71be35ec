#!/usr/bin/env bash
# tests/docs/check_readme.sh — fails when something README.md states and this script can verify is no longer true
# (issue 21). ./build.sh test runs it after the native suites; it needs ./build.sh build's trees.
#   1. Test counts: any "N tests" / "N ctest tests" / "all N" figure must be the `ctest -N` count of one of the
#      native trees (build/native, build/native-linux-arm64, build/native-linux-musl-x64). Better: write none,
#      since they change with every landing; the README says where the lists are instead.
#   2. The Debian packages build.sh installs: the README's list is exactly build.sh's PACKAGE_FOR table.
#   3. The Layout table: every path in its first column exists (a bare file name is in the folder before it).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
README=$ROOT/README.md
failures=0
fail() { echo "README check: STALE: $*" >&2; failures=$((failures + 1)); }

# 1. Test counts.
counts=""
for tree in native native-linux-arm64 native-linux-musl-x64; do
  [ -d "$ROOT/build/$tree" ] || { echo "README check: build/$tree is missing: run ./build.sh build first" >&2; exit 2; }
  counts+=" $(ctest --test-dir "$ROOT/build/$tree" -N | sed -n 's/^Total Tests: //p')"
done
while IFS=: read -r line figure; do
  number=$(grep -oE '[0-9]+' <<<"$figure" | head -1)
  grep -qw "$number" <<<"$counts" ||
    fail "README.md:$line says '$figure'; the native trees have$counts tests (ctest -N)"
done < <(grep -noE '(all [0-9]+( tests)?\b|\b[0-9]+ (ctest |native |C )?tests)' "$README" || true)

# 2. The packages.
listed=$(tr '\n' ' ' <"$README" | sed -n 's/.*installs the Debian packages it needs (\([^)]*\)).*/\1/p' |
  sed -e 's/and for the other platforms//' -e 's/,/ /g' | tr -s ' ' '\n' | sed '/^$/d' | sort -u)
[ -n "$listed" ] || fail "no 'installs the Debian packages it needs (...)' sentence found"
installed=$(sed -n '/^declare -A PACKAGE_FOR=/,/)$/p' "$ROOT/build.sh" | grep -oE '\]=[a-z0-9.+-]+' | cut -c3- | sort -u)
if [ "$listed" != "$installed" ]; then
  fail "the README's package list differs from build.sh's PACKAGE_FOR (< README, > build.sh):"$'\n'"$(diff <(echo "$listed") <(echo "$installed") | grep '^[<>]' || true)"
fi

# 3. The Layout table's paths.
while read -r cell; do
  folder=""
  for path in $(grep -oE '`[^`]+`' <<<"$cell" | tr -d '`'); do
    if [[ $path == */* ]]; then
      folder=$(dirname "$path")
    else
      path=$folder/$path
    fi
    compgen -G "$ROOT/${path%/}" >/dev/null || fail "the Layout table names $path, which does not exist"
  done
done < <(sed -n '/^## Layout/,/^## /p' "$README" | grep '^| `' | cut -d'|' -f2)

if [ "$failures" -gt 0 ]; then
  echo "README check: $failures stale statement(s) in README.md" >&2
  exit 1
fi
echo "README check: test figures, package list and Layout paths are current (native trees:$counts tests)"
