//! Errors shared by all non-GTrack formats.
//!
//! Every problem in an input file is reported as `FILE:LINE: RULE: message`
//! (the same shape as GTrack diagnostics): `RULE` is a short, stable,
//! kebab-case identifier prefixed by the format family (`bed-columns`,
//! `wig-step`, `gff-attribute`, …). Each format module lists its rules in a
//! `pub const RULES: &[RuleInfo]`, and `docs/formats.md` documents them.

use std::fmt;
use std::io;

use crate::format::Format;
use crate::gtrack::Diagnostic;

/// A rule a format module checks, for documentation and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable identifier, e.g. `bed-coordinates`.
    pub id: &'static str,
    /// One-line description of what the rule requires.
    pub summary: &'static str,
}

/// A problem at one place of an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// File name as given by the user (`-` for stdin).
    pub path: String,
    /// 1-based line number (for binary formats: 0, and the message says
    /// where); 0 also when the finding concerns the whole file.
    pub line: u64,
    /// The rule broken (stable identifier).
    pub rule: &'static str,
    /// What is wrong, and how to fix it.
    pub message: String,
}

impl FormatError {
    /// A new error.
    pub fn new(path: &str, line: u64, rule: &'static str, message: impl Into<String>) -> Self {
        FormatError {
            path: path.to_string(),
            line,
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.path, self.line, self.rule, self.message
        )
    }
}

impl std::error::Error for FormatError {}

/// Any failure of reading, writing or converting a track.
#[derive(Debug)]
pub enum Error {
    /// The input breaks a rule of its format.
    Format(FormatError),
    /// GTrack diagnostics (one or more).
    Gtrack(Vec<Diagnostic>),
    /// Reading or writing failed.
    Io {
        /// The file concerned.
        path: String,
        /// The underlying error.
        source: io::Error,
    },
    /// Writing `target` would drop information; the strings say what.
    Lossy {
        /// The format that cannot carry everything.
        target: Format,
        /// What would be lost, one item per kind of information.
        losses: Vec<String>,
    },
    /// A request that cannot be carried out as given (what and how to fix).
    Usage(String),
    /// The track cannot be written in `target` at all.
    Unsupported {
        /// The format asked for.
        target: Format,
        /// Why not, and what to do instead.
        reason: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Format(e) => e.fmt(f),
            Error::Gtrack(ds) => {
                for (i, d) in ds.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    d.fmt(f)?;
                }
                Ok(())
            }
            Error::Io { path, source } => {
                write!(f, "{path}:0: io: {source}")?;
                if compressed_damage(source) {
                    f.write_str(
                        "; the compressed input is truncated or damaged \
                         (check it with `gzip -t`, and fetch or compress it again)",
                    )?;
                }
                Ok(())
            }
            Error::Lossy { target, losses } => write!(
                f,
                "writing {} would lose information: {}; pass --allow-lossy to convert anyway, \
                 or choose a format that can carry it (GTrack carries everything)",
                target.name(),
                losses.join("; ")
            ),
            Error::Usage(m) => f.write_str(m),
            Error::Unsupported { target, reason } => {
                write!(f, "cannot write {}: {reason}", target.name())
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<FormatError> for Error {
    fn from(e: FormatError) -> Self {
        Error::Format(e)
    }
}

/// A [`FormatError`] at `path`:`line` as an [`Error`] (the constructor
/// every format module uses for its rule violations).
pub(crate) fn ferr(path: &str, line: u64, rule: &'static str, msg: impl Into<String>) -> Error {
    FormatError::new(path, line, rule, msg).into()
}

impl Error {
    /// An I/O error concerning `path`.
    pub fn io(path: &str, source: io::Error) -> Self {
        Error::Io {
            path: path.to_string(),
            source,
        }
    }
}

/// Whether an I/O error comes from a gzip/BGZF stream that ends early or
/// does not decode (flate2 reports these as `UnexpectedEof` or with
/// "deflate"/"gzip" in the message).
fn compressed_damage(e: &io::Error) -> bool {
    let m = e.to_string();
    e.kind() == io::ErrorKind::UnexpectedEof
        || m.contains("deflate")
        || m.contains("gzip")
        || m.contains("BGZF")
}
