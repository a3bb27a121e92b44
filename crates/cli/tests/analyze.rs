//! `gtrack stats` and `gtrack analyze` end to end.
// Reference values are kept exactly as the reference tools printed them.
#![allow(clippy::excessive_precision)]

use std::process::Command;

fn gtrack(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_gtrack"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn setup() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let w = |n: &str, t: &str| std::fs::write(d.path().join(n), t).unwrap();
    w("a.bed", "chr1\t10\t20\nchr1\t30\t70\n");
    w("b.bed", "chr1\t15\t25\nchr1\t37\t47\n");
    w("bins.bed", "chr1\t10\t100\n");
    w("sizes", "chr1\t100\nchr2\t50\n");
    w(
        "p.gtrack",
        "##gtrack version: 1.0\n##track type: points\n###seqid\tstart\nchr1\t15\nchr1\t40\nchr1\t45\nchr1\t60\nchr1\t70\n",
    );
    w("s.bed", "chr1\t15\t40\nchr1\t50\t75\n");
    w("badbins.bed", "chr1\t10\n");
    d
}

#[test]
fn analyze_overlap_reproduces_the_worked_case() {
    let d = setup();
    let (c, out, err) = gtrack(
        &[
            "analyze",
            "overlap",
            "a.bed",
            "b.bed",
            "--bins",
            "bins.bed",
            "--chrom-sizes",
            "sizes",
            "--json",
        ],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let g = &v["results"][0]["global"];
    assert_eq!(g["statistic"], 15.0);
    let det: Vec<(String, f64)> = g["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["name"].as_str().unwrap().to_string(),
                x["value"].as_f64().unwrap(),
            )
        })
        .collect();
    for (n, want) in [
        ("both", 15.0),
        ("only1", 35.0),
        ("only2", 5.0),
        ("neither", 35.0),
    ] {
        assert!(det.contains(&(n.to_string(), want)), "{n}: {det:?}");
    }
    assert_eq!(v["tail"], "more");
    assert_eq!(v["domain"]["bp"], 90);
    let p = g["test"]["p_value"].as_f64().unwrap();
    assert!((p - 0.10636003564160000211).abs() < 1e-12);
}

#[test]
fn analyze_inside_and_per_bin_table() {
    let d = setup();
    let (c, out, err) = gtrack(
        &[
            "analyze",
            "inside",
            "p.gtrack",
            "s.bed",
            "--chrom-sizes",
            "sizes",
            "--bins",
            "bins.bed",
        ],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    assert!(out.contains("binomial"), "{out}");
    // Whole chr1 (100 bp) tiled into 50 bp bins, chr2 too.
    let (c, out, err) = gtrack(
        &[
            "analyze",
            "inside",
            "p.gtrack",
            "s.bed",
            "--chrom-sizes",
            "sizes",
            "--bin-size",
            "50",
        ],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    let row = out.lines().find(|l| l.starts_with("1\t")).unwrap();
    let f: Vec<&str> = row.split('\t').collect();
    assert_eq!(f[3], "3", "{out}");
    assert!(out.contains("# per bin"), "{out}");
    assert!(out.contains("chr1\t50\t100\t2"), "{out}");
}

#[test]
fn wrong_types_and_bad_input_exit_1() {
    let d = setup();
    let (c, _, err) = gtrack(&["analyze", "overlap", "p.gtrack", "s.bed"], d.path());
    assert_eq!(c, 1);
    assert!(
        err.contains("[wrong-track-types]")
            && err.contains("points (track 1) and segments (track 2)"),
        "{err}"
    );
    assert!(err.contains("inside"), "{err}");
    let (c, _, err) = gtrack(&["analyze", "nope", "a.bed", "b.bed"], d.path());
    assert_eq!(c, 1);
    assert!(err.contains("[unknown-question]"), "{err}");
    let (c, _, err) = gtrack(
        &[
            "analyze",
            "overlap",
            "a.bed",
            "b.bed",
            "--bins",
            "badbins.bed",
        ],
        d.path(),
    );
    assert_eq!(c, 1);
    assert!(
        err.contains("badbins.bed:1:") && err.contains("[bins-parse]"),
        "{err}"
    );
    let (c, _, err) = gtrack(
        &["analyze", "overlap", "a.bed", "b.bed", "--tail", "up"],
        d.path(),
    );
    assert_eq!(c, 1);
    assert!(err.contains("unknown tail"), "{err}");
    let (c, _, err) = gtrack(&["analyze", "overlap", "a.bed", "missing.bed"], d.path());
    assert_eq!(c, 1, "{err}");
    let (c, _, err) = gtrack(&["stats", "a.bed", "--bin-size", "0"], d.path());
    assert_eq!(c, 1, "{err}");
}

#[test]
fn list_and_stats() {
    let d = setup();
    let (c, out, _) = gtrack(&["analyze", "--list", "p.gtrack", "s.bed"], d.path());
    assert_eq!(c, 0);
    assert!(out.contains("points (track 1) vs segments (track 2)"));
    assert!(out.lines().any(|l| l.starts_with("inside\t")));
    assert!(!out.lines().any(|l| l.starts_with("overlap\t")));
    let (c, out, _) = gtrack(&["analyze", "--list"], d.path());
    assert_eq!(c, 0);
    assert!(out.contains("counts-values"));
    let (c, out, err) = gtrack(
        &["stats", "a.bed", "--chrom-sizes", "sizes", "--json"],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["global"]["count"], 2);
    assert_eq!(v["global"]["bp_coverage"], 50);
    assert_eq!(v["domain"]["bp"], 150);
    assert_eq!(v["global"]["lengths"]["max"], 40.0);
    // Stored tracks by name.
    let (c, _, err) = gtrack(&["import", "--store", "st", "a.bed"], d.path());
    assert_eq!(c, 0, "{err}");
    let (c, out, err) = gtrack(
        &["stats", "--store", "st", "a", "--bin-size", "35"],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    assert!(out.contains("count\t2"), "{out}");
}
