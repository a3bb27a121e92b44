//! `gtrack hub tracks|check|search` end to end: exit codes, the
//! `FILE:LINE: RULE: message` lines, outputs, and the registry search
//! against a local server on 127.0.0.1.

mod common;

use common::{gtrack, text};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;

fn write_hub(dir: &Path) {
    std::fs::create_dir_all(dir.join("hg38")).unwrap();
    std::fs::write(
        dir.join("hub.txt"),
        "hub cliHub\nshortLabel CLI hub\nlongLabel A hub for the CLI tests\ngenomesFile genomes.txt\nemail a@example.org\ndescriptionUrl about.html\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("genomes.txt"),
        "genome hg38\ntrackDb hg38/trackDb.txt\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("hg38/trackDb.txt"),
        "track comp\ncompositeTrack on\nshortLabel Comp\nlongLabel A composite\nsubGroup1 cell Cell K562=K562 HepG2=HepG2\ntype bigWig\n\n\
         track a\nparent comp\nshortLabel A\nlongLabel Track A\nsubGroups cell=K562\nbigDataUrl a.bw\nmetadata lab=\"Our lab\"\n\n\
         track b\nparent comp\nshortLabel B\nlongLabel Track B\nsubGroups cell=HepG2\nbigDataUrl https://example.org/b.bw\n",
    )
    .unwrap();
}

#[test]
fn tracks_as_tsv_json_and_gsuite() {
    let d = tempfile::tempdir().unwrap();
    write_hub(d.path());
    let o = gtrack(&["hub", "tracks", "hub.txt"], d.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("genome\ttrack\tparents\ttype\tgtrack_type\turi\t"));
    assert!(
        lines[1].starts_with("hg38\ta\tcomp\tbigWig\tfunction\tfile://"),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with("\tK562\tOur lab"), "{}", lines[1]);

    let o = gtrack(
        &[
            "hub", "tracks", "hub.txt", "--to", "json", "--genome", "GRCh38",
        ],
        d.path(),
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[1]["uri"], "https://example.org/b.bw");
    assert_eq!(v[1]["facets"]["cell"], "HepG2");

    let o = gtrack(
        &[
            "hub",
            "tracks",
            "hub.txt",
            "--to",
            "gsuite",
            "-o",
            "out.gsuite",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    let g = std::fs::read_to_string(d.path().join("out.gsuite")).unwrap();
    assert!(g.starts_with("##location: multiple\n##file format: primary\n##track type: function\n##genome: hg38\n###uri\ttitle\tfile_format\ttrack_type\tgenome"), "{g}");
    // What the listing writes passes the GSuite validator.
    let v = gtrack(&["gsuite", "validate", "out.gsuite"], d.path());
    assert!(v.status.success(), "{}", text(&v.stderr));
    // No temporary files are left next to the output.
    let left: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty());

    let o = gtrack(&["hub", "tracks", "hub.txt", "--genome", "dm6"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("genomes are: hg38"));
    let o = gtrack(&["hub", "tracks", "missing/hub.txt"], d.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot read hub `missing/hub.txt`"));
}

#[test]
fn check_exit_codes_and_locations() {
    let d = tempfile::tempdir().unwrap();
    write_hub(d.path());
    let o = gtrack(&["hub", "check", "hub.txt"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("0 error(s), 0 warning(s)"));

    std::fs::write(
        d.path().join("hg38/trackDb.txt"),
        "track comp\ncompositeTrack on\nshortLabel Comp\nlongLabel A composite\nsubGroup1 cell Cell K562=K562\ntype bigWig\n\n\
         track a\nparent comp\nshortLabel A label longer than seventeen\nlongLabel Track A\nsubGroups cell=GM12878\nbigDataUrl a.bw\n\n\
         track c\nparent nowhere\nshortLabel C\nlongLabel Track C\ntype bigBed 6+\nbigDataUrl c.bb\n",
    )
    .unwrap();
    let o = gtrack(&["hub", "check", "hub.txt"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    for want in [
        "hg38/trackDb.txt:10: hub-label-length: warning: ",
        "hg38/trackDb.txt:12: hub-subgroups-value: ",
        "hg38/trackDb.txt:16: hub-parent-missing: ",
        "hg38/trackDb.txt:19: hub-type-syntax: ",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
    let o = gtrack(&["hub", "check", "--errors-only", "hub.txt"], d.path());
    assert!(!text(&o.stderr).contains("warning:"));
}

#[test]
fn search_against_a_local_registry() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for _ in 0..2 {
            let (mut s, _) = l.accept().unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut first = String::new();
            r.read_line(&mut first).unwrap();
            let mut len = 0;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            r.read_exact(&mut body).unwrap();
            requests.push((first.trim().to_string(), String::from_utf8(body).unwrap()));
            let reply = r#"{"total_entries":1,"items":[{"id":"x1","score":1.0,"version":"v1.0","type":"genomics",
                "hub":{"name":"h","shortLabel":"H hub","longLabel":"Hub H","url":"http://example.org/h/hub.txt"},
                "species":{"tax_id":"9606","scientific_name":"Homo sapiens"},
                "assembly":{"accession":"GCA_000001405.15","name":"GRCh38"}}]}"#;
            write!(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}", reply.len()).unwrap();
        }
        requests
    });
    let dir = std::env::temp_dir();
    let o = gtrack(
        &[
            "hub",
            "search",
            "liver",
            "--registry",
            &base,
            "--assembly",
            "GRCh38",
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(
        out.lines().nth(1),
        Some("x1\th\tH hub\tHomo sapiens\tGRCh38\tgenomics\thttp://example.org/h/hub.txt")
    );
    let o = gtrack(
        &["hub", "search", "liver", "--registry", &base, "--json"],
        &dir,
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["items"][0]["assembly"]["accession"], "GCA_000001405.15");
    let reqs = handle.join().unwrap();
    assert_eq!(reqs[0].0, "POST /api/search?page=1 HTTP/1.1");
    let body = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert_eq!(
        body(&reqs[0].1),
        serde_json::json!({"assembly":"GRCh38","query":"liver"})
    );
    assert_eq!(body(&reqs[1].1), serde_json::json!({"query":"liver"}));
    // Nothing listening: an I/O error, exit 2.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = gtrack(
        &[
            "hub",
            "search",
            "x",
            "--registry",
            &format!("http://127.0.0.1:{port}"),
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(2));
}

/// Serve the files under `root` on 127.0.0.1.
fn serve_dir(root: std::path::PathBuf) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut first = String::new();
            let _ = r.read_line(&mut first);
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = first
                .split(' ')
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/');
            let (status, body) = match std::fs::read(root.join(path)) {
                Ok(b) => ("200 OK", b),
                Err(_) => ("404 Not Found", Vec::new()),
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    base
}

#[test]
fn hubs_over_http_refuse_loopback_unless_allowed() {
    let d = tempfile::tempdir().unwrap();
    write_hub(d.path());
    let base = serve_dir(d.path().to_path_buf());
    let url = format!("{base}/hub.txt");
    for cmd in ["tracks", "check"] {
        let out = gtrack(&["hub", cmd, &url], d.path());
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = text(&out.stderr);
        assert!(err.contains("loopback"), "{cmd}: {err}");
        assert!(err.contains("--allow-private-network"), "{cmd}: {err}");
    }
    let out = gtrack(
        &[
            "hub",
            "tracks",
            &url,
            "--to",
            "gsuite",
            "--allow-private-network",
        ],
        d.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let g = text(&out.stdout);
    assert!(g.contains(&format!("{base}/hg38/a.bw\tA\t")), "{g}");
    std::fs::write(d.path().join("out.gsuite"), &out.stdout).unwrap();
    let v = gtrack(&["gsuite", "validate", "out.gsuite"], d.path());
    assert!(v.status.success(), "{}", text(&v.stderr));
    let out = gtrack(&["hub", "check", &url, "--allow-private-network"], d.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
}
