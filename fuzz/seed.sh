#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seed inputs: the valid GTrack test files,
# the spec examples (when present), and a few hand-written header lines.
# The corpus directory is gitignored; run this before `cargo fuzz run`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
valid="$root/crates/formats/tests/data/valid"
examples="/work/shared/spec/examples/gtrack-repo/gtrack/examples"

for t in gtrack_reader gtrack_roundtrip gtrack_expand gtrack_header; do
  mkdir -p "$here/corpus/$t"
done

n=0
for dir in "$valid" "$valid/generated" "$examples"; do
  [ -d "$dir" ] || continue
  for f in "$dir"/*.gtrack; do
    [ -f "$f" ] || continue
    [ "$(stat -c %s "$f")" -le 65536 ] || continue   # keep seeds small
    base="$(basename "$(dirname "$f")")_$(basename "$f")"
    for t in gtrack_reader gtrack_roundtrip gtrack_expand; do
      cp "$f" "$here/corpus/$t/$base"
    done
    # Header target: the file's `##` lines only.
    grep '^##[^#]' "$f" > "$here/corpus/gtrack_header/$base" || rm -f "$here/corpus/gtrack_header/$base"
    n=$((n + 1))
  done
done

# A few small hand-written seeds.
s="$here/corpus/gtrack_reader"
printf '###seqid\tstart\tend\nchr1\t10\t20\nchr1\t15\t30\nchr2\t0\t5\n' > "$s/seed_segments"
printf '##track type: valued points\n##value type: number\n###seqid\tstart\tvalue\nchr1\t5\t1.5\nchr1\t7\t-2e3\n' > "$s/seed_valued_points"
printf '##track type: linked segments\n##undirected edges: true\n###seqid\tstart\tend\tid\tedges\nchr1\t1\t5\ta\tb\nchr1\t7\t9\tb\ta\n' > "$s/seed_linked"
printf '##track type: function\n##value type: number\n####seqid=chr1; start=0; end=4\n1\n2\n3\n4\n' > "$s/seed_function"
for f in "$s"/seed_*; do
  cp "$f" "$here/corpus/gtrack_roundtrip/"
  cp "$f" "$here/corpus/gtrack_expand/"
done
h="$here/corpus/gtrack_header"
printf '##gtrack version: 1.0\n##track type: valued segments\n##value type: category\n##value dimension: vector\n' > "$h/seed_basic"
printf '##fixed length: 10\n##fixed gap size: -5\n##1-indexed: True\n##name: my%%20track\n' > "$h/seed_ints"
echo "seeded $n files (+ hand-written seeds) into $here/corpus/"
