//! bedGraph, target/control bedGraph and WIG: fixtures, errors, round trips.

use std::path::{Path, PathBuf};

use gtrack_core::{Track, TrackType, ValueType};
use gtrack_formats::format::{self, Format, ReadOptions, WriteOptions};
use gtrack_formats::{gtrack, wig, Error};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/wig")
        .join(name)
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn read(name: &str, f: Format) -> Result<Track, Error> {
    let p = data(name);
    format::read_path(p.to_str().unwrap(), Some(f), &ReadOptions::default()).map(|(_, t)| t)
}

fn read_str(text: &str, f: Format) -> Result<Track, Error> {
    format::read(text.as_bytes(), "mem", f, &ReadOptions::default())
}

fn write_str(t: &Track, f: Format) -> String {
    let mut out = Vec::new();
    format::write(t, &mut out, f, &WriteOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

/// F → Track → GTrack → Track and F → Track → F → Track.
fn round_trips(t: &Track, f: Format) {
    let g = gtrack::write_string(t, &gtrack::WriteOptions::default());
    let back = gtrack::read_str(&g, "rt.gtrack").unwrap_or_else(|e| panic!("{g}\n{e:?}"));
    assert!(
        back.track.same(t),
        "GTrack round trip\n{g}\n{t:?}\n{:?}",
        back.track
    );
    assert_eq!(format::losses(t, f).unwrap(), Vec::<String>::new());
    let text = write_str(t, f);
    let again = read_str(&text, f).unwrap();
    assert!(again.same(t), "{f} round trip\n{text}\n{t:?}\n{again:?}");
}

const INVALID: &[(&str, Format, u64, &str)] = &[
    ("columns.bedgraph", Format::BedGraph, 1, "bedgraph-columns"),
    (
        "coordinates.bedgraph",
        Format::BedGraph,
        2,
        "bedgraph-coordinates",
    ),
    (
        "coordinates_negative.bedgraph",
        Format::BedGraph,
        1,
        "bedgraph-coordinates",
    ),
    ("value.bedgraph", Format::BedGraph, 1, "bedgraph-value"),
    (
        "value.targetcontrol.bedgraph",
        Format::TargetControl,
        2,
        "targetcontrol-value",
    ),
    (
        "tracktype.bedgraph",
        Format::BedGraph,
        1,
        "bedgraph-track-line",
    ),
    (
        "trackline.bedgraph",
        Format::BedGraph,
        1,
        "bedgraph-track-line",
    ),
    ("trackline.wig", Format::Wig, 2, "wig-track-line"),
    ("trackline_attr.wig", Format::Wig, 1, "wig-track-line"),
    ("decl_start0.wig", Format::Wig, 1, "wig-declaration"),
    ("decl_nostep.wig", Format::Wig, 1, "wig-declaration"),
    ("decl_span.wig", Format::Wig, 1, "wig-declaration"),
    ("decl_nochrom.wig", Format::Wig, 1, "wig-declaration"),
    ("decl_key.wig", Format::Wig, 1, "wig-declaration"),
    ("decl_step0.wig", Format::Wig, 1, "wig-declaration"),
    ("nodecl.wig", Format::Wig, 3, "wig-no-declaration"),
    ("data_fields.wig", Format::Wig, 2, "wig-data"),
    ("data_pos.wig", Format::Wig, 2, "wig-data"),
    ("data_fixed.wig", Format::Wig, 3, "wig-data"),
    ("value.wig", Format::Wig, 2, "wig-value"),
    ("order.wig", Format::Wig, 3, "wig-order"),
    ("order_overlap.wig", Format::Wig, 3, "wig-order"),
    ("order_decl.wig", Format::Wig, 5, "wig-order"),
];

#[test]
fn invalid_files_name_path_line_and_rule() {
    for &(name, f, line, rule) in INVALID {
        let p = data(&format!("invalid/{name}"));
        let ps = p.to_str().unwrap();
        match format::read_path(ps, Some(f), &ReadOptions::default()) {
            Err(Error::Format(e)) => {
                assert_eq!(e.path, ps, "{name}");
                assert_eq!((e.line, e.rule), (line, rule), "{name}: {e}");
                assert!(e.message.len() > 20, "{name}: terse message {e}");
                assert!(e.to_string().starts_with(&format!("{ps}:{line}: {rule}: ")));
            }
            other => panic!("{name}: expected a format error, got {other:?}"),
        }
    }
}

#[test]
fn every_rule_is_exercised() {
    for r in wig::RULES {
        assert!(
            INVALID.iter().any(|(_, _, _, id)| *id == r.id),
            "rule {} has no test",
            r.id
        );
        assert!(
            r.id.starts_with("wig-")
                || r.id.starts_with("bedgraph-")
                || r.id.starts_with("targetcontrol-")
        );
    }
}

#[test]
fn faq_bedgraph_is_a_step_function() {
    let t = read("faq_bedgraph.bedgraph", Format::BedGraph).unwrap();
    assert_eq!(t.track_type(), TrackType::StepFunction);
    assert_eq!(t.len(), 9);
    assert_eq!(t.regions.len(), 1);
    assert_eq!(
        (t.regions[0].start, t.regions[0].end),
        (49302000, Some(49304700))
    );
    assert_eq!(
        t.seqs[0].values.as_ref().unwrap().as_numbers().unwrap()[1],
        -0.75
    );
    assert_eq!(
        t.metadata[0],
        (
            "browser line".into(),
            "position chr19:49302001-49304701".into()
        )
    );
    assert_eq!(t.metadata[2].0, "track line");
    assert!(t.metadata[2]
        .1
        .starts_with("name=\"BedGraph Format\" description="));
    round_trips(&t, Format::BedGraph);
}

#[test]
fn faq_wiggle_two_tracks_merge() {
    let t = read("faq_wiggle.wig", Format::Wig).unwrap();
    // variableStep span=150 and fixedStep step=300 span=200: valued segments.
    assert_eq!(t.track_type(), TrackType::ValuedSegments);
    assert_eq!(t.len(), 19);
    assert_eq!(
        t.metadata.iter().filter(|(k, _)| k == "track line").count(),
        2
    );
    let s = &t.seqs[0];
    assert_eq!((s.starts[0], s.ends[0]), (49304700, 49304850));
    assert_eq!((s.starts[9], s.ends[9]), (49307400, 49307600));
    // chr19 has variableStep data: one whole-sequence region.
    assert_eq!(t.regions.len(), 1);
    assert_eq!((t.regions[0].start, t.regions[0].end), (0, None));
    // The two sections overlap: GTrack keeps it, WIG cannot.
    let g = gtrack::write_string(&t, &gtrack::WriteOptions::default());
    assert!(gtrack::read_str(&g, "x").unwrap().track.same(&t));
    assert!(matches!(
        format::losses(&t, Format::Wig),
        Err(Error::Unsupported { .. })
    ));
    let bg = write_str(&t, Format::BedGraph);
    assert_eq!(read_str(&bg, Format::BedGraph).unwrap().len(), 19);
}

#[test]
fn faq_variable_and_fixed_step() {
    let v = read("faq_variablestep.wig", Format::Wig).unwrap();
    assert_eq!(v.track_type(), TrackType::ValuedSegments);
    assert_eq!(v.len(), 9);
    round_trips(&v, Format::Wig);
    let f = read("faq_fixedstep.wig", Format::Wig).unwrap();
    assert_eq!(f.track_type(), TrackType::ValuedSegments);
    assert_eq!(f.regions.len(), 1);
    assert_eq!(
        (f.regions[0].start, f.regions[0].end),
        (49307400, Some(49307400 + 9 * 300 + 200))
    );
    round_trips(&f, Format::Wig);
    let text = write_str(&f, Format::Wig);
    assert!(
        text.contains("fixedStep chrom=chr19 start=49307401 step=300 span=200"),
        "{text}"
    );
}

#[test]
fn function_wig_merges_continuing_declarations() {
    let t = read("function.wig", Format::Wig).unwrap();
    assert_eq!(t.track_type(), TrackType::Function);
    assert_eq!(t.regions.len(), 2);
    assert_eq!((t.regions[0].start, t.regions[0].end), (10, Some(14)));
    assert_eq!(t.regions[0].block, Some((0, 0..4)));
    assert_eq!(t.seqs[0].starts, vec![10, 11, 12, 13]);
    assert_eq!(t.seqs[0].ends, vec![11, 12, 13, 14]);
    assert!(t.seqs[1].values.as_ref().unwrap().as_numbers().unwrap()[1].is_nan());
    round_trips(&t, Format::Wig);
    // bedGraph of a function reads back as a step function with the same elements.
    let bg = read_str(&write_str(&t, Format::BedGraph), Format::BedGraph).unwrap();
    assert_eq!(bg.track_type(), TrackType::StepFunction);
    assert_eq!(bg.seqs[0].starts, t.seqs[0].starts);
}

#[test]
fn step_function_wig() {
    let t = read("step.wig", Format::Wig).unwrap();
    assert_eq!(t.track_type(), TrackType::StepFunction);
    assert_eq!(t.seqs[0].starts, vec![100, 150, 300]);
    assert_eq!(t.seqs[0].ends, vec![150, 200, 301]);
    assert_eq!(t.regions.len(), 2);
    round_trips(&t, Format::Wig);
}

#[test]
fn fixed_step_points_and_mixed() {
    let t = read("points_fixed.wig", Format::Wig).unwrap();
    assert_eq!(t.track_type(), TrackType::ValuedPoints);
    assert_eq!(t.seqs[0].starts, vec![0, 10, 20, 1000]);
    assert_eq!(t.regions.len(), 2);
    // A one-element fixedStep block cannot be written back as fixedStep.
    let lost = format::losses(&t, Format::Wig).unwrap();
    assert_eq!(lost.len(), 1, "{lost:?}");
    let m = read("mixed.wig", Format::Wig).unwrap();
    assert_eq!(m.track_type(), TrackType::ValuedSegments);
    assert_eq!(m.regions.len(), 2);
    assert_eq!((m.regions[0].start, m.regions[0].end), (0, None));
    assert_eq!(m.regions[0].block, Some((0, 0..4)));
    assert_eq!(
        m.seqs[1].values.as_ref().unwrap().as_numbers().unwrap()[0],
        1e-7
    );
    round_trips(&m, Format::Wig);
}

#[test]
fn target_control() {
    let t = read("contiguous.targetcontrol.bedgraph", Format::TargetControl).unwrap();
    assert_eq!(t.track_type(), TrackType::StepFunction);
    assert_eq!(t.schema.value.unwrap().ty, ValueType::Binary);
    round_trips(&t, Format::TargetControl);
    let lost = format::losses(&t, Format::BedGraph).unwrap();
    assert!(lost[0].contains("binary"), "{lost:?}");
    let n = read("faq_bedgraph.bedgraph", Format::BedGraph).unwrap();
    assert!(matches!(
        format::losses(&n, Format::TargetControl),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn unsorted_overlapping_bedgraph() {
    let t = read("overlap.bedgraph", Format::BedGraph).unwrap();
    assert_eq!(t.track_type(), TrackType::ValuedSegments);
    assert_eq!(t.seqs[0].starts, vec![5, 0, 2], "file order kept");
    let v = t.seqs[1].values.as_ref().unwrap().as_numbers().unwrap();
    assert!(v[0].is_nan());
    round_trips(&t, Format::BedGraph);
    assert!(matches!(
        format::losses(&t, Format::Wig),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn losses_and_unsupported() {
    let g = "##track type: segments\n###seqid\tstart\tend\nchr1\t0\t10\n";
    let t = gtrack::read_str(g, "x").unwrap().track;
    for f in [Format::BedGraph, Format::Wig, Format::TargetControl] {
        assert!(matches!(
            format::losses(&t, f),
            Err(Error::Unsupported { .. })
        ));
    }
    let g = "##track type: valued segments\n###seqid\tstart\tend\tvalue\tstrand\tid\tscore\nchr1\t0\t10\t1\t+\ta\tx\n";
    let t = gtrack::read_str(g, "x").unwrap().track;
    let lost = format::losses(&t, Format::BedGraph).unwrap();
    assert_eq!(lost.len(), 3, "{lost:?}");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("o.bedgraph");
    let r = format::write_path(
        &t,
        p.to_str().unwrap(),
        Format::BedGraph,
        &WriteOptions::default(),
    );
    assert!(matches!(r, Err(Error::Lossy { .. })));
    let g = "##track type: valued segments\n##value type: category\n###seqid\tstart\tend\tvalue\nchr1\t0\t10\ta\n";
    let t = gtrack::read_str(g, "x").unwrap().track;
    assert!(matches!(
        format::losses(&t, Format::Wig),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn gzip_input() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.bedgraph.gz");
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(&p).unwrap(),
        flate2::Compression::default(),
    );
    e.write_all(b"track type=bedGraph\nchr1\t0\t10\t1\nchr1\t20\t30\t2\n")
        .unwrap();
    e.finish().unwrap();
    let (f, t) = format::read_path(p.to_str().unwrap(), None, &ReadOptions::default()).unwrap();
    assert_eq!(f, Format::BedGraph);
    assert_eq!(t.len(), 2);
}

fn examples() -> Option<PathBuf> {
    let d = shared().join("spec/examples/gtrack-repo/gtrack/examples");
    if d.is_dir() {
        Some(d)
    } else {
        println!("SKIPPED: {} not present", d.display());
        None
    }
}

#[test]
fn bundled_examples_agree_with_gtrack() {
    let Some(d) = examples() else { return };
    for (orig, f) in [
        ("Example_wig_function.wig", Format::Wig),
        ("Example_wig_points.wig", Format::Wig),
        ("Example_wig_segments.wig", Format::Wig),
        ("Example_wig_step_function.wig", Format::Wig),
        ("Example_bedgraph.bedgraph", Format::BedGraph),
    ] {
        let ours = format::read_path(
            d.join(orig).to_str().unwrap(),
            Some(f),
            &ReadOptions::default(),
        )
        .unwrap()
        .1;
        let gname = orig.rsplit_once('.').unwrap().0.to_string() + ".gtrack";
        let text = std::fs::read_to_string(d.join(&gname)).unwrap();
        let theirs = gtrack::read_str(&text, &gname).unwrap().track;
        assert_eq!(ours.schema, theirs.schema, "{orig}");
        assert_eq!(ours.regions, theirs.regions, "{orig}");
        assert_eq!(ours.seqs.len(), theirs.seqs.len(), "{orig}");
        for (a, b) in ours.seqs.iter().zip(&theirs.seqs) {
            assert!(a.same(b), "{orig}: {a:?} vs {b:?}");
        }
        round_trips(&ours, f);
    }
}

#[test]
fn real_files_counts() {
    let g = shared().join("spec/examples/gtrackcore-testdata/GESourceTracks");
    if !g.is_dir() {
        println!("SKIPPED: {} not present", g.display());
        return;
    }
    let p = g.join("BedGraphGenomeElementSource/generated_chr21_10000.bedgraph");
    let (_, t) = format::read_path(p.to_str().unwrap(), None, &ReadOptions::default()).unwrap();
    assert_eq!(t.seq(None, "chr21").unwrap().len(), 10000);
    round_trips(&t, Format::BedGraph);
    let p = g.join("BedGraphTargetControlGenomeElementSource/test.targetcontrol.bedgraph");
    let (f, t) = format::read_path(p.to_str().unwrap(), None, &ReadOptions::default()).unwrap();
    assert_eq!(f, Format::TargetControl);
    assert_eq!(t.seq(None, "chr21").unwrap().len(), 2);
    assert_eq!(t.seq(None, "chrM").unwrap().len(), 1);
    assert_eq!(t.schema.value.unwrap().ty, ValueType::Binary);
    round_trips(&t, Format::TargetControl);
}

/// Rough parse speed (run with `cargo test --release -p gtrack-formats --test wig -- --ignored --nocapture`).
#[test]
#[ignore]
fn bedgraph_speed() {
    let mut text = String::from("track type=bedGraph\n");
    let mut pos = 0u64;
    for i in 0..2_000_000u64 {
        text.push_str(&format!(
            "chr{}\t{}\t{}\t{}.{}\n",
            1 + i / 700_000,
            pos,
            pos + 25,
            i % 97,
            i % 13
        ));
        pos += 30;
    }
    let t0 = std::time::Instant::now();
    let t = read_str(&text, Format::BedGraph).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "bedGraph: {} elements, {:.1} MB in {:.3}s = {:.0} MB/s",
        t.len(),
        text.len() as f64 / 1e6,
        secs,
        text.len() as f64 / 1e6 / secs
    );
}

/// Overlapping WIG sections give overlapping bounding regions, which
/// GTrack cannot hold: writing GTrack is refused with both regions named
/// (fuzz finding F30), instead of writing a file that does not read back.
#[test]
fn overlapping_sections_cannot_be_written_as_gtrack() {
    let text = "variableStep chrom=chr1 span=10\n100 1\n";
    let mut t = read_str(text, Format::Wig).unwrap();
    assert_eq!(t.regions.len(), 1, "{:?}", t.regions);
    assert!(format::losses(&t, Format::Gtrack).is_ok());
    // A second region 5 bp further overlaps the first.
    let mut r = t.regions[0].clone();
    r.start += 5;
    r.end = r.end.map(|e| e + 5);
    r.block = None;
    t.regions.push(r);
    let e = format::losses(&t, Format::Gtrack).expect_err("overlapping regions");
    assert!(e.to_string().contains("overlap"), "{e}");
    let mut out = Vec::new();
    assert!(format::write(&t, &mut out, Format::Gtrack, &WriteOptions::default()).is_err());
}
