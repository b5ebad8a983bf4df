#!/bin/sh
# tests/docs/bad_settings_table.sh CASES_DIR - prints the table of malformed
# rule and config files in docs/robustness.md from the golden tests: every
# rules-* and config-* case that exits 2, with the first thing hmmm says.
set -eu
cases=$1
printf '| Test case (tests/cli/cases/) | What hmmm says |\n|---|---|\n'
for d in "$cases"/rules-* "$cases"/config-*; do
  [ "$(cat "$d/expected.rc")" = 2 ] || continue
  said=$(head -n 1 "$d/expected.stderr" | sed 's/|/\\|/g')
  printf '| `%s` | `%s` |\n' "$(basename "$d")" "$said"
done
