//! `gtrack export` to Arrow IPC and Parquet (`--to arrow|parquet`, or by
//! the output's extension).

mod common;

use common::gtrack;

use std::path::Path;
use std::process::Output;

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn setup() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("peaks.bed"),
        "chr1\t100\t200\tp1\t5\t+\nchr1\t50\t80\tp2\t7\t-\nchr2\t0\t10\tp3\t0\t.\n",
    )
    .unwrap();
    ok(&gtrack(
        &["import", "peaks.bed", "--store", "st", "--name", "a/peaks"],
        tmp.path(),
    ));
    tmp
}

fn is_ipc(p: &Path) -> bool {
    let b = std::fs::read(p).unwrap();
    b.starts_with(b"ARROW1") && b.ends_with(b"ARROW1")
}

fn is_parquet(p: &Path) -> bool {
    let b = std::fs::read(p).unwrap();
    b.starts_with(b"PAR1") && b.ends_with(b"PAR1")
}

#[test]
fn export_by_extension_and_by_name() {
    let tmp = setup();
    let d = tmp.path();
    for (out, ipc) in [
        ("t.arrow", true),
        ("t.feather", true),
        ("t.ipc", true),
        ("t.parquet", false),
    ] {
        ok(&gtrack(&["export", "--store", "st", "a/peaks", out], d));
        let p = d.join(out);
        assert!(if ipc { is_ipc(&p) } else { is_parquet(&p) }, "{out}");
    }
    ok(&gtrack(
        &[
            "export", "--store", "st", "a/peaks", "x.bin", "--to", "parquet",
        ],
        d,
    ));
    assert!(is_parquet(&d.join("x.bin")));
    ok(&gtrack(
        &[
            "export", "--store", "st", "a/peaks", "y.bin", "--to", "arrow",
        ],
        d,
    ));
    assert!(is_ipc(&d.join("y.bin")));
    // Track formats still work, also with --to.
    ok(&gtrack(
        &["export", "--store", "st", "a/peaks", "z.txt", "--to", "bed"],
        d,
    ));
    let bed = std::fs::read_to_string(d.join("z.txt")).unwrap();
    assert!(bed.starts_with("chr1\t50\t80"), "{bed}");
}

#[test]
fn export_errors() {
    let tmp = setup();
    let d = tmp.path();
    let o = gtrack(
        &["export", "--store", "st", "a/peaks", "-", "--to", "parquet"],
        d,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("export-output"), "{e}");
    let o = gtrack(
        &["export", "--store", "st", "a/peaks", "t.x", "--to", "excel"],
        d,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("unknown format `excel`") && e.contains("parquet"),
        "{e}"
    );
    let o = gtrack(&["export", "--store", "st", "nope", "t.parquet"], d);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("store-no-track"), "{e}");
    assert!(!d.join("t.parquet").exists());
}
