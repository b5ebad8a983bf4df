#!/bin/sh
# run_case.sh HMMM_BINARY CASE_DIR - runs one golden command-line test.
#
# A case is a folder holding:
#   args             the arguments, as one shell line (evaluated with eval,
#                    so quoting works), e.g.  -f json --no-config draft.md
#   stdin            optional; fed to standard input (otherwise /dev/null)
#   ignore-stdout    optional marker; standard output is not compared
#   cwd              optional; a subfolder of the case (one line) to run in
#                    instead of the case folder, e.g. for config discovery
#   expected.stdout  what standard output must be, byte for byte
#   expected.stderr  what standard error must be (often empty)
#   expected.rc      the exit status
#   ...              the input files the args name
#
# The binary runs inside the case folder (or cwd) with NO_COLOR unset,
# TERM=dumb and LC_ALL=C.UTF-8. On any difference the runner prints a unified diff and
# exits 1; on a broken case it exits 2.
#
# HMMM_UPDATE=1 (re)writes the expected files from the actual output. Use it
# only when creating a case, and read every file it writes before keeping it.

set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 HMMM_BINARY CASE_DIR" >&2
    exit 2
fi

# Each case runs as its own test, so this script keeps to shell builtins
# where it can: every program it starts costs more than hmmm's own run.
bin=$1
case_dir=$2
case "$bin" in
    /*) ;;
    *) bin=$PWD/$bin ;;
esac
if [ ! -x "$bin" ]; then
    echo "run_case: $bin is not an executable" >&2
    exit 2
fi
if [ ! -d "$case_dir" ]; then
    echo "run_case: $case_dir is not a folder" >&2
    exit 2
fi
case "$case_dir" in
    /*) ;;
    *) case_dir=$PWD/$case_dir ;;
esac
case_dir=${case_dir%/}
name=${case_dir##*/}

if [ ! -f "$case_dir/args" ]; then
    echo "run_case: $name: no args file" >&2
    exit 2
fi

out=${TMPDIR:-/tmp}/hmmm-cli.$$.stdout
err=${TMPDIR:-/tmp}/hmmm-cli.$$.stderr
trap 'rm -f "$out" "$err"' EXIT HUP INT TERM

stdin=/dev/null
[ -f "$case_dir/stdin" ] && stdin=$case_dir/stdin

# The args file is one shell line; line breaks in it count as spaces.
args=
while IFS= read -r line || [ -n "$line" ]; do
    args=${args:+$args }$line
done <"$case_dir/args"

run_dir=$case_dir
if [ -f "$case_dir/cwd" ]; then
    IFS= read -r sub <"$case_dir/cwd"
    run_dir=$case_dir/$sub
    if [ ! -d "$run_dir" ]; then
        echo "run_case: $name: cwd names no folder of the case" >&2
        exit 2
    fi
fi

(
    cd "$run_dir" || exit 2
    unset NO_COLOR
    TERM=dumb
    LC_ALL=C.UTF-8
    export TERM LC_ALL
    eval "exec \"\$bin\" $args" <"$stdin" >"$out" 2>"$err"
)
rc=$?

if [ "${HMMM_UPDATE:-}" = 1 ]; then
    [ -f "$case_dir/ignore-stdout" ] || cp "$out" "$case_dir/expected.stdout"
    cp "$err" "$case_dir/expected.stderr"
    echo "$rc" >"$case_dir/expected.rc"
    echo "run_case: $name: expected files written; read them before keeping them"
    exit 0
fi

status=0
compare() { # WHAT ACTUAL-FILE
    if [ ! -f "$case_dir/expected.$1" ]; then
        echo "run_case: $name: no expected.$1" >&2
        status=2
        return
    fi
    if ! cmp -s "$case_dir/expected.$1" "$2"; then
        echo "--- $name: $1 differs (- expected, + actual)"
        diff -u --label "expected.$1" --label "actual.$1" "$case_dir/expected.$1" "$2"
        [ "$status" = 0 ] && status=1
    fi
}

if [ -f "$case_dir/ignore-stdout" ]; then
    :
else
    compare stdout "$out"
fi
compare stderr "$err"
if [ ! -f "$case_dir/expected.rc" ]; then
    echo "run_case: $name: no expected.rc" >&2
    status=2
else
    IFS= read -r want <"$case_dir/expected.rc"
    if [ "$rc" != "$want" ]; then
        echo "--- $name: exit status $rc, expected $want"
        [ "$status" = 0 ] && status=1
    fi
fi

if [ "$status" = 0 ]; then
    echo "ok: $name"
else
    echo "FAILED: $name (args: $args)"
fi
exit "$status"
