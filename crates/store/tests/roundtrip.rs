//! Import → export equals the source (up to element order) for every
//! valid GTrack fixture: all 15 track types, every value type and
//! dimension, bounding regions, edges, extras.

mod common;

use std::collections::BTreeSet;

use gtrack_core::TrackType;
use gtrack_formats::{format, Format, ReadOptions, WriteOptions};
use gtrack_store::{ImportOptions, Store, Verify};

#[test]
fn every_valid_fixture_round_trips_through_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::create(tmp.path().join("s")).unwrap();
    let mut types = BTreeSet::new();
    let mut n = 0;
    for (k, path) in common::valid_fixtures().iter().enumerate() {
        let p = path.to_string_lossy().into_owned();
        let (_, src) =
            format::read_path(&p, Some(Format::Gtrack), &ReadOptions::default()).unwrap();
        let name = format!("fixtures/{k}");
        let opts = ImportOptions {
            name: Some(name.clone()),
            sync: false,
            ..Default::default()
        };
        let r = store.import(std::slice::from_ref(&p), &opts, &mut |_, _| {});
        let circular = src.seqs.iter().any(|s| {
            src.track_type().has_lengths()
                && !src.track_type().is_per_base()
                && s.starts.iter().zip(&s.ends).any(|(a, b)| b < a)
        });
        if circular {
            let e = r.expect_err("circular elements are refused").to_string();
            assert!(e.contains("circular"), "{e}");
            continue;
        }
        r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let t = store.open_track(&name, Verify::Checksums).unwrap();
        let got = t.to_track().unwrap();
        common::assert_same_sorted(&src, &got, &path.display().to_string());
        // The exported track is writable as GTrack and reads back equal.
        let text = gtrack_formats::gtrack::write_string(&got, &Default::default());
        let back = gtrack_formats::gtrack::read_str(&text, "exported")
            .map_err(|d| format!("{d:?}"))
            .unwrap()
            .track;
        common::assert_same_sorted(&got, &back, &format!("{} (GTrack re-read)", path.display()));
        types.insert(src.track_type());
        n += 1;
    }
    assert!(n > 200, "only {n} fixtures");
    assert_eq!(types.len(), 15, "track types covered: {types:?}");
    let _ = TrackType::Points;
    let _ = WriteOptions::default();
}
