#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] - builds the fuzz targets with clang's libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer (in build-fuzz/), and runs
# each for SECONDS (default 60), starting from its seeds in tests/fuzz/seeds.
# An input that crashes a target, leaks or breaks one of its invariants is
# saved in tests/fuzz/regressions/NAME/ (the ordinary tests then replay it)
# and the script fails. Needs clang and libclang-rt-14-dev (Debian 12);
# installs them when run as root.
set -eu -o pipefail
SECONDS_EACH=${1:-60}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if ! command -v clang >/dev/null || ! clang -fsanitize=fuzzer -x c /dev/null -o /dev/null \
        -Wl,--unresolved-symbols=ignore-all 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
    else
        echo "fuzz.sh: needs clang and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev)" >&2
        exit 2
    fi
fi

CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHMMM_FUZZ=ON \
    -DHMMM_SANITIZE="address;undefined" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_markdown fuzz_rules fuzz_config fuzz_check fuzz_office \
    >/dev/null

status=0
for name in markdown rules config check office; do
    work=$(mktemp -d "${TMPDIR:-/tmp}/hmmm-fuzz-$name.XXXXXX")
    cp tests/fuzz/seeds/$name/* "$work/"
    [ -d tests/fuzz/regressions/$name ] && cp tests/fuzz/regressions/$name/* "$work/" 2>/dev/null || true
    mkdir -p "$work/found"
    log="$work/log"
    if build-fuzz/tests/fuzz_$name -max_total_time="$SECONDS_EACH" -max_len=65536 \
            -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/found/" \
            -print_final_stats=1 "$work" >"$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
        echo "fuzz_$name: $runs runs in ${SECONDS_EACH} s, nothing found"
    else
        status=1
        mkdir -p tests/fuzz/regressions/$name
        for f in "$work"/found/*; do
            [ -e "$f" ] || continue
            cp "$f" tests/fuzz/regressions/$name/
            echo "fuzz_$name: found $(basename "$f"), saved in tests/fuzz/regressions/$name/"
        done
        sed -n '/ERROR\|invariant failed/,/SUMMARY/p' "$log" | head -40
    fi
    rm -rf "$work"
done
exit $status
