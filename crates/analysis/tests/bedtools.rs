//! Interval arithmetic against bedtools on generated data (skipped,
//! printing `SKIPPED`, when `bedtools` is not installed), and store views
//! equal to in-memory views.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use gtrack_analysis::intervals::{count_overlaps, covered_bases, merge, Domain, Intervals};
use gtrack_analysis::questions;
use gtrack_store::{ImportOptions, Store, Verify};

/// A small deterministic generator (64-bit LCG, Knuth's constants).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Sorted BED text: `n` intervals per sequence with lengths in
/// `1..=maxlen` over `[0, span)`; intervals may overlap and nest.
fn gen_bed(seed: u64, n: usize, span: u64, maxlen: u64) -> String {
    let mut g = Lcg(seed);
    let mut rows = Vec::new();
    for chr in ["chr1", "chr2"] {
        for _ in 0..n {
            let s = g.below(span);
            let l = 1 + g.below(maxlen);
            rows.push((chr, s, s + l));
        }
    }
    rows.sort();
    let mut out = String::new();
    for (c, s, e) in rows {
        writeln!(out, "{c}\t{s}\t{e}").unwrap();
    }
    out
}

fn bedtools() -> bool {
    Command::new("bedtools")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn bt(args: &[&str]) -> String {
    let o = Command::new("bedtools").args(args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn import(store: &Store, path: &Path, name: &str) {
    let opts = ImportOptions {
        name: Some(name.into()),
        sync: false,
        ..Default::default()
    };
    store
        .import(&[path.display().to_string()], &opts, &mut |_, _| {})
        .unwrap();
}

#[test]
fn counts_coverage_jaccard_merge_equal_bedtools() {
    if !bedtools() {
        println!("SKIPPED: bedtools is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let a_path = dir.path().join("a.bed");
    let b_path = dir.path().join("b.bed");
    let p_path = dir.path().join("p.bed");
    std::fs::write(&a_path, gen_bed(1, 2000, 1_000_000, 5000)).unwrap();
    std::fs::write(&b_path, gen_bed(2, 3000, 1_000_000, 800)).unwrap();
    std::fs::write(&p_path, gen_bed(3, 20000, 1_000_000, 1)).unwrap();
    let store = Store::create(dir.path().join("store")).unwrap();
    import(&store, &a_path, "a");
    import(&store, &b_path, "b");
    import(&store, &p_path, "p");
    let ta = store.open_track("a", Verify::Checksums).unwrap();
    let tb = store.open_track("b", Verify::Checksums).unwrap();
    let tp = store.open_track("p", Verify::Checksums).unwrap();
    let a = Intervals::from_stored(&ta).unwrap();
    let b = Intervals::from_stored(&tb).unwrap();
    let p = Intervals::from_stored(&tp).unwrap();
    let (a_s, b_s, p_s) = (
        a_path.to_str().unwrap(),
        b_path.to_str().unwrap(),
        p_path.to_str().unwrap(),
    );

    // intersect -c: A vs points, A vs B.
    for (other, o_path) in [(&p, p_s), (&b, b_s)] {
        let out = bt(&["intersect", "-c", "-a", a_s, "-b", o_path]);
        let want: Vec<u64> = out
            .lines()
            .map(|l| l.rsplit('\t').next().unwrap().parse().unwrap())
            .collect();
        let mut got = Vec::new();
        for s in &a.seqs {
            got.extend(count_overlaps(s, other.seq(&s.seqid).unwrap()));
        }
        assert_eq!(got, want, "intersect -c vs {o_path}");
    }

    // coverage: count and bases covered per A interval.
    let out = bt(&["coverage", "-a", a_s, "-b", b_s]);
    let mut want: Vec<(String, u64, u64, u64, u64)> = out
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
            )
        })
        .collect();
    want.sort();
    let mut got = Vec::new();
    for s in &a.seqs {
        let o = b.seq(&s.seqid).unwrap();
        let c = count_overlaps(s, o);
        let bp = covered_bases(s, o);
        for i in 0..s.len() {
            got.push((s.seqid.clone(), s.starts[i], s.ends[i], c[i], bp[i]));
        }
    }
    got.sort();
    assert_eq!(got, want, "coverage");

    // merge.
    let out = bt(&["merge", "-i", a_s]);
    let mut got = String::new();
    for s in &a.seqs {
        for (x, y) in merge(&s.starts, &s.ends, true) {
            writeln!(got, "{}\t{x}\t{y}", s.seqid).unwrap();
        }
    }
    assert_eq!(got, out, "merge");

    // jaccard: columns intersection, union-intersection (= |A ∪ B| in
    // bp), jaccard.
    let out = bt(&["jaccard", "-a", a_s, "-b", b_s]);
    let f: Vec<&str> = out.lines().nth(1).unwrap().split('\t').collect();
    let (inter, union_minus, jac): (u64, u64, f64) = (
        f[0].parse().unwrap(),
        f[1].parse().unwrap(),
        f[2].parse().unwrap(),
    );
    let d = Domain::covering(&[&a, &b]);
    let c = questions::bp_counts(&a, &b, &d);
    assert_eq!(c.both, inter, "jaccard intersection");
    assert_eq!(c.cov1 + c.cov2 - c.both, union_minus, "jaccard union");
    let j = questions::find("jaccard").unwrap().statistic(&a, &b, &d);
    assert!((j - jac).abs() < 1e-6, "{j} vs {jac}");
}

#[test]
fn store_view_equals_in_memory_view() {
    let dir = tempfile::tempdir().unwrap();
    let bed = dir.path().join("a.bed");
    std::fs::write(&bed, gen_bed(7, 300, 100_000, 900)).unwrap();
    // A function (per-base) track in WIG, a points track and a valued
    // segments track in GTrack.
    let wig = dir.path().join("f.wig");
    let mut w = String::from("fixedStep chrom=chr1 start=11 step=1\n");
    for i in 0..50 {
        writeln!(w, "{}", (i as f64) * 0.5).unwrap();
    }
    w.push_str("fixedStep chrom=chr1 start=201 step=1\n1.5\n2.5\n");
    std::fs::write(&wig, w).unwrap();
    let pts = dir.path().join("p.gtrack");
    std::fs::write(
        &pts,
        "##gtrack version: 1.0\n##track type: points\n###seqid\tstart\nchr2\t40\nchr1\t30\nchr1\t10\n",
    )
    .unwrap();
    let vs = dir.path().join("v.gtrack");
    std::fs::write(
        &vs,
        "##gtrack version: 1.0\n##track type: valued segments\n##value type: binary\n###seqid\tstart\tend\tvalue\nchr1\t50\t60\t1\nchr1\t10\t20\t0\nchr1\t15\t18\t.\n",
    )
    .unwrap();
    let store = Store::create(dir.path().join("store")).unwrap();
    for (p, n) in [(&bed, "a"), (&wig, "f"), (&pts, "p"), (&vs, "v")] {
        import(&store, p, n);
        let t = store.open_track(n, Verify::Checksums).unwrap();
        let stored = Intervals::from_stored(&t).unwrap();
        let (_, track) =
            gtrack_formats::format::read_path(p.to_str().unwrap(), None, &Default::default())
                .unwrap();
        let mem = Intervals::from_track(&track);
        assert_eq!(stored.track_type, mem.track_type, "{n}");
        assert_eq!(stored.seqs.len(), mem.seqs.len(), "{n}");
        for (x, y) in stored.seqs.iter().zip(&mem.seqs) {
            assert_eq!(x.seqid, y.seqid, "{n}");
            assert_eq!(x.starts, y.starts, "{n}");
            assert_eq!(x.ends, y.ends, "{n}");
            let fmt =
                |v: &Option<std::borrow::Cow<'_, [f64]>>| v.as_ref().map(|v| format!("{v:?}"));
            assert_eq!(fmt(&x.values), fmt(&y.values), "{n}");
        }
        if n == "a" {
            // Starts and ends borrowed from the mapped columns.
            assert!(matches!(
                stored.seqs[0].starts,
                std::borrow::Cow::Borrowed(_)
            ));
            assert!(matches!(
                stored.seqs[0].ends,
                gtrack_analysis::intervals::Ends::Explicit(std::borrow::Cow::Borrowed(_))
            ));
        }
        if n == "f" {
            assert_eq!(stored.track_type, gtrack_core::TrackType::Function);
            assert_eq!(stored.seqs[0].starts[0], 10);
            assert_eq!(stored.seqs[0].starts[50], 200);
            assert!(matches!(
                stored.seqs[0].values,
                Some(std::borrow::Cow::Borrowed(_))
            ));
        }
        if n == "p" {
            // Points keep zero-copy starts and implicit ends (start + 1).
            let s = stored.seq("chr1").unwrap();
            assert!(matches!(s.starts, std::borrow::Cow::Borrowed(_)));
            assert_eq!(s.ends.implicit_points(), Some(&[10u64, 30][..]));
            assert_eq!(&s.ends[..], &[11, 31]);
        }
        if n == "v" {
            let v = stored.seq("chr1").unwrap().values.as_ref().unwrap();
            assert_eq!(v[0], 0.0);
            assert!(v[1].is_nan());
            assert_eq!(v[2], 1.0);
        }
    }
}
