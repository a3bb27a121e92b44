//! Small helpers shared by the line-based text readers: a line loop that
//! reuses one buffer and counts lines, field splitting, and number parsing
//! with `FILE:LINE: RULE: message` errors.
//!
//! Hand-written rather than taken from a crate: these are a few lines
//! each, and the readers need exact line numbers and rule ids in errors.

use std::io::BufRead;

use crate::error::{Error, FormatError};

/// Lines of a text input, with 1-based numbers; `\r\n` endings accepted.
pub struct Lines<R> {
    input: R,
    buf: Vec<u8>,
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
        self.buf.clear();
        let n = self
            .input
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| Error::io(&self.path, e))?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        }
        match std::str::from_utf8(&self.buf) {
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
