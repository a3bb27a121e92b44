//! (stub; being written)

use std::io::{BufRead, Write};

use gtrack_core::track::Track;

use crate::error::{Error, RuleInfo};
use crate::format::{Format, ReadOptions, WriteOptions};

/// Rules this module checks.
pub const RULES: &[RuleInfo] = &[];

fn not_yet(format: Format) -> Error {
    Error::Unsupported {
        target: format,
        reason: "not implemented yet".into(),
    }
}

/// Read `format` from `input`.
pub fn read<R: BufRead>(
    _input: R,
    _path: &str,
    format: Format,
    _opts: &ReadOptions,
) -> Result<Track, Error> {
    Err(not_yet(format))
}

/// What writing `track` as `format` would lose.
pub fn losses(_track: &Track, format: Format) -> Result<Vec<String>, Error> {
    Err(not_yet(format))
}

/// Write `track` as `format`.
pub fn write<W: Write>(
    _track: &Track,
    _out: W,
    format: Format,
    _opts: &WriteOptions,
) -> Result<(), Error> {
    Err(not_yet(format))
}
