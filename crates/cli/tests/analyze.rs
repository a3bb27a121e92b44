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

/// Larger inputs for Monte Carlo: T1 segments partly inside T2's, a
/// second T2 unrelated to T1, points, sizes; a GSuite of both T2s (a plain
/// relative path and a file:// URI) and one with a remote URI.
fn setup_mc() -> tempfile::TempDir {
    let d = setup();
    let w = |n: &str, t: String| std::fs::write(d.path().join(n), t).unwrap();
    let mut x = 12345u64;
    let mut rnd = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    let (mut t1, mut t2, mut t3) = (String::new(), String::new(), String::new());
    for c in ["chr1", "chr2"] {
        for i in 0..100u64 {
            let base = i * 1000;
            let s2 = base + rnd(500);
            t2.push_str(&format!("{c}\t{s2}\t{}\n", s2 + 200));
            // T1 overlaps T2 most of the time.
            let s1 = if i % 4 == 0 {
                base + 700 + rnd(100)
            } else {
                s2 + rnd(150)
            };
            t1.push_str(&format!("{c}\t{s1}\t{}\n", s1 + 50));
            let s3 = base + rnd(900);
            t3.push_str(&format!("{c}\t{s3}\t{}\n", s3 + 60));
        }
    }
    w("t1.bed", t1);
    w("t2.bed", t2);
    w("t3.bed", t3);
    w("big.sizes", "chr1\t100000\nchr2\t100000\n".into());
    w(
        "suite.gsuite",
        format!(
            "##location: local\n###uri\ttitle\nfile://{}\tnear\nfile://{}\tfar\n",
            d.path().join("t2.bed").display(),
            d.path().join("t3.bed").display()
        ),
    );
    w(
        "remote.gsuite",
        "###uri\ttitle\nhttps://example.org/x.bed\tx\n".into(),
    );
    d
}

fn mc_json(d: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "analyze",
        "overlap",
        "t1.bed",
        "t2.bed",
        "--chrom-sizes",
        "big.sizes",
        "--json",
    ];
    args.extend_from_slice(extra);
    let (c, out, err) = gtrack(&args, d);
    assert_eq!(c, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn monte_carlo_is_reproducible_across_threads_and_records_parameters() {
    let d = setup_mc();
    let common = [
        "--null",
        "permute-segments-and-gaps",
        "--samples",
        "300",
        "--seed",
        "42",
    ];
    let mut a1 = common.to_vec();
    a1.extend(["--threads", "1"]);
    let mut a2 = common.to_vec();
    a2.extend(["--threads", "2"]);
    let v1 = mc_json(d.path(), &a1);
    let v2 = mc_json(d.path(), &a2);
    assert_eq!(v1["method"], "monte-carlo");
    let p = &v1["parameters"];
    assert_eq!(p["seed"], 42);
    assert!(p["rng"].as_str().unwrap().contains("ChaCha8"));
    assert_eq!(p["null_model"], "permute-segments-and-gaps");
    assert_eq!(p["randomize"], "1");
    assert_eq!(p["tail"], "more");
    assert_eq!(p["threads"], 1);
    assert_eq!(v2["parameters"]["threads"], 2);
    let (r1, r2) = (&v1["results"][0], &v2["results"][0]);
    for k in ["statistic", "p", "q"] {
        assert_eq!(r1[k], r2[k], "{k}");
    }
    for k in ["null_mean", "null_sd", "k", "samples", "seed", "observed"] {
        assert_eq!(r1["monte_carlo"][k], r2["monte_carlo"][k], "{k}");
    }
    assert_eq!(r1["monte_carlo"]["samples"], 300);
    // T1 is built to overlap T2: significant with 300 samples.
    let pv = r1["p"].as_f64().unwrap();
    assert!(pv < 0.01, "{pv}");
    assert!(r1["monte_carlo"]["null_mean"].as_f64().unwrap() < r1["statistic"].as_f64().unwrap());
    // Human-readable table: seed and model in the header, MC columns.
    let (c, out, err) = gtrack(
        &[
            "analyze",
            "overlap",
            "t1.bed",
            "t2.bed",
            "--chrom-sizes",
            "big.sizes",
            "--null",
            "permute-segments-and-gaps",
            "--mc",
            "quick",
            "--seed",
            "7",
        ],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    assert!(
        out.contains("seed 7") && out.contains("permute-segments-and-gaps"),
        "{out}"
    );
    assert!(out.contains("null_mean\tnull_sd\tsamples"), "{out}");
}

#[test]
fn questions_without_analytic_test_default_to_monte_carlo() {
    let d = setup_mc();
    let (c, out, err) = gtrack(
        &[
            "analyze",
            "jaccard",
            "t1.bed",
            "t2.bed",
            "--chrom-sizes",
            "big.sizes",
            "--mc",
            "quick",
            "--seed",
            "1",
            "--json",
        ],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["method"], "monte-carlo");
    assert_eq!(v["parameters"]["null_model"], "permute-segments-and-gaps");
    // Points default to uniform points.
    let (c, out, err) = gtrack(
        &[
            "analyze",
            "near",
            "p.gtrack",
            "s.bed",
            "--chrom-sizes",
            "sizes",
            "--samples",
            "50",
            "--seed",
            "1",
            "--json",
        ],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["parameters"]["null_model"], "uniform-points");
    // An analytic question stays analytic without MC options.
    let v = mc_json(d.path(), &[]);
    assert_eq!(v["method"], "analytic");
    assert!(v["parameters"].is_null());
}

#[test]
fn null_models_that_do_not_fit_are_refused_with_the_ones_that_do() {
    let d = setup_mc();
    let (c, _, err) = gtrack(
        &[
            "analyze",
            "overlap",
            "t1.bed",
            "t2.bed",
            "--chrom-sizes",
            "big.sizes",
            "--null",
            "uniform-points",
        ],
        d.path(),
    );
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("[model-does-not-fit]"), "{err}");
    assert!(err.contains("track 1 (type segments)"), "{err}");
    assert!(
        err.contains("permute-segments-and-gaps, permute-segments-sample-gaps"),
        "{err}"
    );
    let (c, _, err) = gtrack(
        &[
            "analyze",
            "overlap",
            "t1.bed",
            "t2.bed",
            "--null",
            "shuffle-everything",
        ],
        d.path(),
    );
    assert_eq!(c, 1);
    assert!(err.contains("[unknown-model]"), "{err}");
    let (c, _, err) = gtrack(
        &["analyze", "overlap", "t1.bed", "t2.bed", "--randomize", "3"],
        d.path(),
    );
    assert_eq!(c, 1);
    assert!(err.contains("--randomize"), "{err}");
    let (c, _, err) = gtrack(
        &["analyze", "overlap", "t1.bed", "t2.bed", "--mc", "fast"],
        d.path(),
    );
    assert_eq!(c, 1);
    assert!(err.contains("quick, medium, robust"), "{err}");
    let (c, _, err) = gtrack(
        &[
            "analyze",
            "inside",
            "p.gtrack",
            "s.bed",
            "--null",
            "intensity-points",
        ],
        d.path(),
    );
    assert_eq!(c, 1);
    assert!(err.contains("--intensity"), "{err}");
}

#[test]
fn one_against_many_with_gsuite_ranks_and_adjusts() {
    let d = setup_mc();
    let (c, out, err) = gtrack(
        &[
            "analyze",
            "overlap",
            "t1.bed",
            "suite.gsuite",
            "t2.bed",
            "--chrom-sizes",
            "big.sizes",
            "--json",
        ],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = v["results"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["track2"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"near") && names.contains(&"far") && names.contains(&"t2.bed"));
    // Ranked by p; q = Benjamini–Hochberg over the three p-values.
    let p: Vec<f64> = rows.iter().map(|r| r["p"].as_f64().unwrap()).collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    let m = 3.0;
    let mut want = [0.0; 3];
    let mut run = 1.0f64;
    for i in (0..3).rev() {
        run = run.min(p[i] * m / (i as f64 + 1.0)).min(1.0);
        want[i] = run;
    }
    for (r, w) in rows.iter().zip(want) {
        let q = r["q"].as_f64().unwrap();
        assert!((q - w).abs() < 1e-12, "{q} vs {w}");
    }
    assert_eq!(rows[2]["track2"]["name"], "far");
    // Remote URIs: a clear error pointing at `gtrack fetch`.
    let (c, _, err) = gtrack(
        &[
            "analyze",
            "overlap",
            "t1.bed",
            "remote.gsuite",
            "--chrom-sizes",
            "big.sizes",
        ],
        d.path(),
    );
    assert_eq!(c, 1);
    assert!(err.contains("remote.gsuite:2:"), "{err}");
    assert!(
        err.contains("[gsuite-remote-track]") && err.contains("gtrack fetch"),
        "{err}"
    );
}

fn well_formed(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = quick_xml::Reader::from_str(&text);
    let mut depth = 0i32;
    loop {
        match r.read_event().unwrap() {
            quick_xml::events::Event::Start(_) => depth += 1,
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    assert!(text.contains("<svg"));
    text
}

#[test]
fn per_bin_monte_carlo_q_values_and_plots() {
    let d = setup_mc();
    let (c, out, err) = gtrack(
        &[
            "analyze",
            "overlap",
            "t1.bed",
            "t2.bed",
            "--chrom-sizes",
            "big.sizes",
            "--bin-size",
            "25000",
            "--null",
            "permute-segments-and-gaps",
            "--samples",
            "99",
            "--seed",
            "3",
            "--json",
            "--plot",
            "bins.svg",
        ],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let bins = v["results"][0]["bins"].as_array().unwrap();
    assert_eq!(bins.len(), 8);
    let p: Vec<f64> = bins.iter().map(|b| b["p"].as_f64().unwrap()).collect();
    let q: Vec<f64> = bins.iter().map(|b| b["q"].as_f64().unwrap()).collect();
    for (pi, qi) in p.iter().zip(&q) {
        assert!(qi >= pi && *qi <= 1.0);
    }
    assert!(bins.iter().all(|b| b["monte_carlo"]["samples"] == 99));
    let svg = well_formed(&d.path().join("bins.svg"));
    assert!(svg.contains("chr2"), "per-bin plot names the sequences");
    // Global test: null histogram with the observed value.
    let (c, _, err) = gtrack(
        &[
            "analyze",
            "overlap",
            "t1.bed",
            "t2.bed",
            "--chrom-sizes",
            "big.sizes",
            "--samples",
            "200",
            "--seed",
            "3",
            "--plot",
            "null.svg",
        ],
        d.path(),
    );
    assert_eq!(c, 0, "{err}");
    let svg = well_formed(&d.path().join("null.svg"));
    assert!(svg.contains("id=\"observed\""), "{svg}");
}
