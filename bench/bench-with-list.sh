#!/usr/bin/env bash
# bench/bench-with-list.sh: runs a command with the files named in a list
# (one path a line) appended to its arguments, in one process:
#
#   bench/bench-with-list.sh LIST CMD [ARG...]
#
# bench/bench.sh uses it for the whole-tree runs: thousands of paths make a
# command line too long to hand to hyperfine as one string. xargs builds the
# command line (-x: it fails rather than split the list over two
# processes); the overhead, a bash start, tr and xargs, is about 10 ms for
# the 4,614 files of the corpus here. (Expanding a bash array of them on
# the command line took twice as long.) A status of 1 to 125 from CMD comes
# back as xargs's 123.
set -eu
list=$1; shift
max=$(xargs --show-limits < /dev/null 2>&1 | awk -F': ' '/actually use/ { print $2 }')
tr '\n' '\0' < "$list" | xargs -0 -x -s "${max:-131072}" "$@"
