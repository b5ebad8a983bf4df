#!/usr/bin/env bash
# The README's example rule file is real: it loads, its examples pass, and it
# flags what it says it flags.
set -euo pipefail
hmmm=$1 readme=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk '/Save this as `house.yaml`/ {want=1} want && /^```yaml/ {inside=1; next}
     inside && /^```/ {exit} inside {print}' "$readme" >"$work/house.yaml"
test -s "$work/house.yaml"
"$hmmm" test --no-config "$work/house.yaml"
printf 'We met our stakeholders today.\n' >"$work/draft.md"
"$hmmm" --no-config --format line --rules "$work/house.yaml" "$work/draft.md" >"$work/out.txt" || true
grep -q 'house.stakeholders' "$work/out.txt"
echo "the README's example rule works"
