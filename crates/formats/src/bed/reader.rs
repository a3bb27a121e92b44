//! The BED-family reader: one pass, one reused line buffer, fields parsed
//! in place.

use crate::error::ferr;
use std::collections::HashSet;
use std::io::BufRead;

use gtrack_core::{Strand, Track, TrackType, ValueBuf};

use super::layout::{counts_text, layout, Dest, Kind, Layout};
use crate::error::{Error, FormatError};
use crate::format::{Format, ReadOptions};
use crate::text::Lines;

/// Split `line` into fields on runs of spaces and tabs.
fn split_ws(line: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let s = i;
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
            i += 1;
        }
        out.push((s, i));
    }
}

/// Split `line` on tabs when that gives clean fields: at least three,
/// none empty, and chrom/chromStart/chromEnd without spaces. Otherwise
/// (space-delimited or mixed lines) split on runs of whitespace; for
/// bedDetail, keep the last two tab-delimited fields whole. False when a
/// bedDetail line lacks the two tabs.
fn split_line(line: &str, detail: bool, out: &mut Vec<(usize, usize)>) -> bool {
    let space = crate::text::split_tabs(line.as_bytes(), out);
    if out.len() >= 3 {
        let clean = out.iter().all(|&(a, b)| a < b) && space.is_none_or(|sp| sp >= out[2].1);
        if clean {
            return true;
        }
    }
    if detail {
        split_detail(line, out)
    } else {
        split_ws(line, out);
        true
    }
}

/// bedDetail: the last two fields are tab-delimited (they may hold
/// spaces), the others whitespace-delimited. False without two tabs.
fn split_detail(line: &str, out: &mut Vec<(usize, usize)>) -> bool {
    let Some(t2) = line.rfind('\t') else {
        return false;
    };
    let Some(t1) = line[..t2].rfind('\t') else {
        return false;
    };
    split_ws(&line[..t1], out);
    out.push((t1 + 1, t2));
    out.push((t2 + 1, line.len()));
    true
}

fn is_header(line: &str, word: &str) -> Option<String> {
    let rest = line.strip_prefix(word)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    if rest.starts_with([' ', '\t']) {
        return Some(rest.trim().to_string());
    }
    None
}

/// Iterate the elements of a comma-separated list, allowing one trailing comma.
fn list_items(s: &str) -> impl Iterator<Item = &str> {
    let s = s.strip_suffix(',').unwrap_or(s);
    s.split(',')
}

fn list_len(s: &str) -> usize {
    let s = s.strip_suffix(',').unwrap_or(s);
    if s.is_empty() {
        0
    } else {
        s.bytes().filter(|&b| b == b',').count() + 1
    }
}

fn is_missing_word(s: &str) -> bool {
    s == "."
        || s.eq_ignore_ascii_case("na")
        || s.eq_ignore_ascii_case("nan")
        || s.eq_ignore_ascii_case("n/a")
        || s.eq_ignore_ascii_case("none")
}

fn parse_num(s: &str) -> Option<f64> {
    crate::text::fast_f64(s)
}

struct State<'a> {
    path: &'a str,
    format: Format,
    l: Layout,
    track: Track,
    ncols: usize,
    first_line: u64,
    cur_seqid: String,
    /// Sequences seen so far (for the fast path on unsorted input).
    seen: std::collections::HashMap<String, usize>,
    cur_seq: usize,
    cur_len: Option<u64>,
    have_seq: bool,
    vbuf: ValueBuf,
    exp_count: Option<(usize, u64)>,
    ids: HashSet<String>,
    child_id: String,
    all_unit: bool,
    genome: Option<gtrack_core::Genome>,
    /// The layout is plain (only text, number and strand columns after the
    /// coordinates, no genome, no expansion): lines may take [`State::line_fast`].
    fast: bool,
}

impl State<'_> {
    fn err(&self, line: u64, rule: &'static str, msg: String) -> Error {
        ferr(self.path, line, rule, msg)
    }

    /// The common case of plain BED3–BED6-like lines, without the general
    /// per-column dispatch: `false` (nothing pushed) when anything is
    /// unusual — a new sequence, a field that does not parse — and the
    /// general path then handles the line, with its checks and messages.
    /// Measured ~10 % faster on BED6 than the general path alone.
    #[inline]
    fn line_fast(&mut self, text: &str, f: &[(usize, usize)]) -> bool {
        let b = text.as_bytes();
        let (Some(start), Some(end)) = (
            crate::text::fast_u64(&b[f[1].0..f[1].1]),
            crate::text::fast_u64(&b[f[2].0..f[2].1]),
        ) else {
            return false;
        };
        if start > end {
            return false;
        }
        let seqid = &text[f[0].0..f[0].1];
        if !self.have_seq || seqid != self.cur_seqid {
            // Unsorted input switches sequence often: find a sequence seen
            // before without allocating; new ones take the general path.
            match self.seen.get(seqid) {
                Some(&i) => {
                    self.cur_seq = i;
                    self.cur_seqid.clear();
                    self.cur_seqid.push_str(seqid);
                }
                None => return false,
            }
        }
        let mut value = f64::NAN;
        let mut has_value = false;
        let mut strand = Strand::Unknown;
        for i in 3..self.ncols {
            let fld = &text[f[i].0..f[i].1];
            match self.l.cols[i].kind {
                Kind::Number => {
                    has_value = true;
                    if fld != "." {
                        match parse_num(fld) {
                            Some(x) => value = x,
                            None => return false,
                        }
                    }
                }
                Kind::Strand => match Strand::from_symbol(fld.as_bytes()) {
                    Some(x) => strand = x,
                    None => return false,
                },
                _ => {}
            }
        }
        if end != start + 1 {
            self.all_unit = false;
        }
        if has_value {
            if let ValueBuf::Number(v) = &mut self.vbuf {
                v.clear();
                v.push(value);
            }
        }
        let seq = &mut self.track.seqs[self.cur_seq];
        seq.starts.push(start);
        seq.ends.push(end);
        if let Some(v) = &mut seq.values {
            v.push(&self.vbuf);
        }
        if let Some(st) = &mut seq.strands {
            st.push(strand);
        }
        for (i, col) in self.l.cols.iter().enumerate().skip(3) {
            if let Dest::Extra(k) = col.dest {
                seq.extras[k].push(Some(&text[f[i].0..f[i].1]));
            }
        }
        true
    }

    #[allow(clippy::too_many_lines)]
    fn line(&mut self, text: &str, f: &[(usize, usize)], ln: u64) -> Result<(), Error> {
        if self.fast && self.line_fast(text, f) {
            return Ok(());
        }
        let fld = |i: usize| &text[f[i].0..f[i].1];
        let label = |i: usize| self.l.cols[i].label.as_str();
        // Coordinates.
        let bytes = text.as_bytes();
        let coord_err = |i: usize| {
            self.err(
                ln,
                "bed-coordinates",
                format!(
                    "{} `{}` (column {}) is not a non-negative integer; BED positions are 0-based whole numbers",
                    label(i),
                    fld(i),
                    i + 1
                ),
            )
        };
        let coord = |i: usize| -> Result<u64, Error> {
            let (a, b) = f[i];
            crate::text::fast_u64(&bytes[a..b]).ok_or_else(|| coord_err(i))
        };
        let start = coord(1)?;
        let end = coord(2)?;
        if start > end {
            return Err(self.err(
                ln,
                "bed-start-after-end",
                format!(
                    "chromStart {start} is after chromEnd {end}; BED intervals are 0-based half-open [start, end), so start ≤ end (swap them if they were reversed)"
                ),
            ));
        }
        if self.format == Format::PointBed && end != start + 1 {
            return Err(self.err(
                ln,
                "bed-point-length",
                format!(
                    "element {start}-{end} is {} bp long; a point BED holds 1 bp elements (end = start + 1); read the file as `bed` for segments",
                    end - start
                ),
            ));
        }
        if end != start + 1 {
            self.all_unit = false;
        }
        // Sequence.
        let seqid = fld(0);
        if !self.have_seq || seqid != self.cur_seqid {
            if let Some(g) = &self.genome {
                match g.length(seqid) {
                    Some(len) => self.cur_len = Some(len),
                    None => {
                        return Err(self.err(
                            ln,
                            "bed-genome",
                            format!(
                                "sequence `{seqid}` is not in genome `{}`; check the chromosome naming (e.g. `chr1` vs `1`) or the genome",
                                g.name()
                            ),
                        ))
                    }
                }
            }
            self.cur_seq = self.track.seq_index(None, seqid);
            if !self.seen.contains_key(seqid) {
                self.seen.insert(seqid.to_string(), self.cur_seq);
            }
            self.cur_seqid.clear();
            self.cur_seqid.push_str(seqid);
            self.have_seq = true;
        }
        if let Some(len) = self.cur_len {
            if end > len {
                return Err(self.err(
                    ln,
                    "bed-genome",
                    format!("chromEnd {end} is beyond the end of `{seqid}` (length {len})"),
                ));
            }
        }
        // Fields.
        let mut strand = Strand::Unknown;
        let mut thick: (Option<u64>, Option<u64>) = (None, None);
        let mut blocks: (Option<u64>, Option<usize>, Option<usize>) = (None, None, None);
        let mut value_field: Option<usize> = None;
        let mut allele_n: Option<usize> = None;
        let mut allele_count: Option<(u64, usize)> = None;
        let mut exp: (Option<u64>, Option<usize>, Option<usize>) = (None, None, None);
        // The last scalar number parsed (column, value): reused for the value.
        let mut parsed: Option<(usize, f64)> = None;
        for i in 3..self.ncols {
            let s = fld(i);
            let col = &self.l.cols[i];
            let bad = |rule: &'static str, why: &str| {
                self.err(
                    ln,
                    rule,
                    format!("{} `{}` (column {}) {why}", col.label, s, i + 1),
                )
            };
            match col.kind {
                Kind::Seqid | Kind::Start | Kind::End | Kind::Text => {}
                Kind::Number => {
                    let x = if s == "." {
                        Some(f64::NAN)
                    } else {
                        parse_num(s)
                    };
                    let Some(x) = x else {
                        let rule = if col.key == "score" {
                            "bed-score"
                        } else {
                            "bed-number"
                        };
                        return Err(bad(rule, "is not a finite number (write `.` when missing)"));
                    };
                    parsed = Some((i, x));
                }
                Kind::LenientNumber => {
                    let x = if is_missing_word(s) {
                        Some(f64::NAN)
                    } else {
                        parse_num(s)
                    };
                    let Some(x) = x else {
                        return Err(bad(
                            "bed-score",
                            "is not a finite number; a valued BED needs a number score (or `.`/`NA` when missing)",
                        ));
                    };
                    parsed = Some((i, x));
                }
                Kind::Integer => {
                    if s != "." && s.parse::<i64>().is_err() {
                        return Err(bad("bed-integer", "is not an integer"));
                    }
                }
                Kind::Strand => {
                    strand = Strand::from_symbol(s.as_bytes()).ok_or_else(|| {
                        bad("bed-strand", "is not a strand; write `+`, `-` or `.`")
                    })?;
                }
                Kind::ThickStart | Kind::ThickEnd => {
                    let x = s
                        .parse::<u64>()
                        .map_err(|_| bad("bed-thick", "is not a non-negative integer position"))?;
                    if col.kind == Kind::ThickStart {
                        thick.0 = Some(x);
                    } else {
                        thick.1 = Some(x);
                    }
                }
                Kind::ItemRgb => {
                    let ok = s == "."
                        || s.parse::<u32>().is_ok()
                        || (list_len(s) == 3 && list_items(s).all(|c| c.parse::<u8>().is_ok()));
                    if !ok {
                        return Err(bad(
                            "bed-item-rgb",
                            "is not a colour; write `0` or `R,G,B` with each part 0-255",
                        ));
                    }
                }
                Kind::BlockCount => {
                    let c = s
                        .parse::<u64>()
                        .ok()
                        .filter(|&c| c > 0)
                        .ok_or_else(|| bad("bed-block-count", "is not a positive integer"))?;
                    blocks.0 = Some(c);
                }
                Kind::BlockSizes | Kind::BlockStarts => {
                    if s.is_empty() || list_items(s).any(|x| x.parse::<u64>().is_err()) {
                        return Err(bad(
                            "bed-block-list",
                            "is not a comma-separated list of non-negative integers",
                        ));
                    }
                    if col.kind == Kind::BlockSizes {
                        blocks.1 = Some(i);
                    } else {
                        blocks.2 = Some(i);
                    }
                }
                Kind::Peak => {
                    let ok = match s.parse::<i64>() {
                        Ok(-1) => true,
                        Ok(p) if p >= 0 => (p as u64) < (end - start).max(1),
                        _ => false,
                    };
                    if !ok {
                        return Err(bad(
                            "bed-peak",
                            &format!(
                                "is not -1 (no peak) or an offset from chromStart inside the element (0 to {})",
                                (end - start).saturating_sub(1)
                            ),
                        ));
                    }
                }
                Kind::ExpCount => {
                    exp.0 = Some(
                        s.parse::<u64>()
                            .map_err(|_| bad("bed-exp", "is not a non-negative integer"))?,
                    );
                }
                Kind::ExpIds => {
                    if list_items(s).any(|x| x.parse::<i64>().is_err()) {
                        return Err(bad(
                            "bed-exp",
                            "is not a comma-separated list of integer experiment ids",
                        ));
                    }
                    exp.1 = Some(i);
                }
                Kind::ExpScores => {
                    if list_items(s).any(|x| x != "." && parse_num(x).is_none()) {
                        return Err(bad(
                            "bed-exp",
                            "is not a comma-separated list of finite numbers",
                        ));
                    }
                    exp.2 = Some(i);
                }
                Kind::Alleles => {
                    if s.split('/').any(str::is_empty) {
                        return Err(bad(
                            "bed-alleles",
                            "has an empty allele; write alleles separated by `/`, e.g. `A/G` (`-` for a deletion)",
                        ));
                    }
                    allele_n = Some(s.split('/').count());
                }
                Kind::AlleleCount => {
                    allele_count = Some((
                        s.parse::<u64>()
                            .map_err(|_| bad("bed-alleles", "is not a non-negative integer"))?,
                        i,
                    ));
                }
                Kind::AlleleFreq | Kind::AlleleScores => {
                    if list_items(s).any(|x| parse_num(x).is_none()) {
                        return Err(bad(
                            "bed-alleles",
                            "is not a comma-separated list of numbers",
                        ));
                    }
                    if let (Some(n), Some((c, _))) = (allele_n, allele_count) {
                        if list_len(s) as u64 != c || n as u64 != c {
                            return Err(bad(
                                "bed-alleles",
                                &format!(
                                    "does not have alleleCount ({c}) items, or the name has {n} alleles; the counts must agree"
                                ),
                            ));
                        }
                    }
                }
            }
            if col.dest == Dest::Value {
                value_field = Some(i);
            }
        }
        // Cross-field checks.
        if let (Some(ts), Some(te)) = thick {
            if ts != te && !(start <= ts && ts <= te && te <= end) {
                return Err(self.err(
                    ln,
                    "bed-thick",
                    format!(
                        "thickStart {ts} / thickEnd {te} are not inside the element {start}-{end} with thickStart ≤ thickEnd; use thickStart = thickEnd for no thick part"
                    ),
                ));
            }
        } else if let Some(ts) = thick.0 {
            if ts != start && !(start <= ts && ts <= end) {
                return Err(self.err(
                    ln,
                    "bed-thick",
                    format!("thickStart {ts} is outside the element {start}-{end}"),
                ));
            }
        }
        if let (Some(count), Some(si), Some(ti)) = blocks {
            let (sizes, starts) = (fld(si), fld(ti));
            let (ns, nt) = (list_len(sizes), list_len(starts));
            if ns as u64 != count || nt as u64 != count {
                return Err(self.err(
                    ln,
                    "bed-block-count",
                    format!(
                        "blockCount is {count} but blockSizes has {ns} and blockStarts {nt} items; the three must agree"
                    ),
                ));
            }
            let len = end - start;
            let mut prev_end = 0u64;
            for (k, (sz, st)) in list_items(sizes).zip(list_items(starts)).enumerate() {
                let (sz, st) = (
                    sz.parse::<u64>().unwrap_or(0),
                    st.parse::<u64>().unwrap_or(0),
                );
                let why = if k == 0 && st != 0 {
                    Some("the first blockStart must be 0 (blocks start at chromStart)".to_string())
                } else if k > 0 && st < prev_end {
                    Some(format!(
                        "block {} starts at {st}, before the end of block {k} ({prev_end}); blocks must be sorted and not overlap",
                        k + 1
                    ))
                } else if st.checked_add(sz).is_none_or(|e| e > len) {
                    Some(format!(
                        "block {} ({st}+{sz}) reaches beyond the element length {len}",
                        k + 1
                    ))
                } else if k as u64 + 1 == count && st + sz != len {
                    Some(format!(
                        "the last block ends at {} but the element is {len} bp long; the last block must end at chromEnd",
                        st + sz
                    ))
                } else {
                    None
                };
                if let Some(why) = why {
                    return Err(self.err(ln, "bed-blocks", why));
                }
                prev_end = st + sz;
            }
        }
        if let (Some(n), Some((c, _))) = (allele_n, allele_count) {
            if n as u64 != c {
                return Err(self.err(
                    ln,
                    "bed-alleles",
                    format!("the name has {n} alleles but alleleCount is {c}; they must agree"),
                ));
            }
        }
        if let (Some(c), Some(ii), Some(si)) = exp {
            let (ni, ns) = (list_len(fld(ii)), list_len(fld(si)));
            if ni as u64 != c || ns as u64 != c {
                return Err(self.err(
                    ln,
                    "bed-exp",
                    format!(
                        "expCount is {c} but expIds has {ni} and expScores {ns} items; the three must agree"
                    ),
                ));
            }
            match self.exp_count {
                None => self.exp_count = Some((ns, ln)),
                Some((n0, l0)) if n0 != ns => {
                    return Err(self.err(
                        ln,
                        "bed-exp",
                        format!(
                            "{ns} experiments here but {n0} on line {l0}; every line of a BED15 file scores the same experiments"
                        ),
                    ))
                }
                _ => {}
            }
        }
        // Value.
        if let Some(vi) = value_field {
            let s = fld(vi);
            match &mut self.vbuf {
                ValueBuf::Number(v) => {
                    v.clear();
                    if self.l.cols[vi].kind == Kind::ExpScores {
                        v.extend(list_items(s).map(|x| parse_num(x).unwrap_or(f64::NAN)));
                    } else {
                        match parsed {
                            Some((pi, x)) if pi == vi => v.push(x),
                            _ => v.push(parse_num(s).unwrap_or(f64::NAN)),
                        }
                    }
                }
                ValueBuf::Category(v) => {
                    if s == "." {
                        v[0] = None;
                    } else {
                        match &mut v[0] {
                            Some(w) => {
                                w.clear();
                                w.push_str(s);
                            }
                            slot => *slot = Some(s.to_string()),
                        }
                    }
                }
                _ => {}
            }
        }
        // Push.
        let seq = &mut self.track.seqs[self.cur_seq];
        seq.starts.push(start);
        seq.ends.push(end);
        if let Some(v) = &mut seq.values {
            v.push(&self.vbuf);
        }
        if let Some(st) = &mut seq.strands {
            st.push(strand);
        }
        let mut parent = "";
        for (i, col) in self.l.cols.iter().enumerate() {
            match col.dest {
                Dest::Extra(k) => seq.extras[k].push(Some(fld(i))),
                Dest::Id => parent = fld(i),
                _ => {}
            }
        }
        if !self.l.expand {
            return Ok(());
        }
        // Expanded BED12: the item (id = name), then one element per block
        // (id `<name>.<k>`, k from 1) with an edge to the item.
        let path = self.path;
        if parent == "." || !self.ids.insert(parent.to_string()) {
            return Err(ferr(
                path,
                ln,
                "bed-expand-id",
                format!(
                    "name `{parent}` is missing or used before; expanding blocks makes the name the id of the item and `<name>.<k>` the ids of its blocks, so names must be unique"
                ),
            ));
        }
        seq.ids.as_mut().expect("linked").push(Some(parent));
        seq.edges.as_mut().expect("linked").push(std::iter::empty());
        let (Some(_), Some(si), Some(ti)) = blocks else {
            return Ok(());
        };
        for (k, (sz, st)) in list_items(fld(si)).zip(list_items(fld(ti))).enumerate() {
            let (sz, st) = (
                sz.parse::<u64>().unwrap_or(0),
                st.parse::<u64>().unwrap_or(0),
            );
            self.child_id.clear();
            self.child_id.push_str(parent);
            self.child_id.push('.');
            self.child_id.push_str(itoa_usize(k + 1, &mut [0u8; 20]));
            if !self.ids.insert(self.child_id.clone()) {
                return Err(ferr(
                    path,
                    ln,
                    "bed-expand-id",
                    format!(
                        "block id `{}` is already used by another item; rename the items so that `<name>.<k>` ids are unique",
                        self.child_id
                    ),
                ));
            }
            seq.starts.push(start + st);
            seq.ends.push(start + st + sz);
            if sz != 1 {
                self.all_unit = false;
            }
            if let Some(v) = &mut seq.values {
                v.push(&self.vbuf);
            }
            if let Some(s) = &mut seq.strands {
                s.push(strand);
            }
            for x in &mut seq.extras {
                x.push(Some("."));
            }
            seq.ids.as_mut().expect("linked").push(Some(&self.child_id));
            seq.edges
                .as_mut()
                .expect("linked")
                .push(std::iter::once((parent, None)));
        }
        Ok(())
    }
}

fn itoa_usize(mut n: usize, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// Read `format` from `input`.
pub(crate) fn read<R: BufRead>(
    input: R,
    path: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    let mut lines = Lines::new(input, path);
    let mut meta: Vec<(String, String)> = Vec::new();
    let mut fields: Vec<(usize, usize)> = Vec::with_capacity(16);
    let mut st: Option<State<'_>> = None;
    let mut track_line: Option<u64> = None;
    let mut ln = 0u64;
    while let Some(text) = lines.next()? {
        ln += 1;
        let trimmed = text.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let header = if trimmed.starts_with(['t', 'b']) {
            is_header(trimmed, "track")
                .map(|v| ("track", v))
                .or_else(|| is_header(trimmed, "browser").map(|v| ("browser", v)))
        } else {
            None
        };
        if let Some((key, value)) = header {
            if let Some(s) = &st {
                return Err(FormatError::new(
                    path,
                    ln,
                    "bed-track-line",
                    format!(
                        "`{key}` line after the data (first data line {}); track and browser lines go before the data, and a file holds one track (split files with several tracks)",
                        s.first_line
                    ),
                )
                .into());
            }
            if key == "track" {
                if let Some(first) = track_line {
                    return Err(FormatError::new(
                        path,
                        ln,
                        "bed-track-line",
                        format!("second `track` line (the first is on line {first}); a file holds one track, split it into one file per track"),
                    )
                    .into());
                }
                track_line = Some(ln);
            }
            meta.push((key.to_string(), value));
            continue;
        }
        let text = text.trim_end_matches([' ', '\t']);
        let detail = format == Format::BedDetail;
        {
            if !split_line(text, detail, &mut fields) {
                return Err(FormatError::new(
                    path,
                    ln,
                    "bed-detail-tabs",
                    "a bedDetail line needs its last two columns (id, description) separated by tabs; separate them with tab characters",
                )
                .into());
            }
        }
        let n = fields.len();
        match &mut st {
            None => {
                let l = layout(format, n, opts.expand_blocks).ok_or_else(|| {
                    Error::from(FormatError::new(
                        path,
                        ln,
                        "bed-columns",
                        format!(
                            "{n} columns, but a {} line has {} columns{}",
                            format.label(),
                            counts_text(format),
                            if format == Format::Bed && (n == 10 || n == 11) {
                                " (blockCount, blockSizes and blockStarts come together)"
                            } else {
                                ""
                            }
                        ),
                    ))
                })?;
                let vbuf = match l.schema.value {
                    Some(v) if v.ty == gtrack_core::ValueType::Category => {
                        ValueBuf::Category(vec![None])
                    }
                    _ => ValueBuf::Number(vec![0.0]),
                };
                let mut track = Track::new(l.schema.clone());
                track.metadata = std::mem::take(&mut meta);
                st = Some(State {
                    path,
                    format,
                    l,
                    track,
                    ncols: n,
                    first_line: ln,
                    cur_seqid: String::new(),
                    seen: std::collections::HashMap::new(),
                    cur_seq: 0,
                    cur_len: None,
                    have_seq: false,
                    vbuf,
                    exp_count: None,
                    ids: HashSet::new(),
                    child_id: String::new(),
                    all_unit: true,
                    fast: false,
                    genome: opts.genome.clone(),
                });
                if let Some(s) = &mut st {
                    s.fast = s.genome.is_none()
                        && !s.l.expand
                        && s.format != Format::PointBed
                        && s.l.cols.iter().skip(3).all(|c| match (c.kind, c.dest) {
                            (Kind::Text, Dest::Extra(_)) => true,
                            (Kind::Number, Dest::Value) => matches!(s.vbuf, ValueBuf::Number(_)),
                            (Kind::Strand, Dest::Strand) => true,
                            _ => false,
                        });
                }
            }
            Some(s) if s.ncols != n => {
                return Err(FormatError::new(
                    path,
                    ln,
                    "bed-columns",
                    format!(
                        "{n} columns, but the first data line (line {}) has {}; every line of a BED file has the same columns (fill empty ones with `.`)",
                        s.first_line, s.ncols
                    ),
                )
                .into())
            }
            Some(_) => {}
        }
        let s = st.as_mut().expect("set above");
        s.line(text, &fields, ln)?;
    }
    let Some(s) = st else {
        // No data: an empty track of the format's smallest layout.
        let n = match format {
            Format::BedDetail => 6,
            Format::CategoryBed => 4,
            Format::ValuedBed => 5,
            f => super::layout::fixed_count(f).unwrap_or(3),
        };
        let l = layout(format, n, false).expect("smallest layout");
        let mut t = Track::new(l.schema);
        t.metadata = meta;
        return Ok(t);
    };
    let mut track = s.track;
    if s.l.points_rule && s.all_unit && !track.is_empty() {
        track.schema.track_type = match track.schema.track_type {
            TrackType::Segments => TrackType::Points,
            TrackType::ValuedSegments => TrackType::ValuedPoints,
            t => t,
        };
    }
    Ok(track)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_split() {
        let mut f = Vec::new();
        split_ws(" a\t b  c\t", &mut f);
        assert_eq!(f, vec![(1, 2), (4, 5), (7, 8)]);
        assert!(split_detail("chr1 1 2 n\tid 1\tsome text", &mut f));
        assert_eq!(f.len(), 6);
        assert!(!split_detail("chr1 1 2 n id x", &mut f));
        assert!(split_line("chr1\t1\t2\ta name\t5", false, &mut f));
        assert_eq!(f.len(), 5);
        assert!(split_line("chr1 1\t2\ta\t5", false, &mut f));
        assert_eq!(f.len(), 5);
        assert!(split_line("chr1 1 2 a 5", false, &mut f));
        assert_eq!(f.len(), 5);
    }

    #[test]
    fn test_lists() {
        assert_eq!(list_len("1,2,"), 2);
        assert_eq!(list_len("1,2"), 2);
        assert_eq!(list_len(""), 0);
        assert_eq!(list_items("5,6,").collect::<Vec<_>>(), vec!["5", "6"]);
        assert_eq!(itoa_usize(120, &mut [0; 20]), "120");
        assert!(is_missing_word("N/A"));
    }
}
