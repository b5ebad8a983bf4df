#!/usr/bin/env bash
# Out-of-memory torture: runs each scenario below once to count its
# allocations, then again with allocation 1 failing, then 2, and so on (the
# failmalloc library, preloaded). Every run must end on its own with an
# exit status (no crash, no hang), leak nothing, and either give exactly the
# output of the run that had all its memory or exit 2 saying it ran out of
# memory. Nothing is lost without a word.
#
#   tests/torture/torture.sh HMMM FAILMALLOC.so
#
# TORTURE_ONLY=REGEX runs only the scenarios whose arguments match it
# (grep -E), e.g. TORTURE_ONLY='docx|odt' for the Word and OpenDocument ones.
set -uo pipefail
hmmm=$(realpath "$1")
shim=$(realpath "$2")
root=$(cd "$(dirname "$0")/../.." && pwd)
example=$root/examples/strategy-draft.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat >rules.yaml <<'EOF'
pack: small
title: A small pack
rules:
  - id: service-users
    level: warning
    words: [service user*, users of services]
    exceptions: [service user research]
    context:
      not-near: [digital service*]
    message: '"{match}" talks about people as receivers of services'
    suggest: [people who draw on care, people]
    fix: true
    glossary: [our-people]
    why: A reason, in a sentence.
    source: A test.
    examples:
      flag: ["We asked [[service users]] what they think."]
      pass: ["We asked people who draw on care."]
  - id: empower
    level: suggestion
    pattern: '\bempower(?:s|ed|ing|ment)?\b'
    message: '"{match}" suggests power is ours to hand out'
    examples:
      flag: ["We [[empower]] people."]
      pass: ["People have power."]
glossary:
  - key: our-people
    term: People who draw on care
    aliases: [people who use services]
    definition: Anyone who has care and support in their life.
    source: A test.
    see-also: [our-market]
  - key: our-market
    term: Market shaping
    definition: How a council tries to make sure the right care is on offer.
    source: A test.
EOF
cat >draft.md <<'EOF'
# Our strategy

We will **empower** service users to shape
the services they use.

- Service users told us about `empower` in code.
- A list item with a [link to service users](http://example.org).

> Quoted: service users again, then empowerment.
EOF
printf 'We empower service users.\r\nAnd empowered\rservice\nusers.' >draft.txt
cat >page.html <<'EOF'
<!DOCTYPE html><html><head><title>Service users</title><script>var x;</script></head>
<body><h1>We empower people</h1><p>We asked service <em>users</em> &amp; carers.</p>
<table>service users<tr><td>empowered</td></tr></table>
<img alt="service users" src="a.png"><!-- hmmm off --><p>service users</p></body></html>
EOF
# A Word draft (a phrase split by formatting, a table, notes, a comment),
# an OpenDocument one, and a Word file whose XML is broken.
cp "$root/tests/cli/cases/office-format-line/draft.docx" draft.docx
cp "$root/tests/cli/cases/office-odt/draft.odt" draft.odt
cp "$root/tests/cli/cases/office-unreadable/malformed.docx" broken.docx
mkdir -p tree/sub
cp draft.md tree/a.md
cp draft.txt tree/sub/b.txt
printf 'min-level: suggestion\nfail-on: error\n' >.hmmm.yaml

scenarios=(
  "--no-builtin --rules rules.yaml --no-prefilter draft.md draft.txt"
  "--no-builtin --rules rules.yaml --format pretty --color always draft.md"
  "--no-builtin --rules rules.yaml --format json page.html"
  "--no-builtin --rules rules.yaml --config .hmmm.yaml -j 2 tree"
  "--no-builtin --rules rules.yaml --format sarif draft.md draft.txt"
  "--no-builtin --rules rules.yaml --format github draft.md"
  "--no-builtin --rules rules.yaml --format checkstyle draft.md draft.txt"
  "--no-builtin --rules rules.yaml --format html draft.md draft.txt page.html"
  "--no-builtin --rules rules.yaml --diff draft.md draft.txt"
  "--no-builtin --rules rules.yaml --write-baseline base.json draft.md draft.txt"
  "--no-builtin --rules rules.yaml --baseline base.json draft.md draft.txt"
  "test --no-config --no-builtin rules.yaml"
  "explain --no-builtin --rules rules.yaml market shaping"
  "--no-builtin --rules rules.yaml --format pretty draft.docx draft.odt broken.docx"
  "--no-builtin --rules rules.yaml --format html draft.docx draft.odt"
  "--no-builtin --rules rules.yaml --format sarif -j 2 draft.docx draft.odt"
  "--no-builtin --rules rules.yaml --write-baseline base-word.json draft.docx"
)
# With the built-in packs (a few hundred allocations each: their rules and
# patterns are baked into hmmm).
scenarios+=(
  "--format json draft.md"
  "--format line --no-config $example"
  "explain service users"
  "rules"
)

failed=0
fails=0
total=0

# One run with allocation N failing: prints nothing when it behaved.
# One run with allocation N failing, by worker W: prints nothing when it
# behaved. Only shell builtins besides hmmm itself, to keep runs cheap.
try() {
  local args=$1 n=$2 w=$3
  local out=$work/run.$w got said
  FAILMALLOC_NTH=$n FAILMALLOC_LEAKS=1 LD_PRELOAD=$shim HMMM_NO_JIT=1 \
    "$hmmm" $args >"$out.out" 2>"$out.err"
  local rc=$?
  IFS= read -r -d '' got <"$out.out"
  IFS= read -r -d '' said <"$out.err"
  local why=""
  if [ "$rc" -eq 99 ]; then
    why="leaked: $said"
  elif [ "$rc" -eq 152 ] || [ "$rc" -eq 137 ]; then
    why="ran for more than a minute of processor time"
  elif [ "$rc" -ge 128 ]; then
    why="died with signal $((rc - 128))"
  elif [ "$rc" -eq "$base_rc" ] && [ "$got" == "$base_out" ]; then
    why=""
  elif [ "$rc" -ne 2 ]; then
    why="exit $rc, output differs from the run with all its memory"
  elif [[ $said != *"out of memory"* && $said != *"Cannot allocate memory"* ]]; then
    why="exit 2 without saying it ran out of memory: ${said:0:300}"
  fi
  [ -n "$why" ] && echo "hmmm $args, allocation $n failing: $why"
}

run_scenario() {
  local args=$1
  FAILMALLOC_COUNT=$work/count LD_PRELOAD=$shim HMMM_NO_JIT=1 \
    "$hmmm" $args >"$work/base.out" 2>"$work/base.err"
  base_rc=$?
  IFS= read -r -d '' base_out <"$work/base.out"
  local k
  k=$(cat "$work/count")
  local ns tried=$k
  ns=$(seq 1 "$k")
  # One worker per processor, each taking every P-th N.
  local p w bad
  p=$(nproc)
  for ((w = 0; w < p; w++)); do
    (ulimit -t 60 # a runaway is stopped (SIGXCPU)
    for n in $ns; do
      [ $(((n + w) % p)) -eq 0 ] && try "$args" "$n" "$w"
    done) >"$work/bad.$w" &
  done
  wait
  bad=$(cat "$work"/bad.*)
  rm -f "$work"/bad.*
  total=$((total + tried))
  if [ -n "$bad" ]; then
    printf '%s\n' "$bad" | head -20
    fails=$((fails + $(printf '%s\n' "$bad" | wc -l)))
    failed=1
  fi
  echo "torture: hmmm $args: $k allocations, each failed in turn"
}

for s in "${scenarios[@]}"; do
  if [ -n "${TORTURE_ONLY:-}" ] && ! grep -qE -- "$TORTURE_ONLY" <<<"$s"; then
    continue
  fi
  run_scenario "$s"
done
echo "torture: $total runs, $fails misbehaved"
exit $failed
