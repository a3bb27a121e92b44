//! bedGraph, target/control bedGraph and WIG (fixedStep, variableStep).
//!
//! # Mapping
//!
//! * **bedGraph** (`chrom start end value`, 0-based half-open) maps onto the
//!   bundled subtype `bedgraph.gtrack`: valued segments with a number value.
//!   When the elements of every sequence are contiguous (each starts where
//!   the previous one, in file order, ended) the track is a **step
//!   function** instead, with one type-B bounding region per sequence
//!   covering `[first start, last end)`.
//! * **target/control bedGraph** (`.targetcontrol.bedgraph`, HyperBrowser):
//!   as bedGraph, but the value is binary: `1` = case (target), `0` =
//!   control; `.`/`nan`/`na`/`n/a`/`none` = missing.
//! * **WIG** maps onto `wig_fixedstep.gtrack` / `wig_variablestep.gtrack`
//!   (1-based positions; `span` = fixed length, `step - span` = gap). Each
//!   declaration gives a track type, and the file's type joins them
//!   (a type "has gaps" or "has lengths" when any declaration has):
//!   fixedStep `span = step = 1` → function; `span = step > 1` → step
//!   function; `span < step` → valued points (`span = 1`) or valued
//!   segments; variableStep `span = 1` → valued points, else valued
//!   segments. Every non-empty fixedStep declaration is a type-B bounding
//!   region `[start, last end)`; a declaration that continues the previous
//!   one exactly (same chromosome, starting one `step` after the previous
//!   element) extends its region. A chromosome with variableStep data gets
//!   one region covering the whole sequence (`####seqid=chrN`, as in the
//!   GTrack examples), which then replaces any fixedStep regions of that
//!   chromosome.
//!
//! `track` lines (type removed) and `browser` lines are kept in the track
//! metadata under the keys `track line` and `browser line`, and written back.
//! See `docs/formats/wig.md`.

use crate::error::ferr as err;
use std::io::{BufRead, Write};
use std::ops::Range;

use gtrack_core::track::{Track, TrackSchema};
use gtrack_core::value::{ColumnData, Dimension, ValueColumn, ValueSpec, ValueType};
use gtrack_core::{BoundingRegion, TrackType};

use crate::error::{Error, RuleInfo};
use crate::format::{Format, ReadOptions, WriteOptions};

/// Metadata key under which each `track` line's attributes are kept.
pub const TRACK_LINE_KEY: &str = "track line";
/// Metadata key under which each `browser` line is kept.
pub const BROWSER_LINE_KEY: &str = "browser line";

/// Rules this module checks.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "bedgraph-track-line",
        summary: "a bedGraph track line is `track type=bedGraph key=value ...`; values with spaces are quoted",
    },
    RuleInfo {
        id: "bedgraph-columns",
        summary: "a bedGraph data line has exactly four fields: chrom, start, end, value",
    },
    RuleInfo {
        id: "bedgraph-coordinates",
        summary: "bedGraph start and end are non-negative integers with start < end",
    },
    RuleInfo {
        id: "bedgraph-value",
        summary: "a bedGraph value is a finite number (or a missing word: . nan na n/a none)",
    },
    RuleInfo {
        id: "targetcontrol-value",
        summary: "a target/control value is 1 (case), 0 (control) or a missing word",
    },
    RuleInfo {
        id: "wig-track-line",
        summary: "a WIG track line is `track type=wiggle_0 key=value ...`; values with spaces are quoted",
    },
    RuleInfo {
        id: "wig-declaration",
        summary: "`fixedStep chrom= start= step= [span=]` or `variableStep chrom= [span=]`, start >= 1, step > 0, 0 < span <= step",
    },
    RuleInfo {
        id: "wig-no-declaration",
        summary: "WIG data lines follow a fixedStep or variableStep declaration",
    },
    RuleInfo {
        id: "wig-data",
        summary: "fixedStep data lines hold one value; variableStep data lines hold a 1-based position and a value",
    },
    RuleInfo {
        id: "wig-value",
        summary: "a WIG value is a finite number (or a missing word: . nan na n/a none)",
    },
    RuleInfo {
        id: "wig-order",
        summary: "within a chromosome, WIG elements are in increasing position order and do not overlap",
    },
];

// ---------------------------------------------------------------------------
// Shared small parsers
// ---------------------------------------------------------------------------

/// Parse an unsigned decimal integer without allocation.
fn parse_uint(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

/// Words read as a missing value.
fn is_missing_word(b: &[u8]) -> bool {
    matches!(b.len(), 1..=4)
        && (b == b"."
            || b.eq_ignore_ascii_case(b"nan")
            || b.eq_ignore_ascii_case(b"na")
            || b.eq_ignore_ascii_case(b"n/a")
            || b.eq_ignore_ascii_case(b"none"))
}

/// A number field: `Ok(x)` (NaN for a missing word) or `Err(())`.
#[allow(clippy::result_unit_err)]
fn parse_value(b: &[u8]) -> Result<f64, ()> {
    match fast_float2::parse::<f64, _>(b) {
        Ok(x) if x.is_finite() => Ok(x),
        _ if is_missing_word(b) => Ok(f64::NAN),
        _ => Err(()),
    }
}

fn show(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    if s.len() > 40 {
        format!("{}…", &s[..s.floor_char_boundary_compat(40)])
    } else {
        s.into_owned()
    }
}

trait FloorBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}
impl FloorBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while i > 0 && !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

/// Split on runs of tabs/spaces into at most `N` fields; returns the
/// count (which may exceed `N` to signal extra fields).
fn split_ws<'a, const N: usize>(line: &'a [u8], out: &mut [&'a [u8]; N]) -> usize {
    let mut n = 0;
    let mut i = 0;
    let len = line.len();
    while i < len {
        while i < len && (line[i] == b'\t' || line[i] == b' ') {
            i += 1;
        }
        if i == len {
            break;
        }
        let s = i;
        while i < len && line[i] != b'\t' && line[i] != b' ' {
            i += 1;
        }
        if n < N {
            out[n] = &line[s..i];
        }
        n += 1;
    }
    n
}

/// Strip the line ending; report whether the buffer held a line.
fn read_line<R: BufRead>(input: &mut R, buf: &mut Vec<u8>, path: &str) -> Result<bool, Error> {
    crate::text::read_line_into(input, buf).map_err(|e| Error::io(path, e))
}

fn utf8<'a>(b: &'a [u8], path: &str, line: u64, rule: &'static str) -> Result<&'a str, Error> {
    std::str::from_utf8(b).map_err(|e| {
        err(
            path,
            line,
            rule,
            format!(
                "byte {} is not valid UTF-8; convert the file to UTF-8",
                e.valid_up_to() + 1
            ),
        )
    })
}

/// Is `line` a `word` line (`track ...`, `browser ...`)?
fn starts_word<'a>(line: &'a [u8], word: &[u8]) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(word)?;
    match rest.first() {
        None => Some(rest),
        Some(b' ' | b'\t') => Some(rest),
        _ => None,
    }
}

/// Parse `key=value key="quoted value" ...`.
fn parse_attrs(s: &str) -> Result<Vec<(String, String)>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let ks = i;
        while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &s[ks..i];
        if i == b.len() || b[i] != b'=' {
            return Err(format!(
                "attribute `{key}` has no `=value`; write attributes as key=value"
            ));
        }
        i += 1;
        let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
            let q = b[i];
            let vs = i + 1;
            let Some(len) = b[vs..].iter().position(|&c| c == q) else {
                return Err(format!(
                    "the value of `{key}` opens a {} quote that is never closed",
                    q as char
                ));
            };
            i = vs + len + 1;
            &s[vs..vs + len]
        } else {
            let vs = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            &s[vs..i]
        };
        if key.is_empty() {
            return Err("an attribute has an empty name before `=`".into());
        }
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

fn format_attrs(attrs: &[(String, String)]) -> String {
    let mut s = String::new();
    for (k, v) in attrs {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(k);
        s.push('=');
        if v.is_empty() || v.bytes().any(|c| c.is_ascii_whitespace() || c == b'\'') {
            s.push('"');
            s.push_str(v);
            s.push('"');
        } else {
            s.push_str(v);
        }
    }
    s
}

/// Handle a track line; returns the metadata value (attributes minus type).
fn track_line(
    rest: &[u8],
    expect: &str,
    rule: &'static str,
    path: &str,
    line: u64,
) -> Result<String, Error> {
    let text = utf8(rest, path, line, rule)?;
    let mut attrs = parse_attrs(text).map_err(|m| err(path, line, rule, m))?;
    if let Some(pos) = attrs.iter().position(|(k, _)| k == "type") {
        let ty = attrs.remove(pos).1;
        if !ty.eq_ignore_ascii_case(expect) {
            let hint = if ty.eq_ignore_ascii_case("bedGraph") {
                " (this is a bedGraph file: read it as bedgraph)"
            } else if ty.eq_ignore_ascii_case("wiggle_0") {
                " (this is a WIG file: read it as wig)"
            } else {
                ""
            };
            return Err(err(
                path,
                line,
                rule,
                format!("track line says type={ty}, but this file is read as type={expect}{hint}"),
            ));
        }
    }
    Ok(format_attrs(&attrs))
}

fn number_spec() -> ValueSpec {
    ValueSpec::new(ValueType::Number, Dimension::Scalar)
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/// Read `format` (bedGraph, target/control bedGraph or WIG) from `input`.
///
/// # Errors
/// [`Error::Format`] naming the file, line and rule broken; I/O errors.
pub fn read<R: BufRead>(
    input: R,
    path: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    let _ = opts;
    match format {
        Format::BedGraph => read_bedgraph(input, path, false),
        Format::TargetControl => read_bedgraph(input, path, true),
        Format::Wig => read_wig(input, path),
        other => Err(Error::Unsupported {
            target: other,
            reason: "the wig module reads bedGraph, target/control bedGraph and WIG only".into(),
        }),
    }
}

/// Reusable one-element buffers for pushing scalar values.
struct Pusher {
    num: gtrack_core::ValueBuf,
    bin: gtrack_core::ValueBuf,
}

impl Pusher {
    fn new() -> Self {
        Pusher {
            num: gtrack_core::ValueBuf::number(0.0),
            bin: gtrack_core::ValueBuf::Binary(vec![0]),
        }
    }
    /// Push `x` (NaN = missing) onto a scalar number or binary column.
    fn push(&mut self, col: &mut Option<ValueColumn>, x: f64) {
        let Some(c) = col else { return };
        match (c.spec().ty, &mut self.num, &mut self.bin) {
            (ValueType::Binary, _, gtrack_core::ValueBuf::Binary(v)) => {
                v[0] = if x.is_nan() { -1 } else { x as i8 };
                c.push(&self.bin);
            }
            (_, gtrack_core::ValueBuf::Number(v), _) => {
                v[0] = x;
                c.push(&self.num);
            }
            _ => {}
        }
    }
}

fn read_bedgraph<R: BufRead>(mut input: R, path: &str, binary: bool) -> Result<Track, Error> {
    let (fam, expect) = if binary {
        ("targetcontrol", "bedGraph")
    } else {
        ("bedgraph", "bedGraph")
    };
    let _ = fam;
    let spec = ValueSpec::new(
        if binary {
            ValueType::Binary
        } else {
            ValueType::Number
        },
        Dimension::Scalar,
    );
    let mut schema = TrackSchema::new(TrackType::ValuedSegments);
    schema.value = Some(spec);
    let mut track = Track::new(schema);
    let mut buf = Vec::with_capacity(256);
    let mut lineno = 0u64;
    let mut cur: Option<usize> = None;
    let mut cur_name: Vec<u8> = Vec::new();
    let mut pusher = Pusher::new();
    while read_line(&mut input, &mut buf, path)? {
        lineno += 1;
        let line = buf.as_slice();
        if line.is_empty() || line[0] == b'#' || line.iter().all(|c| c.is_ascii_whitespace()) {
            continue;
        }
        if let Some(rest) = starts_word(line, b"track") {
            let v = track_line(rest, expect, "bedgraph-track-line", path, lineno)?;
            if !v.is_empty() {
                track.metadata.push((TRACK_LINE_KEY.into(), v));
            }
            continue;
        }
        if let Some(rest) = starts_word(line, b"browser") {
            let v = utf8(rest, path, lineno, "bedgraph-track-line")?;
            track
                .metadata
                .push((BROWSER_LINE_KEY.into(), v.trim().to_string()));
            continue;
        }
        let mut fields: [&[u8]; 5] = [&[]; 5];
        let n = split_ws(line, &mut fields);
        if n != 4 {
            let hint = if line.starts_with(b"fixedStep") || line.starts_with(b"variableStep") {
                "; this is a WIG declaration: read the file as wig"
            } else {
                ""
            };
            return Err(err(
                path,
                lineno,
                "bedgraph-columns",
                format!(
                    "a bedGraph data line needs 4 fields (chrom, start, end, value), this one has {n}{hint}"
                ),
            ));
        }
        let start = parse_uint(fields[1]).ok_or_else(|| {
            err(
                path,
                lineno,
                "bedgraph-coordinates",
                format!(
                    "start `{}` is not a non-negative integer (bedGraph positions are 0-based)",
                    show(fields[1])
                ),
            )
        })?;
        let end = parse_uint(fields[2]).ok_or_else(|| {
            err(
                path,
                lineno,
                "bedgraph-coordinates",
                format!("end `{}` is not a non-negative integer", show(fields[2])),
            )
        })?;
        if start >= end {
            return Err(err(
                path,
                lineno,
                "bedgraph-coordinates",
                format!("start {start} is not below end {end}; a bedGraph interval is [start, end) with start < end"),
            ));
        }
        let v = parse_value(fields[3]);
        let x = match (v, binary) {
            (Ok(x), false) => x,
            (Err(()), false) => {
                return Err(err(
                    path,
                    lineno,
                    "bedgraph-value",
                    format!(
                        "value `{}` is not a finite number (use . or nan for a missing value)",
                        show(fields[3])
                    ),
                ))
            }
            (Ok(x), true) if x.is_nan() || x == 0.0 || x == 1.0 => x,
            _ => {
                return Err(err(
                    path,
                    lineno,
                    "targetcontrol-value",
                    format!(
                        "value `{}` is not 1 (case), 0 (control) or missing (.)",
                        show(fields[3])
                    ),
                ))
            }
        };
        let si = match cur {
            Some(i) if cur_name.as_slice() == fields[0] => i,
            _ => {
                let name = utf8(fields[0], path, lineno, "bedgraph-columns")?;
                let i = track.seq_index(None, name);
                cur_name.clear();
                cur_name.extend_from_slice(fields[0]);
                cur = Some(i);
                i
            }
        };
        let s = &mut track.seqs[si];
        s.starts.push(start);
        s.ends.push(end);
        pusher.push(&mut s.values, x);
    }
    bedgraph_type(&mut track);
    Ok(track)
}

/// Decide a bedGraph's track type from all its elements: contiguous within
/// every sequence → step function (with one bounding region per
/// sequence), else valued segments. (Also used to join the pieces of a
/// bedGraph read in parallel chunks.)
pub(crate) fn bedgraph_type(track: &mut Track) {
    let contiguous = !track.is_empty()
        && track
            .seqs
            .iter()
            .all(|s| s.starts.iter().skip(1).zip(&s.ends).all(|(a, b)| a == b));
    if contiguous {
        track.schema.track_type = TrackType::StepFunction;
        track.regions = bedgraph_regions(track);
    } else {
        track.schema.track_type = TrackType::ValuedSegments;
        track.regions.clear();
    }
}

/// The regions a step-function bedGraph reads with: one per sequence.
fn bedgraph_regions(track: &Track) -> Vec<BoundingRegion> {
    track
        .seqs
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(i, s)| {
            let mut r = BoundingRegion::sequence(
                s.genome.clone(),
                s.seqid.clone(),
                s.starts[0],
                s.ends.last().copied(),
            );
            r.block = Some((i, 0..s.len()));
            r
        })
        .collect()
}

/// One WIG declaration and the elements it produced.
#[derive(Debug, Clone, PartialEq)]
struct Decl {
    fixed: bool,
    seq: usize,
    /// 0-based start of the first element (fixedStep).
    start: u64,
    step: u64,
    span: u64,
    /// Elements of `track.seqs[seq]`.
    range: Range<usize>,
}

impl Decl {
    fn gaps(&self) -> bool {
        !self.fixed || self.span < self.step
    }
    fn lengths(&self) -> bool {
        self.span > 1
    }
}

/// The track type a list of declarations reads as.
fn join_type(decls: &[Decl]) -> TrackType {
    if decls.is_empty() {
        return TrackType::ValuedSegments;
    }
    let gaps = decls.iter().any(Decl::gaps);
    let lengths = decls.iter().any(Decl::lengths);
    TrackType::from_properties(gaps, lengths, true, false).unwrap_or(TrackType::ValuedSegments)
}

/// The bounding regions a list of declarations reads as (see module docs).
fn wig_regions(decls: &[Decl], track: &Track) -> Vec<BoundingRegion> {
    // (region, fixed?, last element start, step)
    let mut out: Vec<(BoundingRegion, bool, u64, u64)> = Vec::new();
    let mut whole: Vec<bool> = vec![false; track.seqs.len()];
    for d in decls.iter().filter(|d| !d.range.is_empty()) {
        let s = &track.seqs[d.seq];
        if !d.fixed {
            if !whole[d.seq] {
                whole[d.seq] = true;
                let mut r = BoundingRegion::sequence(s.genome.clone(), s.seqid.clone(), 0, None);
                r.block = Some((d.seq, 0..s.len()));
                // In place of the sequence's first fixedStep region (dropped
                // below), so regions keep the order of the sequences (F31).
                let at = out
                    .iter()
                    .position(|(r, _, _, _)| r.block.as_ref().is_some_and(|(q, _)| *q == d.seq))
                    .unwrap_or(out.len());
                out.insert(at, (r, false, 0, 0));
            }
            continue;
        }
        let last_start = s.starts[d.range.end - 1];
        let end = s.ends[d.range.end - 1];
        if let Some((r, true, ls, st)) = out.last_mut() {
            let same = r.block.as_ref().is_some_and(|(q, _)| *q == d.seq);
            if same && ls.checked_add(*st) == Some(d.start) {
                r.end = Some(end);
                if let Some((_, range)) = &mut r.block {
                    range.end = d.range.end;
                }
                *ls = last_start;
                *st = d.step;
                continue;
            }
        }
        let mut r = BoundingRegion::sequence(s.genome.clone(), s.seqid.clone(), d.start, Some(end));
        r.block = Some((d.seq, d.range.clone()));
        out.push((r, true, last_start, d.step));
    }
    out.into_iter()
        .filter(|(r, fixed, _, _)| !(*fixed && r.block.as_ref().is_some_and(|(q, _)| whole[*q])))
        .map(|(r, _, _, _)| r)
        .collect()
}

fn parse_declaration(
    line: &[u8],
    fixed: bool,
    path: &str,
    lineno: u64,
) -> Result<(String, u64, u64, u64), Error> {
    const RULE: &str = "wig-declaration";
    let text = utf8(line, path, lineno, RULE)?;
    let kw = if fixed { "fixedStep" } else { "variableStep" };
    let mut chrom = None;
    let (mut start, mut step, mut span) = (None, None, None);
    for tok in text.split_ascii_whitespace().skip(1) {
        let Some((k, v)) = tok.split_once('=') else {
            return Err(err(
                path,
                lineno,
                RULE,
                format!(
                    "`{tok}` is not key=value; write e.g. `{kw} chrom=chr1{}`",
                    if fixed { " start=1 step=1" } else { "" }
                ),
            ));
        };
        let num = |what: &str| -> Result<u64, Error> {
            parse_uint(v.as_bytes()).ok_or_else(|| {
                err(
                    path,
                    lineno,
                    RULE,
                    format!("{what}=`{v}` is not a non-negative integer"),
                )
            })
        };
        let slot = match k {
            "chrom" => {
                if v.is_empty() {
                    return Err(err(
                        path,
                        lineno,
                        RULE,
                        "chrom= is empty; name the chromosome",
                    ));
                }
                if chrom.replace(v.to_string()).is_some() {
                    return Err(err(path, lineno, RULE, "chrom= is given twice"));
                }
                continue;
            }
            "start" if fixed => &mut start,
            "step" if fixed => &mut step,
            "span" => &mut span,
            _ => {
                let allowed = if fixed {
                    "chrom, start, step, span"
                } else {
                    "chrom, span"
                };
                return Err(err(
                    path,
                    lineno,
                    RULE,
                    format!("`{k}` is not a {kw} parameter (allowed: {allowed})"),
                ));
            }
        };
        if slot.replace(num(k)?).is_some() {
            return Err(err(path, lineno, RULE, format!("{k}= is given twice")));
        }
    }
    let Some(chrom) = chrom else {
        return Err(err(
            path,
            lineno,
            RULE,
            format!("{kw} declaration without chrom=; add e.g. chrom=chr1"),
        ));
    };
    let span = span.unwrap_or(1);
    if span == 0 {
        return Err(err(path, lineno, RULE, "span=0: span must be at least 1"));
    }
    if !fixed {
        return Ok((chrom, 0, 1, span));
    }
    let Some(start) = start else {
        return Err(err(
            path,
            lineno,
            RULE,
            "fixedStep declaration without start=; add the 1-based position of the first value",
        ));
    };
    let Some(step) = step else {
        return Err(err(
            path,
            lineno,
            RULE,
            "fixedStep declaration without step=; add the distance between values (step=1 for every base)",
        ));
    };
    if start == 0 {
        return Err(err(
            path,
            lineno,
            RULE,
            "start=0: WIG positions are 1-based, the first base is start=1",
        ));
    }
    if step == 0 {
        return Err(err(path, lineno, RULE, "step=0: step must be at least 1"));
    }
    if span > step {
        return Err(err(
            path,
            lineno,
            RULE,
            format!("span={span} exceeds step={step}: consecutive values would overlap; use span <= step"),
        ));
    }
    Ok((chrom, start - 1, step, span))
}

fn read_wig<R: BufRead>(mut input: R, path: &str) -> Result<Track, Error> {
    let mut schema = TrackSchema::new(TrackType::ValuedSegments);
    schema.value = Some(number_spec());
    let mut track = Track::new(schema);
    let mut decls: Vec<Decl> = Vec::new();
    let mut buf = Vec::with_capacity(256);
    let mut lineno = 0u64;
    // Current declaration: (decl index, next fixedStep start).
    let mut cur: Option<(usize, u64)> = None;
    // End of the last element of each sequence in the current track section.
    let mut last_end: Vec<Option<u64>> = Vec::new();
    let mut pusher = Pusher::new();
    while read_line(&mut input, &mut buf, path)? {
        lineno += 1;
        let line = buf.as_slice();
        let trimmed = match line.iter().position(|c| !c.is_ascii_whitespace()) {
            Some(p) => &line[p..],
            None => continue,
        };
        if trimmed[0] == b'#' {
            continue;
        }
        if let Some(rest) = starts_word(trimmed, b"track") {
            let v = track_line(rest, "wiggle_0", "wig-track-line", path, lineno)?;
            if !v.is_empty() {
                track.metadata.push((TRACK_LINE_KEY.into(), v));
            }
            // A new track section: order is checked within each section.
            last_end.iter_mut().for_each(|e| *e = None);
            cur = None;
            continue;
        }
        if let Some(rest) = starts_word(trimmed, b"browser") {
            let v = utf8(rest, path, lineno, "wig-track-line")?;
            track
                .metadata
                .push((BROWSER_LINE_KEY.into(), v.trim().to_string()));
            continue;
        }
        let fixed = starts_word(trimmed, b"fixedStep").is_some();
        if fixed || starts_word(trimmed, b"variableStep").is_some() {
            let (chrom, start, step, span) = parse_declaration(trimmed, fixed, path, lineno)?;
            let seq = track.seq_index(None, &chrom);
            if last_end.len() <= seq {
                last_end.resize(seq + 1, None);
            }
            let n = track.seqs[seq].len();
            decls.push(Decl {
                fixed,
                seq,
                start,
                step,
                span,
                range: n..n,
            });
            cur = Some((decls.len() - 1, start));
            continue;
        }
        let Some((di, next)) = &mut cur else {
            return Err(err(
                path,
                lineno,
                "wig-no-declaration",
                "data line before any fixedStep or variableStep declaration; add a declaration such as `variableStep chrom=chr1` (or read a 4-column file as bedgraph)",
            ));
        };
        let d = &mut decls[*di];
        let mut fields: [&[u8]; 3] = [&[]; 3];
        let n = split_ws(trimmed, &mut fields);
        let (start, vfield) = if d.fixed {
            if n != 1 {
                return Err(err(
                    path,
                    lineno,
                    "wig-data",
                    format!("a fixedStep data line holds one value, this one has {n} fields"),
                ));
            }
            (*next, fields[0])
        } else {
            if n != 2 {
                return Err(err(
                    path,
                    lineno,
                    "wig-data",
                    format!(
                        "a variableStep data line holds a position and a value, this one has {n} fields"
                    ),
                ));
            }
            let pos = match parse_uint(fields[0]) {
                Some(p) if p >= 1 => p,
                _ => {
                    return Err(err(
                        path,
                        lineno,
                        "wig-data",
                        format!(
                            "position `{}` is not a 1-based position (an integer >= 1)",
                            show(fields[0])
                        ),
                    ))
                }
            };
            (pos - 1, fields[1])
        };
        let x = parse_value(vfield).map_err(|()| {
            err(
                path,
                lineno,
                "wig-value",
                format!(
                    "value `{}` is not a finite number (use nan for a missing value)",
                    show(vfield)
                ),
            )
        })?;
        let Some(end) = start.checked_add(d.span) else {
            return Err(err(
                path,
                lineno,
                "wig-data",
                "position plus span overflows a 64-bit coordinate",
            ));
        };
        let s = &mut track.seqs[d.seq];
        if let Some(prev_end) = last_end[d.seq] {
            if start < prev_end {
                return Err(err(
                    path,
                    lineno,
                    "wig-order",
                    format!(
                        "element at {} (1-based) starts before the previous element of {} ends ({}); \
                         sort the data by position and make sure values do not overlap",
                        start + 1,
                        s.seqid,
                        prev_end
                    ),
                ));
            }
        }
        last_end[d.seq] = Some(end);
        s.starts.push(start);
        s.ends.push(end);
        pusher.push(&mut s.values, x);
        d.range.end = s.len();
        if d.fixed {
            *next = start.saturating_add(d.step);
        }
    }
    track.schema.track_type = join_type(&decls);
    track.regions = wig_regions(&decls, &track);
    Ok(track)
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

fn value_problem(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    let mut lost = Vec::new();
    let tt = track.track_type();
    if !tt.is_valued() {
        return Err(Error::Unsupported {
            target: format,
            reason: format!(
                "{} need a value per element and a {} track has none; write BED (or GTrack) instead",
                format.label(),
                tt
            ),
        });
    }
    let spec = track.schema.value.unwrap_or_default();
    if spec.dim != Dimension::Scalar
        || matches!(spec.ty, ValueType::Character | ValueType::Category)
    {
        return Err(Error::Unsupported {
            target: format,
            reason: format!(
                "{} values are single numbers, the track has {} {} values; write GTrack instead",
                format.label(),
                spec.ty,
                spec.dim
            ),
        });
    }
    match (format, spec.ty) {
        (Format::TargetControl, ValueType::Number) => {
            let ok = track.seqs.iter().all(|s| {
                s.values
                    .as_ref()
                    .and_then(|v| v.as_numbers())
                    .is_some_and(|v| v.iter().all(|x| x.is_nan() || *x == 0.0 || *x == 1.0))
            });
            if !ok {
                return Err(Error::Unsupported {
                    target: format,
                    reason: "target/control values are 1 (case) or 0 (control); the track has other numbers".into(),
                });
            }
            lost.push("value type: numbers 0/1 become binary case/control values".into());
        }
        (Format::TargetControl, _) => {}
        (_, ValueType::Binary) => {
            lost.push("value type: binary case/control values become numbers 0/1".into())
        }
        _ => {}
    }
    if tt.is_linked() {
        lost.push("edges (the format has no interconnections)".into());
    }
    let c = &track.schema.columns;
    if c.strand {
        lost.push("strands".into());
    }
    if c.id {
        lost.push("element ids".into());
    }
    if !c.extra.is_empty() {
        lost.push(format!("extra columns: {}", c.extra.join(", ")));
    }
    if track.seqs.iter().any(|s| s.genome.is_some()) {
        lost.push("genome names of sequences".into());
    }
    let other: Vec<&str> = track
        .metadata
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| *k != TRACK_LINE_KEY && *k != BROWSER_LINE_KEY)
        .collect();
    if !other.is_empty() {
        lost.push(format!("metadata: {}", other.join(", ")));
    }
    if track
        .seqs
        .iter()
        .any(|s| s.starts.iter().zip(&s.ends).any(|(a, b)| b < a))
    {
        return Err(Error::Unsupported {
            target: format,
            reason: "circular elements (end < start) cannot be written; write GTrack instead"
                .into(),
        });
    }
    Ok(lost)
}

/// Regions equal as a domain (kind, genome, seqid, start, end, block).
fn same_regions(a: &[BoundingRegion], b: &[BoundingRegion]) -> bool {
    a == b
}

/// What writing `track` as `format` would lose (empty = lossless).
///
/// # Errors
/// [`Error::Unsupported`] for tracks without a single number (or binary)
/// value per element, and for WIG, tracks with overlapping elements.
pub fn losses(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    let mut lost = value_problem(track, format)?;
    match format {
        Format::BedGraph | Format::TargetControl => {
            if !track.regions.is_empty() {
                let mut back = track.clone();
                let contiguous = !track.is_empty()
                    && track
                        .seqs
                        .iter()
                        .all(|s| s.starts.iter().skip(1).zip(&s.ends).all(|(a, b)| a == b));
                back.regions = if contiguous {
                    bedgraph_regions(track)
                } else {
                    Vec::new()
                };
                if !same_regions(&back.regions, &track.regions) {
                    lost.push("bounding regions (bedGraph has no domain; a contiguous track gets one region per sequence)".into());
                }
            }
        }
        Format::Wig => {
            let plan = wig_plan(track, format)?;
            if plan.sorted {
                // nothing
            } else {
                lost.push("element order (WIG data are written sorted by position)".into());
            }
            if !track.regions.is_empty() && !same_regions(&plan.regions, &track.regions) {
                lost.push(
                    "bounding regions (WIG keeps fixedStep runs and whole sequences only)".into(),
                );
            }
        }
        other => {
            return Err(Error::Unsupported {
                target: other,
                reason: "the wig module writes bedGraph, target/control bedGraph and WIG only"
                    .into(),
            })
        }
    }
    Ok(lost)
}

struct Plan {
    decls: Vec<Decl>,
    /// Element order per sequence (sorted by start).
    order: Vec<Vec<usize>>,
    sorted: bool,
    regions: Vec<BoundingRegion>,
}

/// Decide the declarations a WIG writer emits for `track`.
fn wig_plan(track: &Track, format: Format) -> Result<Plan, Error> {
    let mut order = Vec::with_capacity(track.seqs.len());
    let mut sorted = true;
    for s in &track.seqs {
        let mut o: Vec<usize> = (0..s.len()).collect();
        if s.starts.windows(2).any(|w| w[1] < w[0]) {
            sorted = false;
            o.sort_by_key(|&i| s.starts[i]);
        }
        for w in o.windows(2) {
            if s.starts[w[1]] < s.ends[w[0]] {
                return Err(Error::Unsupported {
                    target: format,
                    reason: format!(
                        "elements overlap on {} ({}-{} and {}-{}); WIG cannot hold overlapping values, write bedGraph instead",
                        s.seqid, s.starts[w[0]], s.ends[w[0]], s.starts[w[1]], s.ends[w[1]]
                    ),
                });
            }
        }
        order.push(o);
    }
    let mut decls = Vec::new();
    let dense = track.track_type().is_dense();
    // Elements in sorted order form the ranges of declarations in the
    // re-read track (range indices refer to sorted positions).
    let emit = |decls: &mut Vec<Decl>, seq: usize, fixed: bool, i0: usize, i1: usize, step: u64| {
        let s = &track.seqs[seq];
        let o = &order[seq];
        let span = s.ends[o[i0]] - s.starts[o[i0]];
        decls.push(Decl {
            fixed,
            seq,
            start: s.starts[o[i0]],
            step: if fixed { step } else { 1 },
            span,
            range: i0..i1,
        });
    };
    // Sparse tracks: try one fixedStep per region when regions are regular.
    let mut sparse_fixed = None;
    if !dense && !track.regions.is_empty() && sorted {
        let mut ds = Vec::new();
        let mut ok = true;
        for r in &track.regions {
            let Some((seq, range)) = &r.block else {
                ok = false;
                break;
            };
            let s = &track.seqs[*seq];
            if range.len() < 2
                || s.starts[range.start] != r.start
                || r.end != Some(s.ends[range.end - 1])
            {
                ok = false;
                break;
            }
            let span = s.ends[range.start] - s.starts[range.start];
            let step = s.starts[range.start + 1] - s.starts[range.start];
            let regular = range.clone().all(|i| s.ends[i] - s.starts[i] == span)
                && range
                    .clone()
                    .skip(1)
                    .all(|i| s.starts[i] - s.starts[i - 1] == step);
            if !regular || step <= span {
                ok = false;
                break;
            }
            emit(&mut ds, *seq, true, range.start, range.end, step);
        }
        if ok {
            let regions = wig_regions(&ds, track);
            if same_regions(&regions, &track.regions)
                && ds.iter().map(|d| d.range.len()).sum::<usize>() == track.len()
            {
                sparse_fixed = Some(ds);
            }
        }
    }
    if let Some(ds) = sparse_fixed {
        decls = ds;
    } else {
        for (seq, s) in track.seqs.iter().enumerate() {
            let o = &order[seq];
            let len = |k: usize| s.ends[o[k]] - s.starts[o[k]];
            let mut k = 0;
            while k < o.len() {
                let span = len(k);
                let mut j = k + 1;
                if dense {
                    while j < o.len() && len(j) == span && s.starts[o[j]] == s.ends[o[j - 1]] {
                        j += 1;
                    }
                    emit(&mut decls, seq, true, k, j, span);
                } else {
                    while j < o.len() && len(j) == span {
                        j += 1;
                    }
                    emit(&mut decls, seq, false, k, j, 1);
                }
                k = j;
            }
        }
    }
    let regions = wig_regions(&decls, track);
    Ok(Plan {
        decls,
        order,
        sorted,
        regions,
    })
}

fn fmt_number(out: &mut Vec<u8>, x: f64) {
    if x.is_nan() {
        out.extend_from_slice(b"nan");
    } else if x != 0.0 && (x.abs() >= 1e16 || x.abs() < 1e-5) {
        let _ = write!(out, "{x:e}");
    } else {
        let _ = write!(out, "{x}");
    }
}

fn fmt_value(out: &mut Vec<u8>, col: &ValueColumn, i: usize, binary_out: bool) {
    match col.data() {
        ColumnData::Number(v) => {
            let x = v[i];
            if binary_out && !x.is_nan() {
                out.push(if x == 1.0 { b'1' } else { b'0' });
            } else if binary_out {
                out.push(b'.');
            } else {
                fmt_number(out, x);
            }
        }
        ColumnData::Binary(v) => match v[i] {
            0 => out.push(b'0'),
            1 => out.push(b'1'),
            _ => out.extend_from_slice(if binary_out { b"." } else { b"nan" }),
        },
        _ => out.extend_from_slice(b"nan"),
    }
}

fn write_header(track: &Track, out: &mut Vec<u8>, ty: &str) {
    // Browser and track lines in the order read (fuzz finding F28: all
    // browser lines first reordered a file with a browser line after a
    // track line); a track line last when the track has none.
    let mut any = false;
    for (k, v) in &track.metadata {
        if k == BROWSER_LINE_KEY {
            let _ = writeln!(out, "browser {v}");
        } else if k == TRACK_LINE_KEY {
            any = true;
            if v.is_empty() {
                let _ = writeln!(out, "track type={ty}");
            } else {
                let _ = writeln!(out, "track type={ty} {v}");
            }
        }
    }
    if !any {
        let _ = writeln!(out, "track type={ty}");
    }
}

/// Write `track` as `format` (best effort: see [`losses`]).
///
/// bedGraph keeps one line per element (no merging of equal neighbours),
/// so reading the output gives back the same elements.
///
/// # Errors
/// [`Error::Unsupported`] for tracks the format cannot hold; I/O errors.
pub fn write<W: Write>(
    track: &Track,
    mut out: W,
    format: Format,
    opts: &WriteOptions,
) -> Result<(), Error> {
    let _ = opts;
    value_problem(track, format)?;
    let io = |e| Error::io("-", e);
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    match format {
        Format::BedGraph | Format::TargetControl => {
            let binary_out = format == Format::TargetControl;
            write_header(track, &mut buf, "bedGraph");
            for s in &track.seqs {
                let Some(col) = &s.values else { continue };
                for i in 0..s.len() {
                    buf.extend_from_slice(s.seqid.as_bytes());
                    buf.push(b'\t');
                    let _ = write!(buf, "{}\t{}\t", s.starts[i], s.ends[i]);
                    fmt_value(&mut buf, col, i, binary_out);
                    buf.push(b'\n');
                    if buf.len() > (1 << 16) - 256 {
                        out.write_all(&buf).map_err(io)?;
                        buf.clear();
                    }
                }
            }
        }
        Format::Wig => {
            let plan = wig_plan(track, format)?;
            write_header(track, &mut buf, "wiggle_0");
            for d in &plan.decls {
                let s = &track.seqs[d.seq];
                let o = &plan.order[d.seq];
                let Some(col) = &s.values else { continue };
                if d.fixed {
                    let _ = writeln!(
                        buf,
                        "fixedStep chrom={} start={} step={} span={}",
                        s.seqid,
                        d.start + 1,
                        d.step,
                        d.span
                    );
                } else {
                    let _ = writeln!(buf, "variableStep chrom={} span={}", s.seqid, d.span);
                }
                for &i in &o[d.range.clone()] {
                    if !d.fixed {
                        let _ = write!(buf, "{}\t", s.starts[i] + 1);
                    }
                    fmt_value(&mut buf, col, i, false);
                    buf.push(b'\n');
                    if buf.len() > (1 << 16) - 256 {
                        out.write_all(&buf).map_err(io)?;
                        buf.clear();
                    }
                }
            }
        }
        other => {
            return Err(Error::Unsupported {
                target: other,
                reason: "the wig module writes bedGraph, target/control bedGraph and WIG only"
                    .into(),
            })
        }
    }
    out.write_all(&buf).map_err(io)?;
    out.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd(text: &str, f: Format) -> Result<Track, Error> {
        read(text.as_bytes(), "t", f, &ReadOptions::default())
    }

    #[test]
    fn parse_helpers() {
        assert_eq!(parse_uint(b"123"), Some(123));
        assert_eq!(parse_uint(b""), None);
        assert_eq!(parse_uint(b"-1"), None);
        assert_eq!(parse_uint(b"99999999999999999999999"), None);
        assert!(parse_value(b"NA").unwrap().is_nan());
        assert!(parse_value(b"inf").is_err());
        assert_eq!(parse_value(b"-1.5"), Ok(-1.5));
        let a = parse_attrs("name=\"my track\" color=1,2,3 x='a b'").unwrap();
        assert_eq!(a[0], ("name".into(), "my track".into()));
        assert_eq!(a[2].1, "a b");
        assert!(parse_attrs("name").is_err());
        assert!(parse_attrs("name=\"x").is_err());
        assert_eq!(format_attrs(&a), "name=\"my track\" color=1,2,3 x=\"a b\"");
    }

    #[test]
    fn bedgraph_step_function_detection() {
        let t = rd(
            "chr1\t0\t10\t1\nchr1\t10\t20\t2\nchr2\t5\t6\t3\n",
            Format::BedGraph,
        )
        .unwrap();
        assert_eq!(t.track_type(), TrackType::StepFunction);
        assert_eq!(t.regions.len(), 2);
        assert_eq!(t.regions[1].start, 5);
        let t = rd("chr1\t0\t10\t1\nchr1\t11\t20\t2\n", Format::BedGraph).unwrap();
        assert_eq!(t.track_type(), TrackType::ValuedSegments);
        assert!(t.regions.is_empty());
    }

    #[test]
    fn wig_type_join() {
        let t = rd(
            "fixedStep chrom=c start=1 step=1\n1\n2\nfixedStep chrom=c start=11 step=5 span=5\n3\n",
            Format::Wig,
        )
        .unwrap();
        assert_eq!(t.track_type(), TrackType::StepFunction);
        assert_eq!(t.regions.len(), 2);
        let t = rd(
            "fixedStep chrom=c start=1 step=1\n1\n2\nfixedStep chrom=c start=3 step=1\n3\n",
            Format::Wig,
        )
        .unwrap();
        assert_eq!(t.track_type(), TrackType::Function);
        assert_eq!(t.regions.len(), 1, "continuing declaration merges");
        assert_eq!(t.regions[0].end, Some(3));
    }
}
