#!/usr/bin/env bash
# tests/cli/surroundings.sh HMMM - what hmmm does when the world around it
# misbehaves: each check names what it does and fails with what it saw.
#   - a folder walk that meets a symlink loop notes it and goes on;
#   - a walk follows links to files and to folders (the folder's own list
#     does not say what they lead to), and passes over a dangling one;
#   - a file that is gone by the time it is read is an error for that file,
#     and the others are still checked;
#   - a full disk when writing the report (/dev/full) is an error, exit 2;
#   - a reader that stops early (| head -1) ends hmmm quietly;
#   - a folder that cannot be read is an error naming it (not as root,
#     who can read anything).
set -u
. "$(cd "$(dirname "$0")" && pwd)/lib.sh" "$1"

mkdir -p tree/sub
printf 'we work with service users\n' > tree/a.md
ln -s .. tree/sub/up
"$HMMM" --no-config --format line tree > out 2> err
rc=$?
[ $rc -eq 0 ] || fail "symlink loop: exit $rc"
grep -q 'tree/a.md:1:14: warning' out || fail "symlink loop: a.md not checked: $(cat out)"
grep -q 'tree/sub/up: a link back into a folder above it; not walked again' err ||
    fail "symlink loop: no note: $(cat err)"

mkdir -p linked/real elsewhere
printf 'service users\n' > elsewhere/note.md
printf 'service users\n' > linked/real/in.md
ln -s ../elsewhere/note.md linked/file-link.md
ln -s ../elsewhere linked/folder-link
ln -s nowhere.md linked/dangling.md
"$HMMM" --no-config --format line linked > out 2> err
rc=$?
[ $rc -eq 0 ] || fail "links: exit $rc, not 0: $(cat err)"
printf '%s\n' linked/file-link.md:1:1 linked/folder-link/note.md:1:1 linked/real/in.md:1:1 > want
cut -d: -f1-3 out | diff want - > /dev/null || fail "links: checked $(cut -d: -f1 out | tr '\n' ' ')"
[ ! -s err ] || fail "links: said $(cat err)"

printf 'service users\n' > kept.md
"$HMMM" --no-config --format line gone.md kept.md > out 2> err
rc=$?
[ $rc -eq 2 ] || fail "missing file: exit $rc, not 2"
grep -q 'gone.md' err || fail "missing file: not named: $(cat err)"
grep -q 'kept.md:1:1: warning' out || fail "missing file: the other file was not checked"

if [ -w /dev/full ]; then
    "$HMMM" --no-config --format line kept.md > /dev/full 2> err
    rc=$?
    [ $rc -eq 2 ] || fail "/dev/full: exit $rc, not 2"
    grep -q 'cannot write the report: No space left on device' err ||
        fail "/dev/full: message: $(cat err)"
else
    echo "skipped: /dev/full is not writable here"
fi

for i in $(seq 2000); do printf 'service users, service users\n'; done > many.md
"$HMMM" --no-config --format line many.md 2> err | head -1 > /dev/null
[ ! -s err ] || fail "| head -1: said something: $(cat err)"

if [ "$(id -u)" -ne 0 ]; then
    mkdir -p shut && printf 'x\n' > shut/x.md && chmod 000 shut
    "$HMMM" --no-config --format line shut > out 2> err
    rc=$?
    [ $rc -eq 2 ] || fail "unreadable folder: exit $rc, not 2"
    grep -q 'shut' err || fail "unreadable folder: not named: $(cat err)"
    chmod 755 shut
else
    echo "skipped: an unreadable folder (root reads everything)"
fi

[ $failed -eq 0 ] && echo "surroundings: all checks passed"
exit $failed
