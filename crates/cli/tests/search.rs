//! `gtrack index add` and `gtrack search`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gtrack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gtrack"))
        .args(args)
        .output()
        .expect("run gtrack")
}

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../collections/tests/data")
        .join(p)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn indexed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ix = dir.path().join("ix");
    let o = gtrack(&[
        "index",
        "add",
        data("fairtracks/valid.json").to_str().unwrap(),
        data("search/chip.gsuite").to_str().unwrap(),
        "--index",
        ix.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    dir
}

#[test]
fn search_table_json_gsuite_and_facets() {
    let dir = indexed();
    let ix = dir.path().join("ix");
    let ix = ix.to_str().unwrap();
    let o = gtrack(&["search", "assembly:GRCh38 type:bw", "--index", ix]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("K562 H3K4me3 signal\t9606\thg38\t"));

    let o = gtrack(&["search", "target:H3K27ac", "--index", ix, "--to", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);

    let o = gtrack(&["search", "cell:K562", "--index", ix, "--to", "gsuite"]);
    let g = text(&o.stdout);
    assert!(g.starts_with("##location: remote\n"));
    assert_eq!(g.lines().filter(|l| !l.starts_with('#')).count(), 3);

    let o = gtrack(&["search", "", "--index", ix, "--facet", "species"]);
    let out = text(&o.stdout);
    assert!(out.contains("#facet\tspecies\t9606\t5\n"), "{out}");
    assert!(out.contains("#facet\tspecies\t10090\t1\n"), "{out}");
}

#[test]
fn bad_queries_and_sources() {
    let dir = indexed();
    let ix = dir.path().join("ix");
    let ix = ix.to_str().unwrap();
    let o = gtrack(&["search", "colour:red", "--index", ix]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("search-unknown-field"));
    let o = gtrack(&["search", "'; DROP TABLE records; --", "--index", ix]);
    assert_eq!(o.status.code(), Some(0));
    let o = gtrack(&["search", "cell:K562", "--index", ix]);
    assert_eq!(text(&o.stdout).lines().count(), 4);
    let o = gtrack(&[
        "search",
        "x",
        "--index",
        dir.path().join("none").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let junk = dir.path().join("junk.txt");
    std::fs::write(&junk, "hello").unwrap();
    let o = gtrack(&["index", "add", junk.to_str().unwrap(), "--index", ix]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("search-source-format"));
}
