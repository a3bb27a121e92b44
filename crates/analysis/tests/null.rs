//! Null models: each preserves exactly what it promises, every element
//! stays inside its bin, payloads travel with their elements, and every
//! bad-input path is refused with its rule id and location.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use gtrack_analysis::intervals::Domain;
use gtrack_analysis::intervals::{Ends, Intervals, SeqIntervals};
use gtrack_analysis::null::{restrict, NullError, NullModel, Randomizer};
use gtrack_core::Region;
use gtrack_core::TrackType;
use proptest::prelude::*;
use rand::rngs::ChaCha8Rng;
use rand::SeedableRng;

fn seq(id: &str, len: u64, iv: &[(u64, u64)], values: Option<Vec<f64>>) -> SeqIntervals<'static> {
    SeqIntervals {
        seqid: id.to_string(),
        length: Some(len),
        starts: Cow::Owned(iv.iter().map(|x| x.0).collect()),
        ends: Ends::owned(iv.iter().map(|x| x.1).collect()),
        values: values.map(Cow::Owned),
    }
}

fn track(tt: TrackType, seqs: Vec<SeqIntervals<'static>>) -> Intervals<'static> {
    Intervals {
        track_type: tt,
        seqs,
    }
}

/// Elements of sequence `s` of `t` whose start lies in `bin`, as
/// (start, end, value, index).
fn in_bin(t: &Intervals<'_>, s: usize, bin: &Region) -> Vec<(u64, u64, f64, usize)> {
    let q = &t.seqs[s];
    (0..q.starts.len())
        .filter(|&i| q.starts[i] >= bin.start && q.starts[i] < bin.end)
        .map(|i| {
            (
                q.starts[i],
                q.ends[i],
                q.values.as_ref().map_or(f64::NAN, |v| v[i]),
                i,
            )
        })
        .collect()
}

fn lengths(e: &[(u64, u64, f64, usize)]) -> Vec<u64> {
    let mut l: Vec<u64> = e.iter().map(|x| x.1 - x.0).collect();
    l.sort_unstable();
    l
}

fn gaps(e: &[(u64, u64, f64, usize)], bin: &Region) -> Vec<u64> {
    if e.is_empty() {
        return vec![];
    }
    let mut g = vec![e[0].0 - bin.start];
    for w in e.windows(2) {
        g.push(w[1].0 - w[0].1);
    }
    g.push(bin.end - e[e.len() - 1].1);
    g.sort_unstable();
    g
}

fn sorted_values(e: &[(u64, u64, f64, usize)]) -> Vec<u64> {
    let mut v: Vec<u64> = e.iter().map(|x| x.2.to_bits()).collect();
    v.sort_unstable();
    v
}

/// Non-overlapping segments on one sequence of length `len`, from
/// (gap, length) pairs, with values.
fn layout(len: u64, parts: &[(u64, u64)]) -> (Vec<(u64, u64)>, Vec<f64>) {
    let mut pos = 0;
    let mut iv = vec![];
    for &(g, l) in parts {
        let s = pos + g;
        let e = s + l;
        if e > len {
            break;
        }
        iv.push((s, e));
        pos = e;
    }
    let vals = (0..iv.len()).map(|i| i as f64 * 1.5 - 3.0).collect();
    (iv, vals)
}

/// A domain of up to three bins cutting `[0, len)` at `cuts` (possibly
/// leaving holes between bins).
fn domain_from(len: u64, cuts: &[u64], holes: bool) -> Domain {
    let mut c: Vec<u64> = cuts.iter().map(|x| x % len).filter(|&x| x > 0).collect();
    c.push(0);
    c.push(len);
    c.sort_unstable();
    c.dedup();
    let mut bins = vec![];
    for (i, w) in c.windows(2).enumerate() {
        if holes && i % 2 == 1 {
            continue;
        }
        bins.push(Region::new("chr1", w[0], w[1]));
    }
    Domain::strict(bins).expect("valid domain")
}

/// Checks the common promises: every output element lies inside a bin,
/// output is sorted, payloads (values) follow `source`.
fn check_common(out: &gtrack_analysis::null::Randomized, t: &Intervals<'_>, d: &Domain) {
    for (si, s) in out.intervals.seqs.iter().enumerate() {
        assert_eq!(s.starts.len(), s.ends.len());
        assert_eq!(out.source[si].len(), s.starts.len());
        for i in 0..s.starts.len() {
            let (a, b) = (s.starts[i], s.ends[i]);
            assert!(
                d.bins()
                    .iter()
                    .any(|bin| bin.seqid == s.seqid && bin.start <= a && b <= bin.end),
                "element {a}-{b} outside every bin"
            );
            if i > 0 {
                assert!(
                    (s.starts[i - 1], s.ends[i - 1]) <= (a, b) || s.starts[i - 1] <= a,
                    "unsorted"
                );
            }
            if let (Some(v), Some(iv)) = (s.values.as_ref(), t.seqs[si].values.as_ref()) {
                assert_eq!(
                    v[i].to_bits(),
                    iv[out.source[si][i] as usize].to_bits(),
                    "value not carried"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn permute_segments_and_gaps_preserves_lengths_and_gaps(
        parts in prop::collection::vec((0u64..300, 1u64..200), 0..40),
        cuts in prop::collection::vec(0u64..10_000, 0..3),
        holes in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let len = 10_000;
        let (iv, vals) = layout(len, &parts);
        let t = track(TrackType::ValuedSegments, vec![seq("chr1", len, &iv, Some(vals))]);
        let d = domain_from(len, &cuts, holes);
        let obs = restrict(&t, &d);
        let out = NullModel::PermuteSegmentsAndGaps.randomize(&t, &d, &mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
        check_common(&out, &t, &d);
        for bin in &d.bins() {
            let a = in_bin(&obs, 0, bin);
            let b = in_bin(&out.intervals, 0, bin);
            prop_assert_eq!(a.len(), b.len());
            prop_assert_eq!(lengths(&a), lengths(&b));
            prop_assert_eq!(gaps(&a, bin), gaps(&b, bin));
            prop_assert_eq!(sorted_values(&a), sorted_values(&b));
        }
        // Each element keeps the (clipped) length of its source element.
        let r = Randomizer::new(&NullModel::PermuteSegmentsAndGaps, &t, &d).unwrap();
        let o = r.observed();
        let s = &out.intervals.seqs[0];
        for i in 0..s.starts.len() {
            let src = out.source[0][i];
            let bins = d.bins();
            let bin = bins.iter().find(|b| b.start <= s.starts[i] && s.ends[i] <= b.end).unwrap();
            let j = (0..o.source[0].len())
                .find(|&j| o.source[0][j] == src && bin.start <= o.intervals.seqs[0].starts[j] && o.intervals.seqs[0].starts[j] < bin.end)
                .unwrap();
            prop_assert_eq!(s.ends[i] - s.starts[i], o.intervals.seqs[0].ends[j] - o.intervals.seqs[0].starts[j]);
        }
    }

    #[test]
    fn permute_segments_sample_gaps_preserves_lengths(
        parts in prop::collection::vec((0u64..300, 1u64..200), 0..40),
        cuts in prop::collection::vec(0u64..10_000, 0..3),
        holes in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let len = 10_000;
        let (iv, vals) = layout(len, &parts);
        let t = track(TrackType::ValuedSegments, vec![seq("chr1", len, &iv, Some(vals))]);
        let d = domain_from(len, &cuts, holes);
        let obs = restrict(&t, &d);
        let out = NullModel::PermuteSegmentsSampleGaps.randomize(&t, &d, &mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
        check_common(&out, &t, &d);
        for bin in &d.bins() {
            let a = in_bin(&obs, 0, bin);
            let b = in_bin(&out.intervals, 0, bin);
            prop_assert_eq!(a.len(), b.len());
            prop_assert_eq!(lengths(&a), lengths(&b));
            prop_assert_eq!(sorted_values(&a), sorted_values(&b));
            // Non-overlapping, gaps sum to the free space.
            let g = gaps(&b, bin);
            if !b.is_empty() {
                prop_assert_eq!(g.iter().sum::<u64>(), bin.len() - lengths(&a).iter().sum::<u64>());
            }
        }
    }

    #[test]
    fn shuffle_values_keeps_positions(
        parts in prop::collection::vec((0u64..300, 1u64..200), 0..40),
        cuts in prop::collection::vec(0u64..10_000, 0..3),
        holes in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let len = 10_000;
        let (iv, vals) = layout(len, &parts);
        let t = track(TrackType::ValuedSegments, vec![seq("chr1", len, &iv, Some(vals))]);
        let d = domain_from(len, &cuts, holes);
        let obs = restrict(&t, &d);
        let out = NullModel::ShuffleValues.randomize(&t, &d, &mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
        check_common(&out, &t, &d);
        prop_assert_eq!(&obs.seqs[0].starts, &out.intervals.seqs[0].starts);
        prop_assert_eq!(&obs.seqs[0].ends, &out.intervals.seqs[0].ends);
        for bin in &d.bins() {
            prop_assert_eq!(sorted_values(&in_bin(&obs, 0, bin)), sorted_values(&in_bin(&out.intervals, 0, bin)));
        }
    }

    #[test]
    fn uniform_points_keep_counts(
        pts in prop::collection::btree_set(0u64..2_000, 0..200),
        cuts in prop::collection::vec(0u64..2_000, 0..3),
        holes in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let len = 2_000;
        let iv: Vec<(u64, u64)> = pts.iter().map(|&p| (p, p + 1)).collect();
        let vals: Vec<f64> = (0..iv.len()).map(|i| i as f64).collect();
        let t = track(TrackType::ValuedPoints, vec![seq("chr1", len, &iv, Some(vals))]);
        let d = domain_from(len, &cuts, holes);
        let obs = restrict(&t, &d);
        let out = NullModel::UniformPoints.randomize(&t, &d, &mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
        check_common(&out, &t, &d);
        let s = &out.intervals.seqs[0];
        prop_assert!(s.starts.windows(2).all(|w| w[0] < w[1]), "positions distinct");
        prop_assert!((0..s.starts.len()).all(|i| s.ends[i] == s.starts[i] + 1));
        for bin in &d.bins() {
            let (a, b) = (in_bin(&obs, 0, bin), in_bin(&out.intervals, 0, bin));
            prop_assert_eq!(a.len(), b.len());
            prop_assert_eq!(sorted_values(&a), sorted_values(&b));
        }
    }

    #[test]
    fn intensity_points_keep_counts_and_avoid_zero_weight(
        pts in prop::collection::btree_set(0u64..2_000, 0..60),
        cuts in prop::collection::vec(0u64..2_000, 0..3),
        seed in any::<u64>(),
    ) {
        let len = 2_000;
        let iv: Vec<(u64, u64)> = pts.iter().map(|&p| (p, p + 1)).collect();
        let t = track(TrackType::Points, vec![seq("chr1", len, &iv, None)]);
        // Step function: weight 0 on [k*100, k*100+50), k+1 on the rest.
        let steps: Vec<(u64, u64)> = (0..40).flat_map(|k| [(k * 50, k * 50 + 50)]).collect();
        let w: Vec<f64> = (0..40).map(|k| if k % 2 == 0 { 0.0 } else { (k / 2 + 1) as f64 }).collect();
        let int = track(TrackType::StepFunction, vec![seq("chr1", len, &steps, Some(w))]);
        let d = domain_from(len, &cuts, false);
        let obs = restrict(&t, &d);
        let model = NullModel::intensity(&int);
        match model.randomize(&t, &d, &mut ChaCha8Rng::seed_from_u64(seed)) {
            Ok(out) => {
                check_common(&out, &t, &d);
                let s = &out.intervals.seqs[0];
                prop_assert!(s.starts.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(s.starts.iter().all(|&p| (p / 50) % 2 == 1), "point at zero intensity");
                for bin in &d.bins() {
                    prop_assert_eq!(in_bin(&obs, 0, bin).len(), in_bin(&out.intervals, 0, bin).len());
                }
            }
            // Tiny bins may hold more points than positive positions.
            Err(e) => prop_assert!(matches!(e.rule(), "too-many-points" | "zero-intensity" | "intensity-rejections"), "{}", e),
        }
    }
}

#[test]
fn segments_crossing_bin_borders_are_clipped() {
    let t = track(
        TrackType::Segments,
        vec![seq("chr1", 100, &[(5, 15), (40, 60), (90, 100)], None)],
    );
    let d = Domain::strict(vec![
        Region::new("chr1", 10, 50),
        Region::new("chr1", 50, 95),
    ])
    .unwrap();
    let r = restrict(&t, &d);
    assert_eq!(&r.seqs[0].starts[..], &[10, 40, 50, 90]);
    assert_eq!(&r.seqs[0].ends[..], &[15, 50, 60, 95]);
    let rz = Randomizer::new(&NullModel::PermuteSegmentsAndGaps, &t, &d).unwrap();
    assert_eq!(rz.element_count(), 4);
    let out = rz.randomize(&mut ChaCha8Rng::seed_from_u64(5)).unwrap();
    // Bin 1 holds pieces of lengths 5 and 10, bin 2 of lengths 10 and 5.
    let b1: Vec<u64> = (0..4)
        .filter(|&i| out.intervals.seqs[0].starts[i] < 50)
        .map(|i| out.intervals.seqs[0].ends[i] - out.intervals.seqs[0].starts[i])
        .collect();
    let mut b1s = b1.clone();
    b1s.sort_unstable();
    assert_eq!(b1s, vec![5, 10]);
}

#[test]
fn samples_reuse_buffers_and_differ() {
    let iv: Vec<(u64, u64)> = (0..50).map(|i| (i * 100, i * 100 + 10 + i)).collect();
    let t = track(TrackType::Segments, vec![seq("chr1", 10_000, &iv, None)]);
    let d = Domain::whole_sequences(&t).unwrap();
    let r = Randomizer::new(&NullModel::PermuteSegmentsAndGaps, &t, &d).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut out = r.new_sample();
    r.sample_into(&mut rng, &mut out).unwrap();
    let first = out.clone();
    let cap = match &out.intervals.seqs[0].starts {
        Cow::Owned(v) => v.capacity(),
        Cow::Borrowed(_) => 0,
    };
    r.sample_into(&mut rng, &mut out).unwrap();
    assert_ne!(first, out);
    match &out.intervals.seqs[0].starts {
        Cow::Owned(v) => assert_eq!(v.capacity(), cap),
        Cow::Borrowed(_) => panic!("borrowed"),
    }
    // Same seed → same sample.
    let again = r.randomize(&mut ChaCha8Rng::seed_from_u64(1)).unwrap();
    assert_eq!(again, first);
}

#[test]
fn model_names_round_trip() {
    for name in NullModel::NAMES {
        let int = Arc::new(track(TrackType::Function, vec![]));
        let m = NullModel::parse(name, Some(int)).unwrap();
        assert_eq!(m.name(), *name);
        assert!(!m.preserves().is_empty());
    }
}

/// Runs `f`, expects an error with `rule` whose message contains every
/// string of `where_`; records the rule.
fn expect_rule(
    seen: &mut BTreeSet<&'static str>,
    rule: &'static str,
    where_: &[&str],
    r: Result<impl std::fmt::Debug, NullError>,
) {
    let e = r.expect_err(rule);
    assert_eq!(e.rule(), rule, "{e}");
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("[{rule}]")), "{msg}");
    for w in where_ {
        assert!(msg.contains(w), "{msg} lacks {w}");
    }
    seen.insert(rule);
}

#[test]
fn domain_rules_name_the_bins() {
    use gtrack_analysis::intervals::Error;
    let e = Domain::strict(vec![Region::new("chr1", 5, 5)]).unwrap_err();
    assert_eq!(e.rule(), Some("empty-bin"));
    assert!(e.to_string().contains("chr1:5-5"), "{e}");
    let e =
        Domain::strict(vec![Region::new("chr1", 5, 20), Region::new("chr1", 0, 10)]).unwrap_err();
    assert_eq!(e.rule(), Some("overlapping-bins"));
    let m = e.to_string();
    assert!(m.contains("chr1:0-10") && m.contains("chr1:5-20"), "{m}");
    let mut nolen = track(
        TrackType::Segments,
        vec![seq("chr1", 1000, &[(10, 20)], None)],
    );
    nolen.seqs[0].length = None;
    let e = Domain::whole_sequences(&nolen).unwrap_err();
    assert_eq!(e.rule(), Some("unknown-length"));
    assert!(e.to_string().contains("chr1"), "{e}");
    assert!(matches!(e, Error::UnknownLength { .. }));
}

#[test]
fn every_rule_is_exercised_with_its_location() {
    let mut seen = BTreeSet::new();
    let segs = track(
        TrackType::Segments,
        vec![seq("chr1", 1000, &[(10, 20), (15, 30)], None)],
    );
    let whole = Domain::strict(vec![Region::new("chr1", 0, 1000)]).unwrap();
    let rng = &mut ChaCha8Rng::seed_from_u64(0);

    let long = Domain::strict(vec![Region::new("chr1", 0, 2000)]).unwrap();
    expect_rule(
        &mut seen,
        "bin-outside-sequence",
        &["chr1:0-2000", "length 1000"],
        NullModel::PermuteSegmentsAndGaps.randomize(&segs, &long, rng),
    );
    let func = track(
        TrackType::Function,
        vec![seq("chr1", 1000, &[(0, 1), (1, 2)], Some(vec![1.0, 2.0]))],
    );
    expect_rule(
        &mut seen,
        "dense-track",
        &["function", "permute-segments-and-gaps"],
        NullModel::PermuteSegmentsAndGaps.randomize(&func, &whole, rng),
    );
    expect_rule(
        &mut seen,
        "overlapping-elements",
        &["chr1:10-20", "chr1:15-30"],
        NullModel::PermuteSegmentsSampleGaps.randomize(&segs, &whole, rng),
    );
    expect_rule(
        &mut seen,
        "no-values",
        &["segments"],
        NullModel::ShuffleValues.randomize(&segs, &whole, rng),
    );
    expect_rule(
        &mut seen,
        "not-points",
        &["segments"],
        NullModel::UniformPoints.randomize(&segs, &whole, rng),
    );
    let pts = track(
        TrackType::Points,
        vec![seq("chr1", 1000, &[(1, 2), (3, 4), (5, 6)], None)],
    );
    let tiny = Domain::strict(vec![Region::new("chr1", 0, 2)]).unwrap();
    let d6 = Domain::strict(vec![Region::new("chr1", 0, 6)]).unwrap();
    expect_rule(
        &mut seen,
        "too-many-points",
        &["chr1:0-6", "3 points"],
        NullModel::intensity(&track(
            TrackType::StepFunction,
            vec![seq("chr1", 1000, &[(0, 2)], Some(vec![1.0]))],
        ))
        .randomize(&pts, &d6, rng),
    );
    let _ = tiny;
    expect_rule(
        &mut seen,
        "negative-intensity",
        &["chr1:0-500", "-2"],
        NullModel::intensity(&track(
            TrackType::StepFunction,
            vec![seq(
                "chr1",
                1000,
                &[(0, 500), (500, 1000)],
                Some(vec![-2.0, 1.0]),
            )],
        ))
        .randomize(&pts, &whole, rng),
    );
    expect_rule(
        &mut seen,
        "zero-intensity",
        &["chr1:0-1000", "3 points"],
        NullModel::intensity(&track(
            TrackType::StepFunction,
            vec![seq("chr1", 1000, &[(0, 1000)], Some(vec![0.0]))],
        ))
        .randomize(&pts, &whole, rng),
    );
    // Three positive positions for three points, one carrying almost all
    // the weight: the third point is almost never placed.
    expect_rule(
        &mut seen,
        "intensity-rejections",
        &["chr1:0-1000", "200 draws"],
        NullModel::intensity(&track(
            TrackType::StepFunction,
            vec![seq(
                "chr1",
                1000,
                &[(0, 1), (1, 2), (2, 3)],
                Some(vec![1e300, 1e-300, 1e-300]),
            )],
        ))
        .randomize(&pts, &whole, rng),
    );
    expect_rule(
        &mut seen,
        "unknown-model",
        &["'shuffle-everything'", "uniform-points"],
        NullModel::parse("shuffle-everything", None),
    );
    expect_rule(
        &mut seen,
        "model-does-not-fit",
        &[
            "uniform-points",
            "track 1",
            "segments",
            "permute-segments-and-gaps, permute-segments-sample-gaps",
        ],
        NullModel::check_fits("uniform-points", 1, TrackType::Segments),
    );
    assert!(NullModel::check_fits("uniform-points", 1, TrackType::Points).is_ok());
    assert!(NullModel::check_fits("permute-segments-and-gaps", 2, TrackType::Points).is_ok());
    assert!(NullModel::check_fits("shuffle-values", 1, TrackType::Segments).is_err());
    assert_eq!(
        NullModel::fitting(TrackType::Function),
        vec!["shuffle-values"]
    );
    let all: BTreeSet<&str> = NullError::RULES.iter().copied().collect();
    assert_eq!(seen, all, "every rule exercised");
}
