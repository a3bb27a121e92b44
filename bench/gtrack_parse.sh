#!/usr/bin/env bash
# Whole-tool GTrack parsing benchmark.
#
#   bench/gtrack_parse.sh [LINES]        (default 10000000)
#
# 1. Generates (once; deterministic, bench/gen_segments.py) a GTrack segments
#    file of LINES data lines on the hg38 chromosome sizes into
#    ${BENCH_DIR:-/tmp/gtrack-bench}/segments_<LINES>.gtrack.
# 2. Builds the release binaries (`gtrack` CLI and the `gtrack_validate` example).
# 3. Times, with hyperfine when installed (else RUNS timed runs), on a warm page cache:
#      cat FILE > /dev/null, wc -l FILE,
#      target/release/examples/gtrack_validate FILE,
#      target/release/gtrack validate --quiet FILE   (when the CLI has `validate`).
# 4. Prints median seconds and MB/s (file bytes / median, 1 MB = 10^6 bytes)
#    and writes them to $BENCH_DIR/results-<LINES>.md.
set -euo pipefail

LINES=${1:-10000000}
RUNS=${RUNS:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dir=${BENCH_DIR:-/tmp/gtrack-bench}
sizes=${CHROM_SIZES:-/work/shared/bench/hg38.chrom.sizes}
mkdir -p "$dir"
file="$dir/segments_${LINES}.gtrack"

if [ ! -s "$file" ]; then
  echo "generating $file ..." >&2
  if [ -f "$sizes" ]; then
    python3 "$here/gen_segments.py" "$LINES" "$file.tmp" "$sizes"
  else
    python3 "$here/gen_segments.py" "$LINES" "$file.tmp"
  fi
  mv "$file.tmp" "$file"
fi
bytes=$(stat -c %s "$file")

echo "building release binaries ..." >&2
(cd "$root" && cargo build --release --quiet && cargo build --release --quiet -p gtrack-formats --example gtrack_validate)
example="$root/target/release/examples/gtrack_validate"
cli="$root/target/release/gtrack"

# Commands to time: name|command
cmds=("cat|cat '$file' > /dev/null" "wc -l|wc -l '$file' > /dev/null" "example gtrack_validate|'$example' '$file'")
if [ -x "$cli" ] && "$cli" --help 2>/dev/null | grep -qE '^\s+validate'; then
  cmds+=("gtrack validate|'$cli' validate --quiet '$file'")
fi

# Check the file is valid (and warm the page cache).
cat "$file" > /dev/null
if ! "$example" "$file"; then
  echo "error: $file does not validate" >&2
  exit 1
fi

median_of() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

results="$dir/results-${LINES}.md"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: nproc=$(nproc), $(lscpu | grep 'Model name' | sed 's/  */ /g')"
  echo "file: $file, $LINES data lines, $bytes bytes ($(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6}') MB)"
  echo "git: $(cd "$root" && git rev-parse --short HEAD 2>/dev/null)$(cd "$root" && git diff --quiet 2>/dev/null || echo ' (dirty tree)')"
  echo
  echo "| command | median s | MB/s | runs |"
  echo "|---|---|---|---|"
} > "$results"

for entry in "${cmds[@]}"; do
  name=${entry%%|*}
  cmd=${entry#*|}
  if command -v hyperfine > /dev/null; then
    json=$(mktemp)
    hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$json" "$cmd" >&2
    med=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json")
    rm -f "$json"
  else
    med=$(for _ in $(seq "$RUNS"); do
      t0=$(date +%s.%N); bash -c "$cmd"; t1=$(date +%s.%N)
      awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}'
    done | median_of)
  fi
  mbs=$(awk -v b="$bytes" -v t="$med" 'BEGIN{printf "%.0f", b/1e6/t}')
  printf '| `%s` | %.3f | %s | %s |\n' "$name" "$med" "$mbs" "$RUNS" >> "$results"
done

cat "$results"
echo "(written to $results)" >&2
