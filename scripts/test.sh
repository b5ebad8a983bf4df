#!/usr/bin/env bash
# Builds hmmm (installing what it needs) and runs every test: unit tests,
# golden command-line tests and the rules' own examples.
#   scripts/test.sh              the normal build, in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  --sanitize)
    export BUILD_DIR=build-asan BUILD_TYPE=Debug
    export CMAKE_ARGS="-DHMMM_SANITIZE=address;undefined"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac

scripts/setup.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j"$(nproc)"
