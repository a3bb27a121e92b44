//! The property of the `formats_reader` fuzz target, as a test over every
//! text fixture of the format families and every saved fuzz regression:
//! reading never panics; a track that GTrack can hold is written to GTrack
//! and reads back the same; a track its own format claims to carry
//! losslessly is written in that format and reads back the same.

mod common;
use common::files;
use std::path::Path;

use gtrack_formats::format::{self, by_extension, Format, ReadOptions, WriteOptions};

fn check(fmt: Format, body: &[u8], expand: bool, what: &str) -> bool {
    let ro = ReadOptions {
        expand_blocks: expand,
        ..Default::default()
    };
    let Ok(track) = format::read(body, "x", fmt, &ro) else {
        return false;
    };
    if format::losses(&track, Format::Gtrack).is_ok() {
        let mut gt = Vec::new();
        format::write(&track, &mut gt, Format::Gtrack, &WriteOptions::default()).unwrap();
        let back = format::read(&gt[..], "gt", Format::Gtrack, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{what} ({fmt}): GTrack output does not read back: {e}"));
        assert!(
            back.same(&track),
            "{what} ({fmt}): GTrack round trip changed the track"
        );
    }
    // (An empty track reads back with the format's default type: skip.)
    if !track.is_empty() && format::losses(&track, fmt).is_ok_and(|l| l.is_empty()) {
        let mut out = Vec::new();
        if format::write(&track, &mut out, fmt, &WriteOptions::default()).is_ok() {
            let again = format::read(&out[..], "again", fmt, &ro)
                .unwrap_or_else(|e| panic!("{what} ({fmt}): own output does not read back: {e}"));
            // GFF dialects rewrite attribute text written in another
            // dialect's syntax (tags and values kept): then the written text
            // must be stable instead.
            let stable = || {
                let mut out2 = Vec::new();
                format::write(&again, &mut out2, fmt, &WriteOptions::default()).is_ok()
                    && out2 == out
            };
            let gff = matches!(fmt, Format::Gff2 | Format::Gff3 | Format::Gtf);
            assert!(
                again.same(&track) || (gff && stable()),
                "{what} ({fmt}): own round trip changed the track"
            );
        }
    }
    true
}

#[test]
fn every_text_fixture_round_trips_through_gtrack_and_its_own_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut all = Vec::new();
    for fam in ["bed", "wig", "gff", "vcf", "ucsc", "seq", "bioxsd"] {
        let d = root.join(fam);
        if d.is_dir() {
            files(&d, &mut all);
        }
    }
    let (mut read, mut tried) = (0, 0);
    for p in all {
        let name = p.to_string_lossy().to_string();
        let Some(fmt) = by_extension(&name).filter(|f| !f.is_binary()) else {
            continue;
        };
        if name.ends_with(".gz") {
            continue;
        }
        let body = std::fs::read(&p).unwrap();
        tried += 1;
        for expand in [false, true] {
            read += check(fmt, &body, expand, &name) as usize;
        }
    }
    assert!(tried >= 100, "only {tried} fixtures");
    assert!(read >= 100, "only {read} readable fixture/mode pairs");
}

#[test]
fn fuzz_regressions_hold() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/formats");
    let text: Vec<Format> = Format::ALL
        .iter()
        .copied()
        .filter(|f| !f.is_binary())
        .collect();
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let data = std::fs::read(&p).unwrap();
        let Some((&sel, body)) = data.split_first() else {
            continue;
        };
        let fmt = text[sel as usize % text.len()];
        let expand = sel as usize / text.len() % 2 == 1;
        check(fmt, body, expand, &p.to_string_lossy());
        n += 1;
    }
    assert!(n >= 1);
}

/// Every readable fixture, written to every format (losses allowed), never
/// panics: a clear error or a file, and whatever is written reads back
/// (in that format) without a panic either.
#[test]
fn every_fixture_converts_to_every_format_without_panicking() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut all = Vec::new();
    for fam in ["bed", "wig", "gff", "vcf", "ucsc", "seq", "bioxsd"] {
        let d = root.join(fam);
        if d.is_dir() {
            files(&d, &mut all);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let wo = WriteOptions {
        allow_lossy: true,
        genome: Some(
            gtrack_core::Genome::new(
                "big",
                (1..=30)
                    .map(|i| (format!("chr{i}"), 300_000_000))
                    .chain(
                        ["chrX", "chrY", "chrM", "ctg123", "chr22_random"]
                            .map(|n| (n.to_string(), 300_000_000)),
                    )
                    .collect(),
            )
            .unwrap(),
        ),
        ..Default::default()
    };
    let (mut written, mut refused) = (0, 0);
    for p in all {
        let name = p.to_string_lossy().to_string();
        let Some(fmt) = by_extension(&name).filter(|f| !f.is_binary()) else {
            continue;
        };
        if name.ends_with(".gz") || name.contains("invalid") {
            continue;
        }
        let Ok(track) = format::read(
            &std::fs::read(&p).unwrap()[..],
            "x",
            fmt,
            &ReadOptions::default(),
        ) else {
            continue;
        };
        for &to in Format::ALL {
            let out = dir.path().join(format!("out.{}", to.extensions()[0]));
            match format::write_path(&track, out.to_str().unwrap(), to, &wo) {
                Ok(()) => {
                    written += 1;
                    let _ =
                        format::read_path(out.to_str().unwrap(), Some(to), &ReadOptions::default());
                }
                Err(e) => {
                    refused += 1;
                    let msg = e.to_string();
                    assert!(!msg.is_empty(), "{name} -> {to}: empty error");
                }
            }
        }
    }
    assert!(
        written > 500,
        "only {written} conversions written ({refused} refused)"
    );
}

/// bigtools never returns when given no item: a track whose values are all
/// missing is refused with a reason instead (found by the test above).
#[test]
fn bigwig_of_only_missing_values_is_refused_not_hung() {
    let t = format::read(
        &b"chr1\t0\t100\tnan\nchr1\t200\t300\tnan\n"[..],
        "x",
        Format::BedGraph,
        &ReadOptions::default(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.bw");
    let wo = WriteOptions {
        allow_lossy: true,
        genome: Some(gtrack_core::Genome::new("g", vec![("chr1".into(), 1000)]).unwrap()),
        ..Default::default()
    };
    let e = format::write_path(&t, out.to_str().unwrap(), Format::BigWig, &wo).unwrap_err();
    assert!(e.to_string().contains("no element can be written"), "{e}");
    assert!(!out.exists());
}
