#!/usr/bin/env bash
# tests/cli/fix.sh HMMM - hmmm --fix and --diff on the example draft: each
# check names what it does and fails with what it saw.
#   - --diff changes nothing and prints a diff that patch applies;
#   - --fix writes exactly what that patch gives, says how many it fixed,
#     reports only what is left, and keeps the file's permissions;
#   - a second --fix finds nothing to fix and leaves the file alone;
#   - --fix on standard input is an error (exit 2); --diff on it works.
set -u
. "$(cd "$(dirname "$0")" && pwd)/lib.sh" "$1"

cp "$ROOT/examples/strategy-draft.md" draft.md
cp draft.md original.md
chmod 640 draft.md

"$HMMM" --no-config --diff draft.md > draft.diff 2> err
rc=$?
[ $rc -eq 1 ] || fail "--diff: exit $rc, not 1 (the draft has error-level findings)"
[ -s err ] && fail "--diff: said something on stderr: $(cat err)"
cmp -s draft.md original.md || fail "--diff changed the file"
[ "$(grep -c '^@@' draft.diff)" -ge 1 ] || fail "--diff printed no hunk: $(head -5 draft.diff)"
cp original.md patched.md
patch -s patched.md < draft.diff || fail "patch could not apply the diff"

"$HMMM" --no-config -f line --fix draft.md > out 2> err
rc=$?
[ $rc -eq 1 ] || fail "--fix: exit $rc, not 1"
cmp -s draft.md patched.md || fail "--fix wrote something other than the diff: $(diff patched.md draft.md | head -5)"
grep -qx 'hmmm: note: draft.md: fixed 3 findings' err || fail "--fix: no note of what it fixed: $(cat err)"
grep -qE 'in-order-to|going-forward|on-a-regular-basis' out && fail "--fix: fixed findings still reported"
grep -q 'coproduction.service-users' out || fail "--fix: what is left is not reported"
grep -q '^draft.md:106:1:' out && fail "--fix: the report is not of the fixed text"
[ "$(stat -c %a draft.md)" = 640 ] || fail "--fix: permissions now $(stat -c %a draft.md)"
grep -q '^From now on, we will report progress' draft.md || fail "--fix: capital not kept"

before=$(stat -c %i:%Y draft.md)
"$HMMM" --no-config -f line --fix draft.md > out 2> err
[ -s err ] && fail "second --fix said: $(cat err)"
[ "$(stat -c %i:%Y draft.md)" = "$before" ] || fail "second --fix rewrote the file"

printf 'We met in order to plan.\n' | "$HMMM" --no-config --fix --stdin-filename s.md - > out 2> err
rc=$?
[ $rc -eq 2 ] || fail "--fix on stdin: exit $rc, not 2"
grep -q 'cannot rewrite standard input' err || fail "--fix on stdin: $(cat err)"
printf 'We met in order to plan.\n' | "$HMMM" --no-config --diff --stdin-filename s.md - > out 2> err
grep -qx '+We met to plan.' out || fail "--diff on stdin: $(cat out)"
exit $failed
