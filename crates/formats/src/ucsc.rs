//! UCSC alignment, gene and interaction formats: PSL, genePred,
//! genePredExt, refFlat, interact, WashU long-range, BEDPE and MAF.
//!
//! No bundled GTrack subtype exists for these formats; the mappings are
//! designed here, kept consistent with the BED subtypes (`bed_direct`,
//! `bed_linked`) and documented in `docs/formats/ucsc.md`:
//!
//! * PSL, genePred, genePredExt, refFlat → *segments*, one per
//!   alignment or transcript, every other field kept as an extra column
//!   (block and exon lists verbatim, like `blockSizes` in `bed_direct`).
//!   With [`ReadOptions::expand_blocks`] → *linked segments*: the item
//!   itself plus one element per block or exon, linked as in
//!   `bed_linked` (block → item) and block → next block (see
//!   [`blocks`]).
//! * interact, long-range, BEDPE → *linked segments*: one element per
//!   distinct anchor, one edge per interaction, weighted by its score
//!   (see [`interact`]).
//! * MAF → *linked segments*: one element per `s` (or `e`) row, rows of
//!   one alignment block linked (see [`maf`]).
//!
//! Every reader reports problems as `FILE:LINE: RULE: message` with the
//! rule ids of [`RULES`].

pub mod blocks;
pub mod genepred;
pub mod interact;
pub mod maf;
pub mod psl;

use std::io::{BufRead, Write};

use gtrack_core::track::Track;

use crate::error::{Error, FormatError, RuleInfo};
use crate::format::{Format, ReadOptions, WriteOptions};

macro_rules! rules {
    ($($id:literal => $summary:literal),* $(,)?) => {
        /// Rules this module checks (all UCSC formats of this family).
        pub const RULES: &[RuleInfo] = &[$(RuleInfo { id: $id, summary: $summary }),*];
    };
}

rules! {
    "ucsc-encoding" => "lines are UTF-8 text",
    "psl-header" => "a `psLayout` header is complete: the version line then four header lines",
    "psl-columns" => "a PSL line has 21 tab- (or space-) separated fields",
    "psl-integer" => "counts, sizes and coordinates are non-negative integers",
    "psl-strand" => "strand is `+` or `-`, optionally followed by a target strand `+` or `-`",
    "psl-coordinates" => "qStart <= qEnd <= qSize and tStart <= tEnd <= tSize (and tEnd within the sequence length when known)",
    "psl-blocks" => "blockCount equals the lengths of blockSizes, qStarts and tStarts; blocks ascend without overlap inside [qStart, qEnd] and [tStart, tEnd]",
    "genepred-columns" => "a genePred line has 10 fields, genePredExt 15, refFlat 11",
    "genepred-integer" => "txStart, txEnd, cdsStart, cdsEnd, exonCount, exon starts and ends (and score) are integers",
    "genepred-strand" => "strand is `+` or `-`",
    "genepred-coordinates" => "txStart <= cdsStart <= cdsEnd <= txEnd (and txEnd within the sequence length when known)",
    "genepred-exons" => "exonCount equals the lengths of exonStarts and exonEnds; exons have start <= end, ascend without overlap and lie inside [txStart, txEnd]",
    "genepred-frames" => "genePredExt exonFrames has exonCount entries, each -1, 0, 1 or 2; cdsStartStat and cdsEndStat are none, unk, incmpl or cmpl",
    "interact-columns" => "an interact line has 18 tab-separated fields",
    "interact-integer" => "score and the start and end positions are non-negative integers",
    "interact-coordinates" => "start <= end for the item, the source and the target (and ends within the sequence length when known)",
    "interact-value" => "value is a finite number",
    "interact-strand" => "sourceStrand and targetStrand are `+`, `-` or `.`",
    "longrange-columns" => "a long-range line has 4 tab-separated fields: chrom, start, end, `chrom2:start2-end2,score`",
    "longrange-integer" => "start and end positions are non-negative integers",
    "longrange-coordinates" => "start <= end for both regions (and ends within the sequence length when known)",
    "longrange-partner" => "field 4 is `chrom:start-end,score`",
    "longrange-score" => "the score is a finite number",
    "bedpe-columns" => "a BEDPE line has at least 6 tab-separated fields, and every line the same number",
    "bedpe-integer" => "start and end positions are non-negative integers (unmapped mates, `.` and -1, are not supported)",
    "bedpe-coordinates" => "start <= end for both mates (and ends within the sequence length when known)",
    "bedpe-score" => "the score (field 8) is a finite number or `.`",
    "bedpe-strand" => "strand1 and strand2 (fields 9 and 10) are `+`, `-` or `.`",
    "maf-header" => "the first line is `##maf` with its variables",
    "maf-line" => "`s`, `i`, `e` and `q` lines come inside an alignment block (after an `a` line); `i` and `q` follow an `s` line of the same source",
    "maf-fields" => "`s` and `e` lines have 7 fields, `i` lines 6, `q` lines 3; `a` line variables are `name=value` with a numeric score",
    "maf-integer" => "start, size and srcSize are non-negative integers; `i` counts are integers",
    "maf-strand" => "strand is `+` or `-`",
    "maf-coordinates" => "start + size <= srcSize",
    "maf-size" => "size equals the number of non-gap characters (not `-`) in the text",
    "maf-text-length" => "all texts of a block (and quality strings) have the same length",
}

/// Metadata key of UCSC `track` lines (value: the line after `track `).
pub const META_TRACK: &str = "ucsc-track";
/// Metadata key of UCSC `browser` lines (value: the line after `browser `).
pub const META_BROWSER: &str = "ucsc-browser";

/// Read `format` from `input`; `path` names it in messages.
///
/// # Errors
/// The first rule broken, as `FILE:LINE: RULE: message`, or an I/O error.
pub fn read<R: BufRead>(
    input: R,
    path: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    let src = Source::new(input, path);
    match format {
        Format::Psl => psl::read(src, opts),
        Format::GenePred | Format::GenePredExt | Format::RefFlat => {
            genepred::read(src, format, opts)
        }
        Format::Interact | Format::LongRange | Format::Bedpe => interact::read(src, format, opts),
        Format::Maf => maf::read(src, opts),
        _ => Err(not_mine(format)),
    }
}

/// What writing `track` as `format` would lose (empty = nothing).
///
/// # Errors
/// [`Error::Unsupported`] when `format` cannot hold the track at all.
pub fn losses(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    match format {
        Format::Psl | Format::GenePred | Format::GenePredExt | Format::RefFlat => {
            blocks::losses(track, format)
        }
        Format::Interact | Format::LongRange | Format::Bedpe => interact::losses(track, format),
        Format::Maf => maf::losses(track),
        _ => Err(not_mine(format)),
    }
}

/// Write `track` as `format` (best effort: see [`losses`]).
///
/// # Errors
/// [`Error::Unsupported`] when `format` cannot hold the track; I/O errors.
pub fn write<W: Write>(
    track: &Track,
    out: W,
    format: Format,
    opts: &WriteOptions,
) -> Result<(), Error> {
    let mut out = std::io::BufWriter::new(out);
    match format {
        Format::Psl => psl::write(track, &mut out, opts)?,
        Format::GenePred | Format::GenePredExt | Format::RefFlat => {
            genepred::write(track, &mut out, format, opts)?
        }
        Format::Interact | Format::LongRange | Format::Bedpe => {
            interact::write(track, &mut out, format, opts)?
        }
        Format::Maf => maf::write(track, &mut out, opts)?,
        _ => return Err(not_mine(format)),
    }
    out.flush().map_err(|e| Error::io("-", e))
}

fn not_mine(format: Format) -> Error {
    Error::Unsupported {
        target: format,
        reason: "not a UCSC alignment, gene or interaction format".into(),
    }
}

/// Lines of an input with 1-based numbers, for the readers of this module.
pub(crate) struct Source<R> {
    input: R,
    path: String,
    /// Number of the line last read.
    pub line: u64,
}

impl<R: BufRead> Source<R> {
    fn new(input: R, path: &str) -> Self {
        Source {
            input,
            path: path.to_string(),
            line: 0,
        }
    }
    /// Read the next line into `buf` (without its ending); false at the end.
    pub fn next(&mut self, buf: &mut String) -> Result<bool, Error> {
        buf.clear();
        // Safety of the UTF-8 check: read bytes, then validate once.
        let mut bytes = std::mem::take(buf).into_bytes();
        if !crate::text::read_line_into(&mut self.input, &mut bytes)
            .map_err(|e| Error::io(&self.path, e))?
        {
            *buf = String::new();
            return Ok(false);
        }
        self.line += 1;
        match String::from_utf8(bytes) {
            Ok(s) => {
                *buf = s;
                Ok(true)
            }
            Err(e) => Err(self.err(
                "ucsc-encoding",
                format!(
                    "byte {} of the line is not valid UTF-8; convert the file to UTF-8",
                    e.utf8_error().valid_up_to() + 1
                ),
            )),
        }
    }
    /// An error at the current line.
    pub fn err(&self, rule: &'static str, message: impl Into<String>) -> Error {
        FormatError::new(&self.path, self.line, rule, message).into()
    }
}

/// Split `line` into fields: by tabs when it has one, else by runs of
/// spaces. Stores up to `N` fields in `out` and returns the total count.
pub(crate) fn split_fields<'a, const N: usize>(line: &'a str, out: &mut [&'a str; N]) -> usize {
    let mut n = 0;
    if line.contains('\t') {
        for f in line.split('\t') {
            if n < N {
                out[n] = f;
            }
            n += 1;
        }
        // A trailing tab (common in hand-made files) adds no field.
        if n > 0 && n <= N + 1 && line.ends_with('\t') {
            n -= 1;
        }
    } else {
        for f in line.split(' ').filter(|f| !f.is_empty()) {
            if n < N {
                out[n] = f;
            }
            n += 1;
        }
    }
    n
}

/// Handle a `track` or `browser` line: keep it in the metadata. Returns
/// true when `line` was one.
pub(crate) fn header_line(line: &str, meta: &mut Vec<(String, String)>) -> bool {
    for (kw, key) in [("track", META_TRACK), ("browser", META_BROWSER)] {
        if let Some(rest) = line.strip_prefix(kw) {
            if rest.is_empty() || rest.starts_with([' ', '\t']) {
                meta.push((key.to_string(), rest.trim_start().to_string()));
                return true;
            }
        }
    }
    false
}

/// Write the `track`/`browser` lines kept by [`header_line`].
pub(crate) fn write_header_lines<W: Write>(
    track: &Track,
    out: &mut W,
) -> Result<(), std::io::Error> {
    // In their original order: the reader keeps them in file order.
    for (k, v) in &track.metadata {
        if k == META_BROWSER {
            writeln!(out, "browser {v}")?;
        } else if k == META_TRACK {
            writeln!(out, "track {v}")?;
        }
    }
    Ok(())
}

/// Metadata keys other than `known` (and the track/browser lines), as losses.
pub(crate) fn metadata_losses(track: &Track, known: &[&str], lost: &mut Vec<String>) {
    let mut other: Vec<&str> = track
        .metadata
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| *k != META_TRACK && *k != META_BROWSER && !known.contains(k))
        .collect();
    other.dedup();
    if !other.is_empty() {
        lost.push(format!("metadata `{}`", other.join("`, `")));
    }
}

/// Parse a non-negative integer or fail with `rule`.
pub(crate) fn uint<R: BufRead>(
    src: &Source<R>,
    field: &str,
    what: &str,
    rule: &'static str,
) -> Result<u64, Error> {
    field.parse::<u64>().map_err(|_| {
        src.err(
            rule,
            format!("{what} `{field}` is not a non-negative integer; write a whole number such as 0 or 1500"),
        )
    })
}

/// Parse a comma-separated list of integers (a trailing comma allowed)
/// into `out`.
pub(crate) fn uint_list<R: BufRead>(
    src: &Source<R>,
    field: &str,
    what: &str,
    rule: &'static str,
    out: &mut Vec<u64>,
) -> Result<(), Error> {
    out.clear();
    let body = field.strip_suffix(',').unwrap_or(field);
    if body.is_empty() {
        return Ok(());
    }
    for item in body.split(',') {
        out.push(item.parse::<u64>().map_err(|_| {
            src.err(
                rule,
                format!(
                    "{what} `{field}` has `{item}`, not a non-negative integer; write a comma-separated list such as `10,20,`"
                ),
            )
        })?);
    }
    Ok(())
}

/// Check `end` against the sequence length in `opts.genome`, if known.
pub(crate) fn check_length<R: BufRead>(
    src: &Source<R>,
    opts: &ReadOptions,
    seqid: &str,
    end: u64,
    rule: &'static str,
) -> Result<(), Error> {
    if let Some(g) = &opts.genome {
        if let Some(len) = g.length(seqid) {
            if end > len {
                return Err(src.err(
                    rule,
                    format!(
                        "end {end} is past the end of `{seqid}` (length {len} in genome {}); check the coordinates or the genome",
                        g.name()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Escape an item of a comma-separated list kept in an extra column
/// (`%` → `%25`, `,` → `%2C`).
pub(crate) fn escape_item(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
}

/// Undo [`escape_item`].
pub(crate) fn unescape_item(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    s.replace("%2C", ",")
        .replace("%2c", ",")
        .replace("%25", "%")
}

/// A short float representation (integers without `.0`).
pub(crate) fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        ".".to_string()
    } else if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_split_fields() {
        let mut f = [""; 4];
        assert_eq!(split_fields("a\tb\tc", &mut f), 3);
        assert_eq!(f[..3], ["a", "b", "c"]);
        assert_eq!(split_fields("a  b c d e", &mut f), 5);
        assert_eq!(f, ["a", "b", "c", "d"]);
        assert_eq!(split_fields("a\tb\t", &mut f), 2);
    }

    #[test]
    fn test_items_escape() {
        let mut s = String::new();
        escape_item("a,b%c", &mut s);
        assert_eq!(s, "a%2Cb%25c");
        assert_eq!(unescape_item(&s), "a,b%c");
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(2.5), "2.5");
    }

    #[test]
    fn test_rule_ids_unique_and_prefixed() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            assert!(
                [
                    "ucsc-",
                    "psl-",
                    "genepred-",
                    "interact-",
                    "longrange-",
                    "bedpe-",
                    "maf-"
                ]
                .iter()
                .any(|p| r.id.starts_with(p)),
                "{}",
                r.id
            );
        }
    }
}
