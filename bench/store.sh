#!/usr/bin/env bash
# Track store benchmark (issue 5): import, region views, summaries.
#
#   bench/store.sh
#
# Data: the 10M-line unsorted BED6 and the 10M-line bedGraph of
# ../shared/bench/gen_data.py in ${DATA:-/tmp/gtrack-bench-data} (generated
# when absent; needs python3 with venv: installs numpy, polars, pyBigWig into
# /tmp/genv). Compares with `bedtools sort` (BEDTOOLS_SORT=1: 30 s per run),
# pyBigWig and the bigtools CLI (`cargo install bigtools`) on a bigWig of the
# same data. Prints median seconds per command (hyperfine, RUNS runs, default
# 5) and writes $DATA/results-store.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${SHARED:-$root/../shared}
data=${DATA:-/tmp/gtrack-bench-data}
RUNS=${RUNS:-5}
sizes="$shared/bench/hg38.chrom.sizes"
bed="$data/segments_10M.unsorted.bed"
bg="$data/signal_10M.bedGraph"
py=/tmp/genv/bin/python

if [ ! -s "$bed" ] || [ ! -s "$bg" ]; then
  [ -f "$shared/bench/gen_data.py" ] || { echo "need $shared/bench/gen_data.py to make data" >&2; exit 1; }
  [ -x "$py" ] || python3 -m venv /tmp/genv
  "$py" -m pip install -q numpy polars
  "$py" "$shared/bench/gen_data.py" --out "$data" --only segments_10M,signal_10M
fi
"$py" -c 'import pyBigWig' 2>/dev/null || "$py" -m pip install -q pyBigWig

(cd "$root" && cargo build --release --quiet -p gtrack-cli)
gt="$root/target/release/gtrack"
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT

results="$data/results-store.md"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "git: $(cd "$root" && git rev-parse --short HEAD)"
  echo
  echo "| command | median s | min s | max s |"
  echo "|---|---|---|---|"
} > "$results"

# run LABEL PREPARE COMMAND: hyperfine with a prepare step (may be ":").
run() {
  local label=$1 prep=$2 cmd=$3
  hyperfine -N --warmup 1 --runs "$RUNS" --prepare "$prep" --export-json "$out/h.json" "$cmd" >/dev/null 2>&1 \
    || hyperfine --warmup 1 --runs "$RUNS" --prepare "$prep" --export-json "$out/h.json" "$cmd" >/dev/null 2>&1 \
    || { echo "FAILED: $cmd" >&2; return; }
  "$py" - "$label" "$out/h.json" <<'EOF' | tee -a "$results"
import json, sys
r = json.load(open(sys.argv[2]))["results"][0]
print(f"| `{sys.argv[1]}` | {r['median']:.3f} | {r['min']:.3f} | {r['max']:.3f} |")
EOF
}

# 1. Import the unsorted BED6 into a fresh store each run.
run "gtrack import (10M unsorted BED6, fsync)" "rm -rf $out/st1" "$gt import $bed --store $out/st1 --name seg --quiet"
run "gtrack import (10M unsorted BED6, --no-sync)" "rm -rf $out/st1" "$gt import $bed --store $out/st1 --name seg --quiet --no-sync"
rm -rf "$out/st1"
peak=$( { /usr/bin/time -f %M "$gt" import "$bed" --store "$out/st1" --name seg --quiet --no-sync; } 2>&1 | tail -1)
cols=$(du -sb "$out/st1/tracks/seg" | cut -f1)
echo "peak RSS of the import: $((peak / 1024)) MiB; column data on disk: $((cols / 1048576)) MiB; ratio $("$py" -c "print(round($peak*1024/$cols, 2))")" | tee -a "$results"
if [ "${BEDTOOLS_SORT:-0}" = 1 ] && command -v bedtools >/dev/null; then
  RUNS=1 run "bedtools sort (same file, for reference)" ":" "bash -c 'bedtools sort -i $bed > /dev/null'"
fi

# 2. Open + view of 1 Mb (whole process: start-up, open, checksum of chr1's columns).
run "gtrack view 1 Mb (chr1:10,000,001-11,000,000)" ":" "bash -c '$gt view --store $out/st1 seg chr1:10,000,001-11,000,000 > /dev/null'"
run "gtrack view 1 Mb --trust" ":" "bash -c '$gt view --store $out/st1 seg chr1:10,000,001-11,000,000 --trust > /dev/null'"

# 3. Mean over 10,000 random 10 kb windows of the bedGraph.
"$gt" import "$bg" --store "$out/st1" --name signal --quiet --no-sync
"$py" - "$bg" "$out/windows.bed" <<'EOF'
import random, sys
random.seed(42)
ends = {}
for line in open(sys.argv[1]):
    c, s, e, v = line.split("\t")
    ends[c] = int(e)
chroms = sorted(ends)
weights = [ends[c] for c in chroms]
with open(sys.argv[2], "w") as f:
    for i in range(10000):
        c = random.choices(chroms, weights)[0]
        s = random.randrange(0, max(1, ends[c] - 10000))
        f.write(f"{c}\t{s}\t{s + 10000}\tw{i}\n")
EOF
"$gt" convert "$bg" "$out/sig.bw" --chrom-sizes "$sizes" --allow-lossy
cat > "$out/pybw.py" <<'EOF'
import sys, pyBigWig
bw = pyBigWig.open(sys.argv[1])
exact = sys.argv[3] == "exact"
out = []
for line in open(sys.argv[2]):
    c, s, e, n = line.split("\t")
    out.append(bw.stats(c, int(s), int(e), type="mean", exact=exact)[0])
if len(sys.argv) > 4:
    with open(sys.argv[4], "w") as f:
        f.write("\n".join("." if x is None else repr(x) for x in out) + "\n")
EOF
run "gtrack summarize --stat mean (10k x 10 kb)" ":" "bash -c '$gt summarize --store $out/st1 signal $out/windows.bed --stat mean > /dev/null'"
run "gtrack summarize --stat mean --trust" ":" "bash -c '$gt summarize --store $out/st1 signal $out/windows.bed --stat mean --trust > /dev/null'"
run "pyBigWig stats mean (exact=True)" ":" "$py $out/pybw.py $out/sig.bw $out/windows.bed exact"
run "pyBigWig stats mean (default, zoom levels)" ":" "$py $out/pybw.py $out/sig.bw $out/windows.bed zoom"
if command -v bigtools >/dev/null; then
  run "bigtools bigwigaverageoverbed" ":" "bigtools bigwigaverageoverbed $out/sig.bw $out/windows.bed $out/bt.tsv"
fi
# Agreement with pyBigWig (exact; bigWig holds 32-bit floats).
"$gt" summarize --store "$out/st1" signal "$out/windows.bed" --stat mean | cut -f5 > "$out/gt.txt"
"$py" "$out/pybw.py" "$out/sig.bw" "$out/windows.bed" exact "$out/py.txt"
"$py" - "$out/gt.txt" "$out/py.txt" <<'EOF' | tee -a "$results"
import sys
a = [l.strip() for l in open(sys.argv[1])]
b = [l.strip() for l in open(sys.argv[2])]
bad = sum(1 for x, y in zip(a, b) if (x == ".") != (y == ".") or (x != "." and abs(float(x) - float(y)) > 1e-4 * max(1, abs(float(y)))))
print(f"gtrack vs pyBigWig exact means: {len(a)} windows, {bad} differ by more than 1e-4 (relative)")
EOF
echo "(written to $results)"
