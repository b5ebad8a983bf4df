#!/usr/bin/env bash
# Builds hmmm (installing what it needs) and runs every test: unit tests,
# golden command-line tests, the rules' own examples, and the long tests
# (out-of-memory torture, 100 MB inputs, the corpus) that ctest alone
# leaves out.
#   scripts/test.sh              the normal build, in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  --sanitize)
    export BUILD_DIR=build-asan BUILD_TYPE=Debug
    export CMAKE_ARGS="-DHMMM_SANITIZE=address;undefined -DHMMM_LONG_TESTS=ON"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ;;
  "") export CMAKE_ARGS="-DHMMM_LONG_TESTS=ON" ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac

scripts/setup.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j"$(nproc)"
