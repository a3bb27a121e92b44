#![allow(missing_docs)] // criterion_main! generates an undocumented `main`
//! GTrack parsing throughput.
//!
//! Generates, in memory and deterministically, a `segments` file of
//! 100 000 data lines (`###seqid\tstart\tend`) spread over the hg38
//! chromosomes in proportion to their length, with sorted positions and
//! lognormal-ish segment lengths, then measures:
//!
//! * `parse/segments/lines=100000`    — [`gtrack::read_track`] (builds a `Track`)
//! * `validate/segments/lines=100000` — [`gtrack::validate`] (collects diagnostics)
//!
//! Throughput is set in bytes, so criterion reports MB/s (MiB/s).
//!
//! Run: `cargo bench -p gtrack-formats --bench gtrack_parse`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gtrack_formats::gtrack::{self, ReadOptions, Reader};

/// hg38 primary assembly (chr1–22, X, Y, M).
const HG38: &[(&str, u64)] = &[
    ("chr1", 248_956_422),
    ("chr2", 242_193_529),
    ("chr3", 198_295_559),
    ("chr4", 190_214_555),
    ("chr5", 181_538_259),
    ("chr6", 170_805_979),
    ("chr7", 159_345_973),
    ("chr8", 145_138_636),
    ("chr9", 138_394_717),
    ("chr10", 133_797_422),
    ("chr11", 135_086_622),
    ("chr12", 133_275_309),
    ("chr13", 114_364_328),
    ("chr14", 107_043_718),
    ("chr15", 101_991_189),
    ("chr16", 90_338_345),
    ("chr17", 83_257_441),
    ("chr18", 80_373_285),
    ("chr19", 58_617_616),
    ("chr20", 64_444_167),
    ("chr21", 46_709_983),
    ("chr22", 50_818_468),
    ("chrX", 156_040_895),
    ("chrY", 57_227_415),
    ("chrM", 16_569),
];

const LINES: usize = 100_000;

/// SplitMix64: small, deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as u64
    }
}

/// A sorted GTrack segments file with about `lines` data lines.
fn segments(lines: usize) -> String {
    let total: u64 = HG38.iter().map(|c| c.1).sum();
    let mut rng = Rng(0x6774_7261_636b); // "gtrack"
    let mut out = String::with_capacity(lines * 32 + 64);
    out.push_str("##gtrack version: 1.0\n##track type: segments\n###seqid\tstart\tend\n");
    let mut written = 0;
    for (i, &(chrom, len)) in HG38.iter().enumerate() {
        // Lines per chromosome in proportion to its length; the last takes the rest.
        let n = if i + 1 == HG38.len() {
            lines - written
        } else {
            ((lines as u128 * len as u128) / total as u128) as usize
        };
        if n == 0 {
            continue;
        }
        let mut starts: Vec<u64> = (0..n).map(|_| rng.below(len - 1)).collect();
        starts.sort_unstable();
        for s in starts {
            // Lengths 2^k + jitter, k in 4..14: median around 1 kb.
            let k = 4 + rng.below(10);
            let l = (1u64 << k) + rng.below(1u64 << k);
            let e = (s + l).min(len);
            writeln!(out, "{chrom}\t{s}\t{e}").unwrap();
        }
        written += n;
    }
    debug_assert_eq!(written, lines);
    out
}

fn bench(c: &mut Criterion) {
    let text = segments(LINES);
    // Sanity: the generated file is valid and has every element.
    let parsed = gtrack::read_str(&text, "bench").expect("generated file is valid GTrack");
    assert_eq!(
        parsed.track.seqs.iter().map(|s| s.len()).sum::<usize>(),
        LINES
    );
    let id = format!("lines={LINES}");

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_with_input(BenchmarkId::new("segments", &id), &text, |b, t| {
        b.iter(|| {
            let p = gtrack::read_track(Reader::new(
                black_box(t.as_bytes()),
                "bench",
                ReadOptions::default(),
            ));
            black_box(p.map(|p| p.track.seqs.len()).unwrap_or(0))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("validate");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_with_input(BenchmarkId::new("segments", &id), &text, |b, t| {
        b.iter(|| {
            black_box(
                gtrack::validate(black_box(t.as_bytes()), "bench", ReadOptions::default()).len(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
