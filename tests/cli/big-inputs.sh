#!/usr/bin/env bash
# tests/cli/big-inputs.sh HMMM - documents, rule files and config files of
# a size or shape that could trip a line-based tool: each check names what
# it does and fails with what it saw.
#   - a 100 MB file on one line (no line break at all): every phrase in it
#     is found, at the right column, in one pass;
#   - the same line as Markdown, so that the parser meets it too;
#   - 100,000 short lines ending in CR LF, LF and CR by turns: every phrase
#     is found on its own line;
#   - a rule file and a config file over 16 MB are refused at once, with a
#     message naming them (exit 2);
#   - a rule file of more than 2,000,000 YAML nodes is refused at the node
#     that goes over (exit 2).
set -u
. "$(cd "$(dirname "$0")" && pwd)/lib.sh" "$1"

cat > rules.yaml <<'YAML'
pack: t
title: Test rules
rules:
  - id: r
    level: warning
    words: ["service users"]
    message: '"{match}" was found'
YAML

# A chunk of about 10 KB ending in the phrase, 10,240 times: 100 MB, no
# line break.
chunk="$(printf 'word %.0s' $(seq 2000))service users "
len=${#chunk}
copies=10240
yes "$chunk" | tr -d '\n' | head -c $((len * copies)) > line.txt
[ "$(wc -c < line.txt)" -eq $((len * copies)) ] || fail "could not make the 100 MB line"
cp line.txt line.md
for f in line.txt line.md; do
  "$HMMM" --no-config --no-builtin --rules rules.yaml --format line "$f" > out 2> err
  rc=$?
  [ $rc -eq 0 ] || fail "$f: exit $rc: $(head -c 300 err)"
  [ -s err ] && fail "$f: said something on stderr: $(head -c 300 err)"
  n=$(wc -l < out)
  [ "$n" -eq $copies ] || fail "$f: $n findings, not $copies"
  last=$((len * copies - 13))
  tail -n 1 out | grep -q "^$f:1:$last: warning" ||
      fail "$f: the last finding is not at 1:$last: $(tail -n 1 out | head -c 200)"
done

# 100,000 lines, their ends CR LF, LF and CR in turn; a phrase on every
# tenth line.
awk 'BEGIN { for (i = 1; i <= 100000; i++) {
         s = (i % 10 == 0) ? "we asked service users" : "a line of words"
         e = (i % 3 == 0) ? "\r\n" : (i % 3 == 1) ? "\n" : "\r"
         printf "%s%s", s, e } }' > lines.txt
"$HMMM" --no-config --no-builtin --rules rules.yaml --format line lines.txt > out 2> err
rc=$?
[ $rc -eq 0 ] || fail "mixed line ends: exit $rc: $(head -c 300 err)"
n=$(wc -l < out)
[ "$n" -eq 10000 ] || fail "mixed line ends: $n findings, not 10000"
awk -F: '$2 % 10 != 0 || $3 != 10 { bad++ } END { exit bad > 0 }' out ||
    fail "mixed line ends: a finding off its line: $(awk -F: '$2 % 10 != 0 || $3 != 10' out | head -3)"

# Settings files too big to be real ones.
head -c $((17 << 20)) /dev/zero | tr '\0' '#' > huge.yaml
"$HMMM" --no-config --no-builtin --rules huge.yaml lines.txt > out 2> err
rc=$?
[ $rc -eq 2 ] || fail "huge rule file: exit $rc"
grep -qx 'huge.yaml: error: a rule file may hold at most 16 MB; this one holds more' err ||
    fail "huge rule file: $(head -c 300 err)"
mkdir -p cfg && cp huge.yaml cfg/.hmmm.yaml && printf 'text\n' > cfg/a.txt
(cd cfg && "$HMMM" a.txt > ../out 2> ../err)
rc=$?
[ $rc -eq 2 ] || fail "huge config file: exit $rc"
grep -qx '.hmmm.yaml: error: a config file may hold at most 16 MB; this one holds more' err ||
    fail "huge config file: $(head -c 300 err)"

# Two million and ten phrases in one flow list: 4 MB, over the node limit.
{ printf 'pack: t\ntitle: T\nrules:\n  - id: r\n    message: m\n    words: ['
  yes 'a,' | head -n 2000010 | tr -d '\n'; printf 'a]\n'; } > many.yaml
"$HMMM" --no-config --no-builtin --rules many.yaml lines.txt > out 2> err
rc=$?
[ $rc -eq 2 ] || fail "too many nodes: exit $rc"
grep -qx 'many.yaml:6:3999985: error: too many YAML nodes (more than 2000000)' err ||
    fail "too many nodes: $(head -c 300 err)"

exit $failed
