//! The BED-family writer: a plan maps every column of the target layout
//! to a source in the track (or a default), and names what is lost.

use std::io::Write;

use gtrack_core::value::MISSING_CODE;
use gtrack_core::{ColumnData, Strand, Track, TrackType, ValueType};

use super::layout::{layout, Dest, Kind, Layout};
use crate::error::Error;
use crate::format::{Format, WriteOptions};

/// Where a written field comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Src {
    Seqid,
    Start,
    End,
    Value,
    Strand,
    Extra(usize),
    Id,
    Const(&'static str),
    ThickStart,
    ThickEnd,
    BlockSizes,
    ExpCount,
    ExpIds,
    AlleleCount,
    AlleleZeros,
}

/// How `track` is written as a format, and what is lost.
pub(crate) struct Plan {
    srcs: Vec<Src>,
    /// What is lost, one item per kind of information.
    pub losses: Vec<String>,
}

fn extra_index(track: &Track, key: &str) -> Option<usize> {
    track.schema.columns.extra.iter().position(|x| x == key)
}

/// Column count for formats whose count varies (generic BED formats).
fn choose_count(track: &Track, format: Format) -> usize {
    let has = |k: &str| extra_index(track, k).is_some();
    let value_num = track
        .schema
        .value
        .is_some_and(|v| v.ty == ValueType::Number && v.dim == gtrack_core::Dimension::Scalar);
    let mut n = 3;
    let name = has("name") || track.schema.columns.id || format == Format::CategoryBed;
    if name {
        n = 4;
    }
    let score = match format {
        Format::PointBed | Format::CategoryBed => has("score"),
        _ => value_num || has("score"),
    };
    if score || format == Format::ValuedBed {
        n = 5;
    }
    if track.schema.columns.strand {
        n = 6;
    }
    if has("thickstart") {
        n = 7;
    }
    if has("thickend") {
        n = 8;
    }
    if has("itemrgb") {
        n = 9;
    }
    if has("blockcount") || has("blocksizes") || has("blockstarts") {
        n = 12;
    }
    let mut k = 13;
    while has(&format!("column{k}")) {
        n = n.max(12);
        n += 1;
        k += 1;
    }
    n
}

fn default_for(col: &super::layout::Col) -> Src {
    match col.kind {
        Kind::Seqid => Src::Seqid,
        Kind::Start => Src::Start,
        Kind::End => Src::End,
        Kind::Strand => Src::Const("."),
        Kind::ThickStart => Src::ThickStart,
        Kind::ThickEnd => Src::ThickEnd,
        Kind::ItemRgb => Src::Const("0"),
        Kind::BlockCount => Src::Const("1"),
        Kind::BlockSizes => Src::BlockSizes,
        Kind::BlockStarts => Src::Const("0"),
        Kind::Peak => Src::Const("-1"),
        Kind::ExpCount => Src::ExpCount,
        Kind::ExpIds => Src::ExpIds,
        Kind::AlleleCount => Src::AlleleCount,
        Kind::AlleleFreq | Kind::AlleleScores => Src::AlleleZeros,
        Kind::Number => match col.key.as_str() {
            "score" => Src::Const("0"),
            "pvalue" | "qvalue" | "signif" => Src::Const("-1"),
            _ => Src::Const("."),
        },
        _ => Src::Const("."),
    }
}

fn describe_spec(v: gtrack_core::ValueSpec) -> String {
    format!("{} {}", v.ty, v.dim)
}

/// Plan writing `track` as `format`.
pub(crate) fn plan(track: &Track, format: Format) -> Result<(Plan, Layout), Error> {
    let tt = track.schema.track_type;
    if tt.is_per_base() {
        return Err(Error::Unsupported {
            target: format,
            reason: format!(
                "a {tt} track has one value per base pair; write it as WIG or bedGraph instead"
            ),
        });
    }
    if let Some((s, i)) = track.seqs.iter().find_map(|s| {
        (0..s.len())
            .find(|&i| s.ends[i] < s.starts[i])
            .map(|i| (s, i))
    }) {
        return Err(Error::Unsupported {
            target: format,
            reason: format!(
                "element {}:{}-{} wraps around a circular sequence (end < start), which BED cannot express; write GTrack",
                s.seqid, s.starts[i], s.ends[i]
            ),
        });
    }
    let n = match super::layout::fixed_count(format) {
        Some(n) => n,
        None => {
            let n = choose_count(track, format);
            if format == Format::BedDetail {
                n.clamp(4, 12) + 2
            } else {
                n
            }
        }
    };
    let l = layout(format, n, false).ok_or_else(|| Error::Unsupported {
        target: format,
        reason: "not a BED-family format".into(),
    })?;
    let mut losses = Vec::new();
    let mut used = vec![false; track.schema.columns.extra.len()];
    let mut value_used = false;
    let mut id_used = false;
    let mut id_as_name = false;
    let mut strand_used = false;
    let mut srcs = Vec::with_capacity(l.cols.len());
    for col in &l.cols {
        let by_key = extra_index(track, &col.key).filter(|&k| !used[k]);
        let src = match col.dest {
            Dest::Core => default_for(col),
            Dest::Strand if track.schema.columns.strand => {
                strand_used = true;
                Src::Strand
            }
            Dest::Value if track.schema.value.is_some() && track.schema.value == l.schema.value => {
                value_used = true;
                Src::Value
            }
            _ => match by_key {
                Some(k) => {
                    used[k] = true;
                    Src::Extra(k)
                }
                None if col.key == "name" && col.kind == Kind::Text && track.schema.columns.id => {
                    id_used = true;
                    id_as_name = true;
                    Src::Id
                }
                None => default_for(col),
            },
        };
        srcs.push(src);
    }
    if let (Some(v), false) = (track.schema.value, value_used) {
        losses.push(match l.schema.value {
            Some(w) => format!(
                "values ({} values; the {} value column holds {})",
                describe_spec(v),
                format.label(),
                describe_spec(w)
            ),
            None if format == Format::PointBed => {
                format!("values ({}; a point BED holds no values)", describe_spec(v))
            }
            None => format!(
                "values ({}; {} holds number scalars only, in its score column)",
                describe_spec(v),
                format.label()
            ),
        });
    }
    if track.schema.columns.strand && !strand_used {
        losses.push(format!("strands ({} has no strand column)", format.label()));
    }
    if track.schema.columns.id && !id_used {
        losses.push("element ids".into());
    } else if id_as_name && !tt.is_linked() {
        losses.push("element ids (written to the name column, read back as names)".into());
    }
    if tt.is_linked() {
        losses.push(if id_as_name {
            "edges (element ids are written as names)".into()
        } else {
            "edges".to_string()
        });
    }
    let lost: Vec<&str> = track
        .schema
        .columns
        .extra
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(x, _)| x.as_str())
        .collect();
    if !lost.is_empty() {
        losses.push(format!(
            "extra columns not in {}: {}",
            format.label(),
            lost.join(", ")
        ));
    }
    if tt.is_dense_interval() {
        losses.push(format!(
            "track type {tt} (written as {}segments)",
            if tt.is_valued() { "valued " } else { "" }
        ));
    }
    if !track.regions.is_empty() {
        losses.push("bounding regions (BED has no domain declaration)".into());
    }
    if track.seqs.iter().any(|s| s.genome.is_some()) {
        losses.push("genome names of sequences".into());
    }
    let meta: Vec<&str> = track
        .metadata
        .iter()
        .filter(|(k, _)| k != "track" && k != "browser")
        .map(|(k, _)| k.as_str())
        .collect();
    if !meta.is_empty() {
        losses.push(format!(
            "metadata without a BED equivalent: {}",
            meta.join(", ")
        ));
    }
    if format == Format::PointBed
        && track
            .seqs
            .iter()
            .any(|s| s.starts.iter().zip(&s.ends).any(|(a, b)| *b != a + 1))
    {
        losses.push(
            "element lengths (a point BED holds 1 bp elements; each is written as its first base)"
                .into(),
        );
    }
    if bad_text(track, &srcs) {
        losses.push(
            "tabs, line breaks or empty strings in text fields, or spaces in sequence names (written as `_` and `.`)".into(),
        );
    }
    Ok((Plan { srcs, losses }, l))
}

/// Text that cannot be written as it is: empty, or holding a tab or line
/// break (fields are tab-delimited, so spaces are fine).
fn needs_fix(s: &str) -> bool {
    s.is_empty() || crate::text::breaks_field(s)
}

/// A sequence name must not hold spaces either (readers split
/// space-delimited lines, and chrom decides the delimiter).
fn seqid_needs_fix(s: &str) -> bool {
    needs_fix(s) || s.contains(' ')
}

fn bad_text(track: &Track, srcs: &[Src]) -> bool {
    for s in &track.seqs {
        if seqid_needs_fix(&s.seqid) {
            return true;
        }
        for src in srcs {
            let col = match src {
                Src::Extra(k) => Some(&s.extras[*k]),
                Src::Id => s.ids.as_ref(),
                _ => None,
            };
            if let Some(c) = col {
                if c.iter().any(|x| x.is_some_and(needs_fix)) {
                    return true;
                }
            }
            if *src == Src::Value {
                if let Some(ColumnData::Category { dict, .. }) = s.values.as_ref().map(|v| v.data())
                {
                    if dict.words().iter().any(|w| needs_fix(w)) {
                        return true;
                    }
                }
            }
        }
    }
    false
}

fn put_text<W: Write>(out: &mut W, s: Option<&str>, seqid: bool) -> std::io::Result<()> {
    match s {
        None => out.write_all(b"."),
        Some("") => out.write_all(b"."),
        Some(s) if needs_fix(s) || (seqid && s.contains(' ')) => {
            let fixed: String = s
                .chars()
                .map(|c| if c.is_whitespace() { '_' } else { c })
                .collect();
            out.write_all(fixed.as_bytes())
        }
        Some(s) => out.write_all(s.as_bytes()),
    }
}

fn put_num<W: Write>(out: &mut W, x: f64) -> std::io::Result<()> {
    if x.is_nan() {
        out.write_all(b".")
    } else {
        write!(out, "{x}")
    }
}

/// Write `track` as `format`.
pub(crate) fn write<W: Write>(
    track: &Track,
    out: W,
    format: Format,
    _opts: &WriteOptions,
) -> Result<(), Error> {
    let (plan, _l) = plan(track, format)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    write_all(track, &plan, &mut out).map_err(|e| Error::io("-", e))?;
    out.flush().map_err(|e| Error::io("-", e))
}

fn value_len(track_seq: &gtrack_core::SeqElements, i: usize) -> usize {
    track_seq.values.as_ref().map_or(0, |v| v.range(i).len())
}

fn write_all<W: Write>(track: &Track, plan: &Plan, out: &mut W) -> std::io::Result<()> {
    for (k, v) in &track.metadata {
        if k == "track" || k == "browser" {
            out.write_all(k.as_bytes())?;
            if !v.is_empty() {
                out.write_all(b" ")?;
                out.write_all(v.as_bytes())?;
            }
            out.write_all(b"\n")?;
        }
    }
    let points = matches!(
        track.schema.track_type,
        TrackType::Points
            | TrackType::ValuedPoints
            | TrackType::LinkedPoints
            | TrackType::LinkedValuedPoints
    );
    for s in &track.seqs {
        for i in 0..s.len() {
            let start = s.starts[i];
            let end = if points { start + 1 } else { s.ends[i] };
            for (c, src) in plan.srcs.iter().enumerate() {
                if c > 0 {
                    out.write_all(b"\t")?;
                }
                match *src {
                    Src::Seqid => put_text(out, Some(&s.seqid), true)?,
                    Src::Start => write!(out, "{start}")?,
                    Src::End => write!(out, "{end}")?,
                    Src::ThickStart => write!(out, "{start}")?,
                    Src::ThickEnd => write!(out, "{end}")?,
                    Src::BlockSizes => write!(out, "{}", end - start)?,
                    Src::Const(x) => out.write_all(x.as_bytes())?,
                    Src::Strand => {
                        let st = s.strands.as_ref().map_or(Strand::Unknown, |v| v[i]);
                        write!(out, "{}", st.symbol())?
                    }
                    Src::Extra(k) => put_text(out, s.extras[k].get(i), false)?,
                    Src::Id => put_text(out, s.ids.as_ref().and_then(|c| c.get(i)), false)?,
                    Src::Value => put_value(out, s, i)?,
                    Src::ExpCount => write!(out, "{}", value_len(s, i))?,
                    Src::ExpIds => {
                        for j in 0..value_len(s, i) {
                            write!(out, "{j},")?;
                        }
                    }
                    Src::AlleleCount | Src::AlleleZeros => {
                        let n = allele_count(s, i);
                        if *src == Src::AlleleCount {
                            write!(out, "{n}")?;
                        } else {
                            for j in 0..n {
                                if j > 0 {
                                    out.write_all(b",")?;
                                }
                                out.write_all(b"0")?;
                            }
                        }
                    }
                }
            }
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

fn allele_count(s: &gtrack_core::SeqElements, i: usize) -> usize {
    match s.values.as_ref().map(|v| (v.data(), v.range(i))) {
        Some((ColumnData::Category { codes, dict }, r)) => codes[r]
            .first()
            .filter(|&&c| c != MISSING_CODE)
            .map_or(1, |&c| dict.word(c).split('/').count()),
        _ => 1,
    }
}

fn put_value<W: Write>(out: &mut W, s: &gtrack_core::SeqElements, i: usize) -> std::io::Result<()> {
    let Some(v) = &s.values else {
        return out.write_all(b".");
    };
    let r = v.range(i);
    let scalar = v.offsets().is_none();
    match v.data() {
        ColumnData::Number(d) => {
            if scalar {
                put_num(out, d[i])?;
            } else {
                for x in &d[r] {
                    put_num(out, *x)?;
                    out.write_all(b",")?;
                }
            }
        }
        ColumnData::Category { codes, dict } => {
            let c = codes[r].first().copied().unwrap_or(MISSING_CODE);
            put_text(out, (c != MISSING_CODE).then(|| dict.word(c)), false)?;
        }
        ColumnData::Binary(d) => match d[r].first() {
            Some(&b) if b >= 0 => write!(out, "{b}")?,
            _ => out.write_all(b".")?,
        },
        ColumnData::Character(d) => match d[r].first() {
            Some(Some(c)) => out.write_all(&[*c])?,
            _ => out.write_all(b".")?,
        },
    }
    Ok(())
}
