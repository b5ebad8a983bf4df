#!/usr/bin/env bash
# tests/docs/check_cli_docs.sh HMMM ROOT - the man page, the shell
# completions and the README's table know every option hmmm --help lists;
# the man page renders without warnings and carries hmmm's version; the
# bash completion completes options, formats and rule ids.
set -u
HMMM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$2
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

opts=$("$HMMM" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
[ "$(wc -l <<<"$opts")" -gt 15 ] || fail "found only $(wc -l <<<"$opts") options in --help"
for o in $opts; do
  grep -qF -- "$(sed 's/-/\\-/g' <<<"$o")" "$root/docs/hmmm.1" || fail "hmmm.1 lacks $o"
  grep -qF -- "$o" "$root/completions/hmmm.bash" || fail "the bash completion lacks $o"
  grep -qF -- "$o" "$root/completions/_hmmm" || fail "the zsh completion lacks $o"
  grep -qF -- "$o" "$root/README.md" || fail "the README lacks $o"
done

version=$("$HMMM" --version | awk '{ print $2 }')
grep -q "^\.TH HMMM 1 .* \"hmmm $version\"" "$root/docs/hmmm.1" || fail "hmmm.1 is not for version $version"
if command -v groff >/dev/null; then
  warnings=$(groff -man -Tutf8 -ww -z "$root/docs/hmmm.1" 2>&1)
  [ -z "$warnings" ] || fail "groff: $warnings"
fi
if command -v zsh >/dev/null; then
  zsh -n "$root/completions/_hmmm" || fail "the zsh completion does not parse"
fi

# The bash completion, as bash calls it.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$HMMM" "$bin/hmmm"
complete_words() {
  PATH="$bin:$PATH" bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _hmmm hmmm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$root/completions/hmmm.bash" "$@"
}
complete_words hmmm --form | grep -qx -- --format || fail "bash: --form does not complete"
complete_words hmmm --format '' | grep -qx sarif || fail "bash: formats do not complete"
complete_words hmmm --fail-on w | grep -qx warning || fail "bash: levels do not complete"
complete_words hmmm explain coproduction.serv | grep -qx coproduction.service-users ||
    fail "bash: rule ids do not complete"
complete_words hmmm ru | grep -qx rules || fail "bash: commands do not complete"
exit $failed
