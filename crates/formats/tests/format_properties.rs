//! The property of the `formats_reader` fuzz target, as a test over every
//! text fixture of the format families and every saved fuzz regression:
//! reading never panics; a track that GTrack can hold is written to GTrack
//! and reads back the same; a track its own format claims to carry
//! losslessly is written in that format and reads back the same.

use std::path::{Path, PathBuf};

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

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
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
