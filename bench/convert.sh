#!/usr/bin/env bash
# Format conversion benchmark (issue 3): read BED6 / bedGraph, write GTrack,
# bigWig and bigBed; compare with the bigtools CLI and `cat`.
#
#   bench/convert.sh
#
# Data: the 10M-line BED6 and bedGraph of ../shared/bench/gen_data.py, in
# ${DATA:-/tmp/gtrack-bench-data} (generated when absent: needs python3 with
# venv; installs numpy and polars into /tmp/genv). The bigtools CLI is used
# when on PATH (`cargo install bigtools` gives it).
# Prints median seconds and MB/s (input bytes / median) per command, with
# hyperfine when installed (RUNS runs, default 5), and writes
# $DATA/results-convert.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${SHARED:-$root/../shared}
data=${DATA:-/tmp/gtrack-bench-data}
RUNS=${RUNS:-5}
sizes="$shared/bench/hg38.chrom.sizes"
bed="$data/segments_10M.bed"
bg="$data/signal_10M.bedGraph"

if [ ! -s "$bed" ] || [ ! -s "$bg" ]; then
  [ -f "$shared/bench/gen_data.py" ] || { echo "need $shared/bench/gen_data.py to make data" >&2; exit 1; }
  [ -x /tmp/genv/bin/python ] || { python3 -m venv /tmp/genv && /tmp/genv/bin/pip install -q numpy polars; }
  /tmp/genv/bin/python "$shared/bench/gen_data.py" --out "$data" --only segments_10M,signal_10M
fi

(cd "$root" && cargo build --release --quiet)
gt="$root/target/release/gtrack"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

results="$data/results-convert.md"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "git: $(cd "$root" && git rev-parse --short HEAD)"
  echo
  echo "| command | input | median s | MB/s |"
  echo "|---|---|---|---|"
} > "$results"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

run() { # label input command...
  local label=$1 input=$2; shift 2
  local bytes; bytes=$(stat -c %s "$input")
  local t
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$out/h.json" "$*" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; return; }
    t=$(python3 -c "import json;print(json.load(open('$out/h.json'))['results'][0]['median'])")
  else
    t=$(for _ in $(seq "$RUNS"); do /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; done | median)
  fi
  local mbs; mbs=$(python3 -c "print(round($bytes/1e6/$t))")
  printf '| `%s` | %s | %.3f | %s |\n' "$label" "$(basename "$input")" "$t" "$mbs" | tee -a "$results"
}

run "cat" "$bed" cat "$bed"
# One core (the issue's text-reader target), then all cores (files above
# 16 MiB are parsed in parallel chunks).
run "gtrack info (read BED6, one core)" "$bed" env RAYON_NUM_THREADS=1 "$gt" info "$bed"
run "gtrack info (read BED6)" "$bed" "$gt" info "$bed"
run "gtrack convert BED6 -> GTrack" "$bed" "$gt" convert "$bed" "$out/seg.gtrack"
run "gtrack convert BED6 -> bigBed" "$bed" "$gt" convert "$bed" "$out/seg.bb" --chrom-sizes "$sizes"
run "cat" "$bg" cat "$bg"
run "gtrack info (read bedGraph, one core)" "$bg" env RAYON_NUM_THREADS=1 "$gt" info "$bg"
run "gtrack info (read bedGraph)" "$bg" "$gt" info "$bg"
run "gtrack convert bedGraph -> GTrack" "$bg" "$gt" convert "$bg" "$out/sig.gtrack"
# bigWig stores 32-bit floats: the rounding is a loss gtrack names, so allow it.
run "gtrack convert bedGraph -> bigWig --allow-lossy" "$bg" "$gt" convert "$bg" "$out/sig.bw" --chrom-sizes "$sizes" --allow-lossy
if command -v bigtools >/dev/null; then
  run "bigtools bedgraphtobigwig" "$bg" bigtools bedgraphtobigwig "$bg" "$sizes" "$out/sig2.bw"
  run "bigtools bedtobigbed" "$bed" bigtools bedtobigbed "$bed" "$sizes" "$out/seg2.bb"
else
  echo "(bigtools CLI not on PATH: \`cargo install bigtools\` to compare)" | tee -a "$results"
fi
echo "(written to $results)"
