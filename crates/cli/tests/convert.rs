//! End-to-end tests of `gtrack convert`, `gtrack formats` and `gtrack info`
//! on non-GTrack formats: lossless-or-refused, atomic outputs, exit codes,
//! the `FILE:LINE: RULE: message` contract.

mod common;

use common::{gtrack, text};

const BEDGRAPH: &str =
    "track type=bedGraph name=demo\nchr1\t0\t100\t1.5\nchr1\t120\t250\t-2\nchr2\t10\t20\t0.25\n";

const GFF: &str = "##gff-version 3\nctg1\t.\tgene\t1000\t9000\t.\t+\t.\tID=g1;Name=EDEN\nctg1\t.\tmRNA\t1050\t9000\t.\t+\t.\tID=m1;Parent=g1\n";

#[test]
fn bedgraph_to_gtrack_declares_the_subtype_and_converts_back() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.bedgraph"), BEDGRAPH).unwrap();
    let out = gtrack(&["convert", "a.bedgraph", "a.gtrack"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let gt = std::fs::read_to_string(d.path().join("a.gtrack")).unwrap();
    assert!(
        gt.starts_with("##subtype url: http://gtrack.no/bedgraph.gtrack\n"),
        "{gt}"
    );
    assert!(gt.contains("chr1\t120\t250\t-2\n"), "{gt}");
    // Plain GTrack on request.
    let out = gtrack(
        &[
            "convert",
            "a.bedgraph",
            "-",
            "--to",
            "gtrack",
            "--subtype",
            "none",
        ],
        d.path(),
    );
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("##track type: valued segments"));
    // And back: the same data lines.
    let out = gtrack(&["convert", "a.gtrack", "b.bedgraph"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bg = std::fs::read_to_string(d.path().join("b.bedgraph")).unwrap();
    let data = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("chr"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(data(&bg), data(BEDGRAPH));
}

#[test]
fn lossy_conversion_is_refused_naming_the_losses_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.gff3"), GFF).unwrap();
    let out = gtrack(&["convert", "a.gff3", "a.bedgraph"], d.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("would lose information") && err.contains("strand"),
        "{err}"
    );
    assert!(err.contains("--allow-lossy"), "{err}");
    assert!(!d.path().join("a.bedgraph").exists());
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    // With --allow-lossy it converts and lists the losses as warnings.
    let out = gtrack(
        &["convert", "a.gff3", "a.bedgraph", "--allow-lossy"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("warning: lost in bedGraph"));
    assert!(d.path().join("a.bedgraph").exists());
}

#[test]
fn bad_input_reports_file_line_rule_and_leaves_no_output() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("bad.bedgraph"),
        "chr1\t0\t10\t1\nchr1\t30\t20\t2\n",
    )
    .unwrap();
    let out = gtrack(&["convert", "bad.bedgraph", "bad.gtrack"], d.path());
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("bad.bedgraph:2: bedgraph-"), "{err}");
    assert!(!d.path().join("bad.gtrack").exists());
}

#[test]
fn usage_errors_exit_2() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.bedgraph"), BEDGRAPH).unwrap();
    let out = gtrack(&["convert", "a.bedgraph", "a.unknown"], d.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--to"), "{}", text(&out.stderr));
    let out = gtrack(
        &["convert", "a.bedgraph", "a.gtrack", "--subtype", "bed6"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("subtype bed6 does not fit"),
        "{}",
        text(&out.stderr)
    );
    let out = gtrack(&["convert", "missing.bed", "a.gtrack"], d.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.bed"));
    let out = gtrack(
        &["convert", "a.bedgraph", "a.gtrack", "--from", "nosuch"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn info_and_detection_work_on_other_formats() {
    let d = tempfile::tempdir().unwrap();
    // No telling extension: detected from the content.
    std::fs::write(d.path().join("signal.txt"), BEDGRAPH).unwrap();
    let out = gtrack(&["info", "--json", "signal.txt"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["format"], "bedgraph");
    assert_eq!(j["track_type"], "valued segments");
    assert_eq!(j["elements"], 3);
    assert_eq!(j["seqids"], serde_json::json!(["chr1", "chr2"]));
    std::fs::write(d.path().join("a.gff3"), GFF).unwrap();
    let out = gtrack(&["info", "a.gff3"], d.path());
    assert!(text(&out.stdout).contains("format\tgff3"));
    let out = gtrack(&["formats"], d.path());
    let listed = text(&out.stdout);
    for f in [
        "bed", "bedgraph", "wig", "gff3", "gtf", "vcf", "bigwig", "bigbed", "2bit", "maf", "bioxsd",
    ] {
        assert!(
            listed.lines().any(|l| l.starts_with(&format!("{f}\t"))),
            "{f} missing"
        );
    }
}

#[test]
fn gc_content_from_fasta() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("s.fa"), ">chr1\nGGCCAATTNNGC\n").unwrap();
    let out = gtrack(
        &["gc-content", "s.fa", "gc.bedgraph", "--window", "4"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bg = std::fs::read_to_string(d.path().join("gc.bedgraph")).unwrap();
    let rows: Vec<&str> = bg.lines().filter(|l| l.starts_with("chr1")).collect();
    assert_eq!(
        rows,
        ["chr1\t0\t4\t1", "chr1\t4\t8\t0", "chr1\t8\t12\t1"],
        "{bg}"
    );
    let out = gtrack(
        &["gc-content", "s.fa", "gc.gtrack", "--window", "1"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let gt = std::fs::read_to_string(d.path().join("gc.gtrack")).unwrap();
    assert!(gt.contains("##track type: function"), "{gt}");
}
