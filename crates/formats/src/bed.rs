//! The BED family: BED3–BED12 and the formats built on it (HyperBrowser
//! point/category/valued BED, bedDetail, BED15 microarray, the ENCODE
//! peak and read formats, pgSnp).
//!
//! Mapping (see `docs/formats/bed.md` for the full tables):
//!
//! * plain BED follows the bundled subtypes by column count: BED3 and
//!   BED4 give segments (`name` as an extra column), BED5 and more give
//!   valued segments whose value is the score (bed5, bed6, bed9,
//!   bed_direct); columns beyond 12 are extras `column13`, `column14`, …
//!   When every element is 1 bp the track is points (valued points).
//! * `opts.expand_blocks` turns BED12 into linked valued segments as the
//!   bundled `bed_linked` subtype does: each item keeps its line (id =
//!   name), and each block becomes an element with id `<name>.<k>` (k
//!   from 1) and an edge to its item.
//! * Extra column names are lower case, as GTrack stores them.
//!
//! Lines split on runs of spaces and tabs (mixed is fine), except the two
//! tab-delimited last columns of bedDetail. `track` and `browser` lines
//! before the data are kept in `track.metadata` under the keys `track`
//! and `browser`; `#` lines and blank lines are skipped.
//!
//! ```
//! use gtrack_formats::{bed, Format, ReadOptions};
//! let text = "track name=demo\nchr1 10 20 a 5 +\nchr1\t30\t40\tb\t7\t-\n";
//! let t = bed::read(text.as_bytes(), "demo.bed", Format::Bed, &ReadOptions::default()).unwrap();
//! assert_eq!(t.len(), 2);
//! assert_eq!(t.metadata, vec![("track".to_string(), "name=demo".to_string())]);
//! let mut out = Vec::new();
//! bed::write(&t, &mut out, Format::Bed, &Default::default()).unwrap();
//! assert!(String::from_utf8(out).unwrap().ends_with("chr1\t30\t40\tb\t7\t-\n"));
//! ```

mod layout;
mod reader;
mod writer;

use std::io::{BufRead, Write};

use gtrack_core::track::Track;

use crate::error::{Error, RuleInfo};
use crate::format::{Format, ReadOptions, WriteOptions};

/// Rules this module checks (ids are stable; see `docs/formats/bed.md`).
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "bed-columns",
        summary: "a line has a column count the format allows, the same on every line",
    },
    RuleInfo {
        id: "bed-coordinates",
        summary: "chromStart and chromEnd are non-negative integers",
    },
    RuleInfo {
        id: "bed-start-after-end",
        summary: "chromStart ≤ chromEnd",
    },
    RuleInfo {
        id: "bed-strand",
        summary: "strand is `+`, `-` or `.`",
    },
    RuleInfo {
        id: "bed-score",
        summary: "score is a finite number or `.` (valued BED also accepts NA, NaN, N/A, none)",
    },
    RuleInfo {
        id: "bed-number",
        summary: "numeric columns (signalValue, pValue, qValue, level, …) are finite numbers or `.`",
    },
    RuleInfo {
        id: "bed-integer",
        summary: "integer columns (score2, peptideRank, …) are integers or `.`",
    },
    RuleInfo {
        id: "bed-thick",
        summary: "thickStart/thickEnd are positions with chromStart ≤ thickStart ≤ thickEnd ≤ chromEnd (or thickStart = thickEnd)",
    },
    RuleInfo {
        id: "bed-item-rgb",
        summary: "itemRgb is `0`, an integer, `R,G,B` (0-255 each) or `.`",
    },
    RuleInfo {
        id: "bed-block-count",
        summary: "blockCount is a positive integer equal to the lengths of blockSizes and blockStarts",
    },
    RuleInfo {
        id: "bed-block-list",
        summary: "blockSizes and blockStarts are comma-separated non-negative integers",
    },
    RuleInfo {
        id: "bed-blocks",
        summary: "blocks start at 0, are sorted, do not overlap, stay inside the element and the last ends at chromEnd",
    },
    RuleInfo {
        id: "bed-point-length",
        summary: "every element of a point BED is 1 bp long",
    },
    RuleInfo {
        id: "bed-detail-tabs",
        summary: "bedDetail's id and description columns are tab-separated",
    },
    RuleInfo {
        id: "bed-exp",
        summary: "BED15 expCount equals the lengths of expIds and expScores, the same on every line, and they parse",
    },
    RuleInfo {
        id: "bed-alleles",
        summary: "pgSnp alleles are non-empty, and alleleCount equals the number of alleles, frequencies and scores",
    },
    RuleInfo {
        id: "bed-peak",
        summary: "narrowPeak peak is -1 or an offset inside the element",
    },
    RuleInfo {
        id: "bed-track-line",
        summary: "`track`/`browser` lines come before the data; one `track` line per file",
    },
    RuleInfo {
        id: "bed-expand-id",
        summary: "with block expansion, names are present and unique (they become ids)",
    },
    RuleInfo {
        id: "bed-genome",
        summary: "with a genome given, sequences are in it and elements end within them",
    },
    RuleInfo {
        id: "text-encoding",
        summary: "lines are UTF-8",
    },
];

/// Read `format` (any BED-family format) from `input`; `path` names the
/// input in errors.
///
/// # Errors
/// [`Error::Format`] naming file, line and rule at the first problem;
/// I/O errors.
pub fn read<R: BufRead>(
    input: R,
    path: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    reader::read(input, path, format, opts)
}

/// What writing `track` as `format` would lose (empty = nothing).
///
/// # Errors
/// [`Error::Unsupported`] for per-base tracks (function, linked function,
/// linked base pairs) and circular elements.
pub fn losses(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    writer::plan(track, format).map(|(p, _)| p.losses)
}

/// Write `track` as `format`, best effort (see [`losses`]).
///
/// # Errors
/// As [`losses`], and I/O errors.
pub fn write<W: Write>(
    track: &Track,
    out: W,
    format: Format,
    opts: &WriteOptions,
) -> Result<(), Error> {
    writer::write(track, out, format, opts)
}
