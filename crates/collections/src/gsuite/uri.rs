//! GSuite URIs and percent-encoding.
//!
//! GSuite 0.9 supports the remote schemes `http`, `https`, `ftp`, `rsync`
//! and the local schemes `file` (`file:///path`, local host only),
//! `galaxy` (`galaxy:/dataset_key[/path]`) and `hb`
//! (`hb:/track/name/hierarchy`). Every scheme but `hb` may carry a file
//! suffix after a semicolon (`ftp://host/file;bed`).

/// Where the data of a track lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// On the Internet (`http`, `https`, `ftp`, `rsync`).
    Remote,
    /// Next to the service reading the GSuite (`file`, `galaxy`, `hb`).
    Local,
}

impl Location {
    /// `remote` or `local`.
    pub fn name(self) -> &'static str {
        match self {
            Location::Remote => "remote",
            Location::Local => "local",
        }
    }
}

/// The URI schemes GSuite 0.9 supports, lower case.
pub const SCHEMES: &[&str] = &["http", "https", "ftp", "rsync", "file", "galaxy", "hb"];

/// What a valid GSuite URI says about its track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriInfo {
    /// The scheme, lower case.
    pub scheme: String,
    /// Remote or local, from the scheme.
    pub location: Location,
    /// The `;suffix`, when given.
    pub suffix: Option<String>,
    /// The URI without its `;suffix`.
    pub target: String,
}

impl UriInfo {
    /// The file-format extension: the `;suffix` when given, else the
    /// extension of the last path segment (compression suffixes such as
    /// `.gz` skipped), lower case.
    pub fn extension(&self) -> Option<String> {
        if let Some(s) = &self.suffix {
            return Some(s.to_ascii_lowercase());
        }
        let path = self.target.split(['?', '#']).next().unwrap_or("");
        let last = path.rsplit('/').next().unwrap_or("");
        let last = percent_decode(last).unwrap_or_else(|_| last.to_string());
        let mut parts: Vec<&str> = last.split('.').skip(1).collect();
        while let Some(p) = parts.last() {
            if ["gz", "bgz", "bz2", "xz", "zip", "zst"].contains(&p.to_ascii_lowercase().as_str()) {
                parts.pop();
            } else {
                break;
            }
        }
        parts
            .last()
            .filter(|p| !p.is_empty())
            .map(|p| p.to_ascii_lowercase())
    }
}

/// Extensions of un-preprocessed ("primary") track formats; a track whose
/// URI ends in one of these has `file_format` `primary` unless stated.
pub const PRIMARY_EXTENSIONS: &[&str] = &[
    "bed",
    "bedgraph",
    "bg",
    "bedpe",
    "wig",
    "gff",
    "gff3",
    "gtf",
    "gtrack",
    "narrowpeak",
    "broadpeak",
    "gappedpeak",
    "bigwig",
    "bw",
    "bigbed",
    "bb",
    "vcf",
    "bam",
    "cram",
    "sam",
    "psl",
    "maf",
    "fasta",
    "fa",
];

/// A URI problem: the rule broken and why.
pub(crate) type UriProblem = (&'static str, String);

/// Check one URI (as written in the file) against GSuite 0.9.
pub(crate) fn check_uri(uri: &str, allow_file: bool) -> Result<UriInfo, UriProblem> {
    if let Some((i, c)) = uri.char_indices().find(|(_, c)| !uri_char_allowed(*c)) {
        let how = if c.is_whitespace() || c.is_control() || !c.is_ascii() {
            format!(
                "percent-encode it (e.g. {})",
                percent_encode_all(&c.to_string())
            )
        } else {
            "percent-encode it".to_string()
        };
        return Err((
            "gsuite-uri-syntax",
            format!(
                "URI `{uri}` contains {:?} at character {} which a URI may not hold; {how}",
                c,
                uri[..i].chars().count() + 1
            ),
        ));
    }
    check_percent(uri).map_err(|m| ("gsuite-percent-encoding", format!("URI `{uri}`: {m}")))?;
    let Some(colon) = uri.find(':') else {
        return Err((
            "gsuite-uri-scheme",
            format!(
                "`{uri}` has no URI scheme; write it as e.g. `https://host/path` or `file:///path`"
            ),
        ));
    };
    let scheme = &uri[..colon];
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return Err((
            "gsuite-uri-scheme",
            format!(
                "`{uri}` has no valid URI scheme before `:`; supported: {}",
                SCHEMES.join(", ")
            ),
        ));
    }
    let scheme = scheme.to_ascii_lowercase();
    if !SCHEMES.contains(&scheme.as_str()) {
        return Err((
            "gsuite-uri-scheme",
            format!(
                "URI scheme `{scheme}` is not supported by GSuite 0.9; use one of {}",
                SCHEMES.join(", ")
            ),
        ));
    }
    let rest = &uri[colon + 1..];
    let (body, suffix) = split_suffix(&scheme, rest)?;
    let location = match scheme.as_str() {
        "http" | "https" | "ftp" | "rsync" => {
            let Some(after) = body.strip_prefix("//") else {
                return Err((
                    "gsuite-uri-syntax",
                    format!("`{uri}`: a {scheme} URI needs a host: `{scheme}://host/path`"),
                ));
            };
            let authority = after.split(['/', '?', '#']).next().unwrap_or("");
            let hostport = authority.rsplit('@').next().unwrap_or("");
            let (host, port) = split_host_port(hostport);
            if host.is_empty() {
                return Err((
                    "gsuite-uri-syntax",
                    format!("`{uri}`: the host is empty; write `{scheme}://host/path`"),
                ));
            }
            if let Some(p) = port {
                if p.is_empty()
                    || !p.bytes().all(|b| b.is_ascii_digit())
                    || p.parse::<u16>().is_err()
                {
                    return Err((
                        "gsuite-uri-syntax",
                        format!("`{uri}`: port `{p}` is not a number from 0 to 65535"),
                    ));
                }
            }
            Location::Remote
        }
        "file" => {
            let Some(after) = body.strip_prefix("//") else {
                return Err((
                    "gsuite-uri-syntax",
                    format!(
                        "`{uri}`: file URIs are written `file:///absolute/path` (three slashes)"
                    ),
                ));
            };
            let slash = after.find('/').unwrap_or(after.len());
            let host = &after[..slash];
            if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
                return Err((
                    "gsuite-uri-syntax",
                    format!(
                        "`{uri}`: file URIs name files on the local host only; drop `{host}` and write `file:///path`"
                    ),
                ));
            }
            if after[slash..].len() <= 1 {
                return Err((
                    "gsuite-uri-syntax",
                    format!("`{uri}`: the file path is empty; write `file:///absolute/path`"),
                ));
            }
            if !allow_file {
                return Err((
                    "gsuite-uri-file-disabled",
                    format!(
                        "`{uri}`: file URIs are disabled for untrusted GSuites (they could read any local file)"
                    ),
                ));
            }
            Location::Local
        }
        _ => {
            // galaxy:/key[/path] and hb:/track/path
            let ok = body.starts_with('/') && !body.starts_with("//") && body.len() > 1;
            if !ok {
                let form = if scheme == "galaxy" {
                    "galaxy:/dataset_key[/directory/file]"
                } else {
                    "hb:/track/name/hierarchy"
                };
                return Err((
                    "gsuite-uri-syntax",
                    format!("`{uri}`: a {scheme} URI is written `{form}` (one slash, non-empty)"),
                ));
            }
            Location::Local
        }
    };
    Ok(UriInfo {
        scheme,
        location,
        suffix: suffix.map(str::to_string),
        target: format!("{}:{}", &uri[..colon], body),
    })
}

fn split_host_port(hostport: &str) -> (&str, Option<&str>) {
    if let Some(rest) = hostport.strip_prefix('[') {
        // [v6]:port
        match rest.find(']') {
            Some(e) => {
                let host = &hostport[..e + 2];
                let after = &rest[e + 1..];
                (host, after.strip_prefix(':'))
            }
            None => (hostport, None),
        }
    } else {
        match hostport.rfind(':') {
            Some(i) => (&hostport[..i], Some(&hostport[i + 1..])),
            None => (hostport, None),
        }
    }
}

fn split_suffix<'a>(scheme: &str, rest: &'a str) -> Result<(&'a str, Option<&'a str>), UriProblem> {
    let Some(i) = rest.rfind(';') else {
        return Ok((rest, None));
    };
    let suffix = &rest[i + 1..];
    if scheme == "hb" {
        return Err((
            "gsuite-uri-suffix",
            format!(
                "`hb:{rest}`: hb URIs take no `;suffix` (the track is preprocessed); percent-encode a literal `;` as %3B"
            ),
        ));
    }
    // A `;` followed by URL syntax is part of the URL (path parameters), not a suffix.
    if suffix.contains(['/', '?', '#', '=', '&']) {
        return Ok((rest, None));
    }
    if suffix.is_empty()
        || !suffix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
    {
        return Err((
            "gsuite-uri-suffix",
            format!(
                "`{scheme}:{rest}`: the file suffix after `;` must be a non-empty format name such as `bed`"
            ),
        ));
    }
    Ok((&rest[..i], Some(suffix)))
}

fn uri_char_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn check_percent(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok = i + 2 < b.len() && hex(b[i + 1]).is_some() && hex(b[i + 2]).is_some();
            if !ok {
                let end = (i + 3).min(b.len());
                return Err(format!(
                    "`{}` at byte {} is not a percent escape (`%` followed by two hex digits); write a literal `%` as %25",
                    String::from_utf8_lossy(&b[i..end]),
                    i + 1
                ));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Decode `%XX` escapes. Fails on a `%` not followed by two hex digits or
/// on escapes that decode to invalid UTF-8 (the message says which).
pub fn percent_decode(s: &str) -> Result<String, String> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    check_percent(s)?;
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            // check_percent guarantees two hex digits follow.
            let hi = hex(b[i + 1]).unwrap_or(0);
            let lo = hex(b[i + 2]).unwrap_or(0);
            out.push(hi * 16 + lo);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| format!("`{s}`: the percent escapes decode to bytes that are not UTF-8"))
}

/// Encode what a GSuite field may not hold literally: `%`, tab, line
/// feed and carriage return (and every other control character).
pub fn percent_encode_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '%' || c.is_control() {
            out.push_str(&percent_encode_all(&c.to_string()));
        } else {
            out.push(c);
        }
    }
    out
}

/// Encode the characters a URI may not hold (spaces, controls, non-ASCII
/// and other characters outside RFC 3986); `%` is kept, as the URI is
/// taken to be encoded already.
pub fn percent_encode_uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if uri_char_allowed(c) {
            out.push(c);
        } else {
            out.push_str(&percent_encode_all(&c.to_string()));
        }
    }
    out
}

fn percent_encode_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_locations() {
        let i = check_uri("ftp://ftp.server.com/path/to/file;bed", true).unwrap();
        assert_eq!(i.location, Location::Remote);
        assert_eq!(i.suffix.as_deref(), Some("bed"));
        assert_eq!(i.extension().as_deref(), Some("bed"));
        let i = check_uri("http://www.server.com:8080/index?filename=track.wig", true).unwrap();
        assert_eq!(i.suffix, None);
        let i = check_uri("https://x.org/files/A/%40%40download/A.bed.gz", true).unwrap();
        assert_eq!(i.extension().as_deref(), Some("bed"));
        assert_eq!(
            check_uri("galaxy:/abcd1234abcd;bed", true)
                .unwrap()
                .location,
            Location::Local
        );
        assert_eq!(
            check_uri("hb:/my/track/name", true).unwrap().location,
            Location::Local
        );
        assert_eq!(
            check_uri("file:///p/a.bed", true).unwrap().location,
            Location::Local
        );
        assert_eq!(
            check_uri("file://localhost/p/a.bed", true).unwrap().scheme,
            "file"
        );
        assert_eq!(
            check_uri("HTTP://x/a;jsessionid=1", true).unwrap().suffix,
            None
        );
        assert_eq!(check_uri("http://[::1]:80/a", true).unwrap().scheme, "http");
    }

    #[test]
    fn bad_uris() {
        let rule = |u: &str| check_uri(u, false).unwrap_err().0;
        assert_eq!(rule("/no/scheme"), "gsuite-uri-scheme");
        assert_eq!(rule("s3://bucket/x"), "gsuite-uri-scheme");
        assert_eq!(rule("1a:/x"), "gsuite-uri-scheme");
        assert_eq!(rule("http:/x"), "gsuite-uri-syntax");
        assert_eq!(rule("http://:80/x"), "gsuite-uri-syntax");
        assert_eq!(rule("http://h:99999/x"), "gsuite-uri-syntax");
        assert_eq!(rule("file://host/x"), "gsuite-uri-syntax");
        assert_eq!(rule("file:///"), "gsuite-uri-syntax");
        assert_eq!(rule("file:///x"), "gsuite-uri-file-disabled");
        assert_eq!(rule("hb://x"), "gsuite-uri-syntax");
        assert_eq!(rule("galaxy:/"), "gsuite-uri-syntax");
        assert_eq!(rule("hb:/x;bed"), "gsuite-uri-suffix");
        assert_eq!(rule("ftp://h/x;"), "gsuite-uri-suffix");
        assert_eq!(rule("hb:/a b"), "gsuite-uri-syntax");
        assert_eq!(rule("hb:/a%2"), "gsuite-percent-encoding");
        assert_eq!(rule("hb:/a%zz"), "gsuite-percent-encoding");
    }

    #[test]
    fn percent_round_trip() {
        let s = "50% of\tall\nlines é";
        let e = percent_encode_field(s);
        assert_eq!(e, "50%25 of%09all%0Alines é");
        assert_eq!(percent_decode(&e).unwrap(), s);
        assert!(percent_decode("50%").is_err());
        assert!(percent_decode("%FF").is_err());
        assert_eq!(percent_encode_uri("hb:/a b/ü"), "hb:/a%20b/%C3%BC");
    }
}
