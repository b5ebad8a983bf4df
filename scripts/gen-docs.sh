#!/usr/bin/env bash
# Regenerates docs/rules.md, the rule reference, from the built-in rule files,
# and the table of bad rule and config files in docs/robustness.md.
# The test suite fails when either is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
hmmm=${HMMM:-build/hmmm}
"$hmmm" rules --no-config --format markdown > docs/rules.md
echo "wrote docs/rules.md"

# The table of malformed rule and config files in docs/robustness.md, from
# the golden tests.
table=$(tests/docs/bad_settings_table.sh tests/cli/cases)
awk -v table="$table" '
  /^<!-- bad-settings-table:start -->$/ { print; print table; skip = 1; next }
  /^<!-- bad-settings-table:end -->$/ { skip = 0 }
  !skip' docs/robustness.md > docs/robustness.md.tmp
mv docs/robustness.md.tmp docs/robustness.md
echo "wrote the table in docs/robustness.md"
