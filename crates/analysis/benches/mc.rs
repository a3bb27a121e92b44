//! Overlap Monte Carlo: T1 segments randomised preserving lengths and gaps,
//! against fixed T2 segments; statistic = bp overlap.
//!
//! `cargo bench -p gtrack-analysis --bench mc` runs criterion at reduced
//! scale (10 k vs 100 k segments, 200 samples). The full-scale target
//! (10 000 samples of 100 k segments against 1 M segments, ≤ 10 s on two
//! cores) runs once with `GTRACK_MC_FULL=1 cargo bench -p gtrack-analysis
//! --bench mc` and prints the timing.
//!
//! Two paths are timed: the catalogue's `overlap` question through
//! `mc::test_question` (the fast path: T2 prepared once as prefix sums of
//! covered bp, T1's randomised positions streamed through a forward
//! cursor, nothing materialised), and the general `mc::test_pair` path
//! with a hand-written linear sweep (set `GTRACK_MC_GENERAL=1` for the
//! full-scale run of the latter).

use std::borrow::Cow;
use std::time::Instant;

use criterion::{criterion_group, Criterion};
use gtrack_analysis::intervals::Domain;
use gtrack_analysis::intervals::{Ends, Intervals, SeqIntervals};
use gtrack_analysis::mc::{test_pair, test_question, McOptions, Randomize, Schedule, Tail};
use gtrack_analysis::null::NullModel;
use gtrack_core::TrackType;
use rand::{RngExt, SeedableRng};

const SEQS: usize = 24;
const SEQ_LEN: u64 = 130_000_000;

/// `n` non-overlapping segments spread over the genome, lengths 1..=2*mean.
fn segments(n: usize, mean_len: u64, seed: u64) -> Intervals<'static> {
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(seed);
    let per = n / SEQS;
    let seqs = (0..SEQS)
        .map(|c| {
            let slot = SEQ_LEN / per as u64;
            let (mut starts, mut ends) = (Vec::with_capacity(per), Vec::with_capacity(per));
            for i in 0..per as u64 {
                let len = rng.random_range(1..=(2 * mean_len).min(slot));
                let s = i * slot + rng.random_range(0..=slot - len);
                starts.push(s);
                ends.push(s + len);
            }
            SeqIntervals {
                seqid: format!("chr{}", c + 1),
                length: Some(SEQ_LEN),
                starts: Cow::Owned(starts),
                ends: Ends::owned(ends),
                values: None,
            }
        })
        .collect();
    Intervals {
        track_type: TrackType::Segments,
        seqs,
    }
}

/// First index `j >= from` with `ends[j] > x` (ends sorted): a linear
/// scan that first skips blocks of 8 (cheap, predictable branches).
#[inline]
fn advance(ends: &[u64], mut j: usize, x: u64) -> usize {
    while j + 8 < ends.len() && ends[j + 8] <= x {
        j += 8;
    }
    while j < ends.len() && ends[j] <= x {
        j += 1;
    }
    j
}

/// Total bp overlap of the segments of `a` with the (merged) segments of
/// `b`, by a linear sweep.
fn bp_overlap(a: &Intervals<'_>, b: &Intervals<'_>) -> f64 {
    let mut total = 0u64;
    for sa in &a.seqs {
        if let Some(sb) = b.seqs.iter().find(|s| s.seqid == sa.seqid) {
            total += sweep_seq(&sa.starts, &sa.ends, &sb.starts, &sb.ends);
        }
    }
    total as f64
}

fn sweep_seq(a_starts: &[u64], a_ends: &[u64], bs: &[u64], be: &[u64]) -> u64 {
    let mut total = 0u64;
    let mut j = 0;
    for (&s, &e) in a_starts.iter().zip(a_ends.iter()) {
        j = advance(be, j, s);
        let mut k = j;
        while k < bs.len() && bs[k] < e {
            total += e.min(be[k]) - s.max(bs[k]);
            k += 1;
        }
    }
    total
}

fn run(n1: usize, n2: usize, samples: u64) -> (f64, gtrack_analysis::mc::McResult) {
    let t1 = segments(n1, 1000, 1);
    let t2 = segments(n2, 1000, 2);
    let domain = Domain::whole_sequences(&t1).expect("domain");
    let opts = McOptions {
        schedule: Schedule::Fixed(samples),
        tail: Tail::More,
        seed: 42,
        keep_null: false,
    };
    let randomize = Randomize::first(NullModel::PermuteSegmentsAndGaps);
    let q = gtrack_analysis::questions::find("overlap").expect("overlap");
    let t = Instant::now();
    let r = if std::env::var_os("GTRACK_MC_GENERAL").is_some() {
        test_pair(&t1, &t2, &domain, &randomize, bp_overlap, &opts).expect("mc")
    } else {
        test_question(q, &t1, &t2, &domain, &randomize, &opts).expect("mc")
    };
    (t.elapsed().as_secs_f64(), r)
}

fn bench(c: &mut Criterion) {
    let t1 = segments(10_000, 1000, 1);
    let t2 = segments(100_000, 1000, 2);
    let domain = Domain::whole_sequences(&t1).expect("domain");
    let randomize = Randomize::first(NullModel::PermuteSegmentsAndGaps);
    let opts = McOptions {
        schedule: Schedule::Fixed(200),
        tail: Tail::More,
        seed: 42,
        keep_null: false,
    };
    let mut g = c.benchmark_group("overlap_mc");
    g.sample_size(10);
    let q = gtrack_analysis::questions::find("overlap").expect("overlap");
    g.bench_function(
        "fast path: 200 samples, 10k vs 100k, permute lengths+gaps",
        |b| b.iter(|| test_question(q, &t1, &t2, &domain, &randomize, &opts).expect("mc")),
    );
    g.bench_function(
        "general path: 200 samples, 10k vs 100k, permute lengths+gaps",
        |b| b.iter(|| test_pair(&t1, &t2, &domain, &randomize, bp_overlap, &opts).expect("mc")),
    );
    g.bench_function("linear sweep 10k vs 100k", |b| {
        b.iter(|| bp_overlap(&t1, &t2))
    });
    g.finish();
}

#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group! {
        name = benches;
        config = Criterion::default();
        targets = bench
    }
}

fn parts() {
    let t1 = segments(100_000, 1000, 1);
    let t2 = segments(1_000_000, 1000, 2);
    let domain = Domain::whole_sequences(&t1).expect("domain");
    let r =
        gtrack_analysis::null::Randomizer::new(&NullModel::PermuteSegmentsAndGaps, &t1, &domain)
            .expect("r");
    let mut out = r.new_sample();
    let mut sc = gtrack_analysis::null::Scratch::default();
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(3);
    let reps = 50;
    let t = Instant::now();
    for _ in 0..reps {
        r.sample_with(&mut rng, &mut out, &mut sc).expect("sample");
    }
    let per_sample = t.elapsed().as_secs_f64() / reps as f64;
    let t = Instant::now();
    let mut x = 0.0;
    for _ in 0..reps {
        x += bp_overlap(&out.intervals, &t2);
    }
    let per_stat = t.elapsed().as_secs_f64() / reps as f64;
    let cov = gtrack_analysis::fast::Coverage::new(&t2, &domain, &r.seqids()).expect("u32");
    let t = Instant::now();
    let mut y = 0u64;
    for _ in 0..reps {
        let mut cur = cov.cursor();
        r.sample_positions(&mut rng, &mut sc, |si, s, e| cur.add(si, s, e))
            .expect("sample");
        y += cur.total();
    }
    let per_fast = t.elapsed().as_secs_f64() / reps as f64;
    let t = Instant::now();
    for _ in 0..reps {
        r.sample_positions(&mut rng, &mut sc, |_, _, _| {})
            .expect("sample");
    }
    let per_shuffle = t.elapsed().as_secs_f64() / reps as f64;
    println!(
        "one thread: general path: randomise {:.3} ms + linear sweep {:.3} ms ({x}); fast path: {:.3} ms per sample, of which shuffling {:.3} ms ({y})",
        per_sample * 1e3,
        per_stat * 1e3,
        per_fast * 1e3,
        per_shuffle * 1e3
    );
}

fn main() {
    if std::env::var_os("GTRACK_MC_PARTS").is_some() {
        parts();
        return;
    }
    if std::env::var_os("GTRACK_MC_FULL").is_some() {
        let samples = std::env::var("GTRACK_MC_SAMPLES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(10_000);
        let (secs, r) = run(100_000, 1_000_000, samples);
        println!(
            "full scale: {samples} samples, 100k vs 1M segments, {} threads: {secs:.2} s (observed {}, null mean {:.1}, p {:?})",
            rayon::current_num_threads(),
            r.observed,
            r.null_mean.unwrap_or(f64::NAN),
            r.p
        );
        return;
    }
    group::benches();
    Criterion::default().configure_from_args().final_summary();
}
