#!/bin/sh
# tests/docs/check_robustness.sh CASES_DIR DOC - the table of malformed rule
# and config files in DOC (between its two marker lines) must be the one
# the golden tests give, so that every case is listed as it behaves.
set -eu
here=$(dirname "$0")
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed -n '/^<!-- bad-settings-table:start -->$/,/^<!-- bad-settings-table:end -->$/p' "$2" |
  sed '1d;$d' > "$tmp"
if ! "$here/bad_settings_table.sh" "$1" | diff -u "$tmp" -; then
  echo "$2 is out of date: rerun scripts/gen-docs.sh" >&2
  exit 1
fi
