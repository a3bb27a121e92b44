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

/// A server on 127.0.0.1 for the hub fixture: files under `root`, and a
/// few bytes for any other `.bb`/`.bw` path (the hub's data files).
fn serve(root: PathBuf) -> String {
    use std::io::{BufRead, BufReader, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut first = String::new();
            let _ = r.read_line(&mut first);
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = first
                .split(' ')
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/');
            let body = match std::fs::read(root.join(path)) {
                Ok(b) => Some(b),
                Err(_) if path.ends_with(".bb") || path.ends_with(".bw") => {
                    Some(format!("data of {path}\n").into_bytes())
                }
                Err(_) => None,
            };
            let (status, body) = match body {
                Some(b) => ("200 OK", b),
                None => ("404 Not Found", Vec::new()),
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

/// The worked example of docs/collections.md: catalogue → hub → index →
/// search → GSuite → fetch, all from fixtures in the repository.
#[test]
fn end_to_end_catalogue_hub_index_search_gsuite_fetch() {
    let d = tempfile::tempdir().unwrap();
    let p = |s: &str| d.path().join(s).to_str().unwrap().to_string();
    let base = serve(data("hubs/good"));
    let hub = format!("{base}/hub.txt");
    // The catalogue names where collections are.
    let o = gtrack(&["collections", "show", "encode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // The hub is on 127.0.0.1: refused unless trusted explicitly.
    let o = gtrack(&["index", "add", "catalog", &hub, "--index", &p("ix")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("loopback"), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("--allow-private-network"));
    let o = gtrack(&[
        "index",
        "add",
        "catalog",
        &hub,
        data("search/chip.gsuite").to_str().unwrap(),
        data("fairtracks/valid.json").to_str().unwrap(),
        "--index",
        &p("ix"),
        "--allow-private-network",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("catalog: 33 record(s) indexed (catalog)"),
        "{err}"
    );
    assert!(err.contains("(hub)") && err.contains("(gsuite)") && err.contains("(fairtracks)"));
    // Search across all of them.
    let o = gtrack(&[
        "search",
        "kind:collection species:10090 assay:\"histone modification\"",
        "--index",
        &p("ix"),
    ]);
    assert!(text(&o.stdout).contains("ENCODE\t"), "{}", text(&o.stdout));
    let o = gtrack(&[
        "search",
        "cell:K562",
        "--index",
        &p("ix"),
        "--facet",
        "source",
    ]);
    let out = text(&o.stdout);
    assert!(out.contains("#facet\tsource\t"), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("#facet")).count(),
        3,
        "{out}"
    );
    // Select the hub's hg38 tracks as a GSuite.
    let o = gtrack(&[
        "search",
        "kind:track assembly:GRCh38 type:bigWig source:127.0.0.1",
        "--index",
        &p("ix"),
        "--to",
        "gsuite",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    std::fs::write(p("sel.gsuite"), &o.stdout).unwrap();
    let sel = text(&o.stdout);
    assert_eq!(
        sel.lines().filter(|l| !l.starts_with('#')).count(),
        3,
        "{sel}"
    );
    assert!(sel.contains("##genome: hg38\n"), "{sel}");
    assert!(sel.contains("##track type: function\n"), "{sel}");
    let o = gtrack(&["gsuite", "validate", &p("sel.gsuite")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Fetch the selection: refused by default (loopback), fine when trusted.
    let o = gtrack(&["fetch", &p("sel.gsuite"), "--cache", &p("cache")]);
    assert_eq!(o.status.code(), Some(1));
    let o = gtrack(&[
        "fetch",
        &p("sel.gsuite"),
        "--cache",
        &p("cache"),
        "-o",
        &p("local.gsuite"),
        "--allow-private-network",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let local = std::fs::read_to_string(p("local.gsuite")).unwrap();
    assert!(local.contains("##location: local\n"), "{local}");
    let o = gtrack(&["gsuite", "validate", &p("local.gsuite")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // The fetched files are the fixture's real bigWigs.
    let first = local
        .lines()
        .find_map(|l| l.strip_prefix("file://"))
        .and_then(|l| l.split(';').next())
        .unwrap()
        .to_string();
    let o = gtrack(&["info", &first]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("format\tbigwig"),
        "{}",
        text(&o.stdout)
    );
    // Offline afterwards: all from the cache.
    let o = gtrack(&[
        "fetch",
        &p("sel.gsuite"),
        "--cache",
        &p("cache"),
        "--offline",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn index_add_chromosome_aliases_and_bad_gsuite() {
    let d = tempfile::tempdir().unwrap();
    let ix = d.path().join("ix");
    let ix = ix.to_str().unwrap();
    let o = gtrack(&[
        "index",
        "add",
        data("search/variants.gsuite").to_str().unwrap(),
        "--index",
        ix,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for q in ["chrom:22", "chrom:chr22", "chrom:chromosome22"] {
        let o = gtrack(&["search", q, "--index", ix]);
        let out = text(&o.stdout);
        assert_eq!(out.lines().count(), 2, "{q}: {out}");
        assert!(out.contains("1000G chr22 variants"), "{q}: {out}");
    }
    let o = gtrack(&["search", "chrom:MT", "--index", ix]);
    assert!(text(&o.stdout).contains("mitochondrial"));
    let bad = d.path().join("bad.gsuite");
    std::fs::write(
        &bad,
        "###uri\ttitle\nhttp://x/a.bed\tA\nhttp://x/b.bed\tA\n",
    )
    .unwrap();
    let o = gtrack(&["index", "add", bad.to_str().unwrap(), "--index", ix]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("bad.gsuite:3: gsuite-title-duplicate"),
        "{err}"
    );
}
