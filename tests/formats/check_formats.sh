#!/usr/bin/env bash
# tests/formats/check_formats.sh HMMM SCHEMA - the CI formats hold together:
#   - SARIF for the example draft (every built-in rule in the driver), for a
#     clean file, for awkward file names and for the example Word draft is
#     valid against the SARIF 2.1.0 schema (python3-jsonschema);
#   - SARIF, github and checkstyle report exactly the findings the line
#     format does, at the same places;
#   - checkstyle is well-formed XML;
#   - SARIF's partial fingerprints do not change when lines are added above.
# Exits 77 (skipped) when the schema or python3-jsonschema is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
schema=$(cd "$(dirname "$2")" 2>/dev/null && pwd)/$(basename "$2")
. "$here/../cli/lib.sh" "$1"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if [ ! -f "$schema" ] || ! "$py" -c 'import jsonschema' 2>/dev/null; then
  echo "skipped: needs $schema and python3-jsonschema" >&2
  exit 77
fi

cp "$ROOT/examples/strategy-draft.md" draft.md
cp "$ROOT/examples/strategy-draft.docx" draft.docx
printf 'Nothing to see here.\n' > clean.md
mkdir -p 'our plans'
printf 'We asked service users, & more.\n' > 'our plans/café #1.md'
files=(draft.md clean.md 'our plans/café #1.md' draft.docx)

"$HMMM" --no-config -f sarif "${files[@]}" > all.sarif
"$HMMM" --no-config -f sarif clean.md > clean.sarif
"$HMMM" --no-config -f line "${files[@]}" > all.line
"$HMMM" --no-config -f github "${files[@]}" > all.github
"$HMMM" --no-config -f checkstyle "${files[@]}" > all.xml
"$py" "$here/validate_sarif.py" "$schema" all.sarif clean.sarif || fail "SARIF not valid"

# The same findings, in the same places, in every format.
cut -d: -f1-3 all.line | sort > want
"$py" - all.sarif > got.sarif <<'PY' || fail "SARIF unreadable"
import json, sys, urllib.parse
log = json.load(open(sys.argv[1], encoding="utf-8"))
run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
for r in run["results"]:
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"], r
    loc = r["locations"][0]["physicalLocation"]
    path = urllib.parse.unquote(loc["artifactLocation"]["uri"])
    print(f'{path}:{loc["region"]["startLine"]}:{loc["region"]["startColumn"]}')
PY
sort got.sarif | diff -u want - > /dev/null || fail "SARIF findings differ from line's: $(sort got.sarif | diff want - | head -5)"
sed -E 's/^::[a-z]+ file=([^,]*),line=([0-9]+),col=([0-9]+),.*/\1:\2:\3/' all.github |
  "$py" -c 'import sys, urllib.parse; [print(urllib.parse.unquote(l.rstrip("\n"))) for l in sys.stdin]' |
  sort > got.github
diff -u want got.github > /dev/null || fail "github findings differ from line's: $(diff want got.github | head -5)"
"$py" - all.xml > got.xml <<'PY' || fail "checkstyle is not well-formed XML"
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "checkstyle"
for f in root.iter("file"):
    for e in f.iter("error"):
        print(f'{f.get("name")}:{e.get("line")}:{e.get("column")}')
PY
sort got.xml | diff -u want - > /dev/null || fail "checkstyle findings differ from line's: $(sort got.xml | diff want - | head -5)"
# Fingerprints do not move with the lines: the same after lines added above.
{ printf '# Added\n\nA new paragraph.\n\n'; cat draft.md; } > shifted.md
fingerprints() {
  "$HMMM" --no-config -f sarif "$1" |
    "$py" -c 'import json, sys; [print(r["partialFingerprints"]["hmmm/v1"]) for r in json.load(sys.stdin)["runs"][0]["results"]]' |
    sort
}
[ "$(fingerprints draft.md)" = "$(fingerprints shifted.md)" ] ||
    fail "SARIF fingerprints moved with the lines"
[ "$(fingerprints draft.md | sort -u | wc -l)" -gt 20 ] || fail "too few distinct fingerprints"
n=$(grep -c '^draft\.md:' want)
[ "$n" -gt 20 ] || fail "only $n findings in the example draft"
exit $failed
