#![allow(missing_docs)] // criterion_main! generates an undocumented `main`
//! Reading throughput of the text format readers, in memory (no disk, no
//! decompression): BED6, bedGraph (contiguous: a step function), GFF3 and
//! VCF, 200 000 deterministic lines each on chr1–chr3, in the shapes of
//! `../shared/bench/gen_data.py`. Each benchmark builds the whole `Track`.
//! Throughput is in bytes, so criterion reports MiB/s.
//!
//! Run: `cargo bench -p gtrack-formats --bench formats_parse`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gtrack_formats::format::{self, Format, ReadOptions};

const LINES: usize = 200_000;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn bed6() -> String {
    let mut r = Rng(1);
    let mut s = String::new();
    let mut pos = 0u64;
    for i in 0..LINES {
        let chrom = ["chr1", "chr2", "chr3"][i * 3 / LINES];
        if i % (LINES / 3) == 0 {
            pos = 0;
        }
        pos += r.below(2_000);
        let len = 200 + r.below(3_000);
        let strand = if r.below(2) == 0 { '+' } else { '-' };
        writeln!(
            s,
            "{chrom}\t{pos}\t{}\tseg{i}\t{}\t{strand}",
            pos + len,
            r.below(1000)
        )
        .unwrap();
    }
    s
}

fn bedgraph() -> String {
    let mut r = Rng(2);
    let mut s = String::from("track type=bedGraph name=signal\n");
    let mut pos = 0u64;
    for i in 0..LINES {
        let chrom = ["chr1", "chr2", "chr3"][i * 3 / LINES];
        if i % (LINES / 3) == 0 {
            pos = 0;
        }
        let len = 10 + r.below(200);
        writeln!(
            s,
            "{chrom}\t{pos}\t{}\t{:.3}",
            pos + len,
            r.below(100_000) as f64 / 1000.0
        )
        .unwrap();
        pos += len;
    }
    s
}

fn gff3() -> String {
    let mut r = Rng(3);
    let mut s = String::from("##gff-version 3\n");
    let mut pos = 1u64;
    for i in 0..LINES {
        pos += r.below(5_000);
        let len = 100 + r.below(10_000);
        writeln!(
            s,
            "chr1\tgen\texon\t{pos}\t{}\t.\t+\t.\tID=exon{i};Parent=tx{}",
            pos + len,
            i / 5
        )
        .unwrap();
    }
    s
}

fn vcf() -> String {
    let mut r = Rng(4);
    let mut s =
        String::from("##fileformat=VCFv4.3\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
    let mut pos = 1u64;
    for i in 0..LINES {
        pos += 1 + r.below(500);
        let (a, b) = ["AC", "CG", "GT", "TA"][r.below(4) as usize].split_at(1);
        writeln!(
            s,
            "chr1\t{pos}\trs{i}\t{a}\t{b}\t{}\tPASS\tDP={}",
            r.below(100),
            r.below(60)
        )
        .unwrap();
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("read");
    g.measurement_time(Duration::from_secs(8));
    for (name, fmt, text) in [
        ("bed6", Format::Bed, bed6()),
        ("bedgraph", Format::BedGraph, bedgraph()),
        ("gff3", Format::Gff3, gff3()),
        ("vcf", Format::Vcf, vcf()),
    ] {
        // The input must be valid: fail loudly rather than time an error.
        format::read(text.as_bytes(), name, fmt, &ReadOptions::default()).expect(name);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                let t = format::read(text.as_bytes(), name, fmt, &ReadOptions::default()).unwrap();
                black_box(t.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
