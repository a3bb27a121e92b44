//! End-to-end tests of `gtrack fetch` against a server on 127.0.0.1.

mod common;

use common::{gtrack, text};

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

const DATA: &[u8] = b"chr1\t10\t20\nchr1\t30\t40\n";

fn serve() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut r = BufReader::new(s.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                DATA.len()
            );
            let _ = s.write_all(DATA);
        }
    });
    format!("http://{addr}")
}

#[test]
fn fetch_offline_refused_and_allowed() {
    let base = serve();
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("in.gsuite"),
        format!("##genome: hg38\n###uri\ttitle\n{base}/a.bed\tA\n"),
    )
    .unwrap();
    // Offline with an empty cache: reported missing, exit 1.
    let out = gtrack(
        &["fetch", "in.gsuite", "--cache", "c", "--offline"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("in.gsuite:3: "),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("--offline"),
        "{}",
        text(&out.stderr)
    );
    // Loopback refused by default.
    let out = gtrack(
        &["fetch", "in.gsuite", "--cache", "c", "-o", "local.gsuite"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("loopback"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.path().join("local.gsuite").exists());
    // Allowed with the flag; the local GSuite points at the cache.
    let out = gtrack(
        &[
            "fetch",
            "in.gsuite",
            "--cache",
            "c",
            "-o",
            "local.gsuite",
            "--allow-private-network",
        ],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let local = std::fs::read_to_string(d.path().join("local.gsuite")).unwrap();
    assert!(local.contains("##location: local\n"), "{local}");
    assert!(local.contains("file://"), "{local}");
    // Now offline succeeds from the cache.
    let out = gtrack(
        &["fetch", "in.gsuite", "--cache", "c", "--offline"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Size cap.
    let out = gtrack(
        &[
            "fetch",
            "in.gsuite",
            "--cache",
            "c2",
            "--max-size",
            "5",
            "--allow-private-network",
        ],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("5-byte limit"),
        "{}",
        text(&out.stderr)
    );
    let out = gtrack(
        &["fetch", "in.gsuite", "--cache", "c2", "--max-size", "5x"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn fairtracks_input_and_offline_staleness() {
    let base = serve();
    let d = tempfile::tempdir().unwrap();
    // The SHA-256 of the served file, as gtrack reports it.
    std::fs::write(
        d.path().join("one.gsuite"),
        format!("###uri\n{base}/x.bed\n"),
    )
    .unwrap();
    let out = gtrack(
        &[
            "fetch",
            "one.gsuite",
            "--cache",
            "probe",
            "--allow-private-network",
        ],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sha = text(&out.stdout).split('\t').nth(1).unwrap().to_string();
    assert_eq!(sha.len(), 64);

    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../collections/tests/data/fairtracks/valid.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    for (i, t) in doc["tracks"].as_array_mut().unwrap().iter_mut().enumerate() {
        t["file_url"] = format!("{base}/t{i}.bed").into();
        t["checksum"] = serde_json::json!({"cs_method": "SHA-256", "cs_hash": sha});
    }
    doc["tracks"][2]["checksum"]["cs_hash"] = "0".repeat(64).into();
    std::fs::write(d.path().join("doc.json"), doc.to_string()).unwrap();
    let out = gtrack(
        &[
            "fetch",
            "doc.json",
            "--cache",
            "c",
            "--allow-private-network",
            "-o",
            "local.gsuite",
        ],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("doc.json: /tracks/2: checksum mismatch"),
        "{err}"
    );
    assert!(!d.path().join("local.gsuite").exists());
    // Fixed: all three cached, a local GSuite written.
    doc["tracks"][2]["checksum"]["cs_hash"] = sha.clone().into();
    std::fs::write(d.path().join("doc.json"), doc.to_string()).unwrap();
    let out = gtrack(
        &[
            "fetch",
            "doc.json",
            "--cache",
            "c",
            "--allow-private-network",
            "-o",
            "local.gsuite",
        ],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let local = std::fs::read_to_string(d.path().join("local.gsuite")).unwrap();
    assert!(local.contains("##location: local\n"), "{local}");
    let out = gtrack(&["gsuite", "validate", "local.gsuite"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Loopback refused by default for FAIRtracks input too.
    let out = gtrack(&["fetch", "doc.json", "--cache", "c3"], d.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("loopback"),
        "{}",
        text(&out.stderr)
    );
    // Offline, fresh: nothing to report but the summary.
    let out = gtrack(
        &["fetch", "doc.json", "--cache", "c", "--offline"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("3 track(s) cached, 0 missing or failed, 0 stale (offline)"));
    // Age the cache by 40 days: offline reports each track stale, still
    // succeeds (the copies are verified), and touches no network.
    let idx = d.path().join("c/index.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&idx).unwrap()).unwrap();
    for e in v.as_object_mut().unwrap().values_mut() {
        let t = e["fetched"].as_u64().unwrap();
        e["fetched"] = (t - 40 * 86_400).into();
    }
    std::fs::write(&idx, v.to_string()).unwrap();
    let out = gtrack(
        &["fetch", "doc.json", "--cache", "c", "--offline"],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("doc.json: /tracks/0: stale: "), "{err}");
    assert!(
        err.contains("cached 40 day(s) ago, more than --max-age-days 30"),
        "{err}"
    );
    assert!(err.contains("3 stale (offline)"), "{err}");
    // A GSuite offline reports the line.
    std::fs::write(
        d.path().join("two.gsuite"),
        format!("###uri\n{base}/t0.bed\n"),
    )
    .unwrap();
    let out = gtrack(
        &["fetch", "two.gsuite", "--cache", "c", "--offline"],
        d.path(),
    );
    assert!(
        text(&out.stderr).contains("two.gsuite:2: stale: "),
        "{}",
        text(&out.stderr)
    );
    // Not a FAIRtracks collection.
    std::fs::write(d.path().join("x.json"), "{\"a\": 1}").unwrap();
    let out = gtrack(&["fetch", "x.json", "--cache", "c"], d.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    std::fs::write(d.path().join("y.json"), "{").unwrap();
    let out = gtrack(&["fetch", "y.json", "--cache", "c"], d.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}
