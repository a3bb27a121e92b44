//! Verified, resumable downloads into a content-addressed cache.
//!
//! Layout of a cache directory:
//!
//! - `objects/sha256/<2 hex>/<64 hex>`: the files, named by the SHA-256
//!   of their content;
//! - `partial/<sha256 of the URL>.part`: interrupted downloads, resumed
//!   with an HTTP `Range` request;
//! - `index.json`: URL → digest, size, declared checksum and time fetched.
//!
//! Downloads are verified against a declared checksum (MD5 or SHA-256)
//! when one is given; a mismatch leaves nothing in the cache. Redirects
//! are followed by hand so that every hop is checked, and unless
//! [`FetchOptions::allow_private_network`] is set every address a host
//! resolves to must be public: loopback, private, link-local, unique-local,
//! CGNAT, multicast and reserved addresses are refused (SSRF guard). The
//! check runs inside the resolver ureq connects with, so the addresses
//! checked are the addresses used.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::gsuite::{self, GSuite};

/// Checksum algorithms understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// MD5 (32 hex digits), as ENCODE and FAIRtracks declare.
    Md5,
    /// SHA-256 (64 hex digits).
    Sha256,
}

impl Algorithm {
    /// `md5` or `sha256`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha256 => "sha256",
        }
    }
}

/// A declared checksum.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checksum {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Lower-case hex digest.
    pub hex: String,
}

impl Checksum {
    /// Parse `hex` for `algorithm` (`md5`, `sha256`, `sha-256`, any case;
    /// `None` infers it from the length: 32 → MD5, 64 → SHA-256). A
    /// `md5:`/`sha256:` prefix on `hex` is accepted too.
    pub fn parse(algorithm: Option<&str>, hex: &str) -> Result<Checksum, FetchError> {
        let hex = hex.trim();
        let (algo, hex) = match hex.split_once(':') {
            Some((a, h)) if algorithm.is_none() => (Some(a), h.trim()),
            _ => (algorithm, hex),
        };
        let algorithm = match algo.map(|a| a.trim().to_ascii_lowercase().replace(['-', '_'], "")) {
            Some(a) if a == "md5" || a == "md5sum" => Algorithm::Md5,
            Some(a) if a == "sha256" => Algorithm::Sha256,
            Some(a) => {
                return Err(FetchError::BadChecksum(format!(
                    "unsupported checksum method `{a}` (use MD5 or SHA-256)"
                )))
            }
            None if hex.len() == 32 => Algorithm::Md5,
            None if hex.len() == 64 => Algorithm::Sha256,
            None => {
                return Err(FetchError::BadChecksum(format!(
                    "`{hex}` is neither an MD5 (32 hex digits) nor a SHA-256 (64 hex digits)"
                )))
            }
        };
        let want = if algorithm == Algorithm::Md5 { 32 } else { 64 };
        if hex.len() != want || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FetchError::BadChecksum(format!(
                "`{hex}` is not a {} digest ({want} hex digits)",
                algorithm.name()
            )));
        }
        Ok(Checksum {
            algorithm,
            hex: hex.to_ascii_lowercase(),
        })
    }
}

/// What can go wrong while fetching.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL cannot be downloaded (scheme, syntax).
    #[error("cannot download `{url}`: {why}")]
    Unsupported {
        /// The URL.
        url: String,
        /// Why.
        why: String,
    },
    /// A host resolved to an address untrusted input may not reach.
    #[error("refused `{url}`: {host} resolves to {addr}, a {kind} address; untrusted inputs may not reach it (pass --allow-private-network to allow)")]
    PrivateAddress {
        /// The URL of the hop.
        url: String,
        /// The host.
        host: String,
        /// The address.
        addr: IpAddr,
        /// loopback, private, link-local, …
        kind: &'static str,
    },
    /// The content does not match its declared checksum.
    #[error("checksum mismatch for `{url}`: declared {algorithm} {expected}, got {actual}; the download was discarded")]
    ChecksumMismatch {
        /// The URL.
        url: String,
        /// md5 or sha256.
        algorithm: &'static str,
        /// Declared digest.
        expected: String,
        /// Digest of the content.
        actual: String,
    },
    /// The file is larger than allowed.
    #[error(
        "`{url}` is larger than the {limit}-byte limit ({what}); raise --max-size to fetch it"
    )]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: u64,
        /// What revealed it.
        what: String,
    },
    /// The server answered with an error status.
    #[error("`{url}`: HTTP status {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
    },
    /// More redirects than allowed, or a redirect without a target.
    #[error("`{url}`: {why}")]
    Redirect {
        /// The URL.
        url: String,
        /// Why.
        why: String,
    },
    /// Offline mode and the URL is not cached.
    #[error("`{url}` is not in the cache and --offline forbids downloading it")]
    NotCached {
        /// The URL.
        url: String,
    },
    /// A declared checksum is malformed.
    #[error("bad checksum: {0}")]
    BadChecksum(String),
    /// A checksum is required (FAIRtracks input) but the track declares none.
    #[error("`{url}` declares no checksum; FAIRtracks requires `checksum` (cs_method and cs_hash) on every track, add it to the document")]
    MissingChecksum {
        /// The URL.
        url: String,
    },
    /// A FAIRtracks input that is not a collection document.
    #[error(transparent)]
    Fairtracks(#[from] crate::fairtracks::FairtracksError),
    /// Network failure (the partial download is kept for resuming).
    #[error("`{url}`: {source}")]
    Http {
        /// The URL.
        url: String,
        /// The cause.
        source: Box<ureq::Error>,
    },
    /// Local file-system failure.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: io::Error,
    },
}

fn ioe(what: impl Into<String>) -> impl FnOnce(io::Error) -> FetchError {
    let what = what.into();
    move |source| FetchError::Io { what, source }
}

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Never touch the network; only the cache answers.
    pub offline: bool,
    /// Refuse files larger than this many bytes.
    pub max_size: Option<u64>,
    /// Allow loopback, private and link-local addresses (trusted inputs only).
    pub allow_private_network: bool,
    /// Non-public endpoints (address and port) allowed even without
    /// `allow_private_network`, e.g. a known local mirror.
    pub allowed_endpoints: Vec<SocketAddr>,
    /// Redirect hops followed at most.
    pub max_redirects: u32,
    /// Entries older than this are stale: re-fetched online, reported offline.
    pub max_age: Option<Duration>,
    /// Timeout of one whole request.
    pub timeout: Duration,
    /// Refuse tracks that declare no checksum (set for FAIRtracks input,
    /// where the checksum is mandatory).
    pub require_checksum: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            offline: false,
            max_size: None,
            allow_private_network: false,
            allowed_endpoints: Vec::new(),
            max_redirects: 10,
            max_age: None,
            timeout: Duration::from_secs(600),
            require_checksum: false,
        }
    }
}

/// One cached download, as the index records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CacheEntry {
    /// SHA-256 of the content (names the object file).
    pub sha256: String,
    /// MD5 of the content.
    pub md5: String,
    /// Size in bytes.
    pub size: u64,
    /// When it was fetched (seconds since the Unix epoch).
    pub fetched: u64,
    /// The URL the content finally came from (after redirects).
    pub final_url: String,
}

/// Cache state of one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not cached (or the object file is gone).
    Missing,
    /// Cached but its content does not match the declared checksum.
    Mismatch(CacheEntry),
    /// Cached and younger than the maximum age.
    Fresh(CacheEntry, Duration),
    /// Cached but older than the maximum age.
    Stale(CacheEntry, Duration),
}

/// A content-addressed download cache in one directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// Open (creating if needed) the cache in `dir`.
    pub fn open(dir: &Path) -> Result<Cache, FetchError> {
        for sub in ["objects/sha256", "partial"] {
            fs::create_dir_all(dir.join(sub)).map_err(ioe(format!(
                "cannot create cache directory `{}`",
                dir.join(sub).display()
            )))?;
        }
        let dir = dir
            .canonicalize()
            .map_err(ioe(format!("cannot open `{}`", dir.display())))?;
        Ok(Cache { dir })
    }

    /// The cache directory (absolute).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the object with this SHA-256 lives.
    pub fn object_path(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("xx");
        self.dir.join("objects/sha256").join(prefix).join(sha256)
    }

    /// Where a partial download of `url` is kept.
    pub fn partial_path(&self, url: &str) -> PathBuf {
        self.dir
            .join("partial")
            .join(format!("{}.part", hex(&Sha256::digest(url.as_bytes()))))
    }

    fn index_path(&self) -> PathBuf {
        self.dir.join("index.json")
    }

    /// The index: URL → entry.
    pub fn index(&self) -> Result<BTreeMap<String, CacheEntry>, FetchError> {
        match fs::read(self.index_path()) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| FetchError::Io {
                what: format!("cache index `{}` is corrupt", self.index_path().display()),
                source: io::Error::new(io::ErrorKind::InvalidData, e),
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(ioe("cannot read the cache index")(e)),
        }
    }

    fn record(&self, url: &str, entry: &CacheEntry) -> Result<(), FetchError> {
        let mut idx = self.index()?;
        idx.insert(url.to_string(), entry.clone());
        let bytes = serde_json::to_vec_pretty(&idx).map_err(|e| FetchError::Io {
            what: "cannot encode the cache index".into(),
            source: io::Error::other(e),
        })?;
        gsuite::write_atomic(&self.index_path(), &bytes).map_err(|e| FetchError::Io {
            what: "cannot write the cache index".into(),
            source: io::Error::other(e.to_string()),
        })
    }

    /// The cache state of `url` (no network).
    pub fn status(
        &self,
        url: &str,
        expected: Option<&Checksum>,
        max_age: Option<Duration>,
    ) -> Result<Status, FetchError> {
        let Some(e) = self.index()?.remove(url) else {
            return Ok(Status::Missing);
        };
        if !self.object_path(&e.sha256).is_file() {
            return Ok(Status::Missing);
        }
        if let Some(c) = expected {
            let have = match c.algorithm {
                Algorithm::Md5 => &e.md5,
                Algorithm::Sha256 => &e.sha256,
            };
            if *have != c.hex {
                return Ok(Status::Mismatch(e));
            }
        }
        let age = Duration::from_secs(now().saturating_sub(e.fetched));
        Ok(match max_age {
            Some(m) if age > m => Status::Stale(e, age),
            _ => Status::Fresh(e, age),
        })
    }

    /// Fetch `url` into the cache (or find it there) and return its entry.
    /// A fresh cached copy matching `expected` is used without network.
    pub fn fetch(
        &self,
        url: &str,
        expected: Option<&Checksum>,
        opts: &FetchOptions,
    ) -> Result<CacheEntry, FetchError> {
        match self.status(url, expected, opts.max_age)? {
            Status::Fresh(e, _) => return Ok(e),
            Status::Stale(e, _) if opts.offline => return Ok(e),
            _ if opts.offline => {
                return Err(FetchError::NotCached {
                    url: url.to_string(),
                })
            }
            _ => {}
        }
        let part = self.partial_path(url);
        let final_url = download(url, &part, opts)?;
        let (sha, md) = digest_file(&part)?;
        let size = fs::metadata(&part)
            .map_err(ioe("cannot stat the download"))?
            .len();
        if let Some(c) = expected {
            let actual = match c.algorithm {
                Algorithm::Md5 => &md,
                Algorithm::Sha256 => &sha,
            };
            if *actual != c.hex {
                let _ = fs::remove_file(&part);
                return Err(FetchError::ChecksumMismatch {
                    url: url.to_string(),
                    algorithm: c.algorithm.name(),
                    expected: c.hex.clone(),
                    actual: actual.clone(),
                });
            }
        }
        let obj = self.object_path(&sha);
        if let Some(p) = obj.parent() {
            fs::create_dir_all(p).map_err(ioe("cannot create the object directory"))?;
        }
        fs::rename(&part, &obj).map_err(ioe(format!(
            "cannot move the download to `{}`",
            obj.display()
        )))?;
        let entry = CacheEntry {
            sha256: sha,
            md5: md,
            size,
            fetched: now(),
            final_url,
        };
        self.record(url, &entry)?;
        Ok(entry)
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn digest_file(p: &Path) -> Result<(String, String), FetchError> {
    let mut f = File::open(p).map_err(ioe("cannot read the download"))?;
    let (mut s, mut m) = (Sha256::new(), Md5::new());
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(ioe("cannot read the download"))?;
        if n == 0 {
            break;
        }
        s.update(&buf[..n]);
        m.update(&buf[..n]);
    }
    Ok((hex(&s.finalize()), hex(&m.finalize())))
}

/// Parse a size such as `1048576`, `500k`, `10M`, `2G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        None => (t, 1u64),
        Some((i, _)) => {
            let unit = t[i..].trim().to_ascii_lowercase();
            let m = match unit.trim_end_matches("ib").trim_end_matches('b') {
                "" => 1,
                "k" => 1 << 10,
                "m" => 1 << 20,
                "g" => 1 << 30,
                "t" => 1 << 40,
                _ => return Err(format!("`{s}`: unknown size unit (use k, M, G or T)")),
            };
            (&t[..i], m)
        }
    };
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("`{s}` is not a size (e.g. 500k, 10M, 2G)"))
}

/// Why `ip` is not a public address (`None` when it is public).
pub fn non_public_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4_kind(v4).or(Some("IPv4-mapped"));
            }
            let s = v6.segments();
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if s[0] & 0xfe00 == 0xfc00 {
                Some("unique-local (private)")
            } else if s[0] & 0xffc0 == 0xfe80 || s[0] & 0xffc0 == 0xfec0 {
                Some("link-local")
            } else if s[0] & 0xff00 == 0xff00 {
                Some("multicast")
            } else if s[0] == 0x2001 && s[1] == 0x0db8 {
                Some("documentation")
            } else if s[0] == 0x64 && s[1] == 0xff9b {
                // NAT64: judge the embedded IPv4 address.
                let v4 =
                    Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
                v4_kind(v4)
            } else if s[..6] == [0; 6] {
                Some("IPv4-compatible (deprecated)")
            } else {
                None
            }
        }
    }
}

fn v4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if o[0] == 0 {
        Some("unspecified")
    } else if o[0] == 100 && o[1] & 0xc0 == 64 {
        Some("shared (CGNAT)")
    } else if ip.is_multicast() || o[0] >= 240 {
        Some("multicast or reserved")
    } else if (o[0] == 192 && o[1] == 0 && o[2] == 0) || (o[0] == 198 && o[1] & 0xfe == 18) {
        Some("special-purpose")
    } else if ip.is_documentation() {
        Some("documentation")
    } else {
        None
    }
}

/// Resolver for ureq that refuses non-public addresses.
#[derive(Debug)]
struct GuardResolver {
    allow_private: bool,
    allowed: Vec<SocketAddr>,
}

impl ureq::unversioned::resolver::Resolver for GuardResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let addrs = ureq::unversioned::resolver::DefaultResolver::default()
            .resolve(uri, config, timeout)?;
        if !self.allow_private {
            if let Some(a) = addrs
                .iter()
                .find(|a| non_public_kind(a.ip()).is_some() && !self.allowed.contains(a))
            {
                return Err(ureq::Error::Io(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!("refused non-public address {}", a.ip()),
                )));
            }
        }
        Ok(addrs)
    }
}

/// Split an http(s) URL into (scheme, host, port).
fn url_parts(url: &str) -> Result<(String, String, u16), String> {
    let (scheme, rest) = url.split_once("://").ok_or("not an absolute URL")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        s => {
            return Err(format!(
                "scheme `{s}` is not downloadable (http and https are)"
            ))
        }
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if let Some(r) = hostport.strip_prefix('[') {
        let e = r.find(']').ok_or("unterminated IPv6 literal")?;
        (&r[..e], r[e + 1..].strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return Err("the host is empty".into());
    }
    let port = match port {
        Some(p) if !p.is_empty() => p.parse().map_err(|_| format!("bad port `{p}`"))?,
        _ => default,
    };
    Ok((scheme, host.to_string(), port))
}

/// Resolve `location` (from a redirect) against `base`.
fn join_url(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    if let Some(l) = location.strip_prefix("//") {
        return format!("{scheme}://{l}");
    }
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..auth_end]);
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = rest[auth_end..].split(['?', '#']).next().unwrap_or("");
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "/",
    };
    format!("{origin}{dir}{location}")
}

/// Check every address `host` resolves to (clear errors before ureq's
/// resolver enforces the same rule at connect time).
fn check_host(url: &str, host: &str, port: u16, allowed: &[SocketAddr]) -> Result<(), FetchError> {
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => (host, port)
            .to_socket_addrs()
            .map_err(ioe(format!("cannot resolve `{host}`")))?
            .collect(),
    };
    for a in addrs {
        if allowed.contains(&a) {
            continue;
        }
        if let Some(kind) = non_public_kind(a.ip()) {
            return Err(FetchError::PrivateAddress {
                url: url.to_string(),
                host: host.to_string(),
                addr: a.ip(),
                kind,
            });
        }
    }
    Ok(())
}

/// An HTTP agent whose resolver refuses non-public addresses (unless
/// `allow_private`; `allowed` lists exceptions), following at most
/// `max_redirects` redirects itself (every hop goes through the same
/// resolver), with no proxy (a proxy would hide the target's address).
pub(crate) fn guarded_agent(
    timeout: Duration,
    max_redirects: u32,
    allow_private: bool,
    allowed: &[SocketAddr],
) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .max_redirects(max_redirects)
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(timeout))
        .user_agent(concat!("gtrack/", env!("CARGO_PKG_VERSION")))
        .build();
    ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::new(),
        GuardResolver {
            allow_private,
            allowed: allowed.to_vec(),
        },
    )
}

/// Check that `url` (http or https) names a host whose every address is
/// public; `Ok` for other schemes (their callers refuse them).
pub(crate) fn check_url(url: &str, allowed: &[SocketAddr]) -> Result<(), FetchError> {
    match url_parts(url) {
        Ok((_, host, port)) => check_host(url, &host, port, allowed),
        Err(_) => Ok(()),
    }
}

/// Download `url` into `part` (resuming what is there); returns the final URL.
pub(crate) fn download(url: &str, part: &Path, opts: &FetchOptions) -> Result<String, FetchError> {
    let agent = guarded_agent(
        opts.timeout,
        0,
        opts.allow_private_network,
        &opts.allowed_endpoints,
    );
    let mut current = url.to_string();
    let mut hops = 0u32;
    let mut retried_range = false;
    loop {
        let (_, host, port) = url_parts(&current).map_err(|why| FetchError::Unsupported {
            url: current.clone(),
            why,
        })?;
        if !opts.allow_private_network {
            check_host(&current, &host, port, &opts.allowed_endpoints)?;
        }
        let have = fs::metadata(part).map(|m| m.len()).unwrap_or(0);
        if let Some(max) = opts.max_size {
            if have > max {
                let _ = fs::remove_file(part);
                return Err(FetchError::TooLarge {
                    url: url.to_string(),
                    limit: max,
                    what: format!("{have} bytes already downloaded"),
                });
            }
        }
        let mut req = agent.get(&current);
        if have > 0 {
            req = req.header("Range", format!("bytes={have}-"));
        }
        let resp = req.call().map_err(|e| FetchError::Http {
            url: current.clone(),
            source: Box::new(e),
        })?;
        let status = resp.status().as_u16();
        if (300..400).contains(&status) && status != 304 {
            let Some(loc) = resp.headers().get("location").and_then(|v| v.to_str().ok()) else {
                return Err(FetchError::Redirect {
                    url: current,
                    why: format!("redirect ({status}) without a Location header"),
                });
            };
            hops += 1;
            if hops > opts.max_redirects {
                return Err(FetchError::Redirect {
                    url: url.to_string(),
                    why: format!("more than {} redirects", opts.max_redirects),
                });
            }
            current = join_url(&current, loc);
            continue;
        }
        if status == 416 && have > 0 && !retried_range {
            // The partial file does not fit the resource: start over.
            let _ = fs::remove_file(part);
            retried_range = true;
            continue;
        }
        if status != 200 && status != 206 {
            return Err(FetchError::Status {
                url: current,
                status,
            });
        }
        let content_range_start = resp
            .headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes "))
            .and_then(|v| v.split('-').next())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let append = status == 206 && have > 0 && content_range_start == Some(have);
        if status == 206 && !append {
            // A range we did not ask for: discard and restart once.
            let _ = fs::remove_file(part);
            if retried_range {
                return Err(FetchError::Status {
                    url: current,
                    status,
                });
            }
            retried_range = true;
            continue;
        }
        let offset = if append { have } else { 0 };
        let length = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let (Some(max), Some(len)) = (opts.max_size, length) {
            if offset + len > max {
                if offset > 0 {
                    let _ = fs::remove_file(part);
                }
                return Err(FetchError::TooLarge {
                    url: url.to_string(),
                    limit: max,
                    what: format!("the server declares {} bytes", offset + len),
                });
            }
        }
        let mut file = if append {
            OpenOptions::new().append(true).open(part)
        } else {
            File::create(part)
        }
        .map_err(ioe(format!("cannot write `{}`", part.display())))?;
        let mut reader = resp.into_body().into_reader();
        let mut total = offset;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(n) => n,
                Err(e) => {
                    // Keep what arrived for a later resume.
                    let _ = file.flush();
                    return Err(FetchError::Io {
                        what: format!("download of `{current}` interrupted after {total} bytes (run again to resume)"),
                        source: e,
                    });
                }
            };
            if n == 0 {
                break;
            }
            total += n as u64;
            if let Some(max) = opts.max_size {
                if total > max {
                    drop(file);
                    let _ = fs::remove_file(part);
                    return Err(FetchError::TooLarge {
                        url: url.to_string(),
                        limit: max,
                        what: format!("more than {max} bytes arrived"),
                    });
                }
            }
            file.write_all(&buf[..n])
                .map_err(ioe(format!("cannot write `{}`", part.display())))?;
        }
        file.sync_all()
            .map_err(ioe(format!("cannot write `{}`", part.display())))?;
        return Ok(current);
    }
}

/// Where the checksum of track `row` is declared in a GSuite, if anywhere:
/// columns `sha256`, `md5`, `md5sum`, `checksum` (algorithm from a
/// `md5:`/`sha256:` prefix or the length), or FAIRtracks'
/// `checksum->cs_hash` with `checksum->cs_method`.
pub fn gsuite_checksum(g: &GSuite, row: usize) -> Result<Option<Checksum>, FetchError> {
    if let Some(h) = g.field(row, "sha256") {
        return Checksum::parse(Some("sha256"), h).map(Some);
    }
    for c in ["md5", "md5sum"] {
        if let Some(h) = g.field(row, c) {
            return Checksum::parse(Some("md5"), h).map(Some);
        }
    }
    if let Some(h) = g.field(row, "checksum->cs_hash") {
        return Checksum::parse(g.field(row, "checksum->cs_method"), h).map(Some);
    }
    if let Some(h) = g.field(row, "checksum") {
        return Checksum::parse(None, h).map(Some);
    }
    Ok(None)
}

/// What happened to one track of a GSuite.
#[derive(Debug)]
pub struct TrackOutcome {
    /// Index of the track.
    pub row: usize,
    /// Its URI as written.
    pub uri: String,
    /// Cached entry, or why there is none; `Ok(None)` for tracks that are
    /// local already (file, galaxy, hb).
    pub result: Result<Option<CacheEntry>, FetchError>,
    /// Offline: age of a stale entry.
    pub stale_age: Option<Duration>,
}

/// Deferred download of a GSuite: fetch every remote track (verified by
/// its declared checksum) and return a copy whose URIs point at the
/// cached files (`file://` URIs, the original extension kept as
/// `;suffix`), with the original URI in an `original_uri` column and the
/// `location` header re-derived. The copy is `None` when a track failed.
pub fn fetch_gsuite(
    g: &GSuite,
    cache: &Cache,
    opts: &FetchOptions,
) -> Result<(Vec<TrackOutcome>, Option<GSuite>), FetchError> {
    let mut outcomes = Vec::new();
    let mut local = g.clone();
    let uri_col = g.column("uri").unwrap_or(0);
    for row in 0..g.len() {
        let uri = g.uri(row).unwrap_or("").to_string();
        let info = gsuite::uri::check_uri(&uri, true).ok();
        let Some(info) = info.filter(|i| i.location == gsuite::Location::Remote) else {
            outcomes.push(TrackOutcome {
                row,
                uri,
                result: Ok(None),
                stale_age: None,
            });
            continue;
        };
        let result = (|| {
            if info.scheme != "http" && info.scheme != "https" {
                return Err(FetchError::Unsupported {
                    url: uri.clone(),
                    why: format!(
                        "{} downloads are not supported (http and https are)",
                        info.scheme
                    ),
                });
            }
            let expected = gsuite_checksum(g, row)?;
            if expected.is_none() && opts.require_checksum {
                return Err(FetchError::MissingChecksum { url: uri.clone() });
            }
            let target = info.target.clone();
            cache
                .fetch(&target, expected.as_ref(), opts)
                .map(|e| (e, expected))
        })();
        let mut stale_age = None;
        let result = result.map(|(e, expected)| {
            if let Ok(Status::Stale(_, age)) =
                cache.status(&info.target, expected.as_ref(), opts.max_age)
            {
                stale_age = Some(age);
            }
            let path = cache.object_path(&e.sha256);
            let mut u = format!(
                "file://{}",
                gsuite::uri::percent_encode_uri(&path.to_string_lossy())
            );
            if let Some(ext) = info.extension() {
                u.push(';');
                u.push_str(&ext);
            }
            local.rows[row][uri_col] = u;
            Some(e)
        });
        outcomes.push(TrackOutcome {
            row,
            uri,
            result,
            stale_age,
        });
    }
    let ok = outcomes.iter().all(|o| o.result.is_ok());
    if !ok {
        return Ok((outcomes, None));
    }
    for (row, o) in outcomes.iter().enumerate() {
        let v = if matches!(o.result, Ok(Some(_))) {
            o.uri.clone()
        } else {
            ".".into()
        };
        let col = match local.column("original_uri") {
            Some(c) => c,
            None => {
                local.columns.push("original_uri".into());
                for r in &mut local.rows {
                    r.push(".".into());
                }
                local.columns.len() - 1
            }
        };
        local.rows[row][col] = v;
    }
    local
        .headers
        .retain(|(k, _)| !k.eq_ignore_ascii_case("location"));
    local.complete_headers();
    Ok((outcomes, Some(local)))
}

/// Deferred download of a FAIRtracks document: its tracks as a GSuite
/// ([`crate::fairtracks::to_gsuite`]: the `checksum->cs_method` /
/// `checksum->cs_hash` columns carry each track's checksum), fetched with
/// [`fetch_gsuite`] and checksums required, since FAIRtracks mandates them.
/// Outcome `row` `i` is the track at JSON path `/tracks/i`.
pub fn fetch_fairtracks(
    doc: &serde_json::Value,
    cache: &Cache,
    opts: &FetchOptions,
) -> Result<(Vec<TrackOutcome>, Option<GSuite>), FetchError> {
    let g = crate::fairtracks::to_gsuite(doc)?;
    let opts = FetchOptions {
        require_checksum: true,
        ..opts.clone()
    };
    fetch_gsuite(&g, cache, &opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_classes() {
        for (a, public) in [
            ("127.0.0.1", false),
            ("10.1.2.3", false),
            ("172.16.0.1", false),
            ("192.168.1.1", false),
            ("169.254.169.254", false),
            ("100.64.0.1", false),
            ("0.0.0.0", false),
            ("224.0.0.1", false),
            ("::1", false),
            ("fd00::1", false),
            ("fe80::1", false),
            ("::ffff:127.0.0.1", false),
            ("64:ff9b::7f00:1", false),
            ("8.8.8.8", true),
            ("2606:4700::1111", true),
            ("64:ff9b::808:808", true),
        ] {
            let ip: IpAddr = a.parse().unwrap();
            assert_eq!(non_public_kind(ip).is_none(), public, "{a}");
        }
    }

    #[test]
    fn sizes_and_urls() {
        assert_eq!(parse_size("10M").unwrap(), 10 << 20);
        assert_eq!(parse_size("500k").unwrap(), 500 << 10);
        assert_eq!(parse_size("7").unwrap(), 7);
        assert_eq!(parse_size("2GiB").unwrap(), 2 << 30);
        assert!(parse_size("x").is_err());
        assert!(parse_size("5q").is_err());
        assert_eq!(join_url("http://h/a/b?x", "c"), "http://h/a/c");
        assert_eq!(join_url("http://h/a/b", "/c"), "http://h/c");
        assert_eq!(join_url("https://h/a", "//g/x"), "https://g/x");
        assert_eq!(join_url("http://h", "http://i/"), "http://i/");
        assert_eq!(
            url_parts("http://[::1]:8080/x").unwrap(),
            ("http".into(), "::1".into(), 8080)
        );
        assert_eq!(
            url_parts("https://u@h/x").unwrap(),
            ("https".into(), "h".into(), 443)
        );
        assert!(url_parts("ftp://h/x").is_err());
    }

    #[test]
    fn checksums() {
        let m = "0ab98dbd2a2193ab3e09df030ea4f934";
        assert_eq!(Checksum::parse(None, m).unwrap().algorithm, Algorithm::Md5);
        assert_eq!(Checksum::parse(Some("MD5"), m).unwrap().hex, m);
        assert_eq!(
            Checksum::parse(None, &format!("sha256:{}", "A".repeat(64)))
                .unwrap()
                .hex,
            "a".repeat(64)
        );
        assert_eq!(
            Checksum::parse(Some("SHA-256"), &"b".repeat(64))
                .unwrap()
                .algorithm,
            Algorithm::Sha256
        );
        assert!(Checksum::parse(Some("crc32"), m).is_err());
        assert!(Checksum::parse(None, "abc").is_err());
        assert!(Checksum::parse(Some("md5"), &"z".repeat(32)).is_err());
    }
}
