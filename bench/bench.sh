#!/usr/bin/env bash
# bench/bench.sh: hmmm's performance benchmark. One run prints a table per
# target (figures, ratios, goal) and a final table: target | measured | goal | met?
#
#   bench/bench.sh                  build a Release hmmm in build-release/, run everything
#   bench/bench.sh --quick          fewer runs (about half the time, noisier)
#   bench/bench.sh --corpus DIR     corpus folder with big.md, small.md and md/
#                                   (default: ../shared/corpus beside the checkout)
#   bench/bench.sh --hmmm PATH      use this hmmm binary, skip the build
#   bench/bench.sh --keep           keep the scratch folder (outputs, timings, generated packs)
#
# Needs, on a fresh Debian 12:
#   apt-get install ripgrep hyperfine time
# plus what hmmm needs to build (scripts/setup.sh installs it: build-essential
# cmake pkg-config libpcre2-dev libyaml-dev libmd4c-dev libjansson-dev ...),
# unless --hmmm is given. Also bash, coreutils, findutils and awk (mawk is
# enough); no python, no jq. hyperfine is optional: without it every timing is
# a loop timed with bash's `time` keyword (ms resolution, where GNU time's %e
# has 10 ms; the script says which it used). GNU time
# (/usr/bin/time, package "time") is required: it gives peak RSS. ripgrep is
# required: it is the yardstick for throughput.
#
# What it measures (every hmmm run: --no-config so every built-in pack is
# loaded, --format json to a scratch file so every finding is produced and
# written (never /dev/null), --fail-on never, -j 1 unless stated):
#   1 Throughput on big.md: hmmm --type text, hmmm as Markdown, hmmm
#     --no-prefilter (Markdown, one run: it is slow and only for contrast), and
#     `rg --no-unicode -i -c -f ../shared/bench/phrases.txt big.md`; MB/s and
#     hmmm/rg. Goals: text >= 2x rg, Markdown >= 0.8x rg. For context, like
#     for like: hmmm with ../shared/bench/phrases.yaml (the same 65 patterns
#     as rg's list) instead of the built-in packs, as text and as Markdown.
#   2 Rule scaling: bench/bench-rules.sh makes, deterministically from big.md,
#     a pack of 1,000 two- and three-word phrase rules and one of 60 (a subset
#     of the 1,000 with the same mix of common and rare phrases); both run on
#     big.md with --no-builtin --rules PACK. Goal: time(1000)/time(60) <= 2.
#     The same with --no-prefilter (one run each) for contrast.
#   3 Start-up: built-in packs + small.md (10 KB), median of many runs.
#     Goal < 10 ms. For context: an empty process (/bin/true) and hmmm with no
#     rules (--no-builtin), to show the floor on this machine.
#   4 Whole tree: every file under md/ (find -type f | sort, as
#     ../shared/bench/peers.sh does), named on one command line, -j 1 and
#     -j 2. Goal: time(-j 1)/time(-j 2) >= 1.7. If ../shared/bench/peers.sh
#     and its npm peers (alex, textlint + textlint-rule-prh under PEERS_DIR,
#     default ~/.cache/hmmm-peers; ../shared/bench/install-peers.sh installs
#     them; this script never does) are there, the alex and textlint+prh
#     figures for the same tree are read from ../shared/bench/RESULTS.md and
#     hmmm (-j 1) is compared by MB/s. Goal >= 50x each. Otherwise "not installed".
#   5 Memory: peak RSS of the Markdown run on big.md (section 1) against the
#     file's size. Goal: RSS <= size + 32 MB.
#
# Figures: MB = 10^6 bytes. "wall" is the median of the timed runs; "user" is
# the mean user CPU time per run (hyperfine's figure, or bash's `time` in the
# loop): on a busy machine user CPU is steadier than wall time, so both are
# shown, but the goals are judged on wall time as stated. The first run of
# each case runs under GNU time (peak RSS, findings, exit status) and also
# warms the file cache; the timed runs follow it. Peak RSS: GNU time's %M (KiB)
# x 1024 / 10^6.
#
# Runs (default / --quick): big.md and whole-tree cases 3 / 1, rg on big.md
# 10 / 3, start-up 100 / 30 (after 5 / 3 warm-up runs), --no-prefilter 1 / 1.
# About 2.5 minutes on a 2-core machine with a cold build (1.5 with --quick).
set -u -o pipefail
export LC_ALL=C.UTF-8

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED="$ROOT/../shared"
CORPUS="$SHARED/corpus"
HMMM=""
QUICK=0
KEEP=0

usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --keep) KEEP=1 ;;
    --corpus) [ $# -ge 2 ] || { echo "bench.sh: --corpus needs a folder" >&2; exit 2; }; CORPUS=$2; shift ;;
    --corpus=*) CORPUS=${1#*=} ;;
    --hmmm) [ $# -ge 2 ] || { echo "bench.sh: --hmmm needs a path" >&2; exit 2; }; HMMM=$2; shift ;;
    --hmmm=*) HMMM=${1#*=} ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$QUICK" = 1 ]; then
  RUNS=1 RG_RUNS=3 ST_RUNS=30 ST_WARM=3
else
  RUNS=3 RG_RUNS=10 ST_RUNS=100 ST_WARM=5
fi
NOPF_RUNS=1

# ---------------------------------------------------------------- tools
die() { echo "bench.sh: $*" >&2; exit 2; }
missing=""
if ! /usr/bin/time -f '%M' true 2>/dev/null >/dev/null; then
  echo "bench.sh: GNU time not found at /usr/bin/time (needed for peak RSS): apt-get install time" >&2; missing="$missing time"
fi
if ! command -v rg >/dev/null 2>&1; then
  echo "bench.sh: ripgrep (rg) not found (the throughput yardstick): apt-get install ripgrep" >&2; missing="$missing ripgrep"
fi
for t in awk sort find date; do
  command -v $t >/dev/null 2>&1 || { echo "bench.sh: $t not found" >&2; missing="$missing $t"; }
done
if [ -z "$HMMM" ]; then
  for t in cmake cc; do
    command -v $t >/dev/null 2>&1 || { echo "bench.sh: $t not found (needed to build hmmm; scripts/setup.sh installs the build dependencies, or pass --hmmm PATH)" >&2; missing="$missing $t"; }
  done
fi
if command -v hyperfine >/dev/null 2>&1; then
  HAVE_HF=1; TIMING="hyperfine $(hyperfine --version | awk '{print $2}') (-N, median wall, mean user)"
else
  HAVE_HF=0; TIMING="bash 'time' loop (hyperfine not found: apt-get install hyperfine for the usual tool)"
  echo "bench.sh: hyperfine not found, timing with a loop of bash's 'time' instead (apt-get install hyperfine)" >&2
fi

[ -z "$missing" ] || die "missing:$missing"

# ---------------------------------------------------------------- inputs
[ -d "$CORPUS" ] || die "corpus folder not found: $CORPUS (use --corpus DIR)"
CORPUS=$(cd "$CORPUS" && pwd)
BIG="$CORPUS/big.md"; SMALL="$CORPUS/small.md"; TREE="$CORPUS/md"
[ -f "$BIG" ] && [ -f "$SMALL" ] && [ -d "$TREE" ] || die "need big.md, small.md and md/ in $CORPUS"
PHRASES="$SHARED/bench/phrases.txt"
[ -f "$PHRASES" ] || die "rg's phrase list not found: $PHRASES"
PHRASES_YAML="$SHARED/bench/phrases.yaml" # the same patterns as a rule file (optional)
RESULTS_MD="$SHARED/bench/RESULTS.md"
PEERS_SH="$SHARED/bench/peers.sh"
PEERS_DIR=${PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hmmm-peers}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hmmm-bench.XXXXXX") || die "cannot make a scratch folder"
if [ "$KEEP" = 0 ]; then trap 'rm -rf "$WORK"' EXIT; fi

# ---------------------------------------------------------------- build
T_START=$SECONDS
if [ -z "$HMMM" ]; then
  echo "building: cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF && cmake --build build-release -j" >&2
  if ! ( cd "$ROOT" && cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF && cmake --build build-release -j ) > "$WORK/build.log" 2>&1; then
    tail -30 "$WORK/build.log" >&2; die "build failed (log above)"
  fi
  HMMM="$ROOT/build-release/hmmm"
  BUILT="Release build in build-release/ ($((SECONDS - T_START)) s)"
else
  BUILT="given with --hmmm (not built)"
fi
[ -x "$HMMM" ] || die "hmmm binary not found or not executable: $HMMM"
HMMM=$(cd "$(dirname "$HMMM")" && pwd)/$(basename "$HMMM")
"$HMMM" --version >/dev/null 2>&1 || die "$HMMM --version failed"

# ---------------------------------------------------------------- helpers
bytes() { wc -c < "$1" | tr -d ' '; }
BIG_B=$(bytes "$BIG"); SMALL_B=$(bytes "$SMALL")
find "$TREE" -type f | LC_ALL=C sort > "$WORK/tree.list"
TREE_N=$(wc -l < "$WORK/tree.list" | tr -d ' ')
TREE_B=$(tr '\n' '\0' < "$WORK/tree.list" | xargs -0 cat | wc -c | tr -d ' ')

# a word as hyperfine -N splits it (POSIX shell quoting)
shq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
cmdline() { local s="" a; for a in "$@"; do s="$s $(shq "$a")"; done; printf '%s' "${s# }"; }
now_ns() { date +%s%N; }
calc() { awk "BEGIN { printf $1 }"; }          # calc '"%.2f", 1/3'
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
mean() { awk '{ s += $1 } END { if (NR) print s / NR; else print "nan" }'; }

declare -A W U RSS FIND NRUN
# run_case TAG RUNS WARMUP KIND -- CMD...   (KIND: hmmm or rg, for the findings count)
# Counting run under GNU time (peak RSS, exit status, findings), then RUNS timed runs;
# with RUNS=1 the counting run is the timing. Output goes to $WORK/TAG.out each run.
run_case() {
  local tag=$1 runs=$2 warm=$3 kind=$4; shift 5
  local out="$WORK/$tag.out" err="$WORK/$tag.err" t0 t1 rc
  printf '  %-10s ' "$tag" >&2
  t0=$(now_ns)
  /usr/bin/time -f '%M %U' -o "$WORK/$tag.gtime" "$@" > "$out" 2> "$err"; rc=$?
  t1=$(now_ns)
  if [ "$rc" -gt 1 ]; then   # hmmm: 2 = error (1 cannot happen with --fail-on never); rg: 1 = no match, 2 = error
    echo >&2; tail -5 "$err" >&2; die "$tag: exit status $rc: $(cmdline "$@")"
  fi
  RSS[$tag]=$(tail -1 "$WORK/$tag.gtime" | awk '{ print $1 }')
  case $kind in
    hmmm) FIND[$tag]=$(tail -c 600 "$out" | grep -o '"findings": *[0-9]*' | tail -1 | grep -o '[0-9]*$') ;;
    rg) FIND[$tag]=$(awk -F: '{ s += $NF } END { print s + 0 }' "$out") ;;
    *) FIND[$tag]="" ;;
  esac
  if [ "$runs" -le 1 ]; then
    W[$tag]=$(calc "\"%.6f\", ($t1 - $t0) / 1e9")
    U[$tag]=$(tail -1 "$WORK/$tag.gtime" | awk '{ print $2 }')
    NRUN[$tag]=1
  elif [ "$HAVE_HF" = 1 ]; then
    hyperfine -N -w "$warm" -r "$runs" -n "$tag" --output "$out" --export-csv "$WORK/$tag.csv" "$(cmdline "$@")" > "$WORK/$tag.hf.log" 2>&1 \
      || { cat "$WORK/$tag.hf.log" >&2; die "$tag: hyperfine failed"; }
    W[$tag]=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["median"] }' "$WORK/$tag.csv")
    U[$tag]=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["user"] }' "$WORK/$tag.csv")
    NRUN[$tag]=$runs
  else
    local i TIMEFORMAT='%3R %3U'
    for ((i = 0; i < warm; i++)); do "$@" > "$out" 2> "$err"; done
    : > "$WORK/$tag.loop"
    for ((i = 0; i < runs; i++)); do { time "$@" > "$out" 2> "$err"; } 2>> "$WORK/$tag.loop"; done
    W[$tag]=$(awk '{ print $1 }' "$WORK/$tag.loop" | median)
    U[$tag]=$(awk '{ print $2 }' "$WORK/$tag.loop" | mean)
    NRUN[$tag]=$runs
  fi
  printf 'wall %8.3f s  user %8.3f s  (%d run%s)\n' "${W[$tag]}" "${U[$tag]}" "${NRUN[$tag]}" "$([ "${NRUN[$tag]}" = 1 ] || echo s)" >&2
}
mbps() { calc "\"%.2f\", $1 / 1e6 / ${W[$2]}"; }            # bytes tag
rss_mb() { calc "\"%.1f\", ${RSS[$1]} * 1024 / 1e6"; }
ms() { calc "\"%.1f\", $1 * 1000"; }
yn() { awk "BEGIN { print (($1) ? \"yes\" : \"no\") }"; }   # yn '1.5 >= 2'

HM=("$HMMM" --no-config --format json --fail-on never)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
DIRTY=$(cd "$ROOT" && git status --porcelain -- src rules include CMakeLists.txt 2>/dev/null | wc -l | tr -d ' ')
REV=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo "?")

echo "hmmm benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  hmmm:     $HMMM ($("$HMMM" --version 2>/dev/null | head -1)); $BUILT"
echo "  checkout: $REV$([ "$DIRTY" != 0 ] && echo ", with $DIRTY uncommitted change(s) under src/ rules/ include/ CMakeLists.txt (built in)")"
echo "  machine:  $(uname -sm), $(nproc) cores, load average at start $LOAD0"
echo "  timing:   $TIMING; peak RSS: GNU time"
echo "  corpus:   $CORPUS: big.md $BIG_B bytes, small.md $SMALL_B bytes, md/ $TREE_N files $TREE_B bytes"
echo "  runs:     $([ "$QUICK" = 1 ] && echo "--quick: ")big/tree $RUNS, rg $RG_RUNS, start-up $ST_RUNS, --no-prefilter $NOPF_RUNS"
echo

# ---------------------------------------------------------------- 1 throughput
echo "progress (stderr):" >&2
run_case text  "$RUNS" 0 hmmm -- "${HM[@]}" -j 1 --type text "$BIG"
run_case md    "$RUNS" 0 hmmm -- "${HM[@]}" -j 1 "$BIG"
run_case nopf  "$NOPF_RUNS" 0 hmmm -- "${HM[@]}" -j 1 --no-prefilter "$BIG"
run_case rg    "$RG_RUNS" 1 rg -- rg --no-unicode -i -c -f "$PHRASES" "$BIG"
HP=("$HMMM" --no-config --no-builtin --format json --fail-on never -j 1)
if [ -f "$PHRASES_YAML" ]; then
  run_case ph-text "$RUNS" 0 hmmm -- "${HP[@]}" --rules "$PHRASES_YAML" --type text "$BIG"
  run_case ph-md   "$RUNS" 0 hmmm -- "${HP[@]}" --rules "$PHRASES_YAML" "$BIG"
fi

RG_MBS=$(mbps "$BIG_B" rg)
R_TEXT=$(calc "\"%.3f\", ${W[rg]} / ${W[text]}")
R_MD=$(calc "\"%.3f\", ${W[rg]} / ${W[md]}")
R_NOPF=$(calc "\"%.3f\", ${W[rg]} / ${W[nopf]}")
RU_TEXT=$(calc "\"%.3f\", ${U[rg]} / ${U[text]}")
RU_MD=$(calc "\"%.3f\", ${U[rg]} / ${U[md]}")
RU_NOPF=$(calc "\"%.3f\", ${U[rg]} / ${U[nopf]}")

row_fmt='  %-34s %5s %9s %8s %9s %8s %9s %9s\n'
echo "1. Throughput on big.md ($(calc "\"%.2f\", $BIG_B / 1e6") MB), -j 1"
printf "$row_fmt" "command" "runs" "wall s" "MB/s" "user s" "RSS MB" "findings" "x rg"
printf "$row_fmt" "hmmm --type text" "${NRUN[text]}" "$(printf %.3f "${W[text]}")" "$(mbps "$BIG_B" text)" "$(printf %.3f "${U[text]}")" "$(rss_mb text)" "${FIND[text]}" "$R_TEXT"
printf "$row_fmt" "hmmm (Markdown)" "${NRUN[md]}" "$(printf %.3f "${W[md]}")" "$(mbps "$BIG_B" md)" "$(printf %.3f "${U[md]}")" "$(rss_mb md)" "${FIND[md]}" "$R_MD"
printf "$row_fmt" "hmmm --no-prefilter (Markdown)" "${NRUN[nopf]}" "$(printf %.3f "${W[nopf]}")" "$(mbps "$BIG_B" nopf)" "$(printf %.3f "${U[nopf]}")" "$(rss_mb nopf)" "${FIND[nopf]}" "$R_NOPF"
printf "$row_fmt" "rg --no-unicode -i -c (65 phrases)" "${NRUN[rg]}" "$(printf %.3f "${W[rg]}")" "$RG_MBS" "$(printf %.3f "${U[rg]}")" "$(rss_mb rg)" "${FIND[rg]}L" "1"
if [ -f "$PHRASES_YAML" ]; then
  printf "$row_fmt" "hmmm, rg's 65 phrases, --type text" "${NRUN[ph-text]}" "$(printf %.3f "${W[ph-text]}")" "$(mbps "$BIG_B" ph-text)" "$(printf %.3f "${U[ph-text]}")" "$(rss_mb ph-text)" "${FIND[ph-text]}" "$(calc "\"%.3f\", ${W[rg]} / ${W[ph-text]}")"
  printf "$row_fmt" "hmmm, rg's 65 phrases (Markdown)" "${NRUN[ph-md]}" "$(printf %.3f "${W[ph-md]}")" "$(mbps "$BIG_B" ph-md)" "$(printf %.3f "${U[ph-md]}")" "$(rss_mb ph-md)" "${FIND[ph-md]}" "$(calc "\"%.3f\", ${W[rg]} / ${W[ph-md]}")"
fi
echo "  x rg = hmmm MB/s / rg MB/s (wall). By user CPU: text ${RU_TEXT}x, Markdown ${RU_MD}x, --no-prefilter ${RU_NOPF}x."
echo "  rg's figure counts matching lines (L), not matches. Goals: text >= 2x rg, Markdown >= 0.8x rg."
[ -f "$PHRASES_YAML" ] && echo "  The two rows with rg's 65 phrases (phrases.yaml, no built-in packs) compare like for like; the goals are judged on the built-in packs."
echo "  Same findings with and without the prefilter: $([ "${FIND[md]}" = "${FIND[nopf]}" ] && echo yes || echo "NO (${FIND[md]} vs ${FIND[nopf]})")."
if [ -f "$RESULTS_MD" ]; then
  rgu=$(awk -F'|' '{ for (i = 2; i <= NF; i++) gsub(/^ +| +$/, "", $i) } $2 == "rg" && $5 ~ /big\.md/ { print $10 }' "$RESULTS_MD" | head -1)
  [ -n "$rgu" ] && echo "  For context, RESULTS.md's rg row for big.md (same phrases, Unicode mode, no --no-unicode): $rgu MB/s."
fi
echo

# ---------------------------------------------------------------- 2 rule scaling
t0=$(now_ns)
"$HERE/bench-rules.sh" "$BIG" "$WORK/packs" 2> "$WORK/packs.err" || { cat "$WORK/packs.err" >&2; die "bench-rules.sh failed"; }
GEN_S=$(calc "\"%.1f\", ($(now_ns) - $t0) / 1e9")
P60="$WORK/packs/bench-60.yaml"; P1000="$WORK/packs/bench-1000.yaml"
HR=("$HMMM" --no-config --no-builtin --format json --fail-on never -j 1)
run_case r60       "$RUNS" 0 hmmm -- "${HR[@]}" --rules "$P60" "$BIG"
run_case r1000     "$RUNS" 0 hmmm -- "${HR[@]}" --rules "$P1000" "$BIG"
run_case r60-nopf  "$NOPF_RUNS" 0 hmmm -- "${HR[@]}" --no-prefilter --rules "$P60" "$BIG"
run_case r1000-nopf "$NOPF_RUNS" 0 hmmm -- "${HR[@]}" --no-prefilter --rules "$P1000" "$BIG"
S_RATIO=$(calc "\"%.2f\", ${W[r1000]} / ${W[r60]}")
SU_RATIO=$(calc "\"%.2f\", ${U[r1000]} / ${U[r60]}")
S_NOPF=$(calc "\"%.2f\", ${W[r1000-nopf]} / ${W[r60-nopf]}")
SU_NOPF=$(calc "\"%.2f\", ${U[r1000-nopf]} / ${U[r60-nopf]}")
row2='  %-30s %5s %9s %8s %9s %8s %9s\n'
echo "2. Rule scaling on big.md, generated phrase packs (bench/bench-rules.sh, ${GEN_S} s to make), -j 1"
printf "$row2" "rules" "runs" "wall s" "MB/s" "user s" "RSS MB" "findings"
for t in r60 r1000 r60-nopf r1000-nopf; do
  case $t in r60) l="60 rules";; r1000) l="1,000 rules";; r60-nopf) l="60 rules, --no-prefilter";; r1000-nopf) l="1,000 rules, --no-prefilter";; esac
  printf "$row2" "$l" "${NRUN[$t]}" "$(printf %.3f "${W[$t]}")" "$(mbps "$BIG_B" "$t")" "$(printf %.3f "${U[$t]}")" "$(rss_mb "$t")" "${FIND[$t]}"
done
echo "  Same findings with and without the prefilter: $([ "${FIND[r60]}" = "${FIND[r60-nopf]}" ] && [ "${FIND[r1000]}" = "${FIND[r1000-nopf]}" ] && echo yes || echo NO)."
echo "  time(1,000) / time(60): ${S_RATIO}x wall, ${SU_RATIO}x user (goal <= 2x); with --no-prefilter ${S_NOPF}x wall, ${SU_NOPF}x user."
echo

# ---------------------------------------------------------------- 3 start-up
run_case st-true  "$ST_RUNS" "$ST_WARM" none -- /bin/true
run_case st-none  "$ST_RUNS" "$ST_WARM" hmmm -- "$HMMM" --no-config --no-builtin --format json --fail-on never -j 1 "$SMALL"
run_case startup  "$ST_RUNS" "$ST_WARM" hmmm -- "${HM[@]}" -j 1 "$SMALL"
row3='  %-44s %5s %9s %9s %8s %9s\n'
echo "3. Start-up: small.md ($SMALL_B bytes), median of many runs"
printf "$row3" "command" "runs" "wall ms" "user ms" "RSS MB" "findings"
printf "$row3" "hmmm, built-in packs (the target)" "${NRUN[startup]}" "$(ms "${W[startup]}")" "$(ms "${U[startup]}")" "$(rss_mb startup)" "${FIND[startup]}"
printf "$row3" "hmmm --no-builtin (no rules; context)" "${NRUN[st-none]}" "$(ms "${W[st-none]}")" "$(ms "${U[st-none]}")" "$(rss_mb st-none)" "${FIND[st-none]}"
printf "$row3" "/bin/true (process start on this machine)" "${NRUN[st-true]}" "$(ms "${W[st-true]}")" "$(ms "${U[st-true]}")" "$(rss_mb st-true)" "-"
echo "  Goal: < 10 ms wall."
echo

# ---------------------------------------------------------------- 4 whole tree
run_case tree-j1 "$RUNS" 0 hmmm -- "$HERE/bench-with-list.sh" "$WORK/tree.list" "${HM[@]}" -j 1
run_case tree-j2 "$RUNS" 0 hmmm -- "$HERE/bench-with-list.sh" "$WORK/tree.list" "${HM[@]}" -j 2
T_RATIO=$(calc "\"%.2f\", ${W[tree-j1]} / ${W[tree-j2]}")
TU_NOTE=$(calc "\"%.2f\", ${U[tree-j2]} / ${U[tree-j1]}")
TREE_MBS=$(mbps "$TREE_B" tree-j1)
row4='  %-34s %5s %9s %8s %9s %8s %9s\n'
echo "4. Whole tree: md/ ($TREE_N files, $(calc "\"%.2f\", $TREE_B / 1e6") MB) named on the command line"
printf "$row4" "command" "runs" "wall s" "MB/s" "user s" "RSS MB" "findings"
for t in tree-j1 tree-j2; do
  printf "$row4" "hmmm -j ${t#tree-j}" "${NRUN[$t]}" "$(printf %.3f "${W[$t]}")" "$(mbps "$TREE_B" "$t")" "$(printf %.3f "${U[$t]}")" "$(rss_mb "$t")" "${FIND[$t]}"
done
echo "  time(-j 1) / time(-j 2): ${T_RATIO}x (goal >= 1.7x); user CPU of -j 2 is ${TU_NOTE}x that of -j 1."
echo "  (-j 2 needs two idle cores: on a busy machine this ratio shows the load, not hmmm.)"

# peers, from RESULTS.md (never run or installed here)
PEER_ALEX="" PEER_TL=""
peer_row() { # tool -> "MB/s|wall|note"
  awk -F'|' -v t="$1" '{ for (i = 2; i <= NF; i++) gsub(/^ +| +$/, "", $i) } $2 == t && $5 ~ /md\/ tree/ { print $10 "|" $9 "|" $13; exit }' "$RESULTS_MD"
}
if [ ! -f "$PEERS_SH" ]; then
  PEERS_STATE="not installed (no $PEERS_SH)"
elif [ ! -x "$PEERS_DIR/node_modules/.bin/alex" ] || [ ! -x "$PEERS_DIR/node_modules/.bin/textlint" ] || [ ! -d "$PEERS_DIR/node_modules/textlint-rule-prh" ]; then
  PEERS_STATE="not installed (no alex / textlint + textlint-rule-prh under $PEERS_DIR; ../shared/bench/install-peers.sh installs them)"
elif [ ! -f "$RESULTS_MD" ]; then
  PEERS_STATE="installed, but no $RESULTS_MD to read their figures from"
else
  PEERS_STATE="installed; figures read from ../shared/bench/RESULTS.md"
  PEER_ALEX=$(peer_row alex); PEER_TL=$(peer_row textlint-prh)
fi
echo "  Peers (alex, textlint+prh): $PEERS_STATE"
peer_ratio() { # "MB/s|wall|note" -> ratio hmmm(-j 1)/peer by MB/s
  local m=${1%%|*}; awk -v a="$TREE_MBS" -v b="$m" 'BEGIN { if (b + 0 > 0) printf "%.0f", a / b; else print "" }'
}
R_ALEX="" R_TL=""
for p in alex textlint-prh; do
  if [ "$p" = alex ]; then v=$PEER_ALEX; else v=$PEER_TL; fi
  [ -n "$v" ] || continue
  r=$(peer_ratio "$v"); [ "$p" = alex ] && R_ALEX=$r || R_TL=$r
  IFS='|' read -r pm pw pn <<< "$v"
  est=$(printf '%s' "$pn" | grep -o 'full run est\. ~[0-9,.]* s' | grep -o '[0-9,.]* s$')
  printf '    %-13s %s MB/s on md/ (%s s%s) -> hmmm -j 1 (%s MB/s) is %sx faster%s\n' "$p" "$pm" "$pw" \
    "$( [ -n "$est" ] && echo " on a stride subset; full run est. $est")" "$TREE_MBS" "$r" \
    "$(printf '%s' "$pn" | grep -q SUBSET && echo ' (peer MB/s from its subset)')"
done
echo

# ---------------------------------------------------------------- 5 memory
MEM_MB=$(rss_mb md); MEM_LIMIT=$(calc "\"%.1f\", $BIG_B / 1e6 + 32")
echo "5. Memory: peak RSS, hmmm (Markdown, built-in packs, -j 1) on big.md"
echo "  peak RSS ${MEM_MB} MB; big.md $(calc "\"%.1f\", $BIG_B / 1e6") MB; goal <= size + 32 MB = ${MEM_LIMIT} MB."
echo "  (--type text: $(rss_mb text) MB; --no-prefilter: $(rss_mb nopf) MB; 1,000 rules: $(rss_mb r1000) MB; rg: $(rss_mb rg) MB)"
echo

# ---------------------------------------------------------------- summary
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
fmt='| %-40s | %-44s | %-12s | %-4s |\n'
echo "Summary ($(($SECONDS - T_START)) s in all; load average at start $LOAD0, at end $LOAD1; goals judged on wall time)"
printf "$fmt" "target" "measured" "goal" "met?"
printf '|%s|%s|%s|%s|\n' "$(printf '%.0s-' {1..42})" "$(printf '%.0s-' {1..46})" "$(printf '%.0s-' {1..14})" "------"
printf "$fmt" "1 throughput: --type text vs rg" "${R_TEXT}x ($(mbps "$BIG_B" text) vs $RG_MBS MB/s; user ${RU_TEXT}x)" ">= 2x rg" "$(yn "$R_TEXT >= 2")"
printf "$fmt" "1 throughput: Markdown vs rg" "${R_MD}x ($(mbps "$BIG_B" md) vs $RG_MBS MB/s; user ${RU_MD}x)" ">= 0.8x rg" "$(yn "$R_MD >= 0.8")"
printf "$fmt" "2 rule scaling: 1,000 vs 60 rules" "${S_RATIO}x ($(printf %.2f "${W[r1000]}") vs $(printf %.2f "${W[r60]}") s; user ${SU_RATIO}x)" "<= 2x" "$(yn "$S_RATIO <= 2")"
printf "$fmt" "3 start-up: built-ins + small.md" "$(ms "${W[startup]}") ms (user $(ms "${U[startup]}") ms)" "< 10 ms" "$(yn "${W[startup]} < 0.010")"
printf "$fmt" "4 whole tree: -j 1 / -j 2" "${T_RATIO}x ($(printf %.2f "${W[tree-j1]}") vs $(printf %.2f "${W[tree-j2]}") s)" ">= 1.7x" "$(yn "$T_RATIO >= 1.7")"
if [ -n "$R_ALEX" ]; then
  printf "$fmt" "4 whole tree: hmmm -j 1 vs alex" "${R_ALEX}x ($TREE_MBS vs ${PEER_ALEX%%|*} MB/s)" ">= 50x" "$(yn "$R_ALEX >= 50")"
else
  printf "$fmt" "4 whole tree: hmmm -j 1 vs alex" "not installed" ">= 50x" "n/a"
fi
if [ -n "$R_TL" ]; then
  printf "$fmt" "4 whole tree: hmmm -j 1 vs textlint+prh" "${R_TL}x ($TREE_MBS vs ${PEER_TL%%|*} MB/s)" ">= 50x" "$(yn "$R_TL >= 50")"
else
  printf "$fmt" "4 whole tree: hmmm -j 1 vs textlint+prh" "not installed" ">= 50x" "n/a"
fi
printf "$fmt" "5 memory: peak RSS on big.md" "$MEM_MB MB (file $(calc "\"%.1f\", $BIG_B / 1e6") MB)" "<= ${MEM_LIMIT} MB" "$(yn "$MEM_MB <= $MEM_LIMIT")"
[ "$KEEP" = 1 ] && echo "scratch folder kept: $WORK"
exit 0
