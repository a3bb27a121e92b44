//! Count points in segments from a store, once (for `hyperfine`):
//!
//! `count_points STORE POINTS SEGMENTS` opens both tracks (no checksum
//! verification), loads their views zero-copy (points keep implicit ends)
//! and prints, per segment summed, the points inside each segment
//! (`bedtools intersect -c -a SEGMENTS -b POINTS`) and the points inside
//! the union of the segments. Sequences run in parallel.

use gtrack_analysis::intervals::{count_overlaps, merge, points_in, Intervals};
use gtrack_store::{Store, Verify};
use rayon::prelude::*;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 4 {
        eprintln!("usage: count_points STORE POINTS SEGMENTS");
        std::process::exit(2);
    }
    let store = Store::open(&a[1]).expect("store");
    let tp = store.open_track(&a[2], Verify::Trust).expect("points");
    let ts = store.open_track(&a[3], Verify::Trust).expect("segments");
    let p = Intervals::from_stored(&tp).expect("points view");
    let s = Intervals::from_stored(&ts).expect("segments view");
    let (per_segment, inside): (u64, u64) = s
        .seqs
        .par_iter()
        .map(|x| match p.seq(&x.seqid) {
            Some(y) => (
                count_overlaps(x, y).iter().sum::<u64>(),
                points_in(&y.starts, &merge(&x.starts, &x.ends, false)),
            ),
            None => (0, 0),
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "points {} segments {} per-segment total {per_segment} inside union {inside}",
        p.len(),
        s.len()
    );
}
