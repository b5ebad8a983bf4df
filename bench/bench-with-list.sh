#!/usr/bin/env bash
# bench/bench-with-list.sh: runs a command with the files named in a list
# (one path a line) appended to its arguments, in one process:
#
#   bench/bench-with-list.sh LIST CMD [ARG...]
#
# bench/bench.sh uses it for the whole-tree runs: thousands of paths make a
# command line too long to hand to hyperfine as one string. The list is read
# by bash and the command is exec'd, so the only overhead is one bash start
# (a few ms).
set -eu
list=$1; shift
mapfile -t files < "$list"
exec "$@" "${files[@]}"
