//! Streaming GTrack reader.
//!
//! The reader pulls one line at a time and yields [`Event`]s: a new
//! bounding region, or one element (written into a caller-owned
//! [`Element`] buffer). Memory stays constant except for what the
//! end-of-file checks need: element ids (edge targets, uniqueness), the
//! edges themselves when `undirected edges` must be verified, bounding
//! regions (overlap), and element extents when `no overlapping elements`
//! must be verified.
//!
//! Errors carry the file, the 1-based line and a stable [`Rule`]. In
//! collecting mode (the validator) an error in a data line is recorded and
//! the line skipped, so one run reports many errors; errors in headers
//! or the column line stop the reader.

use std::collections::HashMap;
use std::io::BufRead;

use gtrack_core::{
    BoundingRegion, CoreColumns, Dimension, Genome, RegionKind, Strand, TrackType, ValueBuf,
    ValueSpec, ValueType,
};

use super::diag::{fault, Diagnostic, Fault, Rule, Severity};
use super::escape::unescape;
use super::header::{Effective, Headers, Var};
use super::subtype;

/// Options for [`Reader`].
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Sequence names and lengths: enables `seq-length` and
    /// `seqid-unknown` checks and default bounding-region ends.
    pub genome: Option<Genome>,
    /// Record data-line errors and continue (validator), instead of
    /// stopping at the first.
    pub collect: bool,
    /// Stop collecting after this many errors (0 = 1000).
    pub max_errors: usize,
    /// Header values used as if declared in the file, where the file
    /// (and its subtype) does not declare them (used by `expand-headers`).
    pub assume: Vec<(Var, String)>,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `genome`
    Genome,
    /// `seqid`
    Seqid,
    /// `start`
    Start,
    /// `end`
    End,
    /// `value`
    Value,
    /// `strand`
    Strand,
    /// `id`
    Id,
    /// `edges`
    Edges,
    /// A custom column; index into [`Layout::extra`].
    Extra(usize),
}

/// The interpreted column line and headers: everything needed to read
/// data lines.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Column names after `value column`/`edges column` renaming.
    pub names: Vec<String>,
    /// Column names as written in the file (or implied).
    pub written: Vec<String>,
    /// Role per column.
    pub roles: Vec<Role>,
    /// Custom column names, in order.
    pub extra: Vec<String>,
    /// Track type.
    pub track_type: TrackType,
    /// Value spec, for valued types.
    pub value: Option<ValueSpec>,
    /// Edge weight spec, when edges are weighted.
    pub weights: Option<ValueSpec>,
    /// Undirected edges declared.
    pub undirected: bool,
    /// `1-indexed`.
    pub one_indexed: bool,
    /// `end inclusive`.
    pub end_inclusive: bool,
    /// `circular elements`.
    pub circular: bool,
    /// Fixed length (1 = default).
    pub fixed_length: u64,
    /// Fixed gap size.
    pub fixed_gap: i64,
    /// Fixed-size data lines: the size, when on.
    pub line_size: Option<usize>,
    /// `sorted elements` declared.
    pub sorted: bool,
    /// `no overlapping elements` declared (sparse types only).
    pub no_overlaps: bool,
    /// `uninterrupted data lines` declared.
    pub uninterrupted: bool,
    /// Columns present.
    pub has: CoreColumns,
    /// Strand column present.
    pub has_strand: bool,
    /// Id column present.
    pub has_id: bool,
    /// Genome column present.
    pub has_genome: bool,
    /// Seqid column present.
    pub has_seqid: bool,
}

/// One element, as read. Reused between calls.
#[derive(Debug, Clone)]
pub struct Element {
    /// Index of `(genome, seqid)` in [`Reader::sequences`].
    pub seq: usize,
    /// Start, 0-based.
    pub start: u64,
    /// End, exclusive (may be < start for circular elements).
    pub end: u64,
    /// Value (when the type is valued).
    pub value: ValueBuf,
    /// Strand (`Unknown` without a strand column).
    pub strand: Strand,
    /// Id (`None`: no id column or `.`).
    pub id: Option<String>,
    /// Edge targets.
    pub targets: Vec<String>,
    /// Edge weights (parallel to `targets`, when weighted).
    pub weights: Vec<ValueBuf>,
    /// Extra columns (unescaped).
    pub extras: Vec<String>,
    /// Line the element was read from.
    pub line: u64,
}

impl Element {
    /// An empty buffer.
    pub fn new() -> Self {
        Element {
            seq: 0,
            start: 0,
            end: 0,
            value: ValueBuf::new(ValueType::Number),
            strand: Strand::Unknown,
            id: None,
            targets: Vec::new(),
            weights: Vec::new(),
            extras: Vec::new(),
            line: 0,
        }
    }
}

impl Default for Element {
    fn default() -> Self {
        Element::new()
    }
}

/// What [`Reader::read_event`] produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A bounding region line; index into [`Reader::regions`].
    Region(usize),
    /// An element was written into the buffer.
    Element,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Start,
    Headers,
    Columns,
    Body,
}

struct Block {
    region: usize,
    line: u64,
    count: u64,
    prev_start: u64,
    prev_end: u64,
    genome: Option<String>,
}

/// The raw seqid field of the previous data line, its unescaped text and
/// its sequence index: consecutive lines nearly always share the seqid,
/// so comparing raw bytes skips unescaping and interning.
#[derive(Default)]
struct SeqCache {
    raw: Vec<u8>,
    text: String,
    seq: Option<(Option<String>, usize)>,
}

struct PendingEdge {
    source: usize,
    target: String,
    weight: Option<ValueBuf>,
    line: u64,
}

/// The streaming GTrack reader.
pub struct Reader<R> {
    inner: R,
    path: String,
    opts: ReadOptions,
    line_no: u64,
    buf: Vec<u8>,
    level: Level,
    headers: Headers,
    subtype: Option<(&'static str, Headers)>,
    eff: Option<Effective>,
    layout: Option<Box<Layout>>,
    diagnostics: Vec<Diagnostic>,
    errors: usize,
    fatal: bool,
    finished: bool,
    regions: Vec<BoundingRegion>,
    region_lines: Vec<u64>,
    block: Option<Block>,
    first_data_line: Option<u64>,
    data_started: bool,
    seqs: Vec<(Option<String>, String)>,
    seq_index: HashMap<(Option<String>, String), usize>,
    last_seq: Option<(Option<String>, String, usize)>,
    seq_cache: SeqCache,
    line_bad: bool,
    fields: Vec<(usize, usize)>,
    value_vec_len: Option<usize>,
    weight_vec_len: Option<usize>,
    ids: HashMap<String, (u64, usize)>,
    id_list: Vec<String>,
    edges: Vec<PendingEdge>,
    extents: Vec<(usize, u64, u64, u64)>,
    prev_key: Option<(usize, u64, u64)>,
    fixed_line: Vec<u8>,
    fixed_pos: usize,
    fixed_line_no: u64,
    scratch: ValueBuf,
    peeked: Option<(Vec<u8>, u64)>,
    pending: Vec<(Fault, u64)>,
}

type LineResult = Result<Option<Event>, Fault>;

impl<R: BufRead> Reader<R> {
    /// A reader over `inner`; `path` names the source in messages.
    pub fn new(inner: R, path: impl Into<String>, opts: ReadOptions) -> Self {
        Reader {
            inner,
            path: path.into(),
            opts,
            line_no: 0,
            buf: Vec::with_capacity(256),
            level: Level::Start,
            headers: Headers::default(),
            subtype: None,
            eff: None,
            layout: None,
            diagnostics: Vec::new(),
            errors: 0,
            fatal: false,
            finished: false,
            regions: Vec::new(),
            region_lines: Vec::new(),
            block: None,
            first_data_line: None,
            data_started: false,
            seqs: Vec::new(),
            seq_index: HashMap::new(),
            last_seq: None,
            seq_cache: SeqCache::default(),
            line_bad: false,
            fields: Vec::new(),
            value_vec_len: None,
            weight_vec_len: None,
            ids: HashMap::new(),
            id_list: Vec::new(),
            edges: Vec::new(),
            extents: Vec::new(),
            prev_key: None,
            fixed_line: Vec::new(),
            fixed_pos: 0,
            fixed_line_no: 0,
            scratch: ValueBuf::new(ValueType::Number),
            peeked: None,
            pending: Vec::new(),
        }
    }

    /// The source name used in messages.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The file's declared headers (complete once the first region or
    /// element has been read, or after [`Reader::read_header`]).
    pub fn headers(&self) -> &Headers {
        &self.headers
    }
    /// Effective header values (file over subtype over defaults).
    pub fn effective(&self) -> Option<&Effective> {
        self.eff.as_ref()
    }
    /// The resolved subtype, if the file names one.
    pub fn subtype(&self) -> Option<(&'static str, &Headers)> {
        self.subtype.as_ref().map(|(n, h)| (*n, h))
    }
    /// The interpreted layout (after [`Reader::read_header`]).
    pub fn layout(&self) -> Option<&Layout> {
        self.layout.as_deref()
    }
    /// Bounding regions read so far (ends completed when a block closes).
    pub fn regions(&self) -> &[BoundingRegion] {
        &self.regions
    }
    /// `(genome, seqid)` of each sequence index, in order of first use.
    pub fn sequences(&self) -> &[(Option<String>, String)] {
        &self.seqs
    }
    /// Errors and warnings recorded so far.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
    /// Take the recorded diagnostics.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }
    /// Number of errors (not warnings) so far.
    pub fn error_count(&self) -> usize {
        self.errors
    }

    fn warn(&mut self, f: Fault, line: u64) {
        let mut d = f.at(&self.path, line);
        d.severity = Severity::Warning;
        self.diagnostics.push(d);
    }

    /// Record an error; in non-collecting mode return it.
    fn record(&mut self, f: Fault, line: u64) -> Result<(), Diagnostic> {
        let d = f.at(&self.path, line);
        self.errors += 1;
        let max = if self.opts.max_errors == 0 {
            1000
        } else {
            self.opts.max_errors
        };
        if !self.opts.collect || self.errors >= max {
            self.fatal = true;
            self.diagnostics.push(d.clone());
            return Err(d);
        }
        self.diagnostics.push(d);
        Ok(())
    }

    fn fatal(&mut self, f: Fault, line: u64) -> Diagnostic {
        let d = f.at(&self.path, line);
        self.errors += 1;
        self.fatal = true;
        self.diagnostics.push(d.clone());
        d
    }

    /// Read one physical line into `self.buf` (without LF/CRLF), and scan
    /// it: field boundaries into `self.fields`, illegal bytes into
    /// `self.line_bad`.
    ///
    /// Hand-rolled instead of `BufRead::read_until` plus separate passes:
    /// the line end, tabs and illegal bytes are found in one SWAR pass
    /// directly in the reader's buffer ([`scan_to_newline`]); this took
    /// the per-line cost of short data lines from ~350 to ~100
    /// instructions (callgrind).
    fn next_line(&mut self) -> Result<bool, Diagnostic> {
        self.buf.clear();
        self.fields.clear();
        let mut any = false;
        let mut fast = false;
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let line = self.line_no + 1;
                    return Err(self.fatal(
                        Fault::new(Rule::Io, format!("cannot read input: {e}")),
                        line,
                    ));
                }
            };
            if avail.is_empty() {
                break;
            }
            if !any {
                any = true;
                if let Some((i, bad)) = scan_to_newline(avail, &mut self.fields) {
                    self.buf.extend_from_slice(&avail[..i]);
                    self.inner.consume(i + 1);
                    self.line_bad = bad;
                    fast = true;
                    break;
                }
                self.fields.clear();
            }
            match memchr::memchr(b'\n', avail) {
                Some(i) => {
                    self.buf.extend_from_slice(&avail[..i]);
                    self.inner.consume(i + 1);
                    break;
                }
                None => {
                    let n = avail.len();
                    self.buf.extend_from_slice(avail);
                    self.inner.consume(n);
                }
            }
        }
        if !any {
            return Ok(false);
        }
        self.line_no += 1;
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
            fast = false;
        }
        if !fast {
            self.fields.clear();
            self.line_bad = scan_line(&self.buf, &mut self.fields, true).is_err();
        }
        Ok(true)
    }

    /// Read headers and the column line, up to the first bounding region
    /// or data line. Idempotent.
    pub fn read_header(&mut self) -> Result<&Layout, Diagnostic> {
        while self.layout.is_none() {
            if self.fatal {
                return Err(self.last_error());
            }
            if !self.next_line()? {
                let line = self.line_no;
                if let Err((f, l)) = self.finalize_header(line) {
                    return Err(self.fatal(f, l));
                }
                break;
            }
            let line = self.line_no;
            let buf = std::mem::take(&mut self.buf);
            let hashes = buf.iter().take_while(|&&b| b == b'#').count();
            let r: Result<(), (Fault, u64)> = if hashes == 0 && !buf.is_empty() || hashes >= 4 {
                match check_chars(&buf) {
                    Ok(()) => self.finalize_header(line).map(|_| {
                        self.peeked = Some((buf.clone(), line));
                    }),
                    Err(f) => Err((f, line)),
                }
            } else {
                let mut e = Element::new();
                self.process_bytes(&buf, &mut e, line)
                    .map(|_| ())
                    .map_err(|f| (f, line))
            };
            self.buf = buf;
            if let Err((f, l)) = r {
                return Err(self.fatal(f, l));
            }
        }
        Ok(self.layout.as_deref().expect("layout set"))
    }

    fn last_error(&self) -> Diagnostic {
        self.diagnostics
            .iter()
            .rev()
            .find(|d| d.severity == Severity::Error)
            .cloned()
            .unwrap_or_else(|| Fault::new(Rule::Io, "reader stopped").at(&self.path, 0))
    }

    /// Read the next event. `Ok(None)` at end of input; call
    /// [`Reader::finish`] afterwards for the end-of-file checks.
    pub fn read_event(&mut self, elem: &mut Element) -> Result<Option<Event>, Diagnostic> {
        if self.layout.is_none() {
            self.read_header()?;
        }
        loop {
            if self.fatal {
                return Err(self.last_error());
            }
            if self.fixed_pos < self.fixed_line.len() {
                let line = self.fixed_line_no;
                match self.fixed_chunk(elem, line) {
                    Ok(ev) => return Ok(Some(ev)),
                    Err(f) => {
                        self.fixed_pos = self.fixed_line.len();
                        self.record(f, line)?;
                        continue;
                    }
                }
            }
            let (buf, line) = match self.peeked.take() {
                Some(p) => p,
                None => {
                    if !self.next_line()? {
                        return Ok(None);
                    }
                    (std::mem::take(&mut self.buf), self.line_no)
                }
            };
            let r = self.process_bytes(&buf, elem, line);
            self.buf = buf;
            self.drain_pending()?;
            match r {
                Ok(Some(ev)) => return Ok(Some(ev)),
                Ok(None) => {}
                Err(f) => {
                    if is_structural(f.rule) {
                        return Err(self.fatal(f, line));
                    }
                    self.record(f, line)?;
                }
            }
        }
    }

    fn process_bytes(&mut self, buf: &[u8], elem: &mut Element, line: u64) -> LineResult {
        // `next_line` scanned this line (fields and illegal bytes).
        if self.line_bad {
            check_chars(buf)?;
        }
        if buf.is_empty() {
            self.note_interruption("a blank line")?;
            return Ok(None);
        }
        let hashes = buf.iter().take_while(|&&b| b == b'#').count();
        match hashes {
            0 => {
                if buf.iter().all(|&b| b == b' ' || b == b'\t') {
                    return fault(
                        Rule::WhitespaceLine,
                        "line holds only spaces or tabs; remove them (blank lines must be empty)",
                    );
                }
                self.level = Level::Body;
                if self.first_data_line.is_none() {
                    self.first_data_line = Some(line);
                }
                self.data_line(buf, elem, line)
            }
            1 => {
                self.note_interruption("a comment")?;
                Ok(None)
            }
            2 => {
                if self.level > Level::Headers {
                    let what = if self.level == Level::Columns {
                        "the column specification line"
                    } else {
                        "bounding regions or data lines"
                    };
                    return fault(
                        Rule::LineOrder,
                        format!("header line after {what}; move all `##` headers to the top"),
                    );
                }
                self.level = Level::Headers;
                if let Some(w) = self.headers.parse_line(&buf[2..], line)? {
                    self.warn(w, line);
                }
                Ok(None)
            }
            3 => {
                if self.level > Level::Headers {
                    let what = if self.level == Level::Columns {
                        "a second column specification line"
                    } else {
                        "a column specification line after bounding regions or data lines"
                    };
                    return fault(
                        Rule::LineOrder,
                        format!("{what}; a file has one `###` line, after the headers"),
                    );
                }
                self.level = Level::Columns;
                let cols = parse_column_line(&buf[3..])?;
                self.headers.columns = Some((cols, line));
                Ok(None)
            }
            _ => {
                self.level = Level::Body;
                self.note_interruption("a bounding region line")?;
                self.region_line(&buf[4..], line).map(Some)
            }
        }
    }
}

/// Errors after which the rest of the file cannot be read sensibly.
fn is_structural(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::Io
            | Rule::LineOrder
            | Rule::HeaderSyntax
            | Rule::HeaderValue
            | Rule::HeaderBool
            | Rule::HeaderInt
            | Rule::HeaderDuplicate
            | Rule::GtrackVersion
            | Rule::ColumnName
            | Rule::ColumnDuplicate
            | Rule::ColumnRename
            | Rule::TrackTypeColumns
            | Rule::IdRequired
            | Rule::FixedSizeLines
            | Rule::FixedLength
            | Rule::SubtypeMismatch
            | Rule::SubtypeUrl
            | Rule::SubtypeAdherence
            | Rule::BrSyntax
            | Rule::BrAttribute
            | Rule::BrMixed
            | Rule::BrType
    )
}

/// Reject unescaped control characters (other than TAB) and non-ASCII bytes.
fn check_chars(buf: &[u8]) -> Result<(), Fault> {
    let mut none = Vec::new();
    scan_line(buf, &mut none, false)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// High bit set in exactly the bytes of `v` that are zero.
#[inline(always)]
fn zero_bytes(v: u64) -> u64 {
    !((((v & LOW7).wrapping_add(LOW7)) | v) | LOW7)
}

/// One pass over a line, eight bytes at a time (SWAR): reject unescaped
/// control characters other than TAB and bytes >= 0x7F, and, when
/// `split`, record the tab-separated field boundaries in `fields`.
///
/// Hand-written rather than two library calls (`memchr_iter` for tabs and
/// a byte loop for the check): data lines are short (~25 bytes), where
/// SIMD set-up costs dominate; the fused word loop measured about half
/// the instructions of the previous two passes.
#[inline]
fn scan_line(buf: &[u8], fields: &mut Vec<(usize, usize)>, split: bool) -> Result<(), Fault> {
    let mut bad_any = 0u64;
    let mut start = 0usize;
    let mut base = 0usize;
    let mut chunks = buf.chunks_exact(8);
    let mut word = |x: u64, base: usize, start: &mut usize, fields: &mut Vec<(usize, usize)>| {
        let hi = x & HIGH;
        let ge20 = ((x & LOW7).wrapping_add(0x60 * ONES)) & HIGH;
        let tab = zero_bytes(x ^ (0x09 * ONES));
        let del = zero_bytes(x ^ LOW7);
        bad_any |= hi | (!ge20 & HIGH & !tab) | del;
        if split {
            let mut m = tab;
            while m != 0 {
                let i = base + (m.trailing_zeros() / 8) as usize;
                fields.push((*start, i));
                *start = i + 1;
                m &= m - 1;
            }
        }
    };
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        word(x, base, &mut start, fields);
        base += 8;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut pad = [b'a'; 8];
        pad[..rest.len()].copy_from_slice(rest);
        word(u64::from_le_bytes(pad), base, &mut start, fields);
    }
    if split {
        fields.push((start, buf.len()));
    }
    if bad_any == 0 {
        return Ok(());
    }
    let bad = |b: u8| (b < 0x20 && b != b'\t') || b >= 0x7f;
    let i = buf.iter().position(|&b| bad(b)).unwrap_or(0);
    fault(
        Rule::IllegalChar,
        format!(
            "byte 0x{:02X} at column {} must be written as %{:02X} (GTrack is 7-bit ASCII without control characters)",
            buf[i],
            i + 1,
            buf[i]
        ),
    )
}

/// Scan `avail` from its start up to the first newline in one SWAR pass:
/// push the tab-separated field boundaries of that line to `fields` and
/// report whether it holds an illegal byte. `None` when no newline is
/// found within whole 8-byte words (the caller falls back to the slow
/// path, which is also taken near the end of the buffer).
#[inline]
fn scan_to_newline(avail: &[u8], fields: &mut Vec<(usize, usize)>) -> Option<(usize, bool)> {
    let mut bad_any = 0u64;
    let mut start = 0usize;
    let mut base = 0usize;
    for c in avail.chunks_exact(8) {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        let nl = zero_bytes(x ^ (0x0A * ONES));
        let hi = x & HIGH;
        let ge20 = ((x & LOW7).wrapping_add(0x60 * ONES)) & HIGH;
        let mut tab = zero_bytes(x ^ (0x09 * ONES));
        let del = zero_bytes(x ^ LOW7);
        let mut bad = hi | (!ge20 & HIGH & !tab) | del;
        let mut end = None;
        if nl != 0 {
            let k = nl.trailing_zeros() / 8;
            let below = if k == 0 { 0 } else { u64::MAX >> (64 - 8 * k) };
            tab &= below;
            bad &= below;
            end = Some(base + k as usize);
        }
        bad_any |= bad;
        while tab != 0 {
            let i = base + (tab.trailing_zeros() / 8) as usize;
            fields.push((start, i));
            start = i + 1;
            tab &= tab - 1;
        }
        if let Some(e) = end {
            fields.push((start, e));
            return Some((e, bad_any != 0));
        }
        base += 8;
    }
    None
}

/// Parse the names of a column specification line (after `###`).
pub fn parse_column_line(body: &[u8]) -> Result<Vec<String>, Fault> {
    let text = std::str::from_utf8(body).unwrap_or("");
    let mut names: Vec<String> = Vec::new();
    for (i, raw) in text.split('\t').enumerate() {
        if raw.is_empty() {
            return fault(
                Rule::ColumnName,
                format!("column {} has an empty name (two tabs in a row?)", i + 1),
            );
        }
        if raw.trim() != raw {
            return fault(
                Rule::ColumnName,
                format!("column name `{raw}` has surrounding whitespace; columns are separated by single tabs"),
            );
        }
        let name = raw.to_ascii_lowercase();
        if names.contains(&name) {
            return fault(
                Rule::ColumnDuplicate,
                format!("column `{name}` appears twice (names are case-insensitive)"),
            );
        }
        names.push(name);
    }
    Ok(names)
}

/// Parse an optionally signed decimal integer of magnitude at most
/// 2^63 - 3 (so `± 1` index conversions cannot overflow; the writer refuses
/// positions beyond 2^63 - 3; fuzz finding F15).
///
/// Hand-written (not `str::parse`): no UTF-8 step; 19 digits always fit in
/// a `u64`, so one range check suffices; this is on the per-field hot path.
#[inline]
fn parse_int(raw: &[u8]) -> Option<i64> {
    const MAX: u64 = (i64::MAX - 2) as u64;
    let (neg, digits) = match raw {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, raw),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    let mut bad = false;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        bad |= d > 9;
        v = v.wrapping_mul(10).wrapping_add(d as u64);
    }
    if bad || v > MAX {
        return None;
    }
    let v = v as i64;
    Some(if neg { -v } else { v })
}

fn show(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

fn parse_number(raw: &[u8]) -> Result<f64, Fault> {
    let ok_chars = !raw.is_empty()
        && raw
            .iter()
            .all(|&b| b.is_ascii_digit() || b".eE+-".contains(&b));
    if ok_chars {
        if let Ok(x) = fast_float2::parse::<f64, _>(raw) {
            if x.is_finite() {
                return Ok(x);
            }
            return fault(
                Rule::Number,
                format!(
                    "`{}` is beyond the range of a 64-bit floating point number",
                    show(raw)
                ),
            );
        }
    }
    fault(
        Rule::Number,
        format!("`{}` is not a number (English decimal notation such as -1.5, 12 or 3.1e-4; `.` = missing)", show(raw)),
    )
}

/// Decode `%XX` escapes to raw bytes (for character values).
fn unescape_bytes(raw: &[u8]) -> Result<Vec<u8>, Fault> {
    let s = unescape(raw)?;
    // unescape maps non-UTF-8 bytes to Latin-1 chars; map chars back to bytes
    // where they fit in one byte, else keep UTF-8 bytes.
    if s.chars().all(|c| (c as u32) < 256) {
        Ok(s.chars().map(|c| c as u32 as u8).collect())
    } else {
        Ok(s.as_bytes().to_vec())
    }
}

/// Split a non-delimited list (binary, character) into elements:
/// `%XX` is one element, `.` a missing one.
fn undelimited(raw: &[u8]) -> Result<Vec<Option<u8>>, Fault> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' => {
                let b = unescape_bytes(&raw[i..(i + 3).min(raw.len())])?;
                out.push(b.first().copied());
                i += 3;
            }
            b'.' => {
                out.push(None);
                i += 1;
            }
            b => {
                out.push(Some(b));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Parse one value (or edge weight) according to `spec`.
///
/// `vec_len` tracks the vector length of this column across the file.
pub fn parse_value(
    raw: &[u8],
    spec: ValueSpec,
    out: &mut ValueBuf,
    vec_len: &mut Option<usize>,
    what: &str,
) -> Result<(), Fault> {
    if out.ty() != spec.ty {
        *out = ValueBuf::new(spec.ty);
    }
    out.clear();
    if raw.is_empty() {
        return fault(
            Rule::EmptyValue,
            format!("empty {what}; write `.` for a missing value"),
        );
    }
    if spec.dim == Dimension::Scalar {
        let missing = raw == b".";
        match out {
            ValueBuf::Number(v) => v.push(if missing {
                f64::NAN
            } else {
                parse_number(raw)?
            }),
            ValueBuf::Binary(v) => v.push(match raw {
                b"." => -1,
                b"0" => 0,
                b"1" => 1,
                _ => {
                    return fault(
                        Rule::Binary,
                        format!("`{}` is not a binary value (0, 1 or `.`)", show(raw)),
                    )
                }
            }),
            ValueBuf::Character(v) => {
                if missing {
                    v.push(None)
                } else {
                    let b = unescape_bytes(raw)?;
                    if b.len() != 1 {
                        return fault(
                            Rule::Character,
                            format!("`{}` is not one character (for several, use value dimension list or vector)", show(raw)),
                        );
                    }
                    v.push(Some(b[0]));
                }
            }
            ValueBuf::Category(v) => {
                if missing {
                    v.push(None)
                } else {
                    if raw.contains(&b',') {
                        return fault(
                            Rule::Category,
                            format!("`{}`: a category scalar may not contain an unescaped `,` (write %2C)", show(raw)),
                        );
                    }
                    v.push(Some(unescape(raw)?.into_owned()));
                }
            }
        }
        return Ok(());
    }
    if raw == b"." {
        if spec.dim == Dimension::List {
            return Ok(()); // zero-length list
        }
        return fault(
            Rule::Dimension,
            format!(
                "a single `.` cannot stand for a whole {}; write every element, e.g. `.,.`",
                spec.dim
            ),
        );
    }
    match out {
        ValueBuf::Number(v) => {
            for part in raw.split(|&b| b == b',') {
                if part.is_empty() {
                    return fault(
                        Rule::EmptyValue,
                        format!("empty element in {what} `{}`", show(raw)),
                    );
                }
                v.push(if part == b"." {
                    f64::NAN
                } else {
                    parse_number(part)?
                });
            }
        }
        ValueBuf::Category(v) => {
            for part in raw.split(|&b| b == b',') {
                if part.is_empty() {
                    return fault(
                        Rule::EmptyValue,
                        format!("empty element in {what} `{}`", show(raw)),
                    );
                }
                if part.first() == Some(&b' ') || part.last() == Some(&b' ') {
                    return fault(
                        Rule::Category,
                        format!("category element `{}` has surrounding spaces; list elements are separated by `,` only", show(part)),
                    );
                }
                v.push(if part == b"." {
                    None
                } else {
                    Some(unescape(part)?.into_owned())
                });
            }
        }
        ValueBuf::Binary(v) => {
            for e in undelimited(raw)? {
                v.push(match e {
                    None => -1,
                    Some(b'0') => 0,
                    Some(b'1') => 1,
                    Some(b) => {
                        return fault(
                            Rule::Binary,
                            format!(
                                "`{}` is not a binary {}: elements are 0, 1 or `.`, written without delimiters (e.g. 1011)",
                                show(raw),
                                spec.dim
                            )
                            .replace("{b}", &(b as char).to_string()),
                        )
                    }
                });
            }
        }
        ValueBuf::Character(v) => v.extend(undelimited(raw)?),
    }
    let n = out.len();
    match spec.dim {
        Dimension::Pair if n != 2 => {
            return fault(
                Rule::Dimension,
                format!("a pair needs exactly 2 elements, `{}` has {n}", show(raw)),
            )
        }
        Dimension::Vector => match vec_len {
            Some(len) if *len != n => {
                return fault(
                    Rule::Dimension,
                    format!(
                    "vector `{}` has {n} elements but earlier vectors in this column have {len}",
                    show(raw)
                ),
                )
            }
            Some(_) => {}
            None => *vec_len = Some(n),
        },
        _ => {}
    }
    Ok(())
}

impl<R: BufRead> Reader<R> {
    #[inline]
    fn drain_pending(&mut self) -> Result<(), Diagnostic> {
        if self.pending.is_empty() {
            return Ok(());
        }
        for (f, l) in std::mem::take(&mut self.pending) {
            self.record(f, l)?;
        }
        Ok(())
    }

    fn note_interruption(&mut self, what: &str) -> Result<(), Fault> {
        if self.data_started && self.layout.as_ref().is_some_and(|l| l.uninterrupted) {
            return fault(
                Rule::Interrupted,
                format!("{what} after the first data line, but `uninterrupted data lines` is true; remove it or set the header to false"),
            );
        }
        Ok(())
    }

    fn finalize_header(&mut self, line: u64) -> Result<(), (Fault, u64)> {
        let layout = self.build_layout(line)?;
        self.layout = Some(Box::new(layout));
        Ok(())
    }
}

impl<R: BufRead> Reader<R> {
    fn build_layout(&mut self, line: u64) -> Result<Layout, (Fault, u64)> {
        // 1. Subtype.
        if let Some(url) = self.headers.get(Var::SubtypeUrl).map(str::to_string) {
            let l = self.headers.line_of(Var::SubtypeUrl).unwrap_or(line);
            let (name, sub) = subtype::resolve(&url).map_err(|f| (f, l))?;
            subtype::check_adherence(name, &sub, &self.headers).map_err(|(f, l2)| {
                let l2 = if l2 == 0 { l } else { l2 };
                (f, l2)
            })?;
            self.subtype = Some((name, sub));
        }
        // 2. Effective headers: file, assumed, subtype, defaults.
        let mut file = self.headers.clone();
        for (var, v) in &self.opts.assume {
            let in_sub = self
                .subtype
                .as_ref()
                .is_some_and(|(_, s)| s.get(*var).is_some());
            if file.get(*var).is_none() && !in_sub {
                file.reserved.push((*var, v.clone(), 0));
            }
        }
        let eff = Effective::merge(&file, self.subtype.as_ref().map(|(_, h)| h));
        let hline = |v: Var| file.line_of(v).filter(|&l| l > 0).unwrap_or(line);
        // 3. Columns.
        let (written, cline) = match (
            &self.headers.columns,
            self.subtype.as_ref().and_then(|(_, s)| s.columns.clone()),
        ) {
            (Some((c, l)), _) => (c.clone(), *l),
            (None, Some((c, _))) => (c, line),
            (None, None) => (vec!["seqid".into(), "start".into(), "end".into()], line),
        };
        let mut names = written.clone();
        for (var, default) in [(Var::ValueColumn, "value"), (Var::EdgesColumn, "edges")] {
            let target = eff.get(var).to_string();
            if target == default {
                continue;
            }
            let other = if var == Var::ValueColumn {
                Var::EdgesColumn
            } else {
                Var::ValueColumn
            };
            if eff.get(other) == target {
                return Err((
                    Fault::new(
                        Rule::ColumnRename,
                        format!("`value column` and `edges column` both name `{target}`"),
                    ),
                    hline(var),
                ));
            }
            let Some(pos) = names.iter().position(|n| *n == target) else {
                return Err((
                    Fault::new(
                        Rule::ColumnRename,
                        format!("`{var}` names the column `{target}`, which the column line does not have"),
                    ),
                    hline(var),
                ));
            };
            if names.iter().any(|n| n == default) {
                return Err((
                    Fault::new(
                        Rule::ColumnRename,
                        format!("`{var}: {target}` renames `{target}` to `{default}`, so the column line may not also have a `{default}` column; rename that one"),
                    ),
                    cline,
                ));
            }
            names[pos] = default.to_string();
        }
        let mut extra = Vec::new();
        let roles: Vec<Role> = names
            .iter()
            .zip(&written)
            .map(|(n, w)| match n.as_str() {
                "genome" => Role::Genome,
                "seqid" => Role::Seqid,
                "start" => Role::Start,
                "end" => Role::End,
                "value" => Role::Value,
                "strand" => Role::Strand,
                "id" => Role::Id,
                "edges" => Role::Edges,
                _ => {
                    extra.push(w.clone());
                    Role::Extra(extra.len() - 1)
                }
            })
            .collect();
        let has_col = |r: Role| roles.contains(&r);
        // 4. Extended headers.
        let fixed_length = eff.int(Var::FixedLength);
        if fixed_length < 1 {
            return Err((
                Fault::new(
                    Rule::FixedLength,
                    format!("`fixed length` must be at least 1, not {fixed_length}"),
                ),
                hline(Var::FixedLength),
            ));
        }
        let mut fixed_gap = eff.int(Var::FixedGapSize);
        if fixed_gap != 0 && (has_col(Role::Start) || has_col(Role::End)) {
            self.warn(
                Fault::new(
                    Rule::FixedGap,
                    "`fixed gap size` is ignored because the file has a start or end column",
                ),
                hline(Var::FixedGapSize),
            );
            fixed_gap = 0;
        }
        if fixed_length.checked_add(fixed_gap).is_none_or(|x| x <= 0) {
            return Err((
                Fault::new(
                    Rule::FixedGap,
                    format!("fixed length + fixed gap size must be a positive 64-bit integer, here {fixed_length} + {fixed_gap}"),
                ),
                hline(Var::FixedGapSize),
            ));
        }
        let dls = eff.int(Var::DataLineSize);
        if dls < 1 {
            return Err((
                Fault::new(
                    Rule::DataLineSize,
                    format!("`data line size` must be at least 1, not {dls}"),
                ),
                hline(Var::DataLineSize),
            ));
        }
        // 5. Track type against core columns.
        let has = CoreColumns {
            start: has_col(Role::Start) || (fixed_gap != 0 && !has_col(Role::End)),
            end: has_col(Role::End) || (fixed_length > 1 && !has_col(Role::End)),
            value: has_col(Role::Value),
            edges: has_col(Role::Edges),
        };
        let track_type = eff.track_type();
        if track_type.core_columns() != has {
            let found = TrackType::from_core_columns(has)
                .map(|t| format!(", which is the column set of `{t}`"))
                .unwrap_or_default();
            let need = track_type.core_columns();
            let list = |c: CoreColumns| {
                let v: Vec<&str> = [
                    ("start", c.start),
                    ("end", c.end),
                    ("value", c.value),
                    ("edges", c.edges),
                ]
                .iter()
                .filter(|x| x.1)
                .map(|x| x.0)
                .collect();
                if v.is_empty() {
                    "none".to_string()
                } else {
                    v.join(", ")
                }
            };
            return Err((
                Fault::new(
                    Rule::TrackTypeColumns,
                    format!(
                        "track type `{track_type}` has the core columns {} but the file has {}{found}; fix `##track type` or the column line (`gtrack expand-headers` infers the type)",
                        list(need),
                        list(has)
                    ),
                ),
                if self.headers.line_of(Var::TrackType).is_some() { hline(Var::TrackType) } else { cline },
            ));
        }
        if track_type.is_linked() && !has_col(Role::Id) {
            return Err((
                Fault::new(
                    Rule::IdRequired,
                    format!("track type `{track_type}` needs an `id` column (edges point to ids)"),
                ),
                cline,
            ));
        }
        let line_size = if eff.flag(Var::FixedSizeDataLines) {
            if track_type != TrackType::Function || names != ["value"] {
                return Err((
                    Fault::new(
                        Rule::FixedSizeLines,
                        format!("`fixed-size data lines` needs track type function and the column line `###value` alone (here `{track_type}`, columns `{}`)", written.join(" ")),
                    ),
                    hline(Var::FixedSizeDataLines),
                ));
            }
            Some(dls as usize)
        } else {
            None
        };
        let weights = (track_type.is_linked() && eff.flag(Var::EdgeWeights))
            .then(|| ValueSpec::new(eff.weight_type(), eff.weight_dim()));
        let layout = Layout {
            names,
            written,
            extra,
            track_type,
            value: track_type
                .is_valued()
                .then(|| ValueSpec::new(eff.value_type(), eff.value_dim())),
            weights,
            undirected: track_type.is_linked() && eff.flag(Var::UndirectedEdges),
            one_indexed: eff.flag(Var::OneIndexed),
            end_inclusive: eff.flag(Var::EndInclusive),
            circular: eff.flag(Var::CircularElements),
            fixed_length: fixed_length as u64,
            fixed_gap,
            line_size,
            sorted: eff.flag(Var::SortedElements),
            no_overlaps: track_type.is_sparse() && eff.flag(Var::NoOverlappingElements),
            uninterrupted: eff.flag(Var::UninterruptedDataLines),
            has,
            has_strand: has_col(Role::Strand),
            has_id: has_col(Role::Id),
            has_genome: has_col(Role::Genome),
            has_seqid: has_col(Role::Seqid),
            roles,
        };
        self.eff = Some(eff);
        Ok(layout)
    }

    fn layout_ref(&self) -> &Layout {
        self.layout
            .as_ref()
            .expect("layout is set before the body is read")
    }

    /// File coordinate of a normalised end.
    fn file_end(&self, e: u64) -> i64 {
        let l = self.layout_ref();
        e as i64 + l.one_indexed as i64 - l.end_inclusive as i64
    }

    fn intern(&mut self, genome: Option<&str>, seqid: &str) -> usize {
        if let Some((g, s, i)) = &self.last_seq {
            if s == seqid && g.as_deref() == genome {
                return *i;
            }
        }
        let key = (genome.map(str::to_string), seqid.to_string());
        let i = match self.seq_index.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.seqs.len();
                self.seqs.push(key.clone());
                self.seq_index.insert(key.clone(), i);
                i
            }
        };
        self.last_seq = Some((key.0, key.1, i));
        i
    }

    fn region_line(&mut self, body: &[u8], line: u64) -> Result<Event, Fault> {
        if body.first() == Some(&b' ') {
            return fault(
                Rule::BrSyntax,
                "space right after `####`; write `####seqid=chr1; start=0`",
            );
        }
        if body.contains(&b'\t') {
            return fault(
                Rule::BrSyntax,
                "tab in a bounding region line; separate attributes with `;` (and optional spaces)",
            );
        }
        let eqs = body.iter().filter(|&&b| b == b'=').count();
        let semis = body.iter().filter(|&&b| b == b';').count();
        if eqs != semis + 1 {
            return fault(
                Rule::BrSyntax,
                format!("bounding region `{}` has {eqs} `=` for {} attributes; write `name=value` pairs separated by `;` (escape `=`/`;` in values as %3D/%3B)", show(body), semis + 1),
            );
        }
        let (mut genome, mut seqid, mut start, mut end) = (None, None, None, None);
        for part in body.split(|&b| b == b';') {
            let part = &part[part.iter().position(|&b| b != b' ').unwrap_or(part.len())..];
            let Some(eq) = part.iter().position(|&b| b == b'=') else {
                return fault(
                    Rule::BrSyntax,
                    format!("`{}` is not `name=value`", show(part)),
                );
            };
            let key = show(&part[..eq]).to_ascii_lowercase();
            let val = &part[eq + 1..];
            if val.is_empty() || val.last() == Some(&b' ') || val.first() == Some(&b' ') {
                return fault(
                    Rule::BrSyntax,
                    format!("attribute `{key}` has an empty value or one with surrounding spaces"),
                );
            }
            let slot = match key.as_str() {
                "genome" => &mut genome,
                "seqid" => &mut seqid,
                "start" => &mut start,
                "end" => &mut end,
                _ => {
                    return fault(
                        Rule::BrAttribute,
                        format!("unknown bounding region attribute `{key}` (allowed: genome, seqid, start, end)"),
                    )
                }
            };
            if slot.is_some() {
                return fault(Rule::BrSyntax, format!("attribute `{key}` given twice"));
            }
            *slot = Some(val.to_vec());
        }
        let kind = match (&genome, &seqid) {
            (_, Some(_)) => RegionKind::Sequence,
            (Some(_), None) if start.is_none() && end.is_none() => RegionKind::Genome,
            (Some(_), None) => {
                return fault(
                    Rule::BrSyntax,
                    "a bounding region with start or end needs a seqid",
                )
            }
            (None, None) => {
                return fault(
                    Rule::BrSyntax,
                    "a bounding region needs a genome or a seqid",
                )
            }
        };
        let (tt, one, incl, circular, gap) = {
            let l = self.layout_ref();
            (
                l.track_type,
                l.one_indexed as i64,
                l.end_inclusive as i64,
                l.circular,
                l.fixed_gap,
            )
        };
        if let Some(first) = self.regions.first() {
            if first.kind != kind {
                return fault(
                    Rule::BrMixed,
                    "type A (`####genome=..`) and type B (`####seqid=..`) bounding regions may not be mixed in one file",
                );
            }
        }
        if kind == RegionKind::Genome && tt.is_dense() {
            return fault(
                Rule::BrType,
                format!("track type `{tt}` needs type-B bounding regions (`####seqid=..; start=..; end=..`), not `####genome=..`"),
            );
        }
        if kind == RegionKind::Genome && gap != 0 {
            return fault(
                Rule::FixedGap,
                "`fixed gap size` needs type-B bounding regions (`####seqid=..`)",
            );
        }
        let genome = genome
            .map(|g| unescape(&g).map(|s| s.into_owned()))
            .transpose()?;
        let seqid = seqid
            .map(|g| unescape(&g).map(|s| s.into_owned()))
            .transpose()?;
        if let (Some(g), Some(given)) = (&genome, &self.opts.genome) {
            if Genome::bundled(g).is_ok()
                && Genome::bundled(given.name()).is_ok()
                && !g.eq_ignore_ascii_case(given.name())
            {
                return fault(
                    Rule::GenomeMismatch,
                    format!("bounding region genome `{g}` differs from the genome `{}` given on the command line", given.name()),
                );
            }
        }
        let pos = |raw: &Option<Vec<u8>>, what: &str| -> Result<Option<i64>, Fault> {
            raw.as_ref()
                .map(|r| {
                    parse_int(r).ok_or_else(|| {
                        Fault::new(
                            Rule::BrSyntax,
                            format!("bounding region {what} `{}` is not an integer", show(r)),
                        )
                    })
                })
                .transpose()
        };
        let start_f = pos(&start, "start")?;
        let end_f = pos(&end, "end")?;
        let start0 = start_f.map_or(0, |s| s - one);
        if start0 < 0 {
            return fault(
                Rule::NegativePosition,
                format!(
                    "bounding region start {} is before the first base",
                    start_f.unwrap_or(0)
                ),
            );
        }
        let mut end0 = end_f.map(|e| e - one + incl);
        if let (Some(s), Some(g)) = (&seqid, &self.opts.genome) {
            match g.length(s) {
                None => {
                    return fault(
                        Rule::SeqidUnknown,
                        format!("sequence `{s}` is not in genome `{}`", g.name()),
                    )
                }
                Some(len) => {
                    if end0.is_none() {
                        end0 = Some(len as i64);
                    }
                    if end0.unwrap_or(0) > len as i64 {
                        return fault(
                            Rule::SeqLength,
                            format!(
                                "bounding region ends at {} beyond the end of `{s}` ({len} bp)",
                                end_f.unwrap_or(0)
                            ),
                        );
                    }
                }
            }
        }
        if let Some(e) = end0 {
            if e < 0 || e == start0 || (e < start0 && !circular) {
                return fault(
                    Rule::EndBeforeStart,
                    format!(
                        "bounding region end {} is not after its start {}{}",
                        end_f.unwrap_or(0),
                        start_f.unwrap_or(0),
                        if circular {
                            ""
                        } else {
                            " (set `##circular elements: true` for regions crossing the origin)"
                        }
                    ),
                );
            }
        }
        // A data line before the first region.
        if self.regions.is_empty() {
            if let Some(dl) = self.first_data_line {
                self.pending.push((
                    Fault::new(
                        Rule::BrMissing,
                        "data line before the first bounding region; when a file has bounding regions, every element must follow one",
                    ),
                    dl,
                ));
            }
        }
        self.close_block();
        let region = BoundingRegion {
            kind,
            genome: genome.clone(),
            seqid,
            start: start0 as u64,
            end: end0.map(|e| e as u64),
            block: None,
        };
        if self.layout_ref().sorted {
            if let Some(prev) = self.regions.last() {
                let key = |r: &BoundingRegion| (r.genome.clone(), r.seqid.clone(), r.start, r.end);
                if key(&region) < key(prev) {
                    self.pending.push((
                        Fault::new(
                            Rule::Unsorted,
                            "bounding region out of order, but `sorted elements` is true",
                        ),
                        line,
                    ));
                }
            }
        }
        self.regions.push(region);
        self.region_lines.push(line);
        self.block = Some(Block {
            region: self.regions.len() - 1,
            line,
            count: 0,
            prev_start: start0 as u64,
            prev_end: start0 as u64,
            genome,
        });
        self.prev_key = None;
        Ok(Event::Region(self.regions.len() - 1))
    }

    /// End-of-block checks for dense types; fills in implicit region ends.
    fn close_block(&mut self) {
        let Some(b) = self.block.take() else { return };
        let tt = self.layout_ref().track_type;
        if !tt.is_dense() {
            return;
        }
        let r = &self.regions[b.region];
        let (start, end) = (r.start, r.end);
        if b.count == 0 {
            self.pending.push((
                Fault::new(Rule::BrEmpty, format!("bounding region of a `{tt}` track has no data lines (dense tracks cover their regions)")),
                b.line,
            ));
            return;
        }
        let last = if tt.is_per_base() {
            start + b.count
        } else {
            b.prev_end
        };
        match end {
            Some(e) if e != last => {
                let (fe, fl) = (self.file_end(e), self.file_end(last));
                let what = if tt.is_per_base() {
                    format!("start + {} data lines gives end {fl}", b.count)
                } else {
                    format!("the last element ends at {fl}")
                };
                self.pending.push((
                    Fault::new(
                        Rule::BrEnd,
                        format!(
                            "bounding region end is {fe} but {what}; for `{tt}` they must be equal"
                        ),
                    ),
                    b.line,
                ));
            }
            Some(_) => {}
            None => self.regions[b.region].end = Some(last),
        }
    }
}

impl<R: BufRead> Reader<R> {
    fn data_line(&mut self, buf: &[u8], elem: &mut Element, line: u64) -> LineResult {
        if let Some(size) = self.layout_ref().line_size {
            if buf.len() % size != 0 {
                return fault(
                    Rule::DataLineSize,
                    format!(
                        "line has {} characters, not a multiple of the data line size {size}",
                        buf.len()
                    ),
                );
            }
            self.fixed_line.clear();
            self.fixed_line.extend_from_slice(buf);
            self.fixed_pos = 0;
            self.fixed_line_no = line;
            return self.fixed_chunk(elem, line).map(Some);
        }
        let n = self.layout_ref().roles.len();
        // Field boundaries were found by `scan_line` in `process_bytes`.
        let fields = std::mem::take(&mut self.fields);
        let r = if fields.len() != n {
            fault(
                Rule::ColumnCount,
                format!(
                    "{} fields but the column line has {n} ({}); separate fields with single tabs",
                    fields.len(),
                    self.layout_ref().written.join(", ")
                ),
            )
        } else {
            self.element(buf, &fields, elem, line)
        };
        self.fields = fields;
        r.map(Some)
    }

    fn fixed_chunk(&mut self, elem: &mut Element, line: u64) -> Result<Event, Fault> {
        let size = self.layout_ref().line_size.unwrap_or(1);
        let chunk = self.fixed_line[self.fixed_pos..self.fixed_pos + size].to_vec();
        self.fixed_pos += size;
        self.element(&chunk, &[(0, size)], elem, line)
    }

    fn element(
        &mut self,
        buf: &[u8],
        fields: &[(usize, usize)],
        elem: &mut Element,
        line: u64,
    ) -> Result<Event, Fault> {
        // Move layout and regions out so that the element parser can
        // borrow them while updating the reader's other state.
        let layout = self.layout.take().expect("layout");
        let regions = std::mem::take(&mut self.regions);
        let mut cache = std::mem::take(&mut self.seq_cache);
        let r = self.element_inner(&layout, &regions, &mut cache, buf, fields, elem, line);
        self.layout = Some(layout);
        self.regions = regions;
        self.seq_cache = cache;
        r
    }

    #[allow(clippy::too_many_arguments)]
    fn element_inner(
        &mut self,
        l: &Layout,
        regions: &[BoundingRegion],
        cache: &mut SeqCache,
        buf: &[u8],
        fields: &[(usize, usize)],
        elem: &mut Element,
        line: u64,
    ) -> Result<Event, Fault> {
        elem.line = line;
        elem.strand = Strand::Unknown;
        elem.id = None;
        elem.targets.clear();
        elem.weights.clear();
        if elem.extras.len() != l.extra.len() {
            elem.extras.resize(l.extra.len(), String::new());
        }
        let mut genome_col: Option<String> = None;
        let mut has_seqid_col = false;
        let (mut start_raw, mut end_raw, mut value_raw, mut edges_raw): (
            &[u8],
            &[u8],
            &[u8],
            &[u8],
        ) = (b"", b"", b"", b"");
        for (i, &(a, b)) in fields.iter().enumerate() {
            let f = &buf[a..b];
            let role = l.roles[i];
            if f.is_empty() {
                if role == Role::Id {
                    return fault(Rule::IdEmpty, "empty id; ids are non-empty strings");
                }
                return fault(
                    Rule::EmptyValue,
                    format!(
                        "field {} (`{}`) is empty; write `.` for a missing value",
                        i + 1,
                        l.written[i]
                    ),
                );
            }
            match role {
                Role::Genome => {
                    if f != b"." {
                        genome_col = Some(unescape(f)?.into_owned())
                    }
                }
                Role::Seqid => {
                    if f != b"." {
                        if f != cache.raw.as_slice() {
                            cache.text = unescape(f)?.into_owned();
                            cache.raw.clear();
                            cache.raw.extend_from_slice(f);
                            cache.seq = None;
                        }
                        has_seqid_col = true;
                    }
                }
                Role::Start => start_raw = f,
                Role::End => end_raw = f,
                Role::Value => value_raw = f,
                Role::Edges => edges_raw = f,
                Role::Strand => {
                    elem.strand = Strand::from_symbol(f).ok_or_else(|| {
                        Fault::new(
                            Rule::Strand,
                            format!("strand `{}` is not `+`, `-` or `.`", show(f)),
                        )
                    })?
                }
                Role::Id => {
                    if f != b"." {
                        elem.id = Some(unescape(f)?.into_owned());
                    } else if l.track_type.is_linked() {
                        return fault(Rule::IdEmpty, "id `.` in a linked track; every element needs an id that edges can refer to");
                    }
                }
                Role::Extra(k) => {
                    let s = &mut elem.extras[k];
                    s.clear();
                    s.push_str(&unescape(f)?);
                }
            }
        }
        // Context: bounding region, sequence, genome.
        let (br_kind, br_genome, br_seqid, br_start, br_end) = match &self.block {
            Some(b) => {
                let r = &regions[b.region];
                (
                    Some(r.kind),
                    r.genome.as_deref(),
                    r.seqid.as_deref(),
                    r.start,
                    r.end,
                )
            }
            None => (None, None, None, 0, None),
        };
        if br_kind.is_none() {
            if l.track_type.is_dense() {
                return fault(
                    Rule::BrMissing,
                    format!("track type `{}` needs a type-B bounding region (`####seqid=..; start=..; end=..`) before its data lines", l.track_type),
                );
            }
            if l.fixed_gap != 0 {
                return fault(
                    Rule::FixedGap,
                    "`fixed gap size` needs a type-B bounding region before the data lines",
                );
            }
        }
        let seqid_col: Option<&str> = has_seqid_col.then_some(cache.text.as_str());
        let seqid: &str = match (seqid_col, br_seqid) {
            (Some(s), Some(b)) if s != b => {
                return fault(Rule::SeqidMismatch, format!("seqid `{s}` differs from the bounding region's seqid `{b}`"))
            }
            (Some(s), _) => s,
            (None, Some(b)) => b,
            (None, None) => {
                return fault(
                    Rule::SeqidMissing,
                    "no seqid: add a `seqid` column or a type-B bounding region (`####seqid=..`) before the data lines",
                )
            }
        };
        let genome: Option<&str> = match (&genome_col, br_genome) {
            (Some(g), Some(b)) if g != b => {
                return fault(
                    Rule::GenomeMismatch,
                    format!("genome `{g}` differs from the bounding region's genome `{b}`"),
                )
            }
            (Some(g), _) => Some(g),
            (None, b) => b,
        };
        if let Some(b) = &mut self.block {
            if br_kind == Some(RegionKind::Sequence) {
                match (&b.genome, genome) {
                    (None, Some(g)) if b.count == 0 => b.genome = Some(g.to_string()),
                    (bg, g) if bg.as_deref() != g => {
                        return fault(
                            Rule::GenomeMismatch,
                            "elements of one bounding region must share a genome; give the genome in the bounding region line",
                        )
                    }
                    _ => {}
                }
            }
        }
        // Positions, normalised to 0-based half-open.
        let one = l.one_indexed as i64;
        let incl = l.end_inclusive as i64;
        let (idx, prev_start, prev_end) = match &self.block {
            Some(b) => (b.count, b.prev_start, b.prev_end),
            None => (0, 0, 0),
        };
        let start0: i64 = if !start_raw.is_empty() {
            let s = parse_int(start_raw).ok_or_else(|| {
                Fault::new(
                    Rule::Position,
                    format!("start `{}` is not an integer", show(start_raw)),
                )
            })?;
            if s - one < 0 {
                return fault(
                    Rule::NegativePosition,
                    format!(
                        "start {s} is before the first base ({})",
                        if one == 1 {
                            "the file is 1-indexed"
                        } else {
                            "positions are 0-based"
                        }
                    ),
                );
            }
            s - one
        } else if l.has.start {
            // fixed gap size: implicit starts.
            if idx == 0 {
                br_start as i64
            } else {
                (prev_start as i64)
                    .checked_add(l.fixed_length as i64)
                    .and_then(|x| x.checked_add(l.fixed_gap))
                    .ok_or_else(|| {
                        Fault::new(
                            Rule::Position,
                            "implicit start beyond 64-bit positions (fixed length/gap too large)",
                        )
                    })?
            }
        } else if l.has.end {
            if idx == 0 {
                br_start as i64
            } else {
                prev_end as i64
            }
        } else {
            (br_start + idx) as i64
        };
        let mut implicit_end = false;
        let end0: i64 = if !end_raw.is_empty() {
            let e = parse_int(end_raw).ok_or_else(|| {
                Fault::new(
                    Rule::Position,
                    format!("end `{}` is not an integer", show(end_raw)),
                )
            })?;
            e - one + incl
        } else {
            implicit_end = true;
            start0.checked_add(l.fixed_length as i64).ok_or_else(|| {
                Fault::new(
                    Rule::Position,
                    "implicit end beyond 64-bit positions (fixed length too large)",
                )
            })?
        };
        let mut end0 = end0;
        if end0 < 0 || end0 == start0 || (end0 < start0 && !l.circular) {
            let fs = start0 + one;
            let fe = end0 - one + incl;
            if l.track_type.is_dense_interval()
                && end0 < prev_end as i64
                && !end_raw.is_empty()
                && idx > 0
            {
                return fault(
                    Rule::DenseUnsorted,
                    format!("end {fe} is before the previous end {}; in `{}` blocks data lines are sorted by end", prev_end as i64 - one + incl, l.track_type),
                );
            }
            return fault(
                Rule::EndBeforeStart,
                format!(
                    "end {fe} is not after start {fs}{}",
                    if l.circular {
                        ""
                    } else {
                        " (for elements crossing the origin of a circular sequence set `##circular elements: true`)"
                    }
                ),
            );
        }
        if br_kind == Some(RegionKind::Sequence) {
            if implicit_end {
                // Implicit ends may cross the region end; crop them (spec, Fixed length).
                if let Some(be) = br_end {
                    if end0 > be as i64 && start0 < be as i64 {
                        end0 = be as i64;
                    }
                }
            }
            let outside = start0 < br_start as i64
                || br_end
                    .is_some_and(|be| start0 >= be as i64 || (end0 > be as i64 && end0 >= start0));
            if outside && !l.track_type.is_per_base() {
                return fault(
                    Rule::OutsideBr,
                    format!(
                        "element {}-{} lies outside its bounding region {}-{}",
                        start0 + one,
                        end0 - one + incl,
                        br_start as i64 + one,
                        br_end.map_or("?".to_string(), |e| (e as i64 - one + incl).to_string())
                    ),
                );
            }
        }
        if let Some(g) = &self.opts.genome {
            match g.length(seqid) {
                None => {
                    return fault(
                        Rule::SeqidUnknown,
                        format!("sequence `{seqid}` is not in genome `{}`", g.name()),
                    )
                }
                Some(len) => {
                    if end0.max(start0 + 1) > len as i64 {
                        return fault(
                            Rule::SeqLength,
                            format!(
                                "element ends at {} beyond the end of `{seqid}` ({len} bp)",
                                end0 - one + incl
                            ),
                        );
                    }
                }
            }
        }
        // Values and edges.
        if let Some(spec) = l.value {
            parse_value(
                value_raw,
                spec,
                &mut elem.value,
                &mut self.value_vec_len,
                "value",
            )?;
        }
        if l.track_type.is_linked() {
            self.parse_edges(l, edges_raw, elem)?;
        }
        // Ids.
        let seq = match &cache.seq {
            Some((g, i)) if has_seqid_col && g.as_deref() == genome => *i,
            _ => {
                let i = self.intern(genome, seqid);
                if has_seqid_col {
                    cache.seq = Some((genome.map(str::to_string), i));
                }
                i
            }
        };
        if let Some(id) = &elem.id {
            if let Some(&(first, _)) = self.ids.get(id) {
                return fault(
                    Rule::IdDuplicate,
                    format!("id `{id}` was already used on line {first}; ids are unique"),
                );
            }
            if l.track_type.is_linked() || l.has_id {
                self.ids.insert(id.clone(), (line, self.id_list.len()));
                if l.track_type.is_linked() {
                    self.id_list.push(id.clone());
                }
            }
        }
        if l.track_type.is_linked() {
            let source = self.id_list.len() - 1;
            for (k, t) in elem.targets.iter().enumerate() {
                self.edges.push(PendingEdge {
                    source,
                    target: t.clone(),
                    weight: l.undirected.then(|| elem.weights.get(k).cloned()).flatten(),
                    line,
                });
            }
        }
        let (start0, end0) = (start0 as u64, end0 as u64);
        // Guarantees.
        if l.track_type.is_dense_interval() && idx > 0 && end0 < prev_end {
            return fault(Rule::DenseUnsorted, "ends must ascend within a block");
        }
        if l.sorted && !l.track_type.is_per_base() {
            if let Some((ps, pst, pen)) = self.prev_key {
                let cur = (&self.seqs[seq].0, &self.seqs[seq].1, start0, end0);
                let prev = (&self.seqs[ps].0, &self.seqs[ps].1, pst, pen);
                if cur < prev {
                    self.pending.push((
                        Fault::new(Rule::Unsorted, "element out of order (by genome, seqid, start, end), but `sorted elements` is true"),
                        line,
                    ));
                }
            }
            self.prev_key = Some((seq, start0, end0));
        }
        if l.no_overlaps {
            self.extents.push((seq, start0, end0, line));
        }
        if let Some(b) = &mut self.block {
            b.count += 1;
            b.prev_start = start0;
            b.prev_end = end0;
        }
        self.data_started = true;
        elem.seq = seq;
        elem.start = start0;
        elem.end = end0;
        Ok(Event::Element)
    }

    fn parse_edges(&mut self, l: &Layout, raw: &[u8], elem: &mut Element) -> Result<(), Fault> {
        if raw == b"." {
            return Ok(());
        }
        for part in raw.split(|&b| b == b';') {
            if part.is_empty() {
                return fault(
                    Rule::EdgeSyntax,
                    format!(
                        "empty edge in `{}` (two `;` in a row, or a trailing `;`)",
                        show(raw)
                    ),
                );
            }
            let eqs = part.iter().filter(|&&b| b == b'=').count();
            let (id, w) = match (l.weights, eqs) {
                (Some(_), 0) => {
                    return fault(
                        Rule::EdgeWeight,
                        format!("edge `{}` has no weight, but `edge weights` is true: write `id=weight`", show(part)),
                    )
                }
                (Some(_), 1) => {
                    let p = part.iter().position(|&b| b == b'=').unwrap_or(0);
                    (&part[..p], Some(&part[p + 1..]))
                }
                (Some(_), _) => {
                    return fault(Rule::EdgeSyntax, format!("edge `{}` has more than one `=` (escape `=` as %3D)", show(part)))
                }
                (None, 0) => (part, None),
                (None, _) => {
                    return fault(
                        Rule::EdgeWeight,
                        format!("edge `{}` has a weight, but `edge weights` is false; set `##edge weights: true`", show(part)),
                    )
                }
            };
            let spaced = |x: &[u8]| x.first() == Some(&b' ') || x.last() == Some(&b' ');
            if id.is_empty() || spaced(id) || w.is_some_and(spaced) {
                return fault(
                    Rule::EdgeSyntax,
                    format!(
                        "edge `{}`: empty id, or spaces around `=`/after `;`",
                        show(part)
                    ),
                );
            }
            let tid = unescape(id)?.into_owned();
            if elem.targets.contains(&tid) {
                return fault(
                    Rule::EdgeDuplicate,
                    format!("edge to `{tid}` appears twice in one element"),
                );
            }
            elem.targets.push(tid);
            if let (Some(spec), Some(w)) = (l.weights, w) {
                let mut b = std::mem::replace(&mut self.scratch, ValueBuf::new(spec.ty));
                let r = parse_value(w, spec, &mut b, &mut self.weight_vec_len, "edge weight");
                elem.weights.push(b.clone());
                self.scratch = b;
                r?;
            }
        }
        Ok(())
    }

    /// End-of-file checks: dense region ends, overlapping regions,
    /// dangling and unmatched edges, overlapping elements. Records
    /// diagnostics; returns the first error when not collecting.
    pub fn finish(&mut self) -> Result<(), Diagnostic> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        if self.layout.is_none() {
            self.read_header()?;
        }
        self.close_block();
        self.drain_pending()?;
        // Overlapping bounding regions.
        let mut rs: Vec<(usize, &BoundingRegion)> = self.regions.iter().enumerate().collect();
        rs.sort_by(|a, b| {
            (&a.1.genome, &a.1.seqid, a.1.start).cmp(&(&b.1.genome, &b.1.seqid, b.1.start))
        });
        let mut faults = Vec::new();
        for w in rs.windows(2) {
            let ((i, a), (j, b)) = (w[0], w[1]);
            let same = a.genome == b.genome && a.seqid == b.seqid;
            let overlap =
                same && (a.kind == RegionKind::Genome || a.end.is_none_or(|e| b.start < e));
            if overlap {
                let later = self.region_lines[i].max(self.region_lines[j]);
                let other = self.region_lines[i].min(self.region_lines[j]);
                faults.push((
                    Fault::new(Rule::BrOverlap, format!("bounding region overlaps the one on line {other}; regions may not overlap")),
                    later,
                ));
            }
        }
        // Edges.
        if self.layout_ref().track_type.is_linked() {
            for e in &self.edges {
                if !self.ids.contains_key(&e.target) {
                    faults.push((
                        Fault::new(
                            Rule::EdgeDangling,
                            format!("edge to `{}`, but no element has that id", e.target),
                        ),
                        e.line,
                    ));
                }
            }
            if self.layout_ref().undirected {
                let mut map: HashMap<(usize, usize), Option<&ValueBuf>> = HashMap::new();
                for e in &self.edges {
                    if let Some(&(_, t)) = self.ids.get(&e.target) {
                        map.insert((e.source, t), e.weight.as_ref());
                    }
                }
                for e in &self.edges {
                    let Some(&(_, t)) = self.ids.get(&e.target) else {
                        continue;
                    };
                    if t == e.source {
                        continue;
                    }
                    let ok = match map.get(&(t, e.source)) {
                        Some(w) => match (w, &e.weight) {
                            (Some(a), Some(b)) => a.same(b),
                            (None, None) => true,
                            _ => false,
                        },
                        None => false,
                    };
                    if !ok {
                        let src = &self.id_list[e.source];
                        faults.push((
                            Fault::new(
                                Rule::Undirected,
                                format!("edge {src} → {} has no mirror edge {} → {src} with the same weight, but `undirected edges` is true", e.target, e.target),
                            ),
                            e.line,
                        ));
                    }
                }
            }
        }
        // Overlapping elements.
        if self.layout_ref().no_overlaps {
            let mut ex = std::mem::take(&mut self.extents);
            ex.sort_unstable();
            let mut reach: Option<(usize, u64, u64)> = None;
            for &(seq, s, e, line) in &ex {
                if let Some((rs, re, rl)) = reach {
                    if rs == seq && s < re {
                        faults.push((
                            Fault::new(
                                Rule::Overlap,
                                format!("element overlaps the one on line {}, but `no overlapping elements` is true", rl.min(line)),
                            ),
                            rl.max(line),
                        ));
                    }
                }
                if reach.is_none_or(|(rs, re, _)| rs != seq || e > re) {
                    reach = Some((seq, e, line));
                }
            }
        }
        faults.sort_by_key(|f| f.1);
        for (f, l) in faults {
            self.record(f, l)?;
        }
        self.diagnostics.sort_by_key(|d| d.line);
        Ok(())
    }
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    fn naive(line: &[u8]) -> (Vec<(usize, usize)>, bool) {
        let mut f = Vec::new();
        let mut s = 0;
        for (i, &b) in line.iter().enumerate() {
            if b == b'\t' {
                f.push((s, i));
                s = i + 1;
            }
        }
        f.push((s, line.len()));
        let bad = line.iter().any(|&b| (b < 0x20 && b != b'\t') || b >= 0x7f);
        (f, bad)
    }

    /// The SWAR scanners agree with a byte-by-byte reference on lines of
    /// every length 0..40 with tabs, newlines and illegal bytes at every
    /// offset (word boundaries included).
    #[test]
    fn swar_scan_matches_naive() {
        let specials = [b'\t', b'\r', 0x00, 0x1f, 0x7f, 0x80, 0xff, b' ', b'%', 0x0b];
        let mut seed = 0x1234_5678_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..40 {
            for _ in 0..200 {
                let mut line: Vec<u8> = (0..len)
                    .map(|_| {
                        let r = next();
                        if r % 5 == 0 {
                            specials[(r / 5 % specials.len() as u64) as usize]
                        } else {
                            b'a' + (r % 26) as u8
                        }
                    })
                    .collect();
                let (want_f, want_bad) = naive(&line);
                let mut f = Vec::new();
                let r = scan_line(&line, &mut f, true);
                assert_eq!(f, want_f, "{line:?}");
                assert_eq!(r.is_err(), want_bad, "{line:?}");
                // With a newline and trailing garbage, padded to whole words.
                line.push(b'\n');
                line.extend_from_slice(b"x\ty\x01zzzzzzzzzzzzzz");
                let mut f = Vec::new();
                if let Some((end, bad)) = scan_to_newline(&line, &mut f) {
                    assert_eq!(end, len);
                    assert_eq!(f, want_f, "{line:?}");
                    assert_eq!(bad, want_bad, "{line:?}");
                }
            }
        }
    }
}
