#!/usr/bin/env bash
# tests/docs/bad_settings_table.sh CASES_DIR - prints the table of malformed
# rule and config files in docs/robustness.md from the golden tests: every
# rules-* and config-* case that exits 2, with the first thing hmmm says.
set -eu
cases=$1
printf '| Test case (tests/cli/cases/) | What hmmm says |\n|---|---|\n'
for d in "$cases"/rules-* "$cases"/config-*; do
  IFS= read -r rc <"$d/expected.rc"
  [ "$rc" = 2 ] || continue
  said=
  IFS= read -r said <"$d/expected.stderr" || true
  printf '| `%s` | `%s` |\n' "${d##*/}" "${said//|/\\|}"
done
