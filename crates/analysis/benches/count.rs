//! Counting points in segments on generated in-memory data (1 M points,
//! 100 k segments on one sequence of 100 Mbp).

use std::borrow::Cow;

use criterion::{criterion_main, Criterion};
use gtrack_analysis::intervals::{count_overlaps, Domain, Ends, Intervals, SeqIntervals};
use gtrack_analysis::questions::inside_counts;
use gtrack_core::{Region, TrackType};

fn lcg(x: &mut u64) -> u64 {
    *x = x
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *x >> 33
}

fn data(points: usize, segs: usize, span: u64) -> (Intervals<'static>, Intervals<'static>) {
    let mut x = 42u64;
    let mut p: Vec<u64> = (0..points).map(|_| lcg(&mut x) % span).collect();
    p.sort_unstable();
    let mut s: Vec<(u64, u64)> = (0..segs)
        .map(|_| {
            let a = lcg(&mut x) % span;
            (a, a + 1 + lcg(&mut x) % 1000)
        })
        .collect();
    s.sort_unstable();
    let seq = |st: Vec<u64>, en: Vec<u64>| SeqIntervals {
        seqid: "chr1".into(),
        length: Some(span + 1000),
        starts: Cow::Owned(st),
        ends: Ends::owned(en),
        values: None,
    };
    let pe: Vec<u64> = p.iter().map(|v| v + 1).collect();
    (
        Intervals {
            track_type: TrackType::Points,
            seqs: vec![seq(p, pe)],
        },
        Intervals {
            track_type: TrackType::Segments,
            seqs: vec![seq(
                s.iter().map(|v| v.0).collect(),
                s.iter().map(|v| v.1).collect(),
            )],
        },
    )
}

fn bench(c: &mut Criterion) {
    let (p, s) = data(1_000_000, 100_000, 100_000_000);
    let d = Domain::single(&Region::new("chr1", 0, 100_001_000));
    c.bench_function("inside_1M_points_100k_segments", |b| {
        b.iter(|| inside_counts(&p, &s, &d))
    });
    c.bench_function("count_per_segment_1M_points_100k_segments", |b| {
        b.iter(|| count_overlaps(&s.seqs[0], &p.seqs[0]))
    });
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}
use group::benches;
criterion_main!(benches);
