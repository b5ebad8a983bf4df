#!/usr/bin/env bash
# tests/cli/baseline.sh HMMM - --write-baseline and --baseline: each check
# names what it does and fails with what it saw.
#   - writing a baseline of the example draft exits 0 and records every
#     finding; checking against it reports none;
#   - lines added above the findings do not bring them back;
#   - a new finding is reported, alone, and sets the exit status;
#   - the same words in the same place count: two known, a third is new;
#   - changing the words around a finding makes it new;
#   - a Word document's findings are known by the words around them in its
#     text: paragraphs added above do not bring them back, a new one is new.
set -u
. "$(cd "$(dirname "$0")" && pwd)/lib.sh" "$1"
check() { "$HMMM" --no-config -f line --fail-on warning "$@" > out 2> err; rc=$?; }

cp "$ROOT/examples/strategy-draft.md" draft.md
all=$("$HMMM" --no-config -f line draft.md | wc -l)
check --write-baseline base.json draft.md
[ $rc -eq 0 ] || fail "--write-baseline: exit $rc"
[ "$(wc -l < out)" -eq "$all" ] || fail "--write-baseline: the report is not the whole check"
grep -qx "hmmm: note: wrote $all findings to base.json" err || fail "--write-baseline: $(cat err)"
[ "$(grep -c '"rule":' base.json)" -eq "$all" ] || fail "baseline does not hold $all findings"

check --baseline base.json draft.md
[ $rc -eq 0 ] || fail "--baseline: exit $rc: $(head -3 out)"
[ -s out ] && fail "--baseline: reported $(head -3 out)"
grep -qx "hmmm: note: $all findings in the baseline not reported" err || fail "--baseline: $(cat err)"

{ printf '# Added above\n\nA new first paragraph.\n\n'; cat "$ROOT/examples/strategy-draft.md"; } > draft.md
check --baseline base.json draft.md
[ -s out ] && fail "lines added above revived: $(head -3 out)"

printf '\nLater we asked service users again.\n' >> draft.md
check --baseline base.json draft.md
[ $rc -eq 1 ] || fail "a new finding: exit $rc"
[ "$(wc -l < out)" -eq 1 ] && grep -q ':service-users\]$\|coproduction.service-users' out ||
    fail "a new finding: reported $(cat out)"

printf 'We asked service users today.\nWe asked service users today.\n' > twice.md
check --write-baseline twice.json twice.md
printf 'We asked service users today.\nWe asked service users today.\nWe asked service users today.\n' > twice.md
check --baseline twice.json twice.md
[ "$(wc -l < out)" -eq 1 ] || fail "a third of the same: reported $(wc -l < out), not 1"
printf 'We asked service users today.\nThey met service users today.\n' > twice.md
check --baseline twice.json twice.md
grep -q '^twice.md:2:' out && [ "$(wc -l < out)" -eq 1 ] ||
    fail "changed words around: reported $(cat out)"

# A Word document, then the same with a paragraph above and one more finding.
cp "$ROOT/examples/strategy-draft.docx" draft.docx
all=$("$HMMM" --no-config -f line draft.docx | wc -l)
[ "$all" -gt 10 ] || fail "Word: only $all findings in the example"
check --write-baseline word.json draft.docx
[ $rc -eq 0 ] && [ "$(grep -c '"rule":' word.json)" -eq "$all" ] ||
    fail "Word: --write-baseline: exit $rc, $(grep -c '"rule":' word.json) of $all findings"
python3 - <<'PY' || fail "Word: could not make the changed document"
import zipfile
with zipfile.ZipFile("draft.docx") as old, zipfile.ZipFile("changed.docx", "w") as new:
    for info in old.infolist():
        data = old.read(info.filename)
        if info.filename == "word/document.xml":
            add = (b'<w:p><w:r><w:t>A new first paragraph.</w:t></w:r></w:p>')
            data = data.replace(b"<w:body>", b"<w:body>" + add)
            data = data.replace(b"</w:body>", b'<w:p><w:r><w:t>Later we asked service users '
                                b'again.</w:t></w:r></w:p></w:body>')
        new.writestr(info, data)
PY
mv changed.docx draft.docx
check --baseline word.json draft.docx
[ $rc -eq 1 ] && [ "$(wc -l < out)" -eq 1 ] && grep -q '^draft.docx:16:.*service-users' out ||
    fail "Word: against the baseline: exit $rc, reported $(cat out)"
exit $failed
