//! Monte Carlo engine: reproducibility across thread counts, the p-value
//! formula and tails, sequential stopping, calibration under a true null
//! (Kolmogorov–Smirnov), and Benjamini–Hochberg against hand-computed values.

use std::borrow::Cow;

use gtrack_analysis::intervals::Domain;
use gtrack_analysis::intervals::{Ends, Intervals, SeqIntervals};
use gtrack_analysis::mc::{
    benjamini_hochberg, p_value, run, sample_rng, test_pair, McOptions, McResult, Randomize,
    Schedule, Tail, RNG_NAME,
};
use gtrack_analysis::null::NullModel;
use gtrack_analysis::plot::{null_histogram_svg, per_bin_svg, write_svg, BinValue, Labels};
use gtrack_core::Region;
use gtrack_core::TrackType;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

fn segs(id: &str, len: u64, iv: &[(u64, u64)]) -> Intervals<'static> {
    Intervals {
        track_type: TrackType::Segments,
        seqs: vec![SeqIntervals {
            seqid: id.to_string(),
            length: Some(len),
            starts: Cow::Owned(iv.iter().map(|x| x.0).collect()),
            ends: Ends::owned(iv.iter().map(|x| x.1).collect()),
            values: None,
        }],
    }
}

/// Random non-overlapping segments on `[0, len)`.
fn random_segs(len: u64, n: usize, max_len: u64, seed: u64) -> Intervals<'static> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let slot = len / n as u64;
    let iv: Vec<(u64, u64)> = (0..n as u64)
        .map(|i| {
            let l = rng.random_range(1..=max_len.min(slot));
            let s = i * slot + rng.random_range(0..=slot - l);
            (s, s + l)
        })
        .collect();
    segs("chr1", len, &iv)
}

/// bp overlap by brute force over all pairs (small tracks only).
fn overlap(a: &Intervals<'_>, b: &Intervals<'_>) -> f64 {
    let mut t = 0u64;
    for sa in &a.seqs {
        for sb in b.seqs.iter().filter(|s| s.seqid == sa.seqid) {
            for i in 0..sa.starts.len() {
                for j in 0..sb.starts.len() {
                    let (s, e) = (sa.starts[i].max(sb.starts[j]), sa.ends[i].min(sb.ends[j]));
                    t += e.saturating_sub(s);
                }
            }
        }
    }
    t as f64
}

/// bp overlap by a sweep over two sorted, non-overlapping lists.
fn overlap_sweep(a: &Intervals<'_>, b: &Intervals<'_>) -> f64 {
    let mut t = 0u64;
    for sa in &a.seqs {
        for sb in b.seqs.iter().filter(|s| s.seqid == sa.seqid) {
            let (mut i, mut j) = (0, 0);
            while i < sa.starts.len() && j < sb.starts.len() {
                let (s, e) = (sa.starts[i].max(sb.starts[j]), sa.ends[i].min(sb.ends[j]));
                t += e.saturating_sub(s);
                if sa.ends[i] < sb.ends[j] {
                    i += 1;
                } else {
                    j += 1;
                }
            }
        }
    }
    t as f64
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
        .install(f)
}

#[test]
fn same_seed_same_samples_for_one_and_two_threads() {
    let t1 = random_segs(100_000, 60, 500, 1);
    let t2 = random_segs(100_000, 80, 400, 2);
    let d = Domain::strict(vec![
        Region::new("chr1", 0, 40_000),
        Region::new("chr1", 40_000, 100_000),
    ])
    .unwrap();
    let opts = McOptions {
        schedule: Schedule::Fixed(300),
        tail: Tail::Different,
        seed: 99,
        keep_null: true,
    };
    let go = |threads| {
        in_pool(threads, || {
            test_pair(
                &t1,
                &t2,
                &d,
                &Randomize::both(NullModel::PermuteSegmentsAndGaps),
                overlap,
                &opts,
            )
            .unwrap()
        })
    };
    let (a, b) = (go(1), go(2));
    // The sweep used by the calibration test agrees with brute force.
    for x in &[&t1, &t2] {
        assert_eq!(overlap(x, &t2), overlap_sweep(x, &t2));
    }
    assert_eq!(a.null.len(), 300);
    assert_eq!(a, b);
    assert_eq!(a.rng, RNG_NAME);
    assert_eq!(a.seed, 99);
    // Another seed gives another null distribution.
    let c = in_pool(2, || {
        test_pair(
            &t1,
            &t2,
            &d,
            &Randomize::both(NullModel::PermuteSegmentsAndGaps),
            overlap,
            &McOptions { seed: 100, ..opts },
        )
        .unwrap()
    });
    assert_ne!(a.null, c.null);
    // A sequential run sees the same first samples as a fixed run.
    let s = in_pool(2, || {
        test_pair(
            &t1,
            &t2,
            &d,
            &Randomize::both(NullModel::PermuteSegmentsAndGaps),
            overlap,
            &McOptions {
                schedule: Schedule::Sequential {
                    chunk: 7,
                    max: 50,
                    min_extreme: 1_000,
                },
                ..opts
            },
        )
        .unwrap()
    });
    assert_eq!(s.null[..], a.null[..50]);
}

#[test]
fn generic_engine_counts_tails_and_summarises() {
    // Null samples uniform on [0, 1): with observed 0.25, about a quarter
    // are <= and three quarters >=.
    let opts = |tail| McOptions {
        schedule: Schedule::Fixed(4000),
        tail,
        seed: 5,
        keep_null: true,
    };
    let f = |_: &mut (), rng: &mut ChaCha8Rng| rng.random::<f64>();
    let more = run(0.25, &opts(Tail::More), || (), f);
    let less = run(0.25, &opts(Tail::Less), || (), f);
    let diff = run(0.25, &opts(Tail::Different), || (), f);
    assert_eq!(more.samples, 4000);
    assert_eq!(more.k, more.k_more);
    assert_eq!(less.k, less.k_less);
    assert_eq!(diff.k, more.k_more.min(more.k_less));
    assert_eq!(more.p, Some(p_value(more.k_more, 4000, Tail::More)));
    assert_eq!(
        diff.p,
        Some(((2.0 * (diff.k as f64 + 1.0)) / 4001.0).min(1.0))
    );
    assert!((less.p.unwrap() - 0.25).abs() < 0.03, "{:?}", less.p);
    assert!((more.p.unwrap() - 0.75).abs() < 0.03);
    assert!((diff.p.unwrap() - 0.5).abs() < 0.06);
    assert!((more.null_mean.unwrap() - 0.5).abs() < 0.02);
    assert!((more.null_median.unwrap() - 0.5).abs() < 0.03);
    assert!((more.null_sd.unwrap() - (1.0f64 / 12.0).sqrt()).abs() < 0.01);
    // Sample i is the first draw of stream i.
    assert_eq!(more.null[17], sample_rng(5, 17).random::<f64>());
}

#[test]
fn nan_samples_are_excluded_and_nan_observed_has_no_p() {
    let opts = McOptions {
        schedule: Schedule::Fixed(100),
        ..McOptions::default()
    };
    let r = run(
        0.5,
        &opts,
        || (),
        |_, rng| if rng.random::<bool>() { f64::NAN } else { 1.0 },
    );
    assert_eq!(r.samples_drawn, 100);
    assert!(r.samples < 100 && r.samples > 20);
    assert_eq!(r.k, r.samples);
    assert_eq!(r.p, Some(1.0));
    let r = run(f64::NAN, &opts, || (), |_, _| 1.0);
    assert_eq!(r.p, None);
    let r = run(1.0, &opts, || (), |_, _| f64::NAN);
    assert_eq!((r.p, r.samples, r.null_mean), (None, 0, None));
}

#[test]
fn sequential_presets_stop_early_or_run_to_max() {
    let quick = Schedule::preset("quick").unwrap();
    let opts = McOptions {
        schedule: quick,
        tail: Tail::More,
        seed: 1,
        keep_null: false,
    };
    let uniform = |_: &mut (), rng: &mut ChaCha8Rng| rng.random::<f64>();
    // Observed below every sample: 10 extreme samples after the first chunk.
    let r = run(-1.0, &opts, || (), uniform);
    assert_eq!((r.samples_drawn, r.k, r.stopped_early), (10, 10, true));
    assert_eq!(r.p, Some(1.0));
    // Observed above every sample: never extreme, runs to the maximum.
    let r = run(2.0, &opts, || (), uniform);
    assert_eq!((r.samples_drawn, r.k, r.stopped_early), (150, 0, false));
    assert_eq!(r.p, Some(1.0 / 151.0));
    // Medium: chunks of 50 until 20 extreme samples (about 200 at p = 0.1).
    let r = run(
        0.9,
        &McOptions {
            schedule: Schedule::preset("medium").unwrap(),
            ..opts
        },
        || (),
        uniform,
    );
    assert!(
        r.stopped_early && r.k >= 20 && r.samples_drawn % 50 == 0 && r.samples_drawn < 2000,
        "{r:?}"
    );
    assert_eq!(Schedule::preset("robust"), Some(Schedule::Fixed(10_000)));
}

#[test]
fn empty_track_gives_no_p_and_errors_carry_rules() {
    let t1 = random_segs(10_000, 10, 100, 3);
    let empty = segs("chr1", 10_000, &[]);
    let d = Domain::whole_sequences(&t1).unwrap();
    let opts = McOptions::default();
    let r = test_pair(
        &t1,
        &empty,
        &d,
        &Randomize::first(NullModel::PermuteSegmentsAndGaps),
        overlap,
        &opts,
    )
    .unwrap();
    assert_eq!((r.p, r.samples_drawn), (None, 0));
    let e = test_pair(&t1, &t1, &d, &Randomize::default(), overlap, &opts).unwrap_err();
    assert_eq!(e.rule(), "nothing-randomised");
    let bad = segs("chr1", 10_000, &[(0, 50), (40, 60)]);
    let e = test_pair(
        &t1,
        &bad,
        &d,
        &Randomize::second(NullModel::PermuteSegmentsAndGaps),
        overlap,
        &opts,
    )
    .unwrap_err();
    assert_eq!(e.rule(), "overlapping-elements");
    assert!(
        e.to_string().starts_with("track 2: [overlapping-elements]")
            && e.to_string().contains("chr1:0-50"),
        "{e}"
    );
    assert!(Randomize::parse("3", NullModel::ShuffleValues).is_none());
    assert_eq!(
        Randomize::parse("2", NullModel::ShuffleValues),
        Some(Randomize::second(NullModel::ShuffleValues))
    );
    assert_eq!(Tail::parse("different"), Some(Tail::Different));
}

/// Kolmogorov–Smirnov distance between the sample `p` and U(0, 1).
fn ks_uniform(p: &mut [f64]) -> f64 {
    p.sort_by(f64::total_cmp);
    let n = p.len() as f64;
    p.iter()
        .enumerate()
        .map(|(i, &x)| ((i as f64 + 1.0) / n - x).max(x - i as f64 / n))
        .fold(0.0, f64::max)
}

/// Under a true null — T1 itself drawn from the null model — Monte Carlo
/// p-values are uniform: the KS distance to U(0, 1) stays below the
/// critical value at alpha = 0.001, c(α)/√R with c(α) = √(−ln(α/2)/2).
#[test]
fn p_values_are_uniform_under_the_null() {
    let len = 200_000;
    let base = random_segs(len, 40, 2_000, 11);
    let t2 = random_segs(len, 60, 3_000, 12);
    let d = Domain::strict(vec![
        Region::new("chr1", 0, 120_000),
        Region::new("chr1", 120_000, len),
    ])
    .unwrap();
    let replicates = 400;
    let crit = (-(0.001f64 / 2.0).ln() / 2.0).sqrt() / (replicates as f64).sqrt();
    for (model, tail) in [
        (NullModel::PermuteSegmentsAndGaps, Tail::More),
        (NullModel::PermuteSegmentsSampleGaps, Tail::Less),
    ] {
        let mut ps: Vec<f64> = (0..replicates)
            .map(|r| {
                let t1 = model
                    .randomize(&base, &d, &mut ChaCha8Rng::seed_from_u64(1_000 + r))
                    .unwrap()
                    .intervals;
                let opts = McOptions {
                    schedule: Schedule::Fixed(199),
                    tail,
                    seed: r,
                    keep_null: false,
                };
                test_pair(
                    &t1,
                    &t2,
                    &d,
                    &Randomize::first(model.clone()),
                    overlap_sweep,
                    &opts,
                )
                .unwrap()
                .p
                .unwrap()
            })
            .collect();
        let ks = ks_uniform(&mut ps);
        assert!(
            ks < crit,
            "{}: KS {ks:.4} >= critical {crit:.4}",
            model.name()
        );
        // And not degenerate: p-values spread over (0, 1].
        assert!(ps[0] < 0.05 && ps[ps.len() - 1] > 0.95);
    }
}

#[test]
fn benjamini_hochberg_matches_hand_computed_values() {
    // m = 5 present: sorted 0.005, 0.01, 0.03, 0.04, 0.5;
    // m·p/rank = 0.025, 0.025, 0.05, 0.05, 0.5; running minimum from the top.
    let q = benjamini_hochberg(&[
        Some(0.01),
        Some(0.04),
        Some(0.03),
        Some(0.005),
        None,
        Some(0.5),
    ]);
    let want = [
        Some(0.025),
        Some(0.05),
        Some(0.05),
        Some(0.025),
        None,
        Some(0.5),
    ];
    for (a, b) in q.iter().zip(want.iter()) {
        match (a, b) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-15, "{q:?}"),
            (None, None) => {}
            _ => panic!("{q:?}"),
        }
    }
    // Capped at 1; a monotone step down: p = 0.2, 0.9, 0.95 (m = 3):
    // 0.6, 1.35 → 1, 0.95 → q = 0.6, 0.95, 0.95.
    let q = benjamini_hochberg(&[Some(0.9), Some(0.2), Some(0.95)]);
    let want = [0.95, 0.6, 0.95];
    for (a, b) in q.iter().zip(want.iter()) {
        assert!((a.unwrap() - b).abs() < 1e-12, "{q:?}");
    }
    assert_eq!(
        benjamini_hochberg(&[Some(0.8), Some(0.9)]),
        vec![Some(0.9), Some(0.9)]
    );
    assert_eq!(benjamini_hochberg(&[]), Vec::<Option<f64>>::new());
    assert_eq!(benjamini_hochberg(&[Some(0.3)]), vec![Some(0.3)]);
}

#[test]
fn result_serialises_with_parameters() {
    let r: McResult = run(
        0.5,
        &McOptions {
            schedule: Schedule::Fixed(10),
            ..McOptions::default()
        },
        || (),
        |_, rng| rng.random::<f64>(),
    );
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["seed"], 0);
    assert_eq!(j["tail"], "more");
    assert_eq!(j["schedule"]["fixed"], 10);
    assert!(j["rng"].as_str().unwrap().contains("ChaCha8"));
    assert!(j.get("null").is_none());
}

/// Parses `svg` with quick-xml to the end (end names checked, every start
/// closed); returns the element names and the attributes of the element
/// with `id="observed"`, if any.
fn parse_svg(svg: &str) -> (Vec<String>, Option<Vec<(String, String)>>) {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(svg);
    r.config_mut().check_end_names = true;
    r.config_mut().check_comments = true;
    let (mut names, mut observed, mut depth) = (vec![], None, 0i32);
    loop {
        let ev = r.read_event().expect("well-formed XML");
        let e = match &ev {
            Event::Start(e) => {
                depth += 1;
                e
            }
            Event::Empty(e) => e,
            Event::End(_) => {
                depth -= 1;
                continue;
            }
            Event::Text(t) => {
                t.unescape().expect("text escapes");
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
        let attrs: Vec<(String, String)> = e
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.unescape_value().expect("escaped").into_owned(),
                )
            })
            .collect();
        if attrs.iter().any(|(k, v)| k == "id" && v == "observed") {
            observed = Some(attrs);
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
    (names, observed)
}

#[test]
fn null_histogram_is_well_formed_and_marks_the_observed_value() {
    let t1 = random_segs(100_000, 30, 1_000, 21);
    let t2 = random_segs(100_000, 40, 1_000, 22);
    let d = Domain::whole_sequences(&t1).unwrap();
    let opts = McOptions {
        schedule: Schedule::Fixed(500),
        tail: Tail::More,
        seed: 3,
        keep_null: true,
    };
    let r = test_pair(
        &t1,
        &t2,
        &d,
        &Randomize::first(NullModel::PermuteSegmentsAndGaps),
        overlap_sweep,
        &opts,
    )
    .unwrap();
    let labels = Labels {
        title: "Overlap <T1 & T2> \"null\"".into(),
        x: "bp overlap".into(),
        y: "samples".into(),
    };
    let svg = null_histogram_svg(&r.null, r.observed, &labels);
    let (names, observed) = parse_svg(&svg);
    assert_eq!(names[0], "svg");
    assert!(names.iter().filter(|n| *n == "rect").count() > 5);
    let obs = observed.expect("observed marker");
    assert!(obs.iter().any(|(k, v)| k == "class" && v == "observed"));
    assert!(svg.contains("Overlap &lt;T1 &amp; T2&gt;"));
    assert!(svg.contains(">bp overlap</text>") && svg.contains(">samples</text>"));
    // Degenerate inputs still give well-formed SVG.
    for (null, o) in [
        (vec![], 1.0),
        (vec![5.0; 10], 5.0),
        (vec![f64::NAN, 1.0], f64::NAN),
    ] {
        let svg = null_histogram_svg(&null, o, &labels);
        let (_, observed) = parse_svg(&svg);
        assert_eq!(observed.is_some(), o.is_finite());
    }
    let path = std::env::temp_dir().join(format!("gtrack-null-{}.svg", std::process::id()));
    write_svg(&path, &svg).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), svg);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn per_bin_plot_is_well_formed() {
    let values: Vec<BinValue> = (0..20)
        .map(|i| BinValue {
            bin: Region::new(
                if i < 12 { "chr1" } else { "chr<2>" },
                (i % 12) * 1000,
                (i % 12 + 1) * 1000,
            ),
            value: if i == 5 {
                f64::NAN
            } else {
                (i as f64 - 8.0) / 3.0
            },
        })
        .collect();
    let labels = Labels {
        title: "per-bin statistic".into(),
        x: "genome".into(),
        y: "statistic".into(),
    };
    let svg = per_bin_svg(&values, &labels);
    let (names, _) = parse_svg(&svg);
    assert!(names.iter().filter(|n| *n == "line").count() >= 19);
    assert!(svg.contains("chr&lt;2&gt;"));
    let (names, _) = parse_svg(&per_bin_svg(&[], &labels));
    assert_eq!(names[0], "svg");
}

/// The fast overlap path (prepared T2, positions streamed through a
/// cursor) gives exactly the null values of the general path for the
/// same seed, for every bp-table question and both segment models.
#[test]
fn fast_overlap_path_equals_general_path() {
    use gtrack_analysis::mc::test_question;
    use gtrack_analysis::questions;
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mk = |rng: &mut ChaCha8Rng, n: usize, len: u64| {
        let mut iv = Vec::new();
        let mut pos = 0;
        for _ in 0..n {
            pos += rng.random_range(0..300u64);
            let l = rng.random_range(1..200u64);
            if pos + l > len {
                break;
            }
            iv.push((pos, pos + l));
            pos += l;
        }
        iv
    };
    let len = 100_000;
    let a = mk(&mut rng, 300, len);
    let mut b = mk(&mut rng, 600, len);
    b.push((50, 5000)); // overlapping T2 elements are merged
    b.sort_unstable();
    let two = |x: &[(u64, u64)], k: usize| {
        let mut t = segs("chr1", len, x);
        t.seqs.push(segs("chr2", 60_000, &x[..k]).seqs.remove(0));
        t
    };
    let t1 = two(&a, 50);
    let t2 = two(&b, 100);
    let d = Domain::strict(vec![
        Region::new("chr1", 0, 40_000),
        Region::new("chr1", 40_000, len),
        Region::new("chr2", 0, 60_000),
    ])
    .unwrap();
    for name in [
        "overlap",
        "overlap-t2-fixed",
        "jaccard",
        "forbes",
        "proportional-overlap",
    ] {
        for model in [
            NullModel::PermuteSegmentsAndGaps,
            NullModel::PermuteSegmentsSampleGaps,
        ] {
            let q = questions::find(name).unwrap();
            let opts = McOptions {
                schedule: Schedule::Fixed(60),
                tail: Tail::Different,
                seed: 11,
                keep_null: true,
            };
            let rz = Randomize::first(model.clone());
            let fast = test_question(q, &t1, &t2, &d, &rz, &opts).unwrap();
            let stat = q.stat;
            let slow = test_pair(&t1, &t2, &d, &rz, |x, y| stat(x, y, &d), &opts).unwrap();
            assert_eq!(fast.null, slow.null, "{name} {}", model.name());
            assert_eq!(fast.observed, slow.observed);
            assert_eq!(fast.p, slow.p);
        }
    }
}
