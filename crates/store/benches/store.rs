//! In-process store benchmarks: open + 1 Mb view, and means over 10,000
//! random 10 kb windows, on a generated 2M-element track (24 hg38-sized
//! sequences, overlapping segments with values).
//!
//! `cargo bench -p gtrack-store --bench store`
#![allow(missing_docs)]

use std::io::Write;

use criterion::{criterion_group, criterion_main, Criterion};
use gtrack_store::{summarize, ImportOptions, Stat, Store, Verify};

const SEQS: [(&str, u64); 4] = [
    ("chr1", 248_956_422),
    ("chr2", 242_193_529),
    ("chr3", 198_295_559),
    ("chrX", 156_040_895),
];

fn rng(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let bed = dir.path().join("seg.bed");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&bed).unwrap());
    let mut x = 0x1234_5678_9abc_def1u64;
    for i in 0..2_000_000u64 {
        let (c, len) = SEQS[(rng(&mut x) % 4) as usize];
        let s = rng(&mut x) % (len - 20_000);
        let l = 100 + rng(&mut x) % 2_000;
        writeln!(f, "{c}\t{s}\t{}\ts{i}\t{}\t+", s + l, rng(&mut x) % 1000).unwrap();
    }
    drop(f);
    let store = Store::create(dir.path().join("st")).unwrap();
    let o = ImportOptions {
        name: Some("seg".into()),
        sync: false,
        ..Default::default()
    };
    store
        .import(&[bed.to_string_lossy().into_owned()], &o, &mut |_, _| {})
        .unwrap();
    (dir, store)
}

fn bench(c: &mut Criterion) {
    let (_dir, store) = setup();
    let mut g = c.benchmark_group("store");
    g.sample_size(20);
    for (label, verify) in [("trust", Verify::Trust), ("checksums", Verify::Checksums)] {
        g.bench_function(format!("open_view_1mb/{label}"), |b| {
            b.iter(|| {
                let t = store.open_track("seg", verify).unwrap();
                let v = t.view("chr1", 10_000_000, 11_000_000).unwrap();
                v.iter().count()
            })
        });
    }
    let t = store.open_track("seg", Verify::Checksums).unwrap();
    let mut x = 42u64;
    let windows: Vec<(&str, u64)> = (0..10_000)
        .map(|_| {
            let (c, len) = SEQS[(rng(&mut x) % 4) as usize];
            (c, rng(&mut x) % (len - 10_000))
        })
        .collect();
    g.bench_function("mean_10k_windows_10kb", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for &(c, s) in &windows {
                let v = t.view(c, s, s + 10_000).unwrap();
                acc += summarize(&v).get(Stat::Mean).unwrap_or(0.0);
            }
            acc
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
