//! Reading in parallel chunks gives exactly the sequential result, or
//! falls back to it: over every BED-family and bedGraph fixture at several
//! chunk sizes, and on generated files whose whole-file rules (points,
//! step function, vector widths, header placement) cross chunk borders.

mod common;
use common::files;
use std::path::Path;

use gtrack_core::TrackType;
use gtrack_formats::chunked::{read_parallel, splittable};
use gtrack_formats::format::{self, Format, ReadOptions};
use gtrack_formats::Error;

fn sequential(path: &str, fmt: Format) -> Result<gtrack_core::Track, Error> {
    let body = std::fs::read(path).unwrap();
    format::read(&body[..], path, fmt, &ReadOptions::default())
}

#[test]
fn every_splittable_fixture_reads_the_same_in_chunks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut all = Vec::new();
    files(&root, &mut all);
    all.sort();
    let ro = ReadOptions::default();
    let (mut joined, mut fell_back, mut errors) = (0, 0, 0);
    for p in all {
        let path = p.to_str().unwrap();
        let Ok(fmt) = format::resolve(path, None) else {
            continue;
        };
        if !splittable(fmt, &ro) {
            continue;
        }
        let seq = sequential(path, fmt);
        for chunk in [1, 40, 200, 1 << 20] {
            let par = read_parallel(path, fmt, &ro, chunk).unwrap();
            match (&seq, par) {
                (Ok(t), Some(p)) => {
                    assert!(p.same(t), "{path} (chunk {chunk}): chunked read differs");
                    joined += 1;
                }
                (Ok(_), None) => {
                    eprintln!("fallback: {path} chunk {chunk}");
                    fell_back += 1
                }
                (Err(e), Some(_)) => {
                    panic!("{path} (chunk {chunk}): chunked read accepted what the sequential reader refuses: {e}")
                }
                (Err(_), None) => errors += 1,
            }
        }
    }
    // Valid files never need the sequential fallback (header lines split
    // over chunks are parsed again together; points and step-function
    // rules are re-decided on the whole).
    assert_eq!(
        fell_back, 0,
        "valid fixtures fell back to sequential reading"
    );
    assert!(joined >= 90, "only {joined} chunked reads joined");
    assert!(errors >= 20, "only {errors} invalid fixtures tried");
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn chunked(path: &str, fmt: Format, chunk: usize) -> Option<gtrack_core::Track> {
    read_parallel(path, fmt, &ReadOptions::default(), chunk).unwrap()
}

#[test]
fn bedgraph_step_function_is_decided_for_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    // Contiguous everywhere, with chr1 continuing across chunk borders and
    // chr2 interleaved: a step function, one region per sequence.
    let mut text = String::from("track type=bedGraph name=x\n");
    for i in 0..50 {
        text.push_str(&format!("chr1\t{}\t{}\t{}\n", i * 10, i * 10 + 10, i));
    }
    for i in 0..20 {
        text.push_str(&format!("chr2\t{}\t{}\t1.5\n", i * 5, i * 5 + 5));
    }
    for i in 50..60 {
        text.push_str(&format!("chr1\t{}\t{}\t{}\n", i * 10, i * 10 + 10, i));
    }
    let p = write(dir.path(), "step.bedgraph", &text);
    let seq = sequential(&p, Format::BedGraph).unwrap();
    assert_eq!(seq.track_type(), TrackType::StepFunction);
    for chunk in [64, 100, 333] {
        let par = chunked(&p, Format::BedGraph, chunk).expect("joins");
        assert!(par.same(&seq), "chunk {chunk}");
        assert_eq!(par.regions.len(), 2);
    }
    // A gap exactly at a chunk border: every piece is contiguous on its
    // own, the whole file is not.
    let mut text = String::new();
    for i in 0..40 {
        let s = if i < 20 { i * 10 } else { i * 10 + 3 };
        text.push_str(&format!("chr1\t{s}\t{}\t1\n", s + 10));
    }
    let p = write(dir.path(), "gap.bedgraph", &text);
    let seq = sequential(&p, Format::BedGraph).unwrap();
    assert_eq!(seq.track_type(), TrackType::ValuedSegments);
    let border = text.lines().take(20).map(|l| l.len() + 1).sum::<usize>();
    let par = chunked(&p, Format::BedGraph, border).expect("joins");
    assert_eq!(par.track_type(), TrackType::ValuedSegments);
    assert!(par.regions.is_empty());
    assert!(par.same(&seq));
}

#[test]
fn bed_points_rule_is_decided_for_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let unit: String = (0..30).map(|i| format!("chr1\t{i}\t{}\n", i + 1)).collect();
    let p = write(dir.path(), "unit.bed", &unit);
    let par = chunked(&p, Format::Bed, 50).expect("joins");
    assert_eq!(par.track_type(), TrackType::Points);
    assert!(par.same(&sequential(&p, Format::Bed).unwrap()));
    // The last line is 2 bp: its piece is segments, so is the file.
    let mixed = format!("{unit}chr1\t100\t102\n");
    let p = write(dir.path(), "mixed.bed", &mixed);
    let seq = sequential(&p, Format::Bed).unwrap();
    assert_eq!(seq.track_type(), TrackType::Segments);
    let par = chunked(&p, Format::Bed, 50).expect("joins");
    assert_eq!(par.track_type(), TrackType::Segments);
    assert!(par.same(&seq));
}

#[test]
fn cross_chunk_rule_breaks_fall_back_to_the_exact_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let data: String = (0..30)
        .map(|i| format!("chr1\t{i}\t{}\tn{i}\t5\t+\n", i + 3))
        .collect();
    // A track line after the data, in a later chunk.
    let p = write(dir.path(), "late.bed", &format!("{data}track name=late\n"));
    assert!(chunked(&p, Format::Bed, 64).is_none());
    let e = format::read_path(&p, Some(Format::Bed), &ReadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("late.bed:31: bed-track-line"), "{e}");
    // Different column counts in different chunks.
    let p = write(dir.path(), "cols.bed", &format!("{data}chr1\t1\t5\n"));
    assert!(chunked(&p, Format::Bed, 64).is_none());
    // BED15 whose expCount changes in a later chunk.
    let line = |n: usize, k: usize| {
        let ids: Vec<String> = (0..k).map(|j| j.to_string()).collect();
        let sc: Vec<String> = (0..k).map(|j| format!("{}.5", j)).collect();
        format!(
            "chr1\t{n}\t{}\tp{n}\t0\t+\t{n}\t{}\t0\t1\t{}\t0\t{k}\t{}\t{}\n",
            n + 10,
            n + 10,
            10,
            ids.join(","),
            sc.join(",")
        )
    };
    let mut text: String = (0..20).map(|n| line(n, 3)).collect();
    text.push_str(&line(50, 4));
    let p = write(dir.path(), "exp.bed15", &text);
    let seq = sequential(&p, Format::Bed15);
    assert!(
        seq.is_err(),
        "the sequential reader refuses a changing expCount"
    );
    assert!(chunked(&p, Format::Bed15, 128).is_none());
}

#[test]
fn large_files_go_through_the_parallel_reader_with_exact_errors() {
    // Above two chunks, `read_path` reads in parallel (with more than one
    // thread): the result equals the sequential read, and an error on the
    // last line still names that line.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::with_capacity(18 << 20);
    let mut n = 0u64;
    while text.len() < 2 * gtrack_formats::chunked::CHUNK + 4096 {
        let c = if n % 1000 < 600 { "chr1" } else { "chr2" };
        text.push_str(&format!(
            "{c}\t{}\t{}\t{}.25\n",
            n * 10,
            n * 10 + 10,
            n % 97
        ));
        n += 1;
    }
    let p = write(dir.path(), "big.bedgraph", &text);
    let (_, par) = format::read_path(&p, None, &ReadOptions::default()).unwrap();
    let seq = sequential(&p, Format::BedGraph).unwrap();
    assert!(par.same(&seq));
    assert_eq!(par.len() as u64, n);
    text.push_str("chr2\t5\t1\t1\n");
    let p = write(dir.path(), "bad.bedgraph", &text);
    let e = format::read_path(&p, None, &ReadOptions::default()).unwrap_err();
    let want = format!("bad.bedgraph:{}: bedgraph-coordinates", n + 1);
    assert!(e.to_string().contains(&want), "{e}");
}

/// The `chunked_reader` fuzz property (see fuzz/fuzz_targets/chunked_reader.rs)
/// on `body`: first byte = format among the splittable ones, second =
/// chunk size 1..=64.
fn fuzz_property(data: &[u8], what: &str) {
    let ro = ReadOptions::default();
    let formats: Vec<Format> = Format::ALL
        .iter()
        .copied()
        .filter(|&f| splittable(f, &ro))
        .collect();
    let [sel, size, body @ ..] = data else {
        return;
    };
    let fmt = formats[*sel as usize % formats.len()];
    let chunk = 1 + *size as usize % 64;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("input");
    std::fs::write(&p, body).unwrap();
    let p = p.to_str().unwrap();
    let seq = format::read(body, p, fmt, &ro);
    let par = read_parallel(p, fmt, &ro, chunk).unwrap();
    match (seq, par) {
        (Ok(t), Some(c)) => assert!(
            c.same(&t),
            "{what}: {fmt} (chunk {chunk}): chunked read differs"
        ),
        (Ok(_), None) => panic!("{what}: {fmt} (chunk {chunk}): a valid file fell back"),
        (Err(e), Some(_)) => panic!("{what}: {fmt} (chunk {chunk}): accepted an invalid file: {e}"),
        (Err(_), None) => {}
    }
}

#[test]
fn chunked_fuzz_regressions_hold() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/chunked");
    let mut all = Vec::new();
    files(&dir, &mut all);
    assert!(!all.is_empty(), "no reproducers in {}", dir.display());
    for p in all {
        fuzz_property(&std::fs::read(&p).unwrap(), &p.display().to_string());
    }
}

#[test]
fn genome_checks_hold_in_every_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let genome =
        gtrack_core::Genome::new("toy", vec![("chr1".into(), 1000), ("chr2".into(), 500)]).unwrap();
    let ro = ReadOptions {
        genome: Some(genome),
        ..Default::default()
    };
    let ok: String = (0..40)
        .map(|i| format!("chr{}\t{i}\t{}\tn\t1\t+\n", 1 + i % 2, i + 5))
        .collect();
    let p = write(dir.path(), "ok.bed", &ok);
    let seq = format::read(ok.as_bytes(), &p, Format::Bed, &ro).unwrap();
    let par = read_parallel(&p, Format::Bed, &ro, 64)
        .unwrap()
        .expect("joins");
    assert!(par.same(&seq));
    // Line 31 runs past the end of chr2: the sequential reader refuses it,
    // so the chunked read must not join.
    let mut bad = ok.clone();
    bad.insert_str(
        ok.lines().take(30).map(|l| l.len() + 1).sum::<usize>(),
        "chr2\t490\t510\tn\t1\t+\n",
    );
    let p = write(dir.path(), "bad.bed", &bad);
    let e = format::read(bad.as_bytes(), &p, Format::Bed, &ro).unwrap_err();
    assert!(e.to_string().contains(":31: "), "{e}");
    assert!(read_parallel(&p, Format::Bed, &ro, 64).unwrap().is_none());
}
