#!/usr/bin/env python3
"""Deterministic inputs for the analysis benchmarks (standard library only).

    gen_analysis.py CHROM_SIZES OUTDIR [POINTS SEGS T1]

Writes to OUTDIR, spread over the chromosomes of CHROM_SIZES in proportion
to their length (sequences named chr1..chr22, chrX, chrY only):
  points.gtrack  POINTS (default 10 000 000) GTrack points, sorted
  points.bed     the same points as 1-bp BED intervals (for bedtools)
  segs.bed       SEGS (default 1 000 000) non-overlapping segments, sorted
  t1.bed         T1 (default 100 000) non-overlapping segments, sorted
  genome.txt     the sizes of the sequences used (bedtools -g)
Segments: one per slot of length L/n, length 1..2000 (1..200 for t1's
spacing permitting), at a random offset inside the slot. Same arguments,
same bytes (random.Random with a fixed seed, random() only).
"""
import random
import sys

KEEP = {f"chr{i}" for i in list(range(1, 23)) + ["X", "Y"]}


def sizes(path):
    out = []
    with open(path) as fh:
        for line in fh:
            p = line.split()
            if len(p) >= 2 and p[0] in KEEP:
                out.append((p[0], int(p[1])))
    return out


def spread(total_n, sz):
    tot = sum(n for _, n in sz)
    counts = [total_n * n // tot for _, n in sz]
    counts[-1] += total_n - sum(counts)
    return counts


def segments(path, n, sz, rng, maxlen):
    rnd = rng.random
    with open(path, "w", buffering=1 << 22) as out:
        for (chrom, size), k in zip(sz, spread(n, sz)):
            slot = size // k
            w = out.write
            for i in range(k):
                ln = 1 + int(rnd() * min(maxlen, slot))
                s = i * slot + int(rnd() * (slot - ln + 1))
                w(f"{chrom}\t{s}\t{s + ln}\n")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sz = sizes(sys.argv[1])
    out = sys.argv[2]
    npoints = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000
    nsegs = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    nt1 = int(sys.argv[5]) if len(sys.argv) > 5 else 100_000
    rng = random.Random(20261121)
    rnd = rng.random
    with open(f"{out}/genome.txt", "w") as g:
        for c, n in sz:
            g.write(f"{c}\t{n}\n")
    with open(f"{out}/points.gtrack", "w", buffering=1 << 22) as gt, open(
        f"{out}/points.bed", "w", buffering=1 << 22
    ) as bed:
        gt.write("##gtrack version: 1.0\n##track type: points\n###seqid\tstart\n")
        for (chrom, size), k in zip(sz, spread(npoints, sz)):
            pos = sorted(set(int(rnd() * size) for _ in range(k)))
            gt.write("".join(f"{chrom}\t{p}\n" for p in pos))
            bed.write("".join(f"{chrom}\t{p}\t{p + 1}\n" for p in pos))
    segments(f"{out}/segs.bed", nsegs, sz, rng, 2000)
    segments(f"{out}/t1.bed", nt1, sz, rng, 2000)


if __name__ == "__main__":
    main()
