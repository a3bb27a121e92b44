//! One-off benchmark: count N points in M segments read from a store.
//!
//! `cargo run --release -p gtrack-analysis --example count_store -- DIR [POINTS SEGMENTS]`
//! generates the inputs (GTrack points, BED segments over the hg38-sized
//! chr1..chr22), imports them into `DIR/store` once, then times loading
//! the views and counting (median of 5 runs).

use std::io::Write;
use std::time::Instant;

use gtrack_analysis::intervals::{count_overlaps, Domain, Intervals};
use gtrack_analysis::questions::inside_counts;
use gtrack_store::{ImportOptions, Store, Verify};
use rayon::prelude::*;

fn lcg(x: &mut u64) -> u64 {
    *x = x
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *x >> 33
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).expect("DIR"));
    let np: usize = args.get(2).map_or(10_000_000, |s| s.parse().unwrap());
    let ns: usize = args.get(3).map_or(1_000_000, |s| s.parse().unwrap());
    let seqs: Vec<(String, u64)> = (1..=22)
        .map(|i| (format!("chr{i}"), 250_000_000 - i * 8_000_000))
        .collect();
    let total: u64 = seqs.iter().map(|s| s.1).sum();
    std::fs::create_dir_all(&dir).unwrap();
    let store_dir = dir.join("store");
    let store = if store_dir.exists() {
        Store::open(&store_dir).unwrap()
    } else {
        let mut x = 7u64;
        let t = Instant::now();
        let pp = dir.join("points.gtrack");
        let mut w = std::io::BufWriter::new(std::fs::File::create(&pp).unwrap());
        writeln!(
            w,
            "##gtrack version: 1.0\n##track type: points\n###seqid\tstart"
        )
        .unwrap();
        for (name, len) in &seqs {
            let n = (np as u64 * len / total) as usize;
            let mut v: Vec<u64> = (0..n).map(|_| lcg(&mut x) % len).collect();
            v.sort_unstable();
            for p in v {
                writeln!(w, "{name}\t{p}").unwrap();
            }
        }
        drop(w);
        let sp = dir.join("segs.bed");
        let mut w = std::io::BufWriter::new(std::fs::File::create(&sp).unwrap());
        for (name, len) in &seqs {
            let n = (ns as u64 * len / total) as usize;
            for _ in 0..n {
                let a = lcg(&mut x) % (len - 2000);
                writeln!(w, "{name}\t{a}\t{}", a + 1 + lcg(&mut x) % 2000).unwrap();
            }
        }
        drop(w);
        eprintln!("generated in {:?}", t.elapsed());
        let store = Store::create(&store_dir).unwrap();
        for (p, n) in [(&pp, "points"), (&sp, "segs")] {
            let t = Instant::now();
            let o = ImportOptions {
                name: Some(n.into()),
                sync: false,
                ..Default::default()
            };
            store
                .import(&[p.display().to_string()], &o, &mut |_, _| {})
                .unwrap();
            eprintln!("imported {n} in {:?}", t.elapsed());
        }
        store
    };
    let domain = Domain::whole(&seqs);
    let mut times = Vec::new();
    let mut times_per_seg = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let tp = store.open_track("points", Verify::Trust).unwrap();
        let ts = store.open_track("segs", Verify::Trust).unwrap();
        let p = Intervals::from_stored(&tp).unwrap();
        let s = Intervals::from_stored(&ts).unwrap();
        let loaded = t.elapsed().as_secs_f64();
        let c = inside_counts(&p, &s, &domain);
        eprintln!(
            "  views {loaded:.4} s, count {:.4} s",
            t.elapsed().as_secs_f64() - loaded
        );
        times.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let per: u64 = s
            .seqs
            .par_iter()
            .map(|x| {
                p.seq(&x.seqid)
                    .map_or(0, |y| count_overlaps(x, y).iter().sum::<u64>())
            })
            .sum();
        times_per_seg.push(t.elapsed().as_secs_f64());
        eprintln!(
            "points {} segments {} inside {} per-segment total {per}",
            p.len(),
            s.len(),
            c.inside
        );
    }
    times.sort_by(f64::total_cmp);
    times_per_seg.sort_by(f64::total_cmp);
    println!(
        "open + load views + inside count: median {:.4} s (min {:.4})",
        times[2], times[0]
    );
    println!(
        "per-segment counts (intersect -c): median {:.4} s (min {:.4})",
        times_per_seg[2], times_per_seg[0]
    );
}
