//! Region views and summaries equal a brute-force scan of the source, on
//! random tracks (nested, touching, 1 bp elements; points; per-base
//! functions) and random regions.

use gtrack_core::{BoundingRegion, Strand, Track, TrackSchema, TrackType, ValueBuf};
use gtrack_store::{summarize, ImportOptions, Stat, Store, Verify};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Case {
    ty: TrackType,
    elems: Vec<(u64, u64, f64)>,
    queries: Vec<(u64, u64)>,
}

fn case() -> impl Strategy<Value = Case> {
    let ty = prop_oneof![
        Just(TrackType::ValuedSegments),
        Just(TrackType::Segments),
        Just(TrackType::ValuedPoints),
        Just(TrackType::Function),
    ];
    (
        ty,
        prop::collection::vec((0u64..2_000, 1u64..400, -50.0f64..50.0), 0..120),
        prop::collection::vec((0u64..2_500, 1u64..600), 1..20),
    )
        .prop_map(|(ty, raw, q)| {
            let elems = match ty {
                TrackType::Function => {
                    // One contiguous run of per-base values from 100.
                    raw.iter()
                        .enumerate()
                        .map(|(i, e)| (100 + i as u64, 101 + i as u64, e.2))
                        .collect()
                }
                TrackType::ValuedPoints => raw.iter().map(|e| (e.0, e.0 + 1, e.2)).collect(),
                _ => raw.iter().map(|e| (e.0, e.0 + e.1, e.2)).collect(),
            };
            Case {
                ty,
                elems,
                queries: q.into_iter().map(|(s, l)| (s, s + l)).collect(),
            }
        })
}

fn build(c: &Case) -> Track {
    let mut t = Track::new(TrackSchema::new(c.ty));
    let s = t.seq_index(None, "chr1");
    for (a, b, v) in &c.elems {
        let val = ValueBuf::number(*v);
        t.push(
            s,
            *a,
            *b,
            c.ty.is_valued().then_some(&val),
            Strand::Unknown,
            None,
            &[],
            &[],
        );
    }
    if c.ty == TrackType::Function {
        let mut r = BoundingRegion::sequence(None, "chr1", 100, Some(100 + c.elems.len() as u64));
        r.block = Some((s, 0..c.elems.len()));
        t.regions.push(r);
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn views_and_summaries_match_a_scan(c in case()) {
        prop_assume!(!(c.ty == TrackType::Function && c.elems.is_empty()));
        let tmp = tempfile::tempdir().unwrap();
        let track = build(&c);
        let path = tmp.path().join("t.gtrack");
        std::fs::write(&path, gtrack_formats::gtrack::write_string(&track, &Default::default())).unwrap();
        let store = Store::create(tmp.path().join("s")).unwrap();
        let o = ImportOptions { name: Some("t".into()), sync: false, ..Default::default() };
        store.import(&[path.to_string_lossy().into_owned()], &o, &mut |_, _| {}).unwrap();
        let t = store.open_track("t", Verify::Checksums).unwrap();
        for &(qs, qe) in &c.queries {
            let v = t.view("chr1", qs, qe).unwrap();
            let mut got: Vec<(u64, u64)> = v.iter().map(|i| (v.start(i), v.end(i))).collect();
            let mut want: Vec<(u64, u64)> = c
                .elems
                .iter()
                .filter(|(a, b, _)| *a < qe && (*b).max(a + 1) > qs)
                .map(|(a, b, _)| (*a, *b))
                .collect();
            want.sort();
            got.sort();
            prop_assert_eq!(&got, &want, "query {}-{}", qs, qe);
            // Summaries against a per-base scan.
            let s = summarize(&v);
            let mut covered = 0u64;
            let (mut sum, mut w, mut mn, mut mx) = (0.0f64, 0u64, f64::INFINITY, f64::NEG_INFINITY);
            for p in qs..qe {
                if c.elems.iter().any(|(a, b, _)| *a <= p && p < *b) {
                    covered += 1;
                }
            }
            for (a, b, val) in c.elems.iter().filter(|(a, b, _)| *a < qe && *b > qs) {
                let ov = (*b).min(qe) - (*a).max(qs);
                sum += val * ov as f64;
                w += ov;
                mn = mn.min(*val);
                mx = mx.max(*val);
            }
            prop_assert_eq!(s.get(Stat::Count), Some(want.len() as f64));
            prop_assert_eq!(s.get(Stat::Coverage), Some(covered as f64));
            if c.ty.is_valued() {
                prop_assert!((s.sum - sum).abs() <= 1e-6 * (1.0 + sum.abs()), "sum {} vs {}", s.sum, sum);
                prop_assert_eq!(s.valued_bases, w);
                prop_assert_eq!(s.get(Stat::Min), (w > 0).then_some(mn));
                prop_assert_eq!(s.get(Stat::Max), (w > 0).then_some(mx));
            }
        }
    }
}
