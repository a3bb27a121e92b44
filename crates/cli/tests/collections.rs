//! End-to-end tests of `gtrack collections list|show|search`.

use std::process::{Command, Output};

fn gtrack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gtrack"))
        .args(args)
        .output()
        .expect("run gtrack")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn list_show_search() {
    let out = gtrack(&["collections", "list"]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).lines().count(), 34);
    let out = gtrack(&["collections", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 33);
    let out = gtrack(&["collections", "show", "encode"]);
    let o = text(&out.stdout);
    assert!(
        o.contains("organisms\tHomo sapiens (taxon:9606), Mus musculus (taxon:10090)"),
        "{o}"
    );
    assert!(o.contains("relation\tcontains\troadmap"), "{o}");
    assert!(o.contains("relation\tpart_of\tihec"), "{o}");
    let out = gtrack(&["collections", "show", "--json", "pcawg"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["links"][0]["relation"], "part_of");
    let out = gtrack(&["collections", "search", "haematopoietic"]);
    assert!(text(&out.stdout).contains("blueprint\tBLUEPRINT"));
    let out = gtrack(&["collections", "show", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no collection `nope`"));
}
