//! Fetching against a real HTTP server on 127.0.0.1 started by the test:
//! download, checksum mismatch, resume, size cap, the private-address
//! guard (also across redirects), offline mode and GSuite deferred download.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gtrack_collections::fetch::{
    fetch_fairtracks, fetch_gsuite, Algorithm, Cache, Checksum, FetchError, FetchOptions, Status,
};
use gtrack_collections::gsuite::{self, ReadOptions};

/// One logged request: path and Range header.
type Log = Arc<Mutex<Vec<(String, Option<String>)>>>;

struct Server {
    addr: SocketAddr,
    log: Log,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
    fn requests(&self) -> Vec<(String, Option<String>)> {
        self.log.lock().unwrap().clone()
    }
}

fn body() -> Vec<u8> {
    (0..5000u32)
        .flat_map(|i| format!("chr1\t{}\t{}\n", i * 10, i * 10 + 5).into_bytes())
        .collect()
}

fn md5_hex(b: &[u8]) -> String {
    use md5::Digest;
    md5::Md5::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Routes: /data.bed (Range supported), /nolength (no Content-Length),
/// /flaky (first answer cut short), /to?URL (302 to URL), /missing (404).
fn serve() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Log = Arc::default();
    let log2 = log.clone();
    let flaky = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let Ok(s) = s else { continue };
            let log = log2.clone();
            let flaky = flaky.clone();
            std::thread::spawn(move || {
                let _ = handle(s, &log, &flaky);
            });
        }
    });
    Server { addr, log }
}

fn handle(mut s: TcpStream, log: &Log, flaky: &AtomicUsize) -> std::io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut r = BufReader::new(s.try_clone()?);
    let mut first = String::new();
    r.read_line(&mut first)?;
    let path = first.split(' ').nth(1).unwrap_or("/").to_string();
    let mut range = None;
    loop {
        let mut l = String::new();
        if r.read_line(&mut l)? == 0 || l == "\r\n" {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("range") {
                range = Some(v.trim().to_string());
            }
        }
    }
    log.lock().unwrap().push((path.clone(), range.clone()));
    let data = body();
    let start = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.trim_end_matches('-').parse::<usize>().ok());
    let send = |s: &mut TcpStream, status: &str, headers: &str, b: &[u8]| -> std::io::Result<()> {
        write!(s, "HTTP/1.1 {status}\r\nConnection: close\r\n{headers}\r\n")?;
        s.write_all(b)?;
        s.flush()
    };
    if let Some(target) = path.strip_prefix("/to?") {
        return send(
            &mut s,
            "302 Found",
            &format!("Location: {target}\r\nContent-Length: 0\r\n"),
            b"",
        );
    }
    match path.as_str() {
        "/data.bed" => match start {
            Some(st) if st < data.len() => send(
                &mut s,
                "206 Partial Content",
                &format!(
                    "Content-Range: bytes {st}-{}/{}\r\nContent-Length: {}\r\n",
                    data.len() - 1,
                    data.len(),
                    data.len() - st
                ),
                &data[st..],
            ),
            _ => send(
                &mut s,
                "200 OK",
                &format!("Content-Length: {}\r\n", data.len()),
                &data,
            ),
        },
        "/nolength" => send(&mut s, "200 OK", "", &data),
        "/flaky" => {
            if flaky.fetch_add(1, Ordering::SeqCst) == 0 {
                // Promise everything, deliver 1000 bytes, hang up.
                write!(
                    s,
                    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                    data.len()
                )?;
                s.write_all(&data[..1000])?;
                s.flush()?;
                s.shutdown(std::net::Shutdown::Both)
            } else {
                let st = start.unwrap_or(0);
                send(
                    &mut s,
                    if st > 0 {
                        "206 Partial Content"
                    } else {
                        "200 OK"
                    },
                    &format!(
                        "Content-Range: bytes {st}-{}/{}\r\nContent-Length: {}\r\n",
                        data.len() - 1,
                        data.len(),
                        data.len() - st
                    ),
                    &data[st..],
                )
            }
        }
        _ => send(&mut s, "404 Not Found", "Content-Length: 0\r\n", b""),
    }
}

fn trusted() -> FetchOptions {
    FetchOptions {
        allow_private_network: true,
        timeout: Duration::from_secs(20),
        ..Default::default()
    }
}

fn objects(cache: &Cache) -> usize {
    fn count(p: &Path) -> usize {
        std::fs::read_dir(p)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| {
                        if e.path().is_dir() {
                            count(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    count(&cache.dir().join("objects")) + count(&cache.dir().join("partial"))
}

#[test]
fn downloads_into_the_content_addressed_cache() {
    let srv = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(d.path()).unwrap();
    let url = srv.url("/data.bed");
    let want = Checksum::parse(Some("md5"), &md5_hex(&body())).unwrap();
    let e = cache.fetch(&url, Some(&want), &trusted()).unwrap();
    assert_eq!(e.sha256, sha256_hex(&body()));
    assert_eq!(e.size, body().len() as u64);
    assert_eq!(std::fs::read(cache.object_path(&e.sha256)).unwrap(), body());
    assert_eq!(cache.index().unwrap()[&url], e);
    // A second fetch is served from the cache: no new request.
    let n = srv.requests().len();
    let again = cache.fetch(&url, None, &trusted()).unwrap();
    assert_eq!(again, e);
    assert_eq!(srv.requests().len(), n);
    // SHA-256 declared works too.
    let d2 = tempfile::tempdir().unwrap();
    let c2 = Cache::open(d2.path()).unwrap();
    let sha = Checksum::parse(None, &sha256_hex(&body())).unwrap();
    assert_eq!(sha.algorithm, Algorithm::Sha256);
    c2.fetch(&url, Some(&sha), &trusted()).unwrap();
    // HTTP errors are reported with their status.
    match cache.fetch(&srv.url("/missing"), None, &trusted()) {
        Err(FetchError::Status { status: 404, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn checksum_mismatch_leaves_nothing_in_the_cache() {
    let srv = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(d.path()).unwrap();
    let wrong = Checksum::parse(Some("md5"), &"0".repeat(32)).unwrap();
    match cache.fetch(&srv.url("/data.bed"), Some(&wrong), &trusted()) {
        Err(FetchError::ChecksumMismatch { actual, .. }) => assert_eq!(actual, md5_hex(&body())),
        other => panic!("{other:?}"),
    }
    assert_eq!(objects(&cache), 0);
    assert!(cache.index().unwrap().is_empty());
}

#[test]
fn resumes_a_partial_download_with_range() {
    let srv = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(d.path()).unwrap();
    let url = srv.url("/data.bed");
    std::fs::write(cache.partial_path(&url), &body()[..1234]).unwrap();
    let e = cache.fetch(&url, None, &trusted()).unwrap();
    assert_eq!(
        srv.requests(),
        [("/data.bed".to_string(), Some("bytes=1234-".to_string()))]
    );
    assert_eq!(std::fs::read(cache.object_path(&e.sha256)).unwrap(), body());
    assert!(!cache.partial_path(&url).exists());
}

#[test]
fn an_interrupted_download_is_kept_and_resumed() {
    let srv = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(d.path()).unwrap();
    let url = srv.url("/flaky");
    assert!(cache.fetch(&url, None, &trusted()).is_err());
    assert_eq!(
        std::fs::metadata(cache.partial_path(&url)).unwrap().len(),
        1000
    );
    let e = cache.fetch(&url, None, &trusted()).unwrap();
    assert_eq!(e.md5, md5_hex(&body()));
    assert_eq!(srv.requests()[1].1.as_deref(), Some("bytes=1000-"));
}

#[test]
fn size_cap_refuses_large_files() {
    let srv = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(d.path()).unwrap();
    let opts = FetchOptions {
        max_size: Some(1000),
        ..trusted()
    };
    // Declared by Content-Length…
    match cache.fetch(&srv.url("/data.bed"), None, &opts) {
        Err(FetchError::TooLarge {
            limit: 1000, what, ..
        }) => assert!(what.contains("declares"), "{what}"),
        other => panic!("{other:?}"),
    }
    // …or found while streaming.
    match cache.fetch(&srv.url("/nolength"), None, &opts) {
        Err(FetchError::TooLarge { what, .. }) => assert!(what.contains("arrived"), "{what}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(objects(&cache), 0);
    // Under the cap it works.
    let ok = FetchOptions {
        max_size: Some(body().len() as u64),
        ..trusted()
    };
    cache.fetch(&srv.url("/data.bed"), None, &ok).unwrap();
}

#[test]
fn loopback_is_refused_by_default() {
    let srv = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(d.path()).unwrap();
    match cache.fetch(&srv.url("/data.bed"), None, &FetchOptions::default()) {
        Err(FetchError::PrivateAddress { kind, addr, .. }) => {
            assert_eq!(kind, "loopback");
            assert_eq!(addr.to_string(), "127.0.0.1");
        }
        other => panic!("{other:?}"),
    }
    assert!(srv.requests().is_empty(), "no request may reach the server");
    // `localhost` by name is checked the same way.
    let by_name = format!("http://localhost:{}/data.bed", srv.addr.port());
    assert!(matches!(
        cache.fetch(&by_name, None, &FetchOptions::default()),
        Err(FetchError::PrivateAddress { .. })
    ));
}

#[test]
fn redirect_to_a_private_address_is_refused_unless_allowed() {
    let a = serve();
    let b = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(d.path()).unwrap();
    let url = a.url(&format!("/to?{}", b.url("/data.bed")));
    // Only server A is allowed (as if it were a public host): the hop to B is refused.
    let only_a = FetchOptions {
        allowed_endpoints: vec![a.addr],
        timeout: Duration::from_secs(20),
        ..Default::default()
    };
    match cache.fetch(&url, None, &only_a) {
        Err(FetchError::PrivateAddress { url: hop, .. }) => assert_eq!(hop, b.url("/data.bed")),
        other => panic!("{other:?}"),
    }
    assert_eq!(a.requests().len(), 1);
    assert!(b.requests().is_empty());
    assert_eq!(objects(&cache), 0);
    // With --allow-private-network the redirect is followed.
    let e = cache.fetch(&url, None, &trusted()).unwrap();
    assert_eq!(e.final_url, b.url("/data.bed"));
    // Too many redirects.
    let loop_url = a.url(&format!("/to?{}", a.url("/to?/x")));
    let few = FetchOptions {
        max_redirects: 1,
        ..trusted()
    };
    assert!(matches!(
        cache.fetch(&loop_url, None, &few),
        Err(FetchError::Redirect { .. })
    ));
}

#[test]
fn offline_uses_only_the_cache_and_reports_staleness() {
    let srv = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(d.path()).unwrap();
    let url = srv.url("/data.bed");
    let offline = FetchOptions {
        offline: true,
        ..trusted()
    };
    assert!(matches!(
        cache.fetch(&url, None, &offline),
        Err(FetchError::NotCached { .. })
    ));
    assert!(srv.requests().is_empty());
    cache.fetch(&url, None, &trusted()).unwrap();
    let n = srv.requests().len();
    cache.fetch(&url, None, &offline).unwrap();
    assert!(matches!(
        cache.status(&url, None, None).unwrap(),
        Status::Fresh(..)
    ));
    std::thread::sleep(Duration::from_millis(1100));
    assert!(matches!(
        cache
            .status(&url, None, Some(Duration::from_millis(10)))
            .unwrap(),
        Status::Stale(..)
    ));
    // A stale entry is still served offline.
    let stale_offline = FetchOptions {
        max_age: Some(Duration::from_millis(10)),
        ..offline
    };
    cache.fetch(&url, None, &stale_offline).unwrap();
    assert_eq!(srv.requests().len(), n);
    let wrong = Checksum::parse(Some("md5"), &"1".repeat(32)).unwrap();
    assert!(matches!(
        cache.status(&url, Some(&wrong), None).unwrap(),
        Status::Mismatch(_)
    ));
}

#[test]
fn gsuite_deferred_download_rewrites_uris_to_cached_files() {
    let srv = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(&d.path().join("cache")).unwrap();
    let text = format!(
        "##genome: hg38\n###uri\ttitle\tmd5\n{}\tA\t{}\n{}\tB\t.\nhb:/local/track\tC\t.\n",
        srv.url("/data.bed"),
        md5_hex(&body()),
        srv.url("/nolength;bed"),
    );
    let g = gsuite::parse_str(&text, "in.gsuite", &ReadOptions::default())
        .unwrap()
        .suite;
    let (outcomes, local) = fetch_gsuite(&g, &cache, &trusted()).unwrap();
    assert!(outcomes.iter().all(|o| o.result.is_ok()), "{outcomes:?}");
    let local = local.unwrap();
    let out = local.to_text();
    let back = gsuite::parse_str(&out, "out.gsuite", &ReadOptions::default()).unwrap();
    assert_eq!(back.suite.header("location"), Some("local"), "{out}");
    let u0 = back.suite.uri(0).unwrap();
    assert!(u0.starts_with("file://") && u0.ends_with(";bed"), "{u0}");
    assert_eq!(
        back.suite.field(0, "original_uri"),
        Some(srv.url("/data.bed").as_str())
    );
    assert_eq!(back.suite.uri(2), Some("hb:/local/track"));
    let path = u0.trim_start_matches("file://").trim_end_matches(";bed");
    assert_eq!(std::fs::read(path).unwrap(), body());
    // A wrong checksum column fails the track and no local suite is made.
    let bad = text.replace(&md5_hex(&body()), &"2".repeat(32));
    let g = gsuite::parse_str(&bad, "in.gsuite", &ReadOptions::default())
        .unwrap()
        .suite;
    let cache2 = Cache::open(&d.path().join("cache2")).unwrap();
    let (outcomes, local) = fetch_gsuite(&g, &cache2, &trusted()).unwrap();
    assert!(local.is_none());
    assert!(matches!(
        outcomes[0].result,
        Err(FetchError::ChecksumMismatch { .. })
    ));
    // By default the loopback server is refused for every track.
    let cache3 = Cache::open(&d.path().join("cache3")).unwrap();
    let (outcomes, local) = fetch_gsuite(&g, &cache3, &FetchOptions::default()).unwrap();
    assert!(local.is_none());
    assert!(matches!(
        outcomes[1].result,
        Err(FetchError::PrivateAddress { .. })
    ));
}

#[test]
fn fairtracks_style_checksum_columns() {
    let text = "###uri\tchecksum->cs_hash\tchecksum->cs_method\nhttp://h.example/a\t0ab98dbd2a2193ab3e09df030ea4f934\tMD5\n";
    let g = gsuite::parse_str(text, "t", &ReadOptions::default())
        .unwrap()
        .suite;
    let c = gtrack_collections::fetch::gsuite_checksum(&g, 0)
        .unwrap()
        .unwrap();
    assert_eq!(c.algorithm, Algorithm::Md5);
}

/// Our FAIRtracks fixture with its three tracks pointed at the test server.
fn fairtracks_doc(srv: &Server) -> serde_json::Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fairtracks/valid.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    let b = body();
    let tracks = doc["tracks"].as_array_mut().unwrap();
    tracks[0]["file_url"] = srv.url("/data.bed").into();
    tracks[0]["checksum"] = serde_json::json!({"cs_method": "MD5", "cs_hash": md5_hex(&b)});
    tracks[1]["file_url"] = srv.url("/nolength").into();
    tracks[1]["checksum"] = serde_json::json!({"cs_method": "SHA-256", "cs_hash": sha256_hex(&b)});
    tracks[2]["file_url"] = srv.url("/to?/data.bed").into();
    tracks[2]["checksum"] = serde_json::json!({"cs_method": "MD5", "cs_hash": md5_hex(&b)});
    doc
}

#[test]
fn fairtracks_documents_are_fetched_verified_by_their_checksums() {
    let srv = serve();
    let d = tempfile::tempdir().unwrap();
    let cache = Cache::open(d.path()).unwrap();
    let doc = fairtracks_doc(&srv);
    let (outcomes, local) = fetch_fairtracks(&doc, &cache, &trusted()).unwrap();
    assert!(outcomes.iter().all(|o| o.result.is_ok()), "{outcomes:?}");
    let local = local.unwrap();
    assert_eq!(local.header("location"), Some("local"));
    assert!(local
        .check("local.gsuite", &ReadOptions::default())
        .is_empty());
    assert_eq!(
        local.field(1, "original_uri"),
        Some(srv.url("/nolength").as_str())
    );

    // A wrong SHA-256 on track 1, no checksum on track 2: row i is /tracks/i.
    let mut bad = doc.clone();
    bad["tracks"][1]["checksum"]["cs_hash"] = "0".repeat(64).into();
    bad["tracks"][2].as_object_mut().unwrap().remove("checksum");
    bad["tracks"][2]["file_url"] = srv.url("/data.bed?again").into();
    let cache2 = Cache::open(&d.path().join("c2")).unwrap();
    let (outcomes, local) = fetch_fairtracks(&bad, &cache2, &trusted()).unwrap();
    assert!(local.is_none());
    assert!(outcomes[0].result.is_ok());
    assert!(
        matches!(
            &outcomes[1].result,
            Err(FetchError::ChecksumMismatch {
                algorithm: "sha256",
                ..
            })
        ),
        "{:?}",
        outcomes[1]
    );
    match &outcomes[2].result {
        Err(e @ FetchError::MissingChecksum { .. }) => {
            assert!(e.to_string().contains("FAIRtracks requires"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    // Offline from the first cache: everything is there, nothing requested.
    let n = srv.requests().len();
    let offline = FetchOptions {
        offline: true,
        max_age: Some(Duration::from_secs(3600)),
        ..trusted()
    };
    let (outcomes, local) = fetch_fairtracks(&doc, &cache, &offline).unwrap();
    assert!(local.is_some());
    assert!(outcomes.iter().all(|o| o.stale_age.is_none()));
    assert_eq!(srv.requests().len(), n);
    // Offline and stale: still served, and the age is reported.
    std::thread::sleep(Duration::from_millis(1100));
    let stale = FetchOptions {
        max_age: Some(Duration::from_millis(10)),
        ..offline
    };
    let (outcomes, _) = fetch_fairtracks(&doc, &cache, &stale).unwrap();
    assert!(
        outcomes.iter().all(|o| o.stale_age.is_some()),
        "{outcomes:?}"
    );
    assert_eq!(srv.requests().len(), n);
    // Not a collection document.
    assert!(matches!(
        fetch_fairtracks(&serde_json::json!({"a": 1}), &cache, &trusted()),
        Err(FetchError::Fairtracks(_))
    ));
}
