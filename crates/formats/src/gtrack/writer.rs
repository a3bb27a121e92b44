//! Canonical GTrack writer.
//!
//! Output is canonical: headers only where the content needs them
//! (`gtrack version` and `track type` always), or all basic headers with
//! [`WriteOptions::full_headers`]; columns in the order
//! `genome seqid start end value strand id edges` followed by extra
//! columns; only the columns the track type and content need; bounding
//! regions in their order, each followed by its block. Reading the output
//! gives back an equal [`Track`].

use std::io::{self, Write};

use gtrack_core::{
    BoundingRegion, ColumnData, Dimension, RegionKind, SeqElements, Track, ValueColumn, ValueType,
};

use super::escape::{escape_field, escape_into};

/// Options for [`write`].
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Write every basic header variable, guarantees computed from the content.
    pub full_headers: bool,
    /// Write 1-based coordinates (`##1-indexed: true`).
    pub one_indexed: bool,
    /// Write closed intervals (`##end inclusive: true`).
    pub end_inclusive: bool,
}

/// Properties of the content that `*` headers declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Guarantees {
    /// Elements (and regions) come in sorted order as written.
    pub sorted: bool,
    /// No two elements overlap (points and segments families).
    pub no_overlaps: bool,
    /// Some element or region crosses the origin (end < start).
    pub circular: bool,
    /// At most one bounding region line (no interruptions as written).
    pub uninterrupted: bool,
    /// Every edge is mirrored with an equal weight.
    pub undirected: bool,
}

/// Compute the guarantees of `track` as the writer lays it out.
pub fn guarantees(track: &Track) -> Guarantees {
    let circular = track
        .seqs
        .iter()
        .any(|s| s.starts.iter().zip(&s.ends).any(|(a, b)| b < a))
        || track
            .regions
            .iter()
            .any(|r| r.end.is_some_and(|e| e < r.start));
    let mut sorted = true;
    let key = |r: &BoundingRegion| (r.genome.clone(), r.seqid.clone(), r.start, r.end);
    for w in track.regions.windows(2) {
        if key(&w[1]) < key(&w[0]) {
            sorted = false;
        }
    }
    if !track.track_type().is_per_base() {
        for (_, runs) in blocks(track) {
            let mut prev: Option<(Option<&str>, &str, u64, u64)> = None;
            for (si, range) in runs {
                let seq = &track.seqs[si];
                for i in range {
                    let k = (
                        seq.genome.as_deref(),
                        seq.seqid.as_str(),
                        seq.starts[i],
                        seq.ends[i],
                    );
                    if prev.is_some_and(|p| k < p) {
                        sorted = false;
                    }
                    prev = Some(k);
                }
            }
        }
    }
    let mut no_overlaps = track.track_type().is_sparse();
    if no_overlaps {
        for s in &track.seqs {
            let mut iv: Vec<(u64, u64)> = s
                .starts
                .iter()
                .copied()
                .zip(s.ends.iter().copied())
                .collect();
            iv.sort_unstable();
            let mut reach = 0u64;
            for (k, &(a, b)) in iv.iter().enumerate() {
                if k > 0 && a < reach {
                    no_overlaps = false;
                }
                reach = reach.max(b);
            }
        }
    }
    Guarantees {
        sorted,
        no_overlaps,
        circular,
        uninterrupted: track.regions.len() <= 1,
        undirected: super::tools::edges_undirected(track),
    }
}

/// One output block: the region index (`None` without regions) and its
/// runs of elements `(sequence index, range)`.
pub type Block = (Option<usize>, Vec<(usize, std::ops::Range<usize>)>);

/// The output layout: per bounding region (or once, `None`, without
/// regions), the runs of elements `(sequence index, range)` it holds.
pub fn blocks(track: &Track) -> Vec<Block> {
    if track.regions.is_empty() {
        return vec![(
            None,
            track
                .seqs
                .iter()
                .enumerate()
                .map(|(i, s)| (i, 0..s.len()))
                .collect(),
        )];
    }
    track
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let runs = match (r.kind, &r.block) {
                (RegionKind::Genome, _) => track
                    .seqs
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.genome == r.genome)
                    .map(|(k, s)| (k, 0..s.len()))
                    .collect(),
                (RegionKind::Sequence, Some((si, range))) => vec![(*si, range.clone())],
                (RegionKind::Sequence, None) => {
                    // A region built without block bookkeeping: its elements
                    // are those of its sequence that start inside it.
                    let seqid = r.seqid.as_deref().unwrap_or("");
                    match track
                        .seqs
                        .iter()
                        .position(|s| s.seqid == seqid && s.genome == r.genome)
                    {
                        Some(k) => {
                            let s = &track.seqs[k];
                            let lo = s.starts.partition_point(|&x| x < r.start);
                            let hi = r
                                .end
                                .map_or(s.len(), |e| s.starts.partition_point(|&x| x < e));
                            vec![(k, lo..hi.max(lo))]
                        }
                        None => vec![],
                    }
                }
            };
            (Some(i), runs)
        })
        .collect()
}

fn fmt_number(out: &mut String, x: f64) {
    use std::fmt::Write as _;
    if x.is_nan() {
        out.push('.');
    } else if x != 0.0 && (x.abs() >= 1e16 || x.abs() < 1e-5) {
        let _ = write!(out, "{x:e}");
    } else {
        let _ = write!(out, "{x}");
    }
}

fn push_char(out: &mut String, b: Option<u8>) {
    match b {
        None => out.push('.'),
        Some(b) if !(0x21..0x7f).contains(&b) || b"%.,;=#".contains(&b) => {
            out.push_str(&format!("%{b:02X}"));
        }
        Some(b) => out.push(b as char),
    }
}

/// Write row `i` of a value column. `extra` lists characters to escape
/// besides the always-escaped ones (`;=` inside edges).
pub fn write_value(out: &mut String, col: &ValueColumn, i: usize, extra: &[u8]) {
    let r = col.range(i);
    let spec = col.spec();
    if r.is_empty() {
        out.push('.');
        return;
    }
    let delim = spec.ty.is_delimited() && spec.dim != Dimension::Scalar;
    for (k, j) in r.enumerate() {
        if k > 0 && delim {
            out.push(',');
        }
        match col.data() {
            ColumnData::Number(v) => fmt_number(out, v[j]),
            ColumnData::Binary(v) => out.push(match v[j] {
                0 => '0',
                1 => '1',
                _ => '.',
            }),
            ColumnData::Character(v) => push_char(out, v[j]),
            ColumnData::Category { codes, dict } => {
                if codes[j] == gtrack_core::value::MISSING_CODE {
                    out.push('.');
                } else {
                    let w = dict.word(codes[j]);
                    let mut esc = vec![b','];
                    esc.extend_from_slice(extra);
                    escape_field(out, w, &esc);
                }
            }
        }
    }
}

/// Write `track` as canonical GTrack.
///
/// # Errors
/// I/O errors of `out`.
pub fn write<W: Write>(track: &Track, opts: &WriteOptions, mut out: W) -> io::Result<()> {
    let tt = track.track_type();
    let schema = &track.schema;
    let g = guarantees(track);
    let one = opts.one_indexed as i64;
    let incl = opts.end_inclusive as i64;
    let mut h = String::new();
    let full = opts.full_headers;
    let mut header = |name: &str, value: &str, needed: bool| {
        if needed || full {
            h.push_str(&format!("##{name}: {value}\n"));
        }
    };
    header("gtrack version", "1.0", true);
    header("track type", tt.name(), true);
    let v = schema.value.unwrap_or_default();
    if schema.value.is_some() || full {
        header("value type", v.ty.name(), v.ty != ValueType::Number);
        header("value dimension", v.dim.name(), v.dim != Dimension::Scalar);
    }
    let e = schema.edges.unwrap_or_default();
    let w = e.weights.unwrap_or_default();
    header(
        "undirected edges",
        if e.undirected { "true" } else { "false" },
        e.undirected,
    );
    header(
        "edge weights",
        if e.weights.is_some() { "true" } else { "false" },
        e.weights.is_some(),
    );
    if e.weights.is_some() || full {
        header("edge weight type", w.ty.name(), w.ty != ValueType::Number);
        header(
            "edge weight dimension",
            w.dim.name(),
            w.dim != Dimension::Scalar,
        );
    }
    let b = |x: bool| if x { "true" } else { "false" };
    header("uninterrupted data lines", b(g.uninterrupted), false);
    header("sorted elements", b(g.sorted), false);
    if tt.is_sparse() || full {
        header(
            "no overlapping elements",
            b(g.no_overlaps && tt.is_sparse()),
            false,
        );
    }
    header("circular elements", b(g.circular), g.circular);
    header("1-indexed", b(opts.one_indexed), opts.one_indexed);
    header("end inclusive", b(opts.end_inclusive), opts.end_inclusive);
    for (k, v) in &track.metadata {
        h.push_str("##");
        h.push_str(k);
        h.push_str(": ");
        escape_into(&mut h, v, b"");
        h.push('\n');
    }
    // Columns.
    let kind = track.regions.first().map(|r| r.kind);
    let seqid_col = kind != Some(RegionKind::Sequence);
    // A genome column is needed when some element's genome is not given
    // by its bounding region. Sequences are compared by index: derived
    // equality is false for a sequence holding a NaN (missing) number.
    let genome_col = track.seqs.iter().enumerate().any(|(k, s)| {
        s.genome.is_some()
            && match kind {
                None => true,
                Some(RegionKind::Genome) => false,
                Some(RegionKind::Sequence) => track.regions.iter().any(|r| {
                    r.genome.is_none()
                        && r.block
                            .as_ref()
                            .is_some_and(|(si, rg)| *si == k && !rg.is_empty())
                }),
            }
    });
    let core = tt.core_columns();
    let mut cols: Vec<&str> = Vec::new();
    if genome_col {
        cols.push("genome");
    }
    if seqid_col {
        cols.push("seqid");
    }
    if core.start {
        cols.push("start");
    }
    if core.end {
        cols.push("end");
    }
    if core.value {
        cols.push("value");
    }
    if schema.columns.strand {
        cols.push("strand");
    }
    if schema.columns.id {
        cols.push("id");
    }
    if core.edges {
        cols.push("edges");
    }
    let extras: Vec<String> = schema
        .columns
        .extra
        .iter()
        .map(|n| {
            n.chars()
                .filter(|c| c.is_ascii_graphic() || *c == ' ')
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect();
    h.push_str("###");
    h.push_str(
        &cols
            .iter()
            .map(|s| s.to_string())
            .chain(extras.iter().cloned())
            .collect::<Vec<_>>()
            .join("\t"),
    );
    h.push('\n');
    out.write_all(h.as_bytes())?;

    let mut line = String::with_capacity(256);
    for (ri, runs) in blocks(track) {
        if let Some(ri) = ri {
            out.write_all(region_line(&track.regions[ri], one, incl).as_bytes())?;
        }
        for (si, range) in runs {
            let s = &track.seqs[si];
            for i in range {
                line.clear();
                data_line(&mut line, s, i, genome_col, seqid_col, core, one, incl);
                out.write_all(line.as_bytes())?;
            }
        }
    }
    Ok(())
}

fn region_line(r: &BoundingRegion, one: i64, incl: i64) -> String {
    let mut parts = Vec::new();
    if let Some(g) = &r.genome {
        let mut s = String::from("genome=");
        escape_into(&mut s, g, b";=");
        parts.push(s);
    }
    if let Some(sq) = &r.seqid {
        let mut s = String::from("seqid=");
        escape_into(&mut s, sq, b";=");
        parts.push(s);
        parts.push(format!("start={}", r.start as i64 + one));
        if let Some(e) = r.end {
            parts.push(format!("end={}", e as i64 + one - incl));
        }
    }
    format!("####{}\n", parts.join("; "))
}

#[allow(clippy::too_many_arguments)]
fn data_line(
    line: &mut String,
    s: &SeqElements,
    i: usize,
    genome_col: bool,
    seqid_col: bool,
    core: gtrack_core::CoreColumns,
    one: i64,
    incl: i64,
) {
    let mut fields = 0;
    let sep = |line: &mut String, fields: &mut usize| {
        if *fields > 0 {
            line.push('\t');
        }
        *fields += 1;
    };
    if genome_col {
        sep(line, &mut fields);
        match &s.genome {
            Some(gn) => escape_field(line, gn, b""),
            None => line.push('.'),
        }
    }
    if seqid_col {
        sep(line, &mut fields);
        escape_field(line, &s.seqid, b"");
    }
    if core.start {
        sep(line, &mut fields);
        line.push_str(itoa(s.starts[i] as i64 + one).as_str());
    }
    if core.end {
        sep(line, &mut fields);
        line.push_str(itoa(s.ends[i] as i64 + one - incl).as_str());
    }
    if let Some(v) = &s.values {
        sep(line, &mut fields);
        write_value(line, v, i, b"");
    }
    if let Some(st) = &s.strands {
        sep(line, &mut fields);
        line.push(st[i].symbol());
    }
    if let Some(ids) = &s.ids {
        sep(line, &mut fields);
        match ids.get(i) {
            Some(id) => escape_field(line, id, b""),
            None => line.push('.'),
        }
    }
    if let Some(ed) = &s.edges {
        sep(line, &mut fields);
        let r = ed.range(i);
        if r.is_empty() {
            line.push('.');
        }
        for (k, j) in r.enumerate() {
            if k > 0 {
                line.push(';');
            }
            escape_field(line, ed.target(j), b";=");
            if let Some(wc) = ed.weights() {
                line.push('=');
                write_value(line, wc, j, b";=");
            }
        }
    }
    for x in &s.extras {
        sep(line, &mut fields);
        // A custom column has no missing-value convention: `.` is written as is.
        escape_into(line, x.get(i).unwrap_or(""), b"");
    }
    line.push('\n');
}

fn itoa(v: i64) -> String {
    v.to_string()
}

/// Write `track` as GTrack into a string.
pub fn write_string(track: &Track, opts: &WriteOptions) -> String {
    let mut v = Vec::new();
    write(track, opts, &mut v).expect("writing to memory cannot fail");
    String::from_utf8(v).expect("GTrack output is ASCII")
}
