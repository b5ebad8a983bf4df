#!/usr/bin/env bash
# Regenerates docs/rules.md, the rule reference, from the built-in rule files.
# The test suite fails when docs/rules.md is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
hmmm=${HMMM:-build/hmmm}
"$hmmm" rules --no-config --format markdown > docs/rules.md
echo "wrote docs/rules.md"
