#!/usr/bin/env bash
# bench/bench-rules.sh: makes the rule packs bench/bench.sh uses for rule
# scaling, from the words of a corpus file, deterministically (same input,
# same packs; LC_ALL=C sort, no randomness).
#
#   bench/bench-rules.sh CORPUS_FILE OUTDIR
#
# writes OUTDIR/bench-1000.yaml (pack bench-1000: 1,000 phrase rules) and
# OUTDIR/bench-60.yaml (pack bench-60: 60 of those 1,000, spread evenly over
# them, so both packs have the same mix of common and rare phrases).
#
# How the phrases are chosen: every 4th line of CORPUS_FILE, lower-cased; any
# character other than a-z, space or tab breaks a phrase (so no phrase spans
# punctuation). Two-word phrases (both words 3-16 letters, neither a stop
# word) and three-word phrases (first and last word like that, the middle one
# any word, "care and support") seen at least twice are ranked by count,
# then by text. 600 two-word and 400 three-word phrases are taken at an even
# stride down each ranking: the top of each ranking is common ("social
# work"), most are rare ("phone the office"), as in a real phrase list.
# Every 5th rule ends in "*" ("task list*" also finds "task lists") so the
# prefix path is exercised too.
#
# Needs: bash, coreutils, awk (Debian's mawk is enough).
set -euo pipefail
export LC_ALL=C

[ $# -eq 2 ] || { echo "usage: $0 CORPUS_FILE OUTDIR" >&2; exit 2; }
src=$1 out=$2
[ -r "$src" ] || { echo "$0: cannot read $src" >&2; exit 2; }
mkdir -p "$out"
tab=$(printf '\t')

# count, words (2|3), phrase; most common first, ties by text
awk 'NR % 4 == 1' "$src" | awk '
BEGIN {
  ns = split("a an and are as at be been but by can could do does for from had has have he her his how i if in into is it its may more most must no not of on or our she should so such than that the their them then there these they this those to up us was we were what when where which who will with would you your all any also each other only out over some very just about after before both own same too new one two use used using see via get etc per", sw, " ")
  for (i = 1; i <= ns; i++) stop[sw[i]] = 1
}
{
  line = tolower($0)
  gsub(/[^a-z \t]+/, "|", line)
  nseg = split(line, seg, "|")
  for (s = 1; s <= nseg; s++) {
    m = split(seg[s], w, /[ \t]+/)
    k = 0
    for (i = 1; i <= m; i++) if (w[i] != "") ww[++k] = w[i]
    for (i = 1; i < k; i++) {
      a = ww[i]; b = ww[i + 1]
      if (length(a) < 3 || length(a) > 16 || (a in stop)) continue
      if (length(b) >= 3 && length(b) <= 16 && !(b in stop) && a != b) c2[a " " b]++
      if (i + 1 < k) {
        d = ww[i + 2]
        if (length(b) <= 16 && length(d) >= 3 && length(d) <= 16 && !(d in stop) && a != d) c3[a " " b " " d]++
      }
    }
  }
}
END {
  for (p in c2) if (c2[p] >= 2) print c2[p] "\t2\t" p
  for (p in c3) if (c3[p] >= 2) print c3[p] "\t3\t" p
}' | sort -t "$tab" -k1,1nr -k3,3 > "$out/bench-ngrams.tsv"

# 600 two-word + 400 three-word phrases, even stride down each ranking
awk -F '\t' -v N2=600 -v N3=400 '
$2 == 2 { b[nb++] = $3 }
$2 == 3 { t[nt++] = $3 }
END {
  if (nb < N2 || nt < N3) { print "too few phrases in the corpus: " nb " two-word, " nt " three-word" > "/dev/stderr"; exit 1 }
  for (i = 0; i < N2; i++) print b[int(i * nb / N2)]
  for (i = 0; i < N3; i++) print t[int(i * nt / N3)]
}' "$out/bench-ngrams.tsv" > "$out/bench-phrases.txt"

write_pack() { # name count
  local name=$1 n=$2
  awk -v name="$name" -v n="$n" '
  { p[NR - 1] = $0 }
  END {
    print "pack: " name
    print "title: Generated phrase rules for benchmarking (bench/bench-rules.sh)"
    print "description: " n " two- and three-word phrases taken from the benchmark corpus."
    print "rules:"
    for (j = 0; j < n; j++) {
      i = int(j * NR / n)
      w = p[i]; if (i % 5 == 4) w = w "*"
      printf "  - id: r%04d\n    level: suggestion\n    words: [\"%s\"]\n    message: \x27bench phrase \"{match}\"\x27\n", i, w
    }
  }' "$out/bench-phrases.txt" > "$out/$name.yaml"
}
write_pack bench-1000 1000
write_pack bench-60 60
