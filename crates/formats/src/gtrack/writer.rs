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

/// Options for [`write`](fn@write).
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Write every basic header variable, guarantees computed from the content.
    pub full_headers: bool,
    /// Write 1-based coordinates (`##1-indexed: true`).
    pub one_indexed: bool,
    /// Write closed intervals (`##end inclusive: true`).
    pub end_inclusive: bool,
    /// Declare this bundled subtype (`##subtype url: http://gtrack.no/<name>.gtrack`)
    /// and write the data lines as it defines them (column order,
    /// coordinate convention), leaving out the headers it implies. Must
    /// fit the track: see [`subtype_fit`]. Overrides `one_indexed`,
    /// `end_inclusive` and `full_headers`.
    pub subtype: Option<&'static str>,
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
    } else if x.fract() == 0.0 && x.abs() < 1e15 && !(x == 0.0 && x.is_sign_negative()) {
        // Integral values (BED scores, counts): as an integer, which is
        // what `{x}` prints for them, without the float formatter.
        out.push_str(itoa(x as i64).as_str());
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

/// Content that GTrack cannot represent so that it reads back equal.
/// Tracks from the readers never hold it; tracks built through the API
/// might. Returns what is wrong and how to fix it.
pub fn check_writable(track: &Track) -> Result<(), String> {
    const RESERVED: &[&str] = &[
        "genome", "seqid", "start", "end", "value", "strand", "id", "edges",
    ];
    let mut seen = std::collections::HashSet::new();
    for n in &track.schema.columns.extra {
        let l = n.to_ascii_lowercase();
        if n.is_empty() || n.trim() != n || n.bytes().any(|b| !(0x20..0x7f).contains(&b)) {
            return Err(format!(
                "extra column name `{}` is empty, has surrounding spaces or a non-printable character",
                n.escape_debug()
            ));
        }
        if RESERVED.contains(&l.as_str()) {
            return Err(format!(
                "extra column `{n}` has the name of a core GTrack column; rename it"
            ));
        }
        if !seen.insert(l) {
            return Err(format!(
                "two extra columns are called `{n}` (GTrack column names are case-insensitive); rename one"
            ));
        }
    }
    if let Some(r) = track
        .regions
        .iter()
        .find(|r| r.kind == RegionKind::Sequence && r.end == Some(r.start))
    {
        return Err(format!(
            "bounding region {}:{}-{} is empty; GTrack regions are at least 1 bp long (an empty sequence, e.g. an empty FASTA record, has no GTrack form: remove it)",
            r.seqid.as_deref().unwrap_or("?"),
            r.start,
            r.start
        ));
    }
    // Overlapping bounding regions have no GTrack form (the reader's
    // `br-overlap`; same test). Fuzz finding F30: overlapping WIG sections.
    let mut rs: Vec<&gtrack_core::BoundingRegion> = track.regions.iter().collect();
    rs.sort_by(|a, b| (&a.genome, &a.seqid, a.start).cmp(&(&b.genome, &b.seqid, b.start)));
    for w in rs.windows(2) {
        let (a, b) = (w[0], w[1]);
        let same = a.genome == b.genome && a.seqid == b.seqid;
        if same && (a.kind == RegionKind::Genome || a.end.is_none_or(|e| b.start < e)) {
            return Err(format!(
                "bounding regions {}:{}-{} and {}:{}-{} overlap; GTrack regions may not overlap (the source has overlapping sections: split it into separate tracks)",
                a.seqid.as_deref().unwrap_or("*"),
                a.start,
                a.end.map_or("end".to_string(), |e| e.to_string()),
                b.seqid.as_deref().unwrap_or("*"),
                b.start,
                b.end.map_or("end".to_string(), |e| e.to_string()),
            ));
        }
    }
    // GTrack positions are read as signed 64-bit numbers (and may be
    // written 1-based): fuzz finding F13 wrote 2^64 - 8 as a negative.
    const MAX_POS: u64 = (i64::MAX - 2) as u64;
    for s in &track.seqs {
        if let Some(i) = (0..s.len()).find(|&i| s.starts[i] > MAX_POS || s.ends[i] > MAX_POS) {
            return Err(format!(
                "element {} of `{}` has a position beyond 2^63 - 3, which GTrack cannot hold",
                i + 1,
                s.seqid
            ));
        }
    }
    if track
        .regions
        .iter()
        .any(|r| r.start > MAX_POS || r.end.is_some_and(|e| e > MAX_POS))
    {
        return Err(
            "a bounding region has a position beyond 2^63 - 3, which GTrack cannot hold".into(),
        );
    }
    if track
        .seqs
        .iter()
        .any(|s| s.seqid.is_empty() && !s.is_empty())
    {
        return Err("a sequence has an empty name; GTrack seqids are non-empty".to_string());
    }
    let lists = |c: &ValueColumn| c.spec().dim == Dimension::List;
    for s in &track.seqs {
        let where_ = |i: usize| format!("element {} of `{}`", i + 1, s.seqid);
        if let Some(v) = &s.values {
            if let ColumnData::Number(x) = v.data() {
                if let Some(i) = x.iter().position(|x| x.is_infinite()) {
                    let e = v
                        .offsets()
                        .map_or(i, |o| o.partition_point(|&a| a <= i) - 1);
                    return Err(format!(
                        "{}: value is infinite; GTrack numbers are finite",
                        where_(e)
                    ));
                }
            }
            if lists(v) {
                for i in 0..v.len() {
                    let r = v.range(i);
                    if r.len() == 1 && v.get(i).is_missing(0) {
                        return Err(format!(
                            "{}: a list holding only one missing item reads back as a missing list in GTrack",
                            where_(i)
                        ));
                    }
                }
            }
        }
        if !track.track_type().is_dense() && track.track_type().core_columns().end {
            if let Some(i) = (0..s.len()).find(|&i| s.starts[i] == s.ends[i]) {
                return Err(format!(
                    "{}: zero-length segment at {}; GTrack segments are at least 1 bp long (a 0-bp feature such as an insertion can be written as a point)",
                    where_(i),
                    s.starts[i]
                ));
            }
        }
        if let Some(ids) = &s.ids {
            if let Some(i) = ids.iter().position(|x| x == Some("")) {
                return Err(format!(
                    "{}: empty id; ids are non-empty (use a missing id)",
                    where_(i)
                ));
            }
        }
        for (k, x) in s.extras.iter().enumerate() {
            if let Some(i) = x.iter().position(|x| x.unwrap_or("").is_empty()) {
                return Err(format!(
                    "{}: empty field in column `{}`; GTrack fields are non-empty",
                    where_(i),
                    track
                        .schema
                        .columns
                        .extra
                        .get(k)
                        .map_or("?", |n| n.as_str())
                ));
            }
        }
        if let Some(e) = &s.edges {
            if let Some(j) = (0..e.edge_count()).find(|&j| e.target(j).is_empty()) {
                return Err(format!(
                    "{}: edge with an empty target id",
                    where_(e.len().min(j))
                ));
            }
        }
    }
    Ok(())
}

/// Write `track` as canonical GTrack.
///
/// # Errors
/// I/O errors of `out`.
pub fn write<W: Write>(track: &Track, opts: &WriteOptions, mut out: W) -> io::Result<()> {
    check_writable(track).map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
    if let Some(name) = opts.subtype {
        let plan = plan_subtype(track, name)
            .map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
        return write_planned(track, &plan, out);
    }
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
    let mut order: Vec<Col> = Vec::new();
    for (has, c) in [
        (genome_col, Col::Genome),
        (seqid_col, Col::Seqid),
        (core.start, Col::Start),
        (core.end, Col::End),
        (core.value, Col::Value),
        (schema.columns.strand, Col::Strand),
        (schema.columns.id, Col::Id),
        (core.edges, Col::Edges),
    ] {
        if has {
            order.push(c);
        }
    }
    order.extend((0..extras.len()).map(Col::Extra));
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
                data_line(&mut line, s, i, &order, one, incl);
                out.write_all(line.as_bytes())?;
            }
        }
    }
    Ok(())
}

/// Write under a subtype: its URL, custom headers, the column line only
/// when columns were appended, data lines in the subtype's layout.
fn write_planned<W: Write>(track: &Track, p: &SubtypePlan, mut out: W) -> io::Result<()> {
    let mut h = format!("##subtype url: http://gtrack.no/{}.gtrack\n", p.name);
    if let Some(tt) = p.declare_type {
        h.push_str(&format!("##track type: {}\n", tt.name()));
    }
    for (k, v) in &track.metadata {
        h.push_str("##");
        h.push_str(k);
        h.push_str(": ");
        escape_into(&mut h, v, b"");
        h.push('\n');
    }
    if let Some(c) = &p.column_line {
        h.push_str("###");
        h.push_str(&c.join("\t"));
        h.push('\n');
    }
    out.write_all(h.as_bytes())?;
    let mut line = String::with_capacity(256);
    for (ri, runs) in blocks(track) {
        if let Some(ri) = ri {
            out.write_all(region_line(&track.regions[ri], p.one, p.incl).as_bytes())?;
        }
        for (si, range) in runs {
            let s = &track.seqs[si];
            if p.fixed_size {
                // Fixed-size data lines of size 1: values run on, 60 per line.
                let v = s.values.as_ref().expect("character function has values");
                for chunk in range.collect::<Vec<_>>().chunks(60) {
                    line.clear();
                    for &i in chunk {
                        write_value(&mut line, v, i, b"");
                    }
                    line.push('\n');
                    out.write_all(line.as_bytes())?;
                }
                continue;
            }
            for i in range {
                line.clear();
                data_line(&mut line, s, i, &p.cols, p.one, p.incl);
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

/// One column of a data line, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Genome,
    Seqid,
    Start,
    End,
    Value,
    Strand,
    Id,
    Edges,
    Extra(usize),
}

fn data_line(line: &mut String, s: &SeqElements, i: usize, cols: &[Col], one: i64, incl: i64) {
    for (k, c) in cols.iter().enumerate() {
        if k > 0 {
            line.push('\t');
        }
        match *c {
            Col::Genome => match &s.genome {
                Some(gn) => escape_field(line, gn, b""),
                None => line.push('.'),
            },
            Col::Seqid => escape_field(line, &s.seqid, b""),
            Col::Start => line.push_str(itoa(s.starts[i] as i64 + one).as_str()),
            Col::End => line.push_str(itoa(s.ends[i] as i64 + one - incl).as_str()),
            Col::Value => match &s.values {
                Some(v) => write_value(line, v, i, b""),
                None => line.push('.'),
            },
            Col::Strand => match &s.strands {
                Some(st) => line.push(st[i].symbol()),
                None => line.push('.'),
            },
            Col::Id => match s.ids.as_ref().and_then(|ids| ids.get(i)) {
                Some(id) => escape_field(line, id, b""),
                None => line.push('.'),
            },
            Col::Edges => {
                let Some(ed) = &s.edges else {
                    line.push('.');
                    continue;
                };
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
            Col::Extra(x) => {
                // A custom column has no missing-value convention: `.` is written as is.
                escape_into(line, s.extras[x].get(i).unwrap_or(""), b"");
            }
        }
    }
    line.push('\n');
}

/// How a track is written under a subtype (see [`subtype_fit`]).
#[derive(Debug, Clone)]
struct SubtypePlan {
    name: &'static str,
    cols: Vec<Col>,
    /// The column line to write, when it differs from the subtype's.
    column_line: Option<Vec<String>>,
    one: i64,
    incl: i64,
    /// Write values of a character function as fixed-size data lines.
    fixed_size: bool,
    /// Number of the track's columns appended after the subtype's.
    appended: usize,
    /// The subtype leaves the track type open: declare it.
    declare_type: Option<gtrack_core::TrackType>,
}

/// Why the bundled subtype `name` cannot describe `track` exactly, or
/// `Ok` when writing with it ([`WriteOptions::subtype`]) is lossless.
pub fn subtype_fit(track: &Track, name: &str) -> Result<(), String> {
    plan_subtype(track, name).map(|_| ())
}

/// The bundled subtype that describes `track` best (the fitting one that
/// covers most of its columns itself), if any fits.
pub fn best_subtype(track: &Track) -> Option<&'static str> {
    let mut best: Option<(usize, usize, &'static str)> = None;
    let g = std::cell::OnceCell::new();
    for &name in super::subtype::BUNDLED {
        if name == "withsubtypeurl" {
            continue;
        }
        if let Ok(p) = plan_subtype_with(track, name, &g) {
            let key = (p.cols.len() - p.appended, usize::MAX - p.appended);
            if best.is_none_or(|(o, a, _)| key > (o, a)) {
                best = Some((key.0, key.1, p.name));
            }
        }
    }
    best.map(|(_, _, n)| n)
}

fn plan_subtype(track: &Track, name: &str) -> Result<SubtypePlan, String> {
    plan_subtype_with(track, name, &std::cell::OnceCell::new())
}

/// [`plan_subtype`] with the track's guarantees computed at most once
/// across candidate subtypes (they take a pass over all elements).
fn plan_subtype_with(
    track: &Track,
    name: &str,
    g: &std::cell::OnceCell<Guarantees>,
) -> Result<SubtypePlan, String> {
    use super::header::{Adherence, Effective, Headers, Var};
    let url = format!("http://gtrack.no/{name}.gtrack");
    let (name, sub) = super::subtype::resolve(&url).map_err(|f| f.message)?;
    let eff = Effective::merge(&Headers::default(), Some(&sub));
    let tt = track.track_type();
    let schema = &track.schema;
    // Without a `track type` header, the type follows from the columns.
    let sub_tt = if sub.get(Var::TrackType).is_some() {
        Some(eff.track_type())
    } else {
        sub.columns.as_ref().and_then(|(c, _)| {
            let has = |n: &str| c.iter().any(|x| x == n);
            gtrack_core::TrackType::from_core_columns(gtrack_core::CoreColumns {
                start: has("start"),
                end: has("end"),
                value: has(&eff.get(Var::ValueColumn).to_ascii_lowercase()),
                edges: has(&eff.get(Var::EdgesColumn).to_ascii_lowercase()),
            })
        })
    };
    if sub_tt != Some(tt) {
        return Err(format!(
            "subtype {name} is for {} tracks, not {tt}",
            sub_tt.map_or("other", |t| t.name())
        ));
    }
    if let Some(v) = schema.value {
        if eff.value_type() != v.ty || eff.value_dim() != v.dim {
            return Err(format!(
                "subtype {name} has {} {} values, the track {} {}",
                eff.value_type().name(),
                eff.value_dim().name(),
                v.ty.name(),
                v.dim.name()
            ));
        }
    }
    if let Some(e) = schema.edges {
        let w_ok = match e.weights {
            None => !eff.flag(Var::EdgeWeights),
            Some(w) => {
                eff.flag(Var::EdgeWeights)
                    && eff.weight_type() == w.ty
                    && eff.get(Var::EdgeWeightDimension) == w.dim.name()
            }
        };
        if eff.flag(Var::UndirectedEdges) != e.undirected || !w_ok {
            return Err(format!("subtype {name} declares other edge properties"));
        }
    }
    let g = *g.get_or_init(|| guarantees(track));
    for (var, holds) in [
        (Var::UninterruptedDataLines, g.uninterrupted),
        (Var::SortedElements, g.sorted),
        (Var::NoOverlappingElements, g.no_overlaps || !tt.is_sparse()),
    ] {
        if eff.flag(var) && !holds {
            return Err(format!(
                "subtype {name} declares `{}: true`, which the track does not satisfy",
                var.name()
            ));
        }
    }
    if g.circular && !eff.flag(Var::CircularElements) {
        return Err(format!("subtype {name} does not allow circular elements"));
    }
    if sub.get(Var::FixedLength).is_some() || sub.get(Var::FixedGapSize).is_some() {
        return Err(format!("subtype {name} declares a fixed length or gap"));
    }
    let adherence = Adherence::parse(eff.get(Var::SubtypeAdherence));
    let Some((sub_cols, _)) = &sub.columns else {
        return Err(format!("subtype {name} has no column line"));
    };
    let core = tt.core_columns();
    let value_name = eff.get(Var::ValueColumn).to_ascii_lowercase();
    let edges_name = eff.get(Var::EdgesColumn).to_ascii_lowercase();
    let extra_lower: Vec<String> = schema
        .columns
        .extra
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    let mut cols = Vec::new();
    for c in sub_cols {
        let col = match c.as_str() {
            "genome" => Col::Genome,
            "seqid" => Col::Seqid,
            "start" if core.start => Col::Start,
            "end" if core.end => Col::End,
            "strand" if schema.columns.strand => Col::Strand,
            "id" if schema.columns.id => Col::Id,
            n if n == value_name && core.value => Col::Value,
            n if n == edges_name && core.edges => Col::Edges,
            n => match extra_lower.iter().position(|x| x == n) {
                Some(k) => Col::Extra(k),
                None => return Err(format!("subtype {name} has a column `{n}` the track lacks")),
            },
        };
        cols.push(col);
    }
    // Columns the track needs that the subtype does not list.
    let kind = track.regions.first().map(|r| r.kind);
    let mut needed = Vec::new();
    if track.seqs.iter().any(|s| s.genome.is_some()) {
        needed.push(Col::Genome);
    }
    if kind != Some(RegionKind::Sequence) {
        needed.push(Col::Seqid);
    }
    for (has, c) in [
        (core.start, Col::Start),
        (core.end, Col::End),
        (core.value, Col::Value),
        (schema.columns.strand, Col::Strand),
        (schema.columns.id, Col::Id),
        (core.edges, Col::Edges),
    ] {
        if has {
            needed.push(c);
        }
    }
    needed.extend((0..schema.columns.extra.len()).map(Col::Extra));
    let missing: Vec<Col> = needed.into_iter().filter(|c| !cols.contains(c)).collect();
    let mut column_line = None;
    if !missing.is_empty() {
        if !matches!(adherence, Adherence::Extensible | Adherence::Free) {
            return Err(format!(
                "subtype {name} is {} and cannot take the track's extra columns",
                eff.get(Var::SubtypeAdherence)
            ));
        }
        if missing.iter().any(|c| {
            matches!(
                c,
                Col::Genome | Col::Seqid | Col::Start | Col::End | Col::Value | Col::Edges
            )
        }) {
            return Err(format!(
                "subtype {name} lacks a core column the track needs"
            ));
        }
        let mut names = sub_cols.clone();
        for c in &missing {
            names.push(match c {
                Col::Strand => "strand".to_string(),
                Col::Id => "id".to_string(),
                Col::Extra(k) => schema.columns.extra[*k].clone(),
                _ => unreachable!("core columns rejected above"),
            });
            cols.push(*c);
        }
        // Appended names must be valid and unique column names.
        let mut seen = std::collections::HashSet::new();
        if names
            .iter()
            .any(|n| n.is_empty() || n.trim() != n || !seen.insert(n.to_ascii_lowercase()))
        {
            return Err(format!("subtype {name}: the track's column names clash"));
        }
        column_line = Some(names);
    }
    // Reading assigns extra columns in column-line order: keep the track's.
    let ks: Vec<usize> = cols
        .iter()
        .filter_map(|c| {
            if let Col::Extra(k) = c {
                Some(*k)
            } else {
                None
            }
        })
        .collect();
    if ks.windows(2).any(|w| w[0] > w[1]) {
        return Err(format!(
            "subtype {name} orders the track's extra columns differently"
        ));
    }
    let fixed_size = eff.flag(Var::FixedSizeDataLines);
    if fixed_size {
        let plain = track.seqs.iter().all(|s| {
            s.values.as_ref().is_some_and(|v| match v.data() {
                gtrack_core::ColumnData::Character(c) => c
                    .iter()
                    .all(|b| b.is_none_or(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'*')),
                _ => false,
            })
        });
        if eff.int(Var::DataLineSize) != 1
            || cols != [Col::Value]
            || column_line.is_some()
            || !plain
            || track.regions.is_empty()
        {
            return Err(format!("subtype {name} uses fixed-size data lines, which fit only plain character functions"));
        }
    }
    Ok(SubtypePlan {
        name,
        cols,
        column_line,
        one: eff.flag(Var::OneIndexed) as i64,
        incl: eff.flag(Var::EndInclusive) as i64,
        fixed_size,
        appended: missing.len(),
        declare_type: sub.get(Var::TrackType).is_none().then_some(tt),
    })
}

/// Decimal text of `v` (on the stack: no allocation per number).
fn itoa(v: i64) -> IntText {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let neg = v < 0;
    let mut u = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    let mut t = IntText {
        buf: [0; 21],
        len: 0,
    };
    if neg {
        t.buf[0] = b'-';
        t.len = 1;
    }
    let n = buf.len() - i;
    t.buf[t.len..t.len + n].copy_from_slice(&buf[i..]);
    t.len += n;
    t
}

/// A formatted integer.
struct IntText {
    buf: [u8; 21],
    len: usize,
}

impl IntText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).expect("ASCII digits")
    }
}

/// Write `track` as GTrack into a string.
///
/// # Panics
/// When [`check_writable`] fails, which never happens for tracks read
/// from files; use [`write`](fn@write) for tracks built through the API.
pub fn write_string(track: &Track, opts: &WriteOptions) -> String {
    let mut v = Vec::new();
    write(track, opts, &mut v).expect("writing to memory cannot fail");
    String::from_utf8(v).expect("GTrack output is ASCII")
}

#[cfg(test)]
mod writable_tests {
    use super::*;
    use gtrack_core::{Strand, TrackSchema, TrackType, ValueBuf, ValueSpec};

    fn seg(extra: &[&str]) -> Track {
        let mut schema = TrackSchema::new(TrackType::ValuedSegments);
        schema.columns.extra = extra.iter().map(|s| s.to_string()).collect();
        Track::new(schema)
    }

    #[test]
    fn unwritable_content_is_refused_with_a_reason() {
        let mut t = seg(&["note"]);
        let s = t.seq_index(None, "chr1");
        t.push(
            s,
            0,
            10,
            Some(&ValueBuf::number(f64::INFINITY)),
            Strand::Unknown,
            None,
            &[],
            &["x"],
        );
        assert!(check_writable(&t).unwrap_err().contains("infinite"));
        assert!(write(&t, &WriteOptions::default(), Vec::new()).is_err());

        let mut t = seg(&["note"]);
        let s = t.seq_index(None, "chr1");
        t.push(
            s,
            0,
            10,
            Some(&ValueBuf::number(1.0)),
            Strand::Unknown,
            None,
            &[],
            &[""],
        );
        assert!(check_writable(&t)
            .unwrap_err()
            .contains("empty field in column `note`"));

        for bad in [&["Value"][..], &["a", "A"], &[" a"], &["a\tb"]] {
            let t = seg(bad);
            assert!(check_writable(&t).is_err(), "{bad:?}");
        }

        let mut schema = TrackSchema::new(TrackType::ValuedSegments);
        schema.value = Some(ValueSpec::new(ValueType::Number, Dimension::List));
        let mut t = Track::new(schema);
        let s = t.seq_index(None, "chr1");
        let v = ValueBuf::Number(vec![f64::NAN]);
        t.push(s, 0, 10, Some(&v), Strand::Unknown, None, &[], &[]);
        assert!(check_writable(&t).unwrap_err().contains("one missing item"));

        let mut t = seg(&["note"]);
        let s = t.seq_index(None, "chr1");
        t.push(
            s,
            0,
            10,
            Some(&ValueBuf::number(1.0)),
            Strand::Unknown,
            None,
            &[],
            &["ok"],
        );
        assert!(check_writable(&t).is_ok());
    }
}
