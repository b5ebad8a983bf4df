#!/usr/bin/env bash
# Runs the unit tests, the rules' examples, a check of the example draft and
# the fuzz targets' seeds and regressions under valgrind: no leak, no invalid
# access, or it fails. (valgrind also sees into md4c, which the sanitizers
# do not instrument.)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || {
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind
  else
    echo "valgrind is not installed (apt-get install valgrind)" >&2
    exit 1
  fi
}
build=${BUILD_DIR:-build}
# valgrind cannot follow PCRE2's JIT code; the interpreter gives the same
# findings, and this way every byte valgrind sees is ours or PCRE2's C.
export HMMM_NO_JIT=1
vg=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=9)
failed=0
for t in "$build"/tests/test_*; do
  case $(basename "$t") in
    test_equivalence) continue ;; # minutes under valgrind; ASan covers it
    test_commonmark) args=(../shared/conformance/commonmark-0.31.2.json) ;;
    *) args=() ;;
  esac
  if "${vg[@]}" "$t" "${args[@]}" >/dev/null 2>"$build/valgrind-$(basename "$t").log"; then
    echo "valgrind: $(basename "$t") clean"
  else
    echo "valgrind: $(basename "$t") FAILED"; cat "$build/valgrind-$(basename "$t").log"; failed=1
  fi
done
for t in "$build"/tests/fuzz_replay_*; do
  name=${t##*fuzz_replay_}
  inputs=(tests/fuzz/seeds/"$name")
  [ -d tests/fuzz/regressions/"$name" ] && inputs+=(tests/fuzz/regressions/"$name")
  if "${vg[@]}" "$t" "${inputs[@]}" >/dev/null 2>"$build/valgrind-fuzz-$name.log"; then
    echo "valgrind: fuzz_replay_$name clean"
  else
    echo "valgrind: fuzz_replay_$name FAILED"; cat "$build/valgrind-fuzz-$name.log"; failed=1
  fi
done
if "${vg[@]}" "$build/hmmm" test --no-config >/dev/null; then echo "valgrind: hmmm test clean"; else failed=1; fi
rc=0
"${vg[@]}" "$build/hmmm" --no-config -f json examples/strategy-draft.md >/dev/null || rc=$?
if [ "$rc" -eq 1 ]; then echo "valgrind: hmmm on the example draft clean"; else echo "valgrind: hmmm on the example draft exit $rc"; failed=1; fi
exit $failed
