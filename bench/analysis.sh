#!/usr/bin/env bash
# Analysis benchmarks (issue 6): the two performance targets and their
# bedtools counterparts.
#
#   bench/analysis.sh
#
# Data (made by bench/gen_analysis.py on hg38 sizes from
# ../shared/bench/hg38.chrom.sizes into ${DATA:-/tmp/gtrack-analysis-data}
# when absent): 10 M points, 1 M segments, 100 k segments (T1), imported
# into a store there.
#
# (a) count 10 M points in 1 M segments from the store (target ≤ 0.1 s):
#     the `count_points` example (open, zero-copy views, per-segment counts
#     and points inside the union) and `gtrack analyze inside`; against
#     `bedtools intersect -c -sorted`.
# (b) overlap Monte Carlo, 10 000 samples of 100 k segments against 1 M
#     segments preserving lengths and gaps, 2 threads (target ≤ 10 s):
#     `gtrack analyze overlap --null permute-segments-and-gaps --samples
#     10000 --threads 2`; against one sample of `bedtools shuffle` +
#     `intersect` (times 10 000 for the comparison).
#
# Prints hyperfine medians (RUNS runs, default 5; MC_RUNS, default 3) and
# the load average, and writes $DATA/results-analysis.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${SHARED:-$root/../shared}
data=${DATA:-/tmp/gtrack-analysis-data}
RUNS=${RUNS:-5}
MC_RUNS=${MC_RUNS:-3}
sizes="$shared/bench/hg38.chrom.sizes"
mkdir -p "$data"
if [ ! -s "$data/t1.bed" ]; then
  [ -f "$sizes" ] || { echo "need $sizes" >&2; exit 1; }
  python3 "$here/gen_analysis.py" "$sizes" "$data"
fi
(cd "$root" && cargo build --release --quiet -p gtrack-cli && cargo build --release --quiet -p gtrack-analysis --example count_points)
gt="$root/target/release/gtrack"
count="$root/target/release/examples/count_points"
store="$data/store"
if [ ! -d "$store" ]; then
  "$gt" import --store "$store" --name points "$data/points.gtrack"
  "$gt" import --store "$store" --name segs "$data/segs.bed"
  "$gt" import --store "$store" --name t1 "$data/t1.bed"
fi
results="$data/results-analysis.md"
med() { python3 - "$1" <<'PY'
import json, sys
for x in json.load(open(sys.argv[1]))["results"]:
    print("%s\tmedian %.3f s\tuser %.3f s\tsystem %.3f s" % (x["command"], x["median"], x["user"], x["system"]))
PY
}
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$data/a.json" \
    "$count $store points segs" \
    "$gt analyze inside points segs --store $store --trust --genome hg38" >/dev/null
  med "$data/a.json"
  hyperfine --warmup 0 --runs 2 --export-json "$data/a-bt.json" \
    "bedtools intersect -c -sorted -g $data/genome.txt -a $data/segs.bed -b $data/points.bed > /dev/null" >/dev/null
  med "$data/a-bt.json"
  hyperfine -N --warmup 0 --runs "$MC_RUNS" --export-json "$data/b.json" \
    "$gt analyze overlap t1 segs --store $store --trust --genome hg38 --null permute-segments-and-gaps --samples 10000 --threads 2 --seed 1" >/dev/null
  med "$data/b.json"
  hyperfine --warmup 0 --runs 3 --export-json "$data/b-bt.json" \
    "bedtools shuffle -i $data/t1.bed -g $data/genome.txt -chrom -noOverlapping -seed 1 | bedtools sort -faidx $data/genome.txt -i - | bedtools intersect -sorted -g $data/genome.txt -wo -a - -b $data/segs.bed | awk '{s+=\$NF} END {print s}' > /dev/null" >/dev/null
  med "$data/b-bt.json"
  echo "(bedtools: one sample; 10 000 samples = 10 000 x that median)"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results"
