//! MAF multiple alignments as *linked segments*.
//!
//! Each `s` row (and each `e` row: an empty part of the alignment) is
//! one element. Its source `genome.seqid` (e.g. `hg38.chr1`) is split at
//! the first dot into the element's genome and sequence (a source
//! without a dot has no genome). Coordinates are converted to the plus
//! strand (`-` rows: `srcSize - start - size`), the strand kept in the
//! strand column. Ids are `<block>.<src>` (blocks numbered from 1;
//! `.<row>` appended if a source repeats in a block).
//!
//! The rows of one block are linked undirected, as a star around the
//! first (reference) row: the first row has an edge to every other row,
//! each other row one back; every edge weighs the block score (missing
//! without one).
//!
//! Extra columns ([`COLUMNS`]): `srcsize`, `text` (the aligned text;
//! `.` for `e` rows), `status` (the `e` row status; `.` for `s` rows),
//! `info` (the `i` line after its source, `.` if none), `quality` (the
//! `q` line's string, `.` if none), `block` (on the first row: the `a`
//! line, e.g. `a score=23262.0`; `.` on the others). The `##maf` line
//! and `#` comments go to the metadata ([`META_HEADER`], [`META_COMMENT`]).
//! Lines of other kinds are ignored, as the MAF specification asks.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};

use gtrack_core::columns::Strand;
use gtrack_core::track::{EdgeSpec, OptionalColumns, Track, TrackSchema};
use gtrack_core::track_type::TrackType;
use gtrack_core::value::{ValueBuf, ValueSpec};

use super::{uint, Source};
use crate::error::Error;
use crate::format::{Format, ReadOptions, WriteOptions};

/// Extra columns of a MAF track, in order.
pub const COLUMNS: [&str; 6] = ["srcsize", "text", "status", "info", "quality", "block"];
/// Metadata key of the `##maf` line (value: the line after `##`).
pub const META_HEADER: &str = "maf";
/// Metadata key of `#` comment lines (value: the line after `#`).
pub const META_COMMENT: &str = "maf-comment";

fn schema() -> TrackSchema {
    TrackSchema {
        track_type: TrackType::LinkedSegments,
        value: None,
        edges: Some(EdgeSpec {
            undirected: true,
            weights: Some(ValueSpec::default()),
        }),
        columns: OptionalColumns {
            strand: true,
            id: true,
            extra: COLUMNS.iter().map(|s| s.to_string()).collect(),
        },
    }
}

struct Row {
    src: String,
    start: u64,
    end: u64,
    strand: Strand,
    extras: [String; 6],
}

struct Block {
    head: String,
    score: f64,
    rows: Vec<Row>,
    text_len: Option<usize>,
}

/// Read MAF.
pub(crate) fn read<R: BufRead>(mut src: Source<R>, _opts: &ReadOptions) -> Result<Track, Error> {
    let mut track = Track::new(schema());
    let mut line = String::new();
    let mut seen_header = false;
    let mut block: Option<Block> = None;
    let mut nblock = 0usize;
    while src.next(&mut line)? {
        if !seen_header {
            if line.trim().is_empty() {
                continue;
            }
            let Some(rest) = line.strip_prefix("##maf") else {
                return Err(src.err(
                    "maf-header",
                    "a MAF file starts with `##maf version=1`; add the header line (or choose the right format)",
                ));
            };
            if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
                return Err(src.err(
                    "maf-header",
                    "the header line must be `##maf` followed by variables",
                ));
            }
            track
                .metadata
                .push((META_HEADER.into(), line[2..].trim_end().to_string()));
            seen_header = true;
            continue;
        }
        let t = line.trim_end();
        if t.trim_start().is_empty() {
            if let Some(b) = block.take() {
                flush(&mut track, b, &mut nblock);
            }
            continue;
        }
        if let Some(c) = t.strip_prefix('#') {
            track.metadata.push((META_COMMENT.into(), c.to_string()));
            continue;
        }
        let mut fields = t.split_ascii_whitespace();
        let kind = fields.next().unwrap_or("");
        match kind {
            "a" => {
                if let Some(b) = block.take() {
                    flush(&mut track, b, &mut nblock);
                }
                let mut score = f64::NAN;
                for v in fields {
                    let Some((k, x)) = v.split_once('=') else {
                        return Err(src.err(
                            "maf-fields",
                            format!("`{v}` on the `a` line is not `name=value`"),
                        ));
                    };
                    if k == "score" {
                        score = match fast_float2::parse::<f64, _>(x) {
                            Ok(s) if s.is_finite() => s,
                            _ => {
                                return Err(src.err(
                                    "maf-fields",
                                    format!("score `{x}` is not a finite number"),
                                ))
                            }
                        };
                    }
                }
                block = Some(Block {
                    // Leading blanks are not part of the line (fuzz finding
                    // F23: `\ta` was kept verbatim but written back as `a`).
                    head: t.trim_start().to_string(),
                    score,
                    rows: Vec::new(),
                    text_len: None,
                });
            }
            "s" | "e" | "i" | "q" => {
                let Some(b) = block.as_mut() else {
                    return Err(src.err(
                        "maf-line",
                        format!("`{kind}` line outside an alignment block; start the block with an `a` line"),
                    ));
                };
                let mut f = [""; 8];
                let mut n = 1;
                f[0] = kind;
                for x in fields {
                    if n < 8 {
                        f[n] = x;
                    }
                    n += 1;
                }
                let want = match kind {
                    "s" | "e" => 7,
                    "i" => 6,
                    _ => 3,
                };
                if n != want {
                    return Err(src.err(
                        "maf-fields",
                        format!("`{kind}` line has {n} fields, expected {want}"),
                    ));
                }
                match kind {
                    "s" | "e" => {
                        let start = uint(&src, f[2], "start", "maf-integer")?;
                        let size = uint(&src, f[3], "size", "maf-integer")?;
                        let strand = match f[4] {
                            "+" => Strand::Plus,
                            "-" => Strand::Minus,
                            x => {
                                return Err(src
                                    .err("maf-strand", format!("strand `{x}` is not `+` or `-`")))
                            }
                        };
                        let src_size = uint(&src, f[5], "srcSize", "maf-integer")?;
                        let end = start.checked_add(size).filter(|&e| e <= src_size);
                        let Some(end) = end else {
                            return Err(src.err(
                                "maf-coordinates",
                                format!("start {start} + size {size} is past srcSize {src_size}"),
                            ));
                        };
                        let (ps, pe) = if strand == Strand::Minus {
                            (src_size - end, src_size - start)
                        } else {
                            (start, end)
                        };
                        let (text, status) = if kind == "s" {
                            let text = f[6];
                            let letters = text.bytes().filter(|&c| c != b'-').count() as u64;
                            if letters != size {
                                return Err(src.err(
                                    "maf-size",
                                    format!("size is {size} but the text has {letters} non-gap characters"),
                                ));
                            }
                            check_len(&src, b, text.len())?;
                            (text, ".")
                        } else {
                            (".", f[6])
                        };
                        b.rows.push(Row {
                            src: f[1].to_string(),
                            start: ps,
                            end: pe,
                            strand,
                            extras: [
                                src_size.to_string(), // normalised (fuzz finding F12: `076` was kept, written as `76`)
                                text.to_string(),
                                status.to_string(),
                                ".".into(),
                                ".".into(),
                                ".".into(),
                            ],
                        });
                    }
                    _ => {
                        let last = b.rows.last();
                        let ok = last.is_some_and(|r| r.src == f[1] && r.extras[2] == ".");
                        if !ok {
                            return Err(src.err(
                                "maf-line",
                                format!("`{kind}` line for `{}` does not follow an `s` line of that source", f[1]),
                            ));
                        }
                        if kind == "i" {
                            for c in [f[3], f[5]] {
                                c.parse::<u64>().map_err(|_| {
                                    src.err(
                                        "maf-integer",
                                        format!("`i` count `{c}` is not an integer"),
                                    )
                                })?;
                            }
                            let v = f[2..6].join(" ");
                            b.rows.last_mut().expect("row").extras[3] = v;
                        } else {
                            check_len(&src, b, f[2].len())?;
                            b.rows.last_mut().expect("row").extras[4] = f[2].to_string();
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if !seen_header {
        return Err(src.err(
            "maf-header",
            "the file is empty: a MAF file starts with `##maf version=1`",
        ));
    }
    if let Some(b) = block.take() {
        flush(&mut track, b, &mut nblock);
    }
    Ok(track)
}

fn check_len<R: BufRead>(src: &Source<R>, b: &mut Block, len: usize) -> Result<(), Error> {
    match b.text_len {
        Some(l) if l != len => Err(src.err(
            "maf-text-length",
            format!("text length {len} differs from {l}, the length of the block's other rows"),
        )),
        _ => {
            b.text_len = Some(len);
            Ok(())
        }
    }
}

fn split_src(src: &str) -> (Option<&str>, &str) {
    match src.split_once('.') {
        Some((g, s)) if !g.is_empty() && !s.is_empty() => (Some(g), s),
        _ => (None, src),
    }
}

/// Add block `b`'s rows; blocks are numbered (in ids) among the non-empty
/// ones only, so that dropping an empty block does not renumber the rest
/// when the file is written back (fuzz finding F9).
fn flush(track: &mut Track, mut b: Block, counter: &mut usize) {
    if b.rows.is_empty() {
        // An empty block still needs a place for its `a` line: nothing to
        // attach it to, so it is dropped (documented).
        return;
    }
    *counter += 1;
    let nblock = *counter;
    let mut used = HashSet::new();
    let ids: Vec<String> = b
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let mut id = format!("{nblock}.{}", row.src);
            if used.contains(&id) {
                id = format!("{nblock}.{}.{}", row.src, r + 1);
                let mut k = 2;
                while used.contains(&id) {
                    id = format!("{nblock}.{}.{}~{k}", row.src, r + 1);
                    k += 1;
                }
            }
            used.insert(id.clone());
            id
        })
        .collect();
    b.rows[0].extras[5] = std::mem::take(&mut b.head);
    let w = ValueBuf::number(b.score);
    for (r, row) in b.rows.iter().enumerate() {
        let (genome, seqid) = split_src(&row.src);
        let si = track.seq_index(genome, seqid);
        let s = &mut track.seqs[si];
        s.starts.push(row.start);
        s.ends.push(row.end);
        if let Some(st) = &mut s.strands {
            st.push(row.strand);
        }
        s.ids.as_mut().expect("ids").push(Some(&ids[r]));
        let e = s.edges.as_mut().expect("edges");
        if r == 0 {
            e.push(ids[1..].iter().map(|t| (t.as_str(), Some(&w))));
        } else {
            e.push([(ids[0].as_str(), Some(&w))]);
        }
        for (col, x) in s.extras.iter_mut().zip(&row.extras) {
            col.push(Some(x));
        }
    }
}

fn has_columns(track: &Track) -> bool {
    let extra = &track.schema.columns.extra;
    ["srcsize", "text"]
        .iter()
        .all(|c| extra.iter().any(|e| e == c))
}

/// Losses of writing `track` as MAF.
pub(crate) fn losses(track: &Track) -> Result<Vec<String>, Error> {
    let tt = track.track_type();
    if tt.is_dense() || !tt.has_lengths() || !has_columns(track) {
        return Err(Error::Unsupported {
            target: Format::Maf,
            reason: "MAF needs aligned texts: only segment tracks with `srcsize` and `text` columns (as read from MAF) can be written".into(),
        });
    }
    let mut lost = Vec::new();
    if tt.is_valued() {
        lost.push("element values".to_string());
    }
    let unknown: Vec<&str> = track
        .schema
        .columns
        .extra
        .iter()
        .map(String::as_str)
        .filter(|c| !COLUMNS.contains(c))
        .collect();
    if !unknown.is_empty() {
        lost.push(format!("extra columns `{}`", unknown.join("`, `")));
    }
    if !tt.is_linked() {
        lost.push("block structure (no edges: every row becomes its own block)".into());
    }
    super::metadata_losses(track, &[META_HEADER, META_COMMENT], &mut lost);
    Ok(lost)
}

/// Write MAF.
pub(crate) fn write<W: Write>(
    track: &Track,
    out: &mut W,
    _opts: &WriteOptions,
) -> Result<(), Error> {
    let io = |e| Error::io("-", e);
    if !has_columns(track) {
        return Err(losses(track).err().unwrap_or(Error::Unsupported {
            target: Format::Maf,
            reason: "MAF needs `srcsize` and `text` columns".into(),
        }));
    }
    let header = track
        .metadata
        .iter()
        .find(|(k, _)| k == META_HEADER)
        .map_or("maf version=1", |(_, v)| v.as_str());
    writeln!(out, "##{header}").map_err(io)?;
    for (k, v) in &track.metadata {
        if k == META_COMMENT {
            writeln!(out, "#{v}").map_err(io)?;
        }
    }
    writeln!(out).map_err(io)?;
    let col = |name: &str| track.schema.columns.extra.iter().position(|c| c == name);
    let (c_size, c_text) = (col("srcsize").expect("srcsize"), col("text").expect("text"));
    let (c_status, c_info, c_q, c_block) =
        (col("status"), col("info"), col("quality"), col("block"));
    // Every element, and where each id is.
    let mut by_id: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut heads: Vec<(usize, usize, usize)> = Vec::new();
    let mut members: HashSet<(usize, usize)> = HashSet::new();
    for (si, s) in track.seqs.iter().enumerate() {
        for i in 0..s.len() {
            if let Some(id) = s.ids.as_ref().and_then(|ids| ids.get(i)) {
                by_id.insert(id, (si, i));
            }
        }
    }
    let linked = track.track_type().is_linked();
    for (si, s) in track.seqs.iter().enumerate() {
        for i in 0..s.len() {
            let is_head = match c_block {
                Some(c) if linked => s.extras[c].get(i).is_some_and(|v| v != "."),
                _ => true,
            };
            if is_head {
                let n = s
                    .ids
                    .as_ref()
                    .and_then(|ids| ids.get(i))
                    .and_then(|id| id.split('.').next())
                    .and_then(|b| b.parse::<usize>().ok())
                    .unwrap_or(usize::MAX);
                heads.push((n, si, i));
            }
        }
    }
    heads.sort_by_key(|&(n, _, _)| n);
    for &(_, si, i) in &heads {
        let s = &track.seqs[si];
        let head = c_block
            .and_then(|c| s.extras[c].get(i))
            .filter(|v| *v != "." && v.starts_with('a'))
            .unwrap_or("a");
        writeln!(out, "{head}").map_err(io)?;
        let mut rows = vec![(si, i)];
        if linked {
            if let Some(e) = &s.edges {
                for k in e.range(i) {
                    if let Some(&(sj, j)) = by_id.get(e.target(k)) {
                        if (sj, j) != (si, i) && members.insert((sj, j)) {
                            rows.push((sj, j));
                        }
                    }
                }
            }
        }
        for (sj, j) in rows {
            let r = &track.seqs[sj];
            let get = |c: Option<usize>| c.and_then(|c| r.extras[c].get(j)).filter(|v| *v != ".");
            let src = match &r.genome {
                Some(g) => format!("{g}.{}", r.seqid),
                None => r.seqid.clone(),
            };
            let size_s = r.extras[c_size].get(j).unwrap_or("0");
            let src_size: u64 = size_s.parse().unwrap_or(r.ends[j]);
            let minus = r.strands.as_ref().is_some_and(|st| st[j] == Strand::Minus);
            let (a, e) = (r.starts[j], r.ends[j]);
            let start = if minus { src_size.saturating_sub(e) } else { a };
            let size = e.saturating_sub(a);
            let st = if minus { '-' } else { '+' };
            match get(c_status) {
                Some(status) => {
                    writeln!(out, "e {src} {start} {size} {st} {src_size} {status}").map_err(io)?;
                }
                None => {
                    let text = r.extras[c_text].get(j).unwrap_or("");
                    writeln!(out, "s {src} {start} {size} {st} {src_size} {text}").map_err(io)?;
                    if let Some(q) = get(c_q) {
                        writeln!(out, "q {src} {q}").map_err(io)?;
                    }
                    if let Some(info) = get(c_info) {
                        writeln!(out, "i {src} {info}").map_err(io)?;
                    }
                }
            }
        }
        writeln!(out).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_split_src() {
        assert_eq!(split_src("hg38.chr1"), (Some("hg38"), "chr1"));
        assert_eq!(split_src("panTro4.chrUn.1"), (Some("panTro4"), "chrUn.1"));
        assert_eq!(split_src("baboon"), (None, "baboon"));
    }
}
