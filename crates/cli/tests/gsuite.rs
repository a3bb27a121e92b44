//! End-to-end tests of `gtrack gsuite validate|info|convert`.

mod common;

use common::{gtrack, text};

const GOOD: &str = "##genome: hg38\n###uri\ttitle\ttrack_type\n\
https://data.example.org/a.bed\tA\tvalued segments\n\
https://data.example.org/b.bed\tB\tlinked segments\n";

const BAD: &str = "###uri\ttitle\nhttps://data.example.org/a.bed\tA\ns3://bucket/b.bed\tA\n";

#[test]
fn validate_reports_file_line_rule() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("good.gsuite"), GOOD).unwrap();
    std::fs::write(d.path().join("bad.gsuite"), BAD).unwrap();
    let out = gtrack(&["gsuite", "validate", "good.gsuite"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("good.gsuite: ok (2 tracks)"));
    let out = gtrack(
        &["gsuite", "validate", "good.gsuite", "bad.gsuite"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("bad.gsuite:3: gsuite-uri-scheme: "), "{err}");
    assert!(
        err.contains("bad.gsuite:3: gsuite-title-duplicate: "),
        "{err}"
    );
    // Untrusted mode refuses file URIs.
    std::fs::write(d.path().join("f.gsuite"), "###uri\nfile:///etc/passwd\n").unwrap();
    assert!(gtrack(&["gsuite", "validate", "f.gsuite"], d.path())
        .status
        .success());
    let out = gtrack(
        &["gsuite", "validate", "--no-file-uris", "f.gsuite"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("f.gsuite:2: gsuite-uri-file-disabled: "));
    // Missing file: I/O error, exit 2.
    assert_eq!(
        gtrack(&["gsuite", "validate", "nope.gsuite"], d.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn info_shows_given_and_derived_headers() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("good.gsuite"), GOOD).unwrap();
    let out = gtrack(&["gsuite", "info", "good.gsuite"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let o = text(&out.stdout);
    assert!(o.contains("tracks\t2\n"), "{o}");
    assert!(
        o.contains("track type\t(absent)\t(derived: segments)"),
        "{o}"
    );
    assert!(o.contains("genome\thg38\t(derived: hg38)"), "{o}");
    let out = gtrack(&["gsuite", "info", "--json", "good.gsuite"], d.path());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["derived"]["location"], "remote");
    assert_eq!(v["uri_schemes"]["https"], 2);
}

#[test]
fn convert_to_gsuite_tsv_json() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("good.gsuite"), GOOD).unwrap();
    let out = gtrack(
        &["gsuite", "convert", "good.gsuite", "out.gsuite"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let g = std::fs::read_to_string(d.path().join("out.gsuite")).unwrap();
    assert!(
        g.starts_with("##location: remote\n##file format: primary\n##track type: segments\n##genome: hg38\n###uri\ttitle\ttrack_type\n"),
        "{g}"
    );
    let out = gtrack(
        &["gsuite", "convert", "good.gsuite", "-", "--to", "tsv"],
        d.path(),
    );
    assert!(text(&out.stdout)
        .starts_with("uri\ttitle\ttrack_type\nhttps://data.example.org/a.bed\tA\t"));
    let out = gtrack(
        &["gsuite", "convert", "good.gsuite", "o.json", "--to", "json"],
        d.path(),
    );
    assert!(out.status.success());
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("o.json")).unwrap()).unwrap();
    assert_eq!(v["tracks"][1]["title"], "B");
    // Invalid input: exit 1, no output file.
    std::fs::write(d.path().join("bad.gsuite"), BAD).unwrap();
    let out = gtrack(&["gsuite", "convert", "bad.gsuite", "bad.out"], d.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(!d.path().join("bad.out").exists());
}
