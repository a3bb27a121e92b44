//! Small helpers shared by the line-based text readers: a line loop that
//! reuses one buffer and counts lines, field splitting, and number parsing
//! with `FILE:LINE: RULE: message` errors.
//!
//! Hand-written rather than taken from a crate: these are a few lines
//! each, and the readers need exact line numbers and rule ids in errors.

use std::borrow::Cow;
use std::io::BufRead;

use crate::error::{Error, FormatError};

/// Lines of a text input, with 1-based numbers; `\r\n` endings accepted
/// (every `\r` at the end of a line is dropped, as part of its line end).
pub struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    /// Bytes of `input`'s buffer still to consume (the line last
    /// returned, when it was borrowed from that buffer).
    pending: usize,
    path: String,
    /// Number of the line last returned (0 before the first).
    pub number: u64,
}

impl<R: BufRead> Lines<R> {
    /// Read lines of `input`; `path` names it in errors.
    pub fn new(input: R, path: &str) -> Self {
        Lines {
            input,
            buf: Vec::with_capacity(256),
            pending: 0,
            path: path.to_string(),
            number: 0,
        }
    }

    /// The file name used in errors.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The next line without its line ending, or `None` at the end.
    /// Lines must be UTF-8 (rule `text-encoding` otherwise).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<&str>, Error> {
        // Not `read_until`: the line end is found with the `memchr` crate
        // directly in the reader's buffer, and a line that lies wholly in
        // it is returned from there without a copy (it is consumed on the
        // next call). Measured ~3x fewer instructions per short line.
        if self.pending > 0 {
            self.input.consume(self.pending);
            self.pending = 0;
        }
        self.buf.clear();
        let found = loop {
            match self.input.fill_buf() {
                Ok([]) => return Ok(None),
                Ok(a) => break memchr::memchr(b'\n', a),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(&self.path, e)),
            }
        };
        let line: &[u8] = if let Some(i) = found {
            // `fill_buf` on a non-empty buffer returns it again without reading.
            let a = self
                .input
                .fill_buf()
                .map_err(|e| Error::io(&self.path, e))?;
            self.pending = i + 1;
            self.number += 1;
            // Every trailing CR goes, not just one: a last field that ended
            // in CRs could not be written back (its line end would eat one
            // of them; fuzz finding F27).
            let mut l = &a[..i];
            while let [rest @ .., b'\r'] = l {
                l = rest;
            }
            l
        } else {
            // The line continues beyond the buffer: collect it.
            loop {
                let avail = match self.input.fill_buf() {
                    Ok(a) => a,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io(&self.path, e)),
                };
                if avail.is_empty() {
                    break;
                }
                match memchr::memchr(b'\n', avail) {
                    Some(i) => {
                        self.buf.extend_from_slice(&avail[..i]);
                        self.input.consume(i + 1);
                        break;
                    }
                    None => {
                        let n = avail.len();
                        self.buf.extend_from_slice(avail);
                        self.input.consume(n);
                    }
                }
            }
            self.number += 1;
            while self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
            &self.buf
        };
        match std::str::from_utf8(line) {
            Ok(s) => Ok(Some(s)),
            Err(e) => Err(FormatError::new(
                &self.path,
                self.number,
                "text-encoding",
                format!(
                    "byte {} of the line is not valid UTF-8; convert the file to UTF-8",
                    e.valid_up_to() + 1
                ),
            )
            .into()),
        }
    }

    /// An error at the current line.
    pub fn error(&self, rule: &'static str, message: impl Into<String>) -> Error {
        FormatError::new(&self.path, self.number, rule, message).into()
    }
}

/// Parse a non-negative integer field, naming `what` and `rule` on failure.
pub fn parse_u64(
    field: &str,
    what: &str,
    rule: &'static str,
    path: &str,
    line: u64,
) -> Result<u64, Error> {
    field.parse::<u64>().map_err(|_| {
        FormatError::new(
            path,
            line,
            rule,
            format!("{what} `{field}` is not a non-negative integer"),
        )
        .into()
    })
}

/// Parse a finite number field, naming `what` and `rule` on failure.
pub fn parse_f64(
    field: &str,
    what: &str,
    rule: &'static str,
    path: &str,
    line: u64,
) -> Result<f64, Error> {
    match fast_float2::parse::<f64, _>(field) {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(FormatError::new(
            path,
            line,
            rule,
            format!("{what} `{field}` is not a finite number"),
        )
        .into()),
    }
}

/// Read one line into `buf` (cleared first) without its `\n` and the `\r`s
/// before it;
/// false at the end of input. Like `BufRead::read_until`, but finds the
/// line end with the `memchr` crate, which measured about 4x fewer
/// instructions per short line than std's byte search.
pub fn read_line_into<R: BufRead>(input: &mut R, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    buf.clear();
    let mut any = false;
    loop {
        let avail = match input.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            break;
        }
        any = true;
        match memchr::memchr(b'\n', avail) {
            Some(i) => {
                buf.extend_from_slice(&avail[..i]);
                input.consume(i + 1);
                while buf.last() == Some(&b'\r') {
                    buf.pop();
                }
                return Ok(true);
            }
            None => {
                let n = avail.len();
                buf.extend_from_slice(avail);
                input.consume(n);
            }
        }
    }
    while buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(any)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// High bit set in exactly the bytes of `v` that are zero.
#[inline(always)]
fn zero_bytes(v: u64) -> u64 {
    !((((v & LOW7).wrapping_add(LOW7)) | v) | LOW7)
}

/// Split `line` at tabs into `out` (byte ranges), eight bytes at a time
/// (SWAR); returns the index of the first space, if any.
///
/// Hand-written: data lines are short (20–60 bytes), where a SIMD search
/// per field (`memchr`) pays its set-up cost once per field; this single
/// pass measured about a third of the instructions.
pub fn split_tabs(line: &[u8], out: &mut Vec<(usize, usize)>) -> Option<usize> {
    out.clear();
    let mut start = 0usize;
    let mut space = usize::MAX;
    let n = line.len();
    let mut base = 0usize;
    while base + 8 <= n {
        let x = u64::from_le_bytes(line[base..base + 8].try_into().expect("8 bytes"));
        let mut tab = zero_bytes(x ^ (0x09 * ONES));
        if space == usize::MAX {
            let sp = zero_bytes(x ^ (0x20 * ONES));
            if sp != 0 {
                space = base + (sp.trailing_zeros() / 8) as usize;
            }
        }
        while tab != 0 {
            let i = base + (tab.trailing_zeros() / 8) as usize;
            out.push((start, i));
            start = i + 1;
            tab &= tab - 1;
        }
        base += 8;
    }
    // The last 0-7 bytes one by one (cheaper than padding a word).
    for (i, &b) in line.iter().enumerate().skip(base) {
        if b == b'\t' {
            out.push((start, i));
            start = i + 1;
        } else if b == b' ' && space == usize::MAX {
            space = i;
        }
    }
    out.push((start, n));
    (space != usize::MAX).then_some(space)
}

/// Parse a decimal integer field of at most 19 digits without sign, as
/// `u64` (`str::parse` takes about three times the instructions on the
/// short fields of track files).
#[inline(always)]
pub fn fast_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    let mut bad = false;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        bad |= d > 9;
        v = v.wrapping_mul(10).wrapping_add(d as u64);
    }
    (!bad).then_some(v)
}

/// Parse a finite number: plain integers of up to 15 digits (exact in
/// f64) on a fast path, everything else with `fast_float2`.
#[inline]
pub fn fast_f64(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    if !digits.is_empty() && digits.len() <= 15 {
        if let Some(v) = fast_u64(digits) {
            let x = v as f64;
            return Some(if neg { -x } else { x });
        }
    }
    match fast_float2::parse::<f64, _>(s) {
        Ok(x) if x.is_finite() => Some(x),
        _ => None,
    }
}

/// Whether `s` cannot be one field of a tab-delimited line as it is: a tab
/// splits fields, a line break ends the line, and readers strip a carriage
/// return that ends one (fuzz finding F32).
pub fn breaks_field(s: &str) -> bool {
    s.contains(['\t', '\n', '\r'])
}

/// `s` with tabs and line breaks written as spaces (see [`breaks_field`]).
pub fn spaced(s: &str) -> Cow<'_, str> {
    if breaks_field(s) {
        Cow::Owned(s.replace(['\t', '\n', '\r'], " "))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both line readers drop every CR at a line end, on the last line
    /// too, with or without its `\n`, and in lines longer than the buffer
    /// (fuzz finding F27).
    #[test]
    fn trailing_carriage_returns_all_go() {
        for text in [&b"a\r\r\nb\r\nc\r\r\r"[..], b"a\r\r\nb\r\nc\r\r\r\n"] {
            for cap in [1, 2, 64] {
                let r = std::io::BufReader::with_capacity(cap, text);
                let mut lines = Lines::new(r, "t");
                let mut got = Vec::new();
                while let Some(l) = lines.next().unwrap() {
                    got.push(l.to_string());
                }
                assert_eq!(got, ["a", "b", "c"], "cap {cap}");
                let mut r = std::io::BufReader::with_capacity(cap, text);
                let mut buf = Vec::new();
                let mut got = Vec::new();
                while read_line_into(&mut r, &mut buf).unwrap() {
                    got.push(String::from_utf8(buf.clone()).unwrap());
                }
                assert_eq!(got, ["a", "b", "c"], "cap {cap}");
            }
        }
    }

    #[test]
    fn split_tabs_matches_a_plain_split() {
        let lines: &[&[u8]] = &[
            b"",
            b"a",
            b"\t",
            b"chr1\t0\t10",
            b"chr1\t0\t10\tname with space\t0\t+",
            b"1234567\t",
            b"12345678\t9",
            b"\t\t\t\t\t\t\t\t\t",
            b"a b\tc",
            b"abcdefghijklmnop q",
        ];
        for &l in lines {
            let mut out = Vec::new();
            let sp = split_tabs(l, &mut out);
            let mut want = Vec::new();
            let mut s = 0;
            for (i, &b) in l.iter().enumerate() {
                if b == b'\t' {
                    want.push((s, i));
                    s = i + 1;
                }
            }
            want.push((s, l.len()));
            assert_eq!(out, want, "{l:?}");
            assert_eq!(sp, l.iter().position(|&b| b == b' '), "{l:?}");
        }
    }

    #[test]
    fn fast_numbers_agree_with_std() {
        for t in [
            "0",
            "7",
            "-3",
            "123456789012345",
            "1234567890123456",
            "1.5",
            "-0",
            "1e3",
            "",
            "-",
            "+1",
            "12a",
            " 1",
            "99999999999999999999",
        ] {
            assert_eq!(
                fast_f64(t),
                t.parse::<f64>().ok().filter(|x| x.is_finite()),
                "{t:?}"
            );
            assert_eq!(
                fast_u64(t.as_bytes()),
                t.parse::<u64>().ok().filter(|_| !t.starts_with('+')),
                "{t:?}"
            );
        }
    }

    #[test]
    fn lines_strip_crlf_and_count() {
        let mut l = Lines::new(&b"a\r\nb\n\nlast"[..], "x");
        assert_eq!(l.next().unwrap(), Some("a"));
        assert_eq!(l.next().unwrap(), Some("b"));
        assert_eq!(l.next().unwrap(), Some(""));
        assert_eq!(l.next().unwrap(), Some("last"));
        assert_eq!(l.number, 4);
        assert_eq!(l.next().unwrap(), None);
        let mut l = Lines::new(&b"ok\n\xff\n"[..], "x");
        l.next().unwrap();
        let e = l.next().unwrap_err().to_string();
        assert!(e.starts_with("x:2: text-encoding:"), "{e}");
    }
}
