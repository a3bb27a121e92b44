//! `gtrack fairtracks validate|to-gsuite`: exit codes, `FILE: PATH: RULE`
//! diagnostics, atomic output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gtrack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gtrack"))
        .args(args)
        .output()
        .expect("run gtrack")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../collections/tests/data/fairtracks/valid.json")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn validate_valid_and_invalid() {
    let f = fixture();
    let f = f.to_str().unwrap();
    let o = gtrack(&["fairtracks", "validate", f]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("valid FAIRtracks v1.0.2"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let body = std::fs::read_to_string(f)
        .unwrap()
        .replace("\"taxonomy:9606\"", "\"taxonomy: 9606\"");
    std::fs::write(&bad, body).unwrap();
    let o = gtrack(&["fairtracks", "validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!(
            "{}: /samples/0/species_id: fairtracks-curie: ",
            bad.display()
        )),
        "{err}"
    );

    let notjson = dir.path().join("x.json");
    std::fs::write(&notjson, "{\n  \"a\": \n").unwrap();
    let o = gtrack(&["fairtracks", "validate", notjson.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("fairtracks-json"),
        "{}",
        text(&o.stderr)
    );

    let o = gtrack(&[
        "fairtracks",
        "validate",
        dir.path().join("missing.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn to_gsuite_stdout_and_file() {
    let f = fixture();
    let o = gtrack(&["fairtracks", "to-gsuite", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("##location: remote\n"));
    assert_eq!(out.lines().filter(|l| !l.starts_with('#')).count(), 3);
    assert!(out.contains("experiments->technique->term_label"));

    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.gsuite");
    let o = gtrack(&[
        "fairtracks",
        "to-gsuite",
        f.to_str().unwrap(),
        "-o",
        dest.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&dest).unwrap(), out);
    // only the output file is left behind (atomic write, no temp files)
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn to_gsuite_refuses_invalid_unless_lenient() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let body = std::fs::read_to_string(fixture()).unwrap().replace(
        "\"experiment_ref\": \"exp_rna\"",
        "\"experiment_ref\": \"exp_gone\"",
    );
    std::fs::write(&bad, body).unwrap();
    let o = gtrack(&["fairtracks", "to-gsuite", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("/tracks/2/experiment_ref: fairtracks-foreign-ref"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    let o = gtrack(&[
        "fairtracks",
        "to-gsuite",
        "--lenient",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        text(&o.stdout)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count(),
        3
    );
}
