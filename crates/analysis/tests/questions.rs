//! Questions: the worked cases of the reference, type awareness, per-bin
//! runs, and store views equal to in-memory views.
// Reference values are kept exactly as the reference tools printed them.
#![allow(clippy::excessive_precision)]

use std::borrow::Cow;

use gtrack_analysis::dist::Tail;
use gtrack_analysis::intervals::{Domain, Ends, Intervals, SeqIntervals};
use gtrack_analysis::questions::{self, find, run, Error};
use gtrack_core::{Region, TrackType};

fn seq(id: &str, p: &[(u64, u64)], v: Option<&[f64]>) -> SeqIntervals<'static> {
    SeqIntervals {
        seqid: id.into(),
        length: None,
        starts: Cow::Owned(p.iter().map(|x| x.0).collect()),
        ends: Ends::owned(p.iter().map(|x| x.1).collect()),
        values: v.map(|v| Cow::Owned(v.to_vec())),
    }
}

fn segs(p: &[(u64, u64)]) -> Intervals<'static> {
    Intervals {
        track_type: TrackType::Segments,
        seqs: vec![seq("chr1", p, None)],
    }
}

fn points(p: &[u64]) -> Intervals<'static> {
    let p: Vec<(u64, u64)> = p.iter().map(|&x| (x, x + 1)).collect();
    Intervals {
        track_type: TrackType::Points,
        seqs: vec![seq("chr1", &p, None)],
    }
}

fn bin(a: u64, b: u64) -> Domain {
    Domain::single(&Region::new("chr1", a, b))
}

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b}");
}

/// HyperBrowser `TestRawOverlapStat`: Both 15, Only1 35, Only2 5, Neither 35.
#[test]
fn raw_overlap_worked_case() {
    let t1 = segs(&[(10, 20), (30, 70)]);
    let t2 = segs(&[(15, 25), (37, 47)]);
    let d = bin(10, 100);
    let c = questions::bp_counts(&t1, &t2, &d);
    assert_eq!((c.both, c.only1(), c.only2(), c.neither()), (15, 35, 5, 35));
    let a = find("overlap").unwrap().evaluate(&t1, &t2, &d, Tail::More);
    assert_eq!(a.statistic, 15.0);
    assert_eq!(a.detail("only1"), Some(35.0));
    // n = 90, p = (50/90)(20/90): np = 11.1 ≥ 5 → normal approximation.
    // mpmath (dps 40): 1 − ncdf((15 − np)/√(np(1−p))) = 0.10636003564160000211.
    let t = a.test.unwrap();
    assert!(t.method.contains("normal"));
    close(t.p_value.unwrap(), 0.10636003564160000211, 1e-12);
    // T2 fixed: Bin(n = 20, p = 50/90), np = 11.1, n(1−p) = 8.9 → normal;
    // mpmath: 0.040059156863817090419.
    let a = find("overlap-t2-fixed")
        .unwrap()
        .evaluate(&t1, &t2, &d, Tail::More);
    close(a.p_value().unwrap(), 0.040059156863817090419, 1e-12);
    let j = find("jaccard").unwrap().statistic(&t1, &t2, &d);
    close(j, 15.0 / 55.0, 1e-15);
    let f = find("forbes").unwrap().statistic(&t1, &t2, &d);
    close(f, 15.0 * 90.0 / (50.0 * 20.0), 1e-15);
    let p = find("proportional-overlap")
        .unwrap()
        .statistic(&t1, &t2, &d);
    close(p, 15.0 / 50.0, 1e-15);
}

/// HyperBrowser `TestPointCountInSegsPvalStat`: inside 3, expected 2.5, p 0.5.
#[test]
fn point_count_in_segs_worked_case() {
    let t1 = points(&[15, 40, 45, 60, 70]);
    let t2 = segs(&[(15, 40), (50, 75)]);
    let a = find("inside")
        .unwrap()
        .evaluate(&t1, &t2, &bin(0, 100), Tail::More);
    assert_eq!(a.statistic, 3.0);
    assert_eq!(a.detail("expected"), Some(2.5));
    let t = a.test.unwrap();
    assert_eq!(t.method, "binomial (exact)");
    close(t.p_value.unwrap(), 0.5, 1e-15);
}

#[test]
fn exact_binomial_branch_for_rare_overlap() {
    // 20 points, T2 covers 10 % of the bin: np = 2 < 5 → exact.
    // mpmath betainc(5, 16, 0, 0.1, regularized) = P(X ≥ 5) = 0.04317449528446338124.
    let pts: Vec<u64> = (0..20).map(|i| i * 50 + 1).collect();
    let t1 = points(&pts);
    let t2 = segs(&[
        (0, 2),
        (50, 52),
        (100, 102),
        (150, 152),
        (200, 202),
        (300, 96),
    ]);
    // (300, 96) is malformed (end < start): ignored by the union.
    let d = bin(0, 1000);
    let mut t2b = t2.clone();
    t2b.seqs[0] = seq(
        "chr1",
        &[
            (0, 2),
            (50, 52),
            (100, 102),
            (150, 152),
            (200, 202),
            (205, 250),
            (255, 300),
        ],
        None,
    );
    let a = find("inside").unwrap().evaluate(&t1, &t2b, &d, Tail::More);
    assert_eq!(a.statistic, 5.0);
    close(a.detail("coverage_fraction").unwrap(), 0.1, 1e-15);
    close(a.p_value().unwrap(), 0.04317449528446338124, 1e-12);
    let a = find("inside").unwrap().evaluate(&t1, &t2, &d, Tail::More);
    assert_eq!(a.statistic, 5.0);
}

#[test]
fn wrong_types_name_both_types_and_list_what_applies() {
    let t1 = points(&[1, 2, 3]);
    let t2 = points(&[5]);
    let q = find("overlap").unwrap();
    let e = run(q, &t1, &t2, &bin(0, 10), Tail::More).unwrap_err();
    let Error::WrongTypes { applicable, .. } = &e else {
        panic!("{e}")
    };
    assert!(applicable.contains(&"near".to_string()));
    let m = e.to_string();
    assert!(m.contains("[wrong-track-types]"), "{m}");
    assert!(m.contains("points (track 1) and points (track 2)"), "{m}");
    assert!(m.contains("segments vs segments"), "{m}");
    assert!(m.contains("near, near-log"), "{m}");
    let e = find("nonsense").unwrap_err().to_string();
    assert!(
        e.contains("[unknown-question]") && e.contains("overlap"),
        "{e}"
    );
    // Every question accepts at least one pair and refuses at least one.
    for q in questions::catalogue() {
        let n = TrackType::ALL
            .iter()
            .flat_map(|a| TrackType::ALL.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| (q.accepts)(*a, *b))
            .count();
        assert!(n > 0 && n < 225, "{}", q.name);
    }
    assert!(questions::applicable(TrackType::Function, TrackType::LinkedBasePairs).is_empty());
}

#[test]
fn per_bin_answers_add_up() {
    let t1 = segs(&[(10, 20), (30, 70), (150, 160)]);
    let t2 = Intervals {
        track_type: TrackType::Segments,
        seqs: vec![seq("chr1", &[(0, 5), (15, 25), (37, 47), (155, 300)], None)],
    };
    let d = Domain::new([Region::new("chr1", 0, 200)], &|_| None)
        .tile(50)
        .unwrap();
    let r = run(find("overlap").unwrap(), &t1, &t2, &d, Tail::More).unwrap();
    assert_eq!(r.bins.len(), 4);
    let sum: f64 = r.bins.iter().map(|b| b.answer.statistic).sum();
    assert_eq!(sum, r.global.statistic);
    assert_eq!(r.global.statistic, 5.0 + 10.0 + 5.0);
    assert_eq!(r.bins[3].answer.statistic, 5.0);
}

#[test]
fn near_values_correlation_positioning_case_control_kendall() {
    let d = bin(0, 100);
    // near: points 10, 50, 95 vs segments [20,30), [48,60): bases strictly
    // between: 9, 0, 35.
    let a = find("near").unwrap().evaluate(
        &points(&[10, 50, 95]),
        &segs(&[(20, 30), (48, 60)]),
        &d,
        Tail::More,
    );
    close(a.statistic, 44.0 / 3.0, 1e-12);
    let a = find("near-log").unwrap().evaluate(
        &points(&[10, 50, 95]),
        &segs(&[(20, 30), (48, 60)]),
        &d,
        Tail::More,
    );
    close(
        a.statistic,
        (10f64.log10() + 0.0 + 36f64.log10()) / 3.0,
        1e-12,
    );
    // values-inside: step function 1 on [0,50), 3 on [50,100); T1 [40,60).
    let sf = Intervals {
        track_type: TrackType::StepFunction,
        seqs: vec![seq("chr1", &[(0, 50), (50, 100)], Some(&[1.0, 3.0]))],
    };
    let a = find("values-inside")
        .unwrap()
        .evaluate(&segs(&[(40, 60)]), &sf, &d, Tail::More);
    close(a.detail("mean_inside").unwrap(), 2.0, 1e-12);
    close(
        a.detail("mean_outside").unwrap(),
        (40.0 + 120.0) / 80.0,
        1e-12,
    );
    // values-at-points
    let a = find("values-at-points")
        .unwrap()
        .evaluate(&points(&[60, 70]), &sf, &d, Tail::More);
    close(a.detail("mean_inside").unwrap(), 3.0, 1e-12);
    close(
        a.detail("mean_outside").unwrap(),
        (50.0 + 3.0 * 48.0) / 98.0,
        1e-12,
    );
    // pearson: identical step functions → r = 1; a function vs itself.
    let r = find("pearson").unwrap().evaluate(&sf, &sf, &d, Tail::More);
    close(r.statistic, 1.0, 1e-12);
    let f2 = Intervals {
        track_type: TrackType::StepFunction,
        seqs: vec![seq("chr1", &[(0, 30), (30, 100)], Some(&[5.0, -1.0]))],
    };
    // bp-weighted: pieces (30 bp: 1,5), (20: 1,−1), (50: 3,−1).
    let x = [1.0, 1.0, 3.0];
    let y = [5.0, -1.0, -1.0];
    let w = [30.0, 20.0, 50.0];
    let want = gtrack_analysis::dist::weighted_pearson(&x, &y, &w);
    let r = find("pearson").unwrap().evaluate(&sf, &f2, &d, Tail::More);
    close(r.statistic, want, 1e-12);
    assert_eq!(r.detail("bases"), Some(100.0));
    // positioning: points at the segment's centre score −1 in "middle".
    let a = find("positioning-middle").unwrap().evaluate(
        &points(&[14, 15, 34, 35]),
        &segs(&[(10, 20), (30, 40)]),
        &d,
        Tail::Less,
    );
    assert_eq!(a.detail("points_inside"), Some(4.0));
    close(a.statistic, -1.0 + 4.0 * 0.05, 1e-12);
    // case-control: case [0,10) fully in T2, control [50,60) outside.
    let vs = Intervals {
        track_type: TrackType::ValuedSegments,
        seqs: vec![seq("chr1", &[(0, 10), (50, 60)], Some(&[1.0, 0.0]))],
    };
    let a = find("case-control")
        .unwrap()
        .evaluate(&vs, &segs(&[(0, 20)]), &d, Tail::More);
    close(a.statistic, 1.0, 1e-12);
    let bad = Intervals {
        track_type: TrackType::ValuedSegments,
        seqs: vec![seq("chr1", &[(0, 10)], Some(&[0.5]))],
    };
    let e = run(
        find("case-control").unwrap(),
        &bad,
        &segs(&[(0, 20)]),
        &d,
        Tail::More,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("[unsuitable-values]") && e.contains("chr1:1"),
        "{e}"
    );
    // counts-values: more points in higher-valued segments → τ = 1.
    let vs = Intervals {
        track_type: TrackType::ValuedSegments,
        seqs: vec![seq(
            "chr1",
            &[(0, 10), (20, 30), (40, 50)],
            Some(&[1.0, 2.0, 3.0]),
        )],
    };
    let a = find("counts-values").unwrap().evaluate(
        &points(&[5, 21, 22, 41, 42, 43]),
        &vs,
        &d,
        Tail::More,
    );
    close(a.statistic, 1.0, 1e-12);
    assert!(a.p_value().unwrap() < 0.1);
}

#[test]
fn correlation_over_bins() {
    let f1 = Intervals {
        track_type: TrackType::StepFunction,
        seqs: vec![seq(
            "chr1",
            &[(0, 10), (10, 20), (20, 30), (30, 40)],
            Some(&[1.0, 2.0, 3.0, 4.0]),
        )],
    };
    let f2 = Intervals {
        track_type: TrackType::StepFunction,
        seqs: vec![seq("chr1", &[(0, 20), (20, 40)], Some(&[0.0, 10.0]))],
    };
    let d = bin(0, 40).tile(10).unwrap();
    let r = run(find("spearman-bins").unwrap(), &f1, &f2, &d, Tail::More).unwrap();
    assert!(r.bins.is_empty());
    // bins: x = 1,2,3,4 ; y = 0,0,10,10 → scipy.stats.spearmanr = 0.894427191
    close(r.global.statistic, 0.8944271909999159, 1e-12);
    assert!(r.global.p_value().is_some());
}
