//! End-to-end tests of `gtrack fetch` against a server on 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

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

fn gtrack(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gtrack"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run gtrack")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
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
