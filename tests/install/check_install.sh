#!/usr/bin/env bash
# Installs hmmm into a temporary prefix, then builds examples/embed.c against
# the installed header, library and pkg-config file alone, and runs it and
# the installed binary from another folder.
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/hmmm"
test -f "$prefix/include/hmmm/hmmm.h"
test -f "$prefix/share/man/man1/hmmm.1"
test -f "$prefix/share/bash-completion/completions/hmmm"
test -f "$prefix/share/zsh/site-functions/_hmmm"
pc=$(find "$prefix" -name hmmm.pc | head -n 1)
test -n "$pc"
export PKG_CONFIG_PATH=$(dirname "$pc")
cc -std=c17 -Wall -Wextra -Werror "$src/examples/embed.c" \
  $(pkg-config --cflags --libs --static hmmm) -o "$prefix/embed"
cd "$prefix"
cp "$src/examples/strategy-draft.md" draft.md
./embed draft.md >embed.txt
grep -q "coproduction.service-users" embed.txt
# The installed binary carries its rules: it works far from the source tree.
set +e
"$prefix/bin/hmmm" --no-config --format line draft.md >out.txt
rc=$?
set -e
test "$rc" -eq 1
grep -q '^draft.md:[0-9]*:[0-9]*: warning: ' out.txt
echo "install: binary, header, library, pkg-config file, man page and completions"
