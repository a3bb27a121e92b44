//! `%XX` escaping of GTrack values.
//!
//! Unescaped bytes that are valid UTF-8 become that text; other byte
//! sequences (the spec's "extended ASCII", %80–%FF) are read as Latin-1,
//! so every escaped byte string has a lossless text form.

use std::borrow::Cow;

use super::diag::{fault, Fault, Rule};

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decode `%XX` escapes. The input is ASCII (checked by the reader).
pub fn unescape(raw: &[u8]) -> Result<Cow<'_, str>, Fault> {
    if memchr::memchr(b'%', raw).is_none() {
        // Lines are checked for non-ASCII bytes before fields are split.
        return Ok(match std::str::from_utf8(raw) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => Cow::Owned(raw.iter().map(|&b| b as char).collect()),
        });
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            match (
                raw.get(i + 1).and_then(|&b| hex(b)),
                raw.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => {
                    let end = (i + 3).min(raw.len());
                    return fault(
                        Rule::BadEscape,
                        format!(
                            "`{}` is not a %XX escape; write a literal % as %25",
                            String::from_utf8_lossy(&raw[i..end])
                        ),
                    );
                }
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    Ok(Cow::Owned(match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    }))
}

/// Escape `s` for GTrack output: always `%`, TAB, CR, LF, other control
/// characters and every non-ASCII byte (as its UTF-8 bytes); in addition
/// every character in `extra`, a leading `#` and leading or trailing spaces.
pub fn escape_into(out: &mut String, s: &str, extra: &[u8]) {
    // Fast path: nothing to escape (the common case for track fields).
    let b = s.as_bytes();
    let clean = b.iter().all(|&c| (0x21..0x7f).contains(&c) && c != b'%')
        && b.first().is_none_or(|&c| c != b'#')
        && !b.iter().any(|c| extra.contains(c));
    if clean {
        out.push_str(s);
        return;
    }
    let last = s.len().saturating_sub(1);
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let edge_space = b == b' ' && (i == 0 || i == last);
        let needs = !(0x20..0x7f).contains(&b)
            || b == b'%'
            || extra.contains(&b)
            || (i == 0 && b == b'#')
            || edge_space;
        if needs {
            out.push('%');
            out.push(
                char::from_digit((b >> 4) as u32, 16)
                    .unwrap()
                    .to_ascii_uppercase(),
            );
            out.push(
                char::from_digit((b & 15) as u32, 16)
                    .unwrap()
                    .to_ascii_uppercase(),
            );
        } else {
            out.push(b as char);
        }
    }
}

/// Escape a free-text field (an extra column, an id, a genome or seqid
/// column): a value that is exactly `.` is written `%2E` so that it is
/// not read as missing.
pub fn escape_field(out: &mut String, s: &str, extra: &[u8]) {
    if s == "." {
        out.push_str("%2E");
    } else if s.is_empty() {
        // An empty string cannot be written as a field; %00-free marker
        // does not exist in GTrack, so write nothing (reader rejects).
    } else {
        escape_into(out, s, extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_unescape() {
        assert_eq!(unescape(b"chr%20M").unwrap(), "chr M");
        assert_eq!(unescape(b"EDEN%2E1").unwrap(), "EDEN.1");
        assert_eq!(unescape(b"%C3%A9").unwrap(), "é");
        assert_eq!(unescape(b"%E9").unwrap(), "é");
        assert_eq!(unescape(b"plain").unwrap(), "plain");
        assert_eq!(unescape(b"50%").unwrap_err().rule, Rule::BadEscape);
        assert_eq!(unescape(b"%G0").unwrap_err().rule, Rule::BadEscape);
    }

    #[test]
    fn test_escape_round_trip() {
        for s in ["a,b", "x\ty", "é", "#x", "50%", "a;b=c"] {
            let mut o = String::new();
            escape_into(&mut o, s, b",;=");
            assert!(o.is_ascii());
            assert!(!o.contains(['\t', ',', ';', '=']));
            assert_eq!(unescape(o.as_bytes()).unwrap(), s);
        }
    }
}
