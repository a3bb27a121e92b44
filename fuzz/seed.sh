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

# formats_reader: every text fixture of the format families, prefixed with
# the selector byte of its format (index among the text formats, in the
# order `gtrack formats` prints them).
gt="$root/target/debug/gtrack"
[ -x "$gt" ] || (cd "$root" && cargo build --quiet)
mkdir -p "$here/corpus/formats_reader"
python3 - "$gt" "$root/crates/formats/tests/data" "$here/corpus/formats_reader" <<'PY'
import os, subprocess, sys
gt, data, out = sys.argv[1:]
rows = [l.split("\t") for l in subprocess.run([gt, "formats"], capture_output=True, text=True).stdout.splitlines()[1:]]
binary = {"2bit", "nib", "bigwig", "bigbed"}
text = [r for r in rows if r[0] not in binary]
exts = sorted(((e.lstrip("."), i) for i, r in enumerate(text) for e in r[2].split()), key=lambda x: -len(x[0]))
n = 0
for fam in sorted(os.listdir(data)):
    d = os.path.join(data, fam)
    if not os.path.isdir(d) or fam in ("valid", "invalid"):
        continue
    for dirpath, _, files in os.walk(d):
        for f in files:
            name = f.lower().removesuffix(".gz")
            for ext, i in exts:
                if name.endswith("." + ext):
                    body = open(os.path.join(dirpath, f), "rb").read()
                    if len(body) <= 65536 and not f.endswith(".gz"):
                        open(os.path.join(out, f"{fam}_{f}"), "wb").write(bytes([i]) + body)
                        n += 1
                    break
print(f"formats_reader: {n} seeds", file=sys.stderr)
PY

# chunked_reader: the BED-family and bedGraph fixtures, each under every
# selector byte (format among the splittable ones) with a varying chunk byte.
mkdir -p "$here/corpus/chunked_reader"
python3 - "$root/crates/formats/tests/data" "$here/corpus/chunked_reader" <<'PY'
import os, sys
data, out = sys.argv[1:]
keys = (".bed", ".bedgraph", "peak", ".bed15", ".beddetail", ".pgsnp", ".tagalign", ".pairedtagalign", ".pepmap", ".rnaelements")
n = 0
for fam in ("bed", "wig"):
    for dirpath, _, files in os.walk(os.path.join(data, fam)):
        for f in sorted(files):
            if f.endswith(".gz") or not any(k in f.lower() for k in keys):
                continue
            body = open(os.path.join(dirpath, f), "rb").read()
            if len(body) > 8000:
                continue
            for sel in range(16):
                open(os.path.join(out, f"{fam}_{sel}_{f}"), "wb").write(bytes([sel, (n * 7) % 64]) + body)
                n += 1
print(f"chunked_reader: {n} seeds", file=sys.stderr)
PY
