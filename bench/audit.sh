#!/usr/bin/env bash
# bench/audit.sh: how often each hmmm rule fires on real public-sector
# writing, to find rules that fire too widely (false alarms).
#
# Runs every loaded rule (the built-in packs, --no-config) over a corpus of
# Markdown with `hmmm --format json`, then prints one row per rule: level,
# hits, hits per 100,000 prose words (the "words" of hmmm's JSON summary),
# and files hit, sorted by rate. After the table comes a sample of hits for
# every rule above --threshold and every rule named with --sample, spread
# evenly over its hits (deterministic), each with file:line:column and the
# matched line, so a person can judge them.
#
#   bench/audit.sh                         table and samples
#   bench/audit.sh --sample jargon.phb     also sample a rule below the threshold
#   bench/audit.sh --check bench/audit-baseline.tsv
#                                          exit 1 if a rule fires above its maximum
#   bench/audit.sh --write-baseline bench/audit-baseline.tsv
#                                          write maxima from this run's rates
#
# Options:
#   --corpus DIR           the corpus (default ../shared/corpus/md beside the checkout)
#   --hmmm PATH            the hmmm binary (default build/hmmm in this repository)
#   --threshold X          sample rules with more than X hits per 100k words (default 5)
#   --samples N            hits shown per sampled rule (default 10; 0 for none)
#   --sample RULE          also sample this rule (repeatable)
#   --check FILE           compare each rule's rate with FILE (see below); no samples
#   --write-baseline FILE  write FILE from this run: max(2 x rate, rate + 1)
#
# Files checked: every *.md, *.markdown, *.mdown, *.mkd, *.mkdn, *.txt and
# *.text file below DIR (hidden folders too, node_modules not), typed by name,
# and every *.md.erb file (GOV.UK tech-docs pages) checked as Markdown.
#
# Baseline file: one "RULE<TAB>MAX" line per rule, MAX in hits per 100,000
# words; "#" starts a comment; a "*" line is the maximum for rules not listed
# (without one, an unlisted rule fails the check). Rules listed but not loaded
# are reported and ignored.
#
# Needs: bash, coreutils, findutils, awk (Debian's mawk is enough) and jq
# (Debian package "jq": CI must install it; `apt-get install jq`).
#
# Exit status: 0 fine; 1 --check found a rule above its maximum; 2 a usage
# error, a missing tool, binary or corpus, or a failed hmmm run; 77 --check
# when the corpus folder does not exist (a skip for ctest).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

corpus=$(dirname "$root")/shared/corpus/md
hmmm=$root/build/hmmm
threshold=5
samples=10
check=
write_baseline=
sample_rules=()

usage() {
  sed -n '/^# Options:/,/^# Files checked/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  echo "usage: bench/audit.sh [--corpus DIR] [--hmmm PATH] [--threshold X] [--samples N] [--sample RULE]... [--check FILE | --write-baseline FILE]" >&2
  exit 2
}
die() { echo "audit.sh: $*" >&2; exit 2; }
need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --corpus)         need_arg "$@"; corpus=$2; shift 2 ;;
    --hmmm)           need_arg "$@"; hmmm=$2; shift 2 ;;
    --threshold)      need_arg "$@"; threshold=$2; shift 2 ;;
    --samples)        need_arg "$@"; samples=$2; shift 2 ;;
    --sample)         need_arg "$@"; sample_rules+=("$2"); shift 2 ;;
    --check)          need_arg "$@"; check=$2; shift 2 ;;
    --write-baseline) need_arg "$@"; write_baseline=$2; shift 2 ;;
    -h|--help)        usage ;;
    *)                echo "audit.sh: unknown argument: $1" >&2; usage ;;
  esac
done

[[ $threshold =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--threshold wants a number, not '$threshold'"
[[ $samples =~ ^[0-9]+$ ]] || die "--samples wants a whole number, not '$samples'"
[ -n "$check" ] && [ -n "$write_baseline" ] && die "use --check or --write-baseline, not both"

command -v jq >/dev/null 2>&1 ||
  die "needs jq, which is not installed. On Debian or Ubuntu: apt-get install jq"
command -v awk >/dev/null 2>&1 || die "needs awk (Debian: apt-get install mawk)"

case "$hmmm" in /*) ;; *) hmmm=$PWD/$hmmm ;; esac
[ -x "$hmmm" ] || die "no hmmm binary at $hmmm (build it: cmake --build build --target hmmm_cli, or pass --hmmm PATH)"
if [ -n "$check" ]; then
  [ -r "$check" ] || die "cannot read baseline $check"
  case "$check" in /*) ;; *) check=$PWD/$check ;; esac
fi
if [ -n "$write_baseline" ]; then
  case "$write_baseline" in /*) ;; *) write_baseline=$PWD/$write_baseline ;; esac
fi
if [ ! -d "$corpus" ]; then
  if [ -n "$check" ]; then
    echo "audit.sh: corpus $corpus not found; skipping the check" >&2
    exit 77
  fi
  die "corpus $corpus is not a folder"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hmmm-audit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$corpus"

# The rules in use, in hmmm's order: id and level.
"$hmmm" rules --no-config --color never > "$tmp/rules.txt" 2> "$tmp/err" ||
  { cat "$tmp/err" >&2; die "'hmmm rules' failed"; }
awk 'NR > 1 && NF >= 2 { print $1 "\t" $2 }' "$tmp/rules.txt" > "$tmp/rules.tsv"
[ -s "$tmp/rules.tsv" ] || die "'hmmm rules' listed no rules"

for r in "${sample_rules[@]+"${sample_rules[@]}"}"; do
  awk -F'\t' -v r="$r" '$1 == r { found = 1 } END { exit !found }' "$tmp/rules.tsv" ||
    die "--sample $r: no such rule (see hmmm rules --no-config)"
done

# Check the corpus. xargs may split the file list over several runs, so the
# output is a stream of JSON documents.
run() {
  local list=$1; shift
  [ -s "$list" ] || return 0
  xargs -0 "$hmmm" --no-config --format json --fail-on never --min-level suggestion \
    --color never "$@" < "$list" >> "$tmp/run.json" 2>> "$tmp/err" ||
    { cat "$tmp/err" >&2; die "hmmm failed on the corpus"; }
}
: > "$tmp/run.json"; : > "$tmp/err"
find . -name node_modules -prune -o -type f \( -name '*.md' -o -name '*.markdown' \
  -o -name '*.mdown' -o -name '*.mkd' -o -name '*.mkdn' -o -name '*.txt' -o -name '*.text' \) \
  -print0 | LC_ALL=C sort -z > "$tmp/files"
find . -name node_modules -prune -o -type f -name '*.md.erb' -print0 | LC_ALL=C sort -z > "$tmp/erb"
run "$tmp/files"
run "$tmp/erb" --type markdown

# One row a hit (rule, level, path, line, column, end line, end column,
# match), and the totals as "#files N" / "#words N" rows.
jq -r '(.files[] | .path as $p | .findings[] |
          [.rule, .level, ($p | ltrimstr("./")), .line, .column, .end_line, .end_column, .match] | @tsv),
       "#files\t\(.summary.files)", "#words\t\(.summary.words)"' "$tmp/run.json" > "$tmp/rows" ||
  die "could not read hmmm's JSON output"
grep -v '^#' "$tmp/rows" | LC_ALL=C sort -t "$(printf '\t')" -k3,3 -k4,4n -k5,5n -k1,1 > "$tmp/hits.tsv" || true
read -r nfiles nwords < <(awk -F'\t' '$1 == "#files" { f += $2 } $1 == "#words" { w += $2 }
                                      END { printf "%d %d\n", f, w }' "$tmp/rows")
[ "$nwords" -gt 0 ] || die "hmmm counted no words in $corpus"

# Per rule: id, level, hits, rate, files hit; sorted by rate, then id.
awk -F'\t' -v OFS='\t' -v words="$nwords" '
  FNR == NR { order[++n] = $1; level[$1] = $2; next }
  {
    hits[$1]++
    if (!(($1, $3) in seen)) { seen[$1, $3] = 1; files[$1]++ }
    if (!($1 in level)) { order[++n] = $1; level[$1] = $2 }
  }
  END {
    for (i = 1; i <= n; i++) {
      r = order[i]; h = hits[r] + 0
      printf "%s\t%s\t%d\t%.2f\t%d\n", r, level[r], h, h * 100000 / words, files[r] + 0
    }
  }' "$tmp/rules.tsv" "$tmp/hits.tsv" |
  LC_ALL=C sort -t "$(printf '\t')" -k3,3nr -k1,1 > "$tmp/table.tsv"

# --check: every rule's rate against the baseline.
if [ -n "$check" ]; then
  status=0
  awk -F'\t' -v words="$nwords" '
    FNR == NR {
      if ($0 ~ /^[ \t]*(#|$)/) next
      if (NF < 2 || $2 !~ /^[0-9]+(\.[0-9]+)?$/) { printf "audit.sh: %s:%d: want RULE<TAB>MAX\n", FILENAME, FNR; bad = 1; next }
      max[$1] = $2 + 0; listed[++nl] = $1; next
    }
    bad { next }
    {
      loaded[$1] = 1; rate = $3 * 100000 / words; checked++
      if ($1 in max) lim = max[$1]; else if ("*" in max) lim = max["*"]; else {
        printf "FAIL %s: %.2f hits per 100k words, and the rule is not in the baseline\n", $1, rate; fail++; next
      }
      if (rate > lim) {
        printf "FAIL %s: %.2f hits per 100k words (%d hits in %d files), above the baseline maximum of %.2f\n", $1, rate, $3, $5, lim
        fail++
      }
    }
    END {
      for (i = 1; i <= nl; i++)
        if (listed[i] != "*" && !(listed[i] in loaded))
          printf "note: %s is in the baseline but not loaded\n", listed[i]
      if (bad) exit 2
      if (fail) { printf "audit: %d of %d rules above the baseline (%d words checked); sample them with bench/audit.sh --sample RULE\n", fail, checked, words; exit 1 }
      printf "audit: all %d rules within the baseline (%d words checked)\n", checked, words
    }' "$check" "$tmp/table.tsv" || status=$?
  exit "$status"
fi

# --write-baseline: max(2 x rate, rate + 1), rounded up to 2 decimals.
if [ -n "$write_baseline" ]; then
  {
    echo "# Maximum hits per 100,000 words for each rule on the benchmark corpus,"
    echo "# checked by bench/audit.sh --check (see bench/AUDIT.md)."
    echo "# Written by bench/audit.sh --write-baseline: max(2 x rate, rate + 1),"
    echo "# from the corpus ($(basename "$(dirname "$corpus")")/$(basename "$corpus")): $nfiles files, $nwords words."
    echo "# \"*\" is the maximum for a rule not listed here."
    printf '*\t5.00\n'
    awk -F'\t' -v words="$nwords" '{
      rate = $3 * 100000 / words
      m = 2 * rate; if (rate + 1 > m) m = rate + 1
      c = int(m * 100); if (c < m * 100) c++
      printf "%s\t%.2f\n", $1, c / 100
    }' "$tmp/table.tsv" | LC_ALL=C sort
  } > "$write_baseline"
  echo "wrote $write_baseline" >&2
fi

# The table.
nhits=$(wc -l < "$tmp/hits.tsv" | tr -d ' ')
printf 'hmmm audit: %s files, %s words, %s hits, %s\n' "$nfiles" "$nwords" "$nhits" "$corpus"
printf '%-44s %-10s %7s %9s %6s\n' RULE LEVEL HITS PER100K FILES
awk -F'\t' '{ printf "%-44s %-10s %7d %9.2f %6d\n", $1, $2, $3, $4, $5 }' "$tmp/table.tsv"

[ "$samples" -gt 0 ] || exit 0

# Which rules to sample, in table order.
printf '%s\n' "${sample_rules[@]+"${sample_rules[@]}"}" > "$tmp/asked"
awk -F'\t' -v t="$threshold" '
  FNR == NR { if ($0 != "") asked[$0] = 1; next }
  $3 > 0 && ($4 + 0 > t + 0 || $1 in asked) { print ++k "\t" $1 "\t" $3 "\t" $2 "\t" $4 }' \
  "$tmp/asked" "$tmp/table.tsv" > "$tmp/chosen"
[ -s "$tmp/chosen" ] || exit 0

# The sampled hits: for a rule with n hits, hit number floor((i + 0.5) n / N)
# for i = 0 .. N-1 in path, line, column order (every hit when n <= N).
awk -F'\t' -v OFS='\t' -v N="$samples" '
  FNR == NR { rank[$2] = $1; total[$2] = $3; next }
  !($1 in rank) { next }
  {
    k = seen[$1]++; n = total[$1]
    if (n <= N) pick = 1
    else { pick = 0; i = int(k * N / n)
           # the pick for slot i is floor((i + 0.5) n / N); check slots i-1..i+1
           for (j = i - 1; j <= i + 1; j++) if (j >= 0 && j < N && int((j + 0.5) * n / N) == k) pick = 1 }
    if (pick) print rank[$1], k, $0
  }' "$tmp/chosen" "$tmp/hits.tsv" | LC_ALL=C sort -t "$(printf '\t')" -k1,1n -k2,2n > "$tmp/picked"

# Add the text of each matched line (tabs as spaces, no CR), read byte-wise.
LC_ALL=C awk -F'\t' -v OFS='\t' '
  {
    p = $5
    if (p != cur) {
      for (i = 1; i <= nl; i++) delete L[i]
      nl = 0; cur = p
      while ((getline l < p) > 0) L[++nl] = l
      close(p)
    }
    t = L[$6 + 0]; gsub(/\t/, " ", t); sub(/\r$/, "", t)
    print $0, t
  }' "$tmp/picked" > "$tmp/lines"

# Print them, the match in [brackets] with up to 70 characters either side.
echo
echo "Samples: rules above $threshold hits per 100k words, and rules asked for with --sample."
echo "Paths are relative to $corpus."
jq -R -r '
  split("\t") as $f
  | ($f[0] | tonumber) as $rank | ($f[1] | tonumber) as $k
  | $f[2] as $rule | $f[3] as $level | $f[4] as $path
  | ($f[5] | tonumber) as $line | ($f[6] | tonumber) as $col
  | ($f[7] | tonumber) as $eline | ($f[8] | tonumber) as $ecol
  | ($f[10:] | join(" ")) as $raw
  | (if $line == 1 and ($raw | startswith("\ufeff")) then $raw[1:] else $raw end) as $text
  | (if $eline == $line then $ecol - $col else ($text | length) - $col + 1 end) as $len
  | $text[0:$col - 1] as $pre | $text[$col - 1:$col - 1 + $len] as $m
  | $text[$col - 1 + $len:] as $post
  | (if ($pre | length) > 70 then "…" + $pre[-70:] else $pre end) as $pre
  | (if ($post | length) > 70 then $post[:70] + "…" else $post end) as $post
  | "\($rank)\t\($path):\($line):\($col)\t\($pre)[\($m)]\($post)\(if $eline != $line then " …" else "" end)"' \
  "$tmp/lines" > "$tmp/shown"

# Headings between rules.
awk -F'\t' -v N="$samples" '
  FNR == NR { head[$1] = $2 " (" $4 ")"; n[$1] = $3; rate[$1] = $5; next }
  {
    if ($1 != last) {
      m = n[$1] < N ? n[$1] : N
      printf "\n== %s: %d hits, %.2f per 100k words, %d shown ==\n", head[$1], n[$1], rate[$1], m
      last = $1
    }
    print "  " $2
    print "      " $3
  }' "$tmp/chosen" "$tmp/shown"
