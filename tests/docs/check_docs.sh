#!/usr/bin/env bash
# docs/rules.md must be exactly what the rule files generate.
set -euo pipefail
hmmm=$1 docs=$2
if ! diff -u "$docs" <("$hmmm" rules --no-config --format markdown); then
  echo "docs/rules.md is out of date: run scripts/gen-docs.sh" >&2
  exit 1
fi
echo "docs/rules.md matches the rule files"
