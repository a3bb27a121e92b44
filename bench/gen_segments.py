#!/usr/bin/env python3
"""Deterministic GTrack `segments` file for parser benchmarks (standard library only).

    gen_segments.py LINES OUT [CHROM_SIZES]

Writes `##gtrack version`, `##track type: segments`, the column line
`###seqid<TAB>start<TAB>end` and LINES data lines spread over the chromosomes
of CHROM_SIZES (default: hg38 built in) in proportion to their length.
Positions are 0-based, sorted within each chromosome; segment lengths are
2^k + jitter with k in 4..13 (median about 1 kb), cropped at the chromosome
end. Same arguments, same bytes (random.Random with a fixed seed, using only
random(), whose output is stable across Python versions).
"""
import random
import sys

HG38 = [
    ("chr1", 248956422), ("chr2", 242193529), ("chr3", 198295559), ("chr4", 190214555),
    ("chr5", 181538259), ("chr6", 170805979), ("chr7", 159345973), ("chr8", 145138636),
    ("chr9", 138394717), ("chr10", 133797422), ("chr11", 135086622), ("chr12", 133275309),
    ("chr13", 114364328), ("chr14", 107043718), ("chr15", 101991189), ("chr16", 90338345),
    ("chr17", 83257441), ("chr18", 80373285), ("chr19", 58617616), ("chr20", 64444167),
    ("chr21", 46709983), ("chr22", 50818468), ("chrX", 156040895), ("chrY", 57227415),
]


def read_sizes(path):
    out = []
    with open(path) as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                out.append((parts[0], int(parts[1])))
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    lines = int(sys.argv[1])
    out_path = sys.argv[2]
    sizes = read_sizes(sys.argv[3]) if len(sys.argv) > 3 else HG38
    total = sum(n for _, n in sizes)
    rng = random.Random(20240611)
    rnd = rng.random
    written = 0
    with open(out_path, "w", buffering=1 << 22) as out:
        out.write("##gtrack version: 1.0\n##track type: segments\n###seqid\tstart\tend\n")
        for i, (chrom, size) in enumerate(sizes):
            n = lines - written if i == len(sizes) - 1 else lines * size // total
            written += n
            starts = sorted(int(rnd() * (size - 1)) for _ in range(n))
            buf = []
            for s in starts:
                k = 1 << (4 + int(rnd() * 10))
                e = min(s + k + int(rnd() * k), size)
                buf.append(f"{chrom}\t{s}\t{e}\n")
                if len(buf) >= 100000:
                    out.write("".join(buf))
                    buf.clear()
            out.write("".join(buf))


if __name__ == "__main__":
    main()
