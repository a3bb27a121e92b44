//! VCF 4.x as *valued points*.
//!
//! # Mapping (see `docs/formats/vcf.md`)
//!
//! Each record is one point at `POS - 1` (0-based), whatever the length
//! of `REF`: the point is the record's anchor base, and `REF` (kept as a
//! column) gives the span. The value is `QUAL` (a number, `.` =
//! missing). The other columns are kept verbatim as extra columns, in
//! order: `name` (the VCF `ID`; not the GTrack `id` column, which must be
//! unique), `ref`, `alt`, `filter`, `info`, then, when present,
//! `format` and one column per sample, named as in the `#CHROM` line.
//! Every `##` meta line is kept in the track metadata under the key
//! [`META`] (text after `##`), so a file is written back unchanged.

use crate::error::ferr;
use std::fmt::Write as _;
use std::io::{BufRead, Write};

use gtrack_core::track::{OptionalColumns, Track, TrackSchema};
use gtrack_core::track_type::TrackType;
use gtrack_core::value::{Dimension, ValueBuf, ValueSpec, ValueType};

use crate::error::{Error, RuleInfo};
use crate::format::{Format, ReadOptions, WriteOptions};
use crate::gff::read_line;

/// Rules this module checks.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "vcf-fileformat",
        summary: "the first line is `##fileformat=VCFv4.x`",
    },
    RuleInfo {
        id: "vcf-header-line",
        summary: "a `#CHROM POS ID REF ALT QUAL FILTER INFO [FORMAT sample…]` line comes before the records",
    },
    RuleInfo {
        id: "vcf-sample-name",
        summary: "sample names are non-empty, distinct, and not a reserved or VCF column name",
    },
    RuleInfo {
        id: "vcf-columns",
        summary: "a record has as many tab-separated, non-empty columns as the #CHROM line",
    },
    RuleInfo {
        id: "vcf-position",
        summary: "POS is an integer >= 1 (and <= the sequence length when known)",
    },
    RuleInfo {
        id: "vcf-ref",
        summary: "REF is one or more of A C G T N (any case)",
    },
    RuleInfo {
        id: "vcf-alt",
        summary: "ALT is `.` or comma-separated alleles: bases, `*`, `<ID>` or breakends",
    },
    RuleInfo {
        id: "vcf-qual",
        summary: "QUAL is a finite number or `.`",
    },
];

/// Metadata key of the `##` meta lines (value = the line after `##`).
pub const META: &str = "vcf";

/// Metadata key of the sample names as written in the `#CHROM` line
/// (the sample columns are named in lower case, as GTrack column names
/// are case-insensitive).
pub const META_SAMPLE: &str = "vcf-sample";

/// Names of the fixed extra columns, in order.
const FIXED: [&str; 5] = ["name", "ref", "alt", "filter", "info"];

const HEADER: [&str; 8] = [
    "#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
];

fn schema(samples: Option<&[&str]>) -> TrackSchema {
    let mut extra: Vec<String> = FIXED.iter().map(|s| s.to_string()).collect();
    if let Some(s) = samples {
        extra.push("format".into());
        extra.extend(s.iter().map(|s| s.to_lowercase()));
    }
    TrackSchema {
        track_type: TrackType::ValuedPoints,
        value: Some(ValueSpec::new(ValueType::Number, Dimension::Scalar)),
        edges: None,
        columns: OptionalColumns {
            strand: false,
            id: false,
            extra,
        },
    }
}

fn is_base(b: u8) -> bool {
    matches!(
        b,
        b'A' | b'C' | b'G' | b'T' | b'N' | b'a' | b'c' | b'g' | b't' | b'n'
    )
}

fn valid_alt(a: &str) -> bool {
    let b = a.as_bytes();
    if b.is_empty() {
        return false;
    }
    a == "*"
        || (b[0] == b'<' && b[b.len() - 1] == b'>' && b.len() > 2)
        || b.iter().all(|&c| is_base(c))
        || a.contains('[')
        || a.contains(']')
        || (b.len() > 1
            && (b[0] == b'.' && b[1..].iter().all(|&c| is_base(c))
                || b[b.len() - 1] == b'.' && b[..b.len() - 1].iter().all(|&c| is_base(c))))
}

/// Read VCF from `input`.
///
/// # Errors
/// [`Error::Format`] naming the file, line and rule broken.
pub fn read<R: BufRead>(
    mut input: R,
    path: &str,
    _format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    let mut buf = Vec::with_capacity(1024);
    let mut n = 0u64;
    let mut metadata = Vec::new();
    let mut track: Option<Track> = None;
    let mut ncols = 0usize;
    let mut value = ValueBuf::Number(vec![0.0]);
    let mut last_seq: Option<usize> = None;
    while let Some(line) = read_line(&mut input, &mut buf, path, &mut n)? {
        if n == 1 && !line.starts_with("##fileformat=VCF") {
            return Err(ferr(
                path,
                n,
                "vcf-fileformat",
                "a VCF file starts with `##fileformat=VCFv4.x` (e.g. ##fileformat=VCFv4.2); add \
                 that line",
            ));
        }
        if let Some(m) = line.strip_prefix("##") {
            if track.is_some() {
                return Err(ferr(
                    path,
                    n,
                    "vcf-header-line",
                    "a `##` meta line after the #CHROM line; move it above #CHROM",
                ));
            }
            metadata.push((META.to_string(), m.to_string()));
            continue;
        }
        if line.starts_with('#') {
            if track.is_some() {
                return Err(ferr(
                    path,
                    n,
                    "vcf-header-line",
                    "a second #CHROM line; a VCF file has exactly one",
                ));
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 8 || cols[..8] != HEADER {
                return Err(ferr(
                    path,
                    n,
                    "vcf-header-line",
                    format!(
                        "the header line must be `{}` optionally followed by FORMAT and at \
                         least one sample name, tab-separated",
                        HEADER.join("\\t")
                    ),
                ));
            }
            let samples = if cols.len() > 8 {
                if cols[8] != "FORMAT" {
                    return Err(ferr(
                        path,
                        n,
                        "vcf-header-line",
                        format!(
                            "column 9 of the header line is `{}`, expected FORMAT",
                            cols[8]
                        ),
                    ));
                }
                let s = &cols[9..];
                const RESERVED: [&str; 14] = [
                    "genome", "seqid", "start", "end", "value", "strand", "id", "edges", "name",
                    "ref", "alt", "filter", "info", "format",
                ];
                for (i, name) in s.iter().enumerate() {
                    let bad = name.is_empty()
                        || name.trim() != *name
                        || RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name))
                        || s[..i].iter().any(|o| o.eq_ignore_ascii_case(name));
                    if bad {
                        return Err(ferr(
                            path,
                            n,
                            "vcf-sample-name",
                            format!(
                                "sample name `{name}` (column {}) is empty, repeated, or a \
                                 reserved column name ({}); rename the sample",
                                i + 10,
                                RESERVED.join(", ")
                            ),
                        ));
                    }
                }
                for name in s {
                    metadata.push((META_SAMPLE.to_string(), name.to_string()));
                }
                Some(s)
            } else {
                None
            };
            ncols = cols.len();
            track = Some(Track::new(schema(samples)));
            continue;
        }
        let Some(t) = track.as_mut() else {
            return Err(ferr(
                path,
                n,
                "vcf-header-line",
                "a record before the #CHROM header line; add the \
                 `#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO` line",
            ));
        };
        if line.is_empty() {
            continue;
        }
        let mut f: [&str; 8] = [""; 8];
        let mut count = 0;
        let mut rest = "";
        for (i, field) in line.splitn(9, '\t').enumerate() {
            if i < 8 {
                f[i] = field;
            } else {
                rest = field;
            }
            count = i + 1;
        }
        let got = if count == 9 {
            9 + rest.matches('\t').count()
        } else {
            count
        };
        if got != ncols {
            return Err(ferr(
                path,
                n,
                "vcf-columns",
                format!(
                    "the record has {got} tab-separated columns, but the #CHROM line has {ncols}"
                ),
            ));
        }
        if let Some(i) = f.iter().position(|x| x.is_empty()) {
            return Err(ferr(
                path,
                n,
                "vcf-columns",
                format!(
                    "column {} ({}) is empty; write `.` for a missing value",
                    i + 1,
                    HEADER[i].trim_start_matches('#')
                ),
            ));
        }
        let pos = match f[1].parse::<u64>() {
            Ok(p) if p >= 1 => p,
            _ => {
                return Err(ferr(
                    path,
                    n,
                    "vcf-position",
                    format!(
                        "POS `{}` is not an integer >= 1 (telomere records at POS 0 are not \
                         supported)",
                        f[1]
                    ),
                ))
            }
        };
        if let Some(len) = opts.genome.as_ref().and_then(|g| g.length(f[0])) {
            if pos > len {
                return Err(ferr(
                    path,
                    n,
                    "vcf-position",
                    format!("POS {pos} is beyond the end of {} (length {len})", f[0]),
                ));
            }
        }
        if !f[3].bytes().all(is_base) {
            return Err(ferr(
                path,
                n,
                "vcf-ref",
                format!("REF `{}` is not a sequence of A, C, G, T, N", f[3]),
            ));
        }
        if f[4] != "." {
            if let Some(a) = f[4].split(',').find(|a| !valid_alt(a)) {
                return Err(ferr(
                    path,
                    n,
                    "vcf-alt",
                    format!(
                        "ALT allele `{a}` is not bases (ACGTN), `*`, `<ID>` or a breakend; \
                         separate alleles with commas"
                    ),
                ));
            }
        }
        let qual = if f[5] == "." {
            f64::NAN
        } else {
            match fast_float2::parse::<f64, _>(f[5]) {
                Ok(x) if x.is_finite() => x,
                _ => {
                    return Err(ferr(
                        path,
                        n,
                        "vcf-qual",
                        format!("QUAL `{}` is not a finite number or `.`", f[5]),
                    ))
                }
            }
        };
        let si = match last_seq {
            Some(i) if t.seqs[i].seqid == f[0] => i,
            _ => {
                let i = t.seq_index(None, f[0]);
                last_seq = Some(i);
                i
            }
        };
        let s = &mut t.seqs[si];
        s.starts.push(pos - 1);
        s.ends.push(pos);
        if let ValueBuf::Number(v) = &mut value {
            v[0] = qual;
        }
        s.values.as_mut().expect("valued").push(&value);
        s.extras[0].push(Some(f[2]));
        s.extras[1].push(Some(f[3]));
        s.extras[2].push(Some(f[4]));
        s.extras[3].push(Some(f[6]));
        s.extras[4].push(Some(f[7]));
        if count == 9 {
            for (k, x) in rest.split('\t').enumerate() {
                s.extras[5 + k].push(Some(x));
            }
        }
    }
    let Some(mut track) = track else {
        return Err(ferr(
            path,
            n,
            "vcf-header-line",
            "the file ends without a #CHROM header line",
        ));
    };
    track.metadata = metadata;
    Ok(track)
}

/// Where the VCF columns are among a track's extras.
struct Cols {
    name: Option<usize>,
    reff: Option<usize>,
    alt: Option<usize>,
    filter: Option<usize>,
    info: Option<usize>,
    format: Option<usize>,
    /// Sample columns (after `format`).
    samples: Vec<usize>,
    /// Extras with no place in VCF.
    other: Vec<usize>,
}

impl Cols {
    fn of(track: &Track) -> Cols {
        let ex = &track.schema.columns.extra;
        let find = |n: &str| ex.iter().position(|e| e.eq_ignore_ascii_case(n));
        let format = find("format");
        let mut c = Cols {
            name: find("name"),
            reff: find("ref"),
            alt: find("alt"),
            filter: find("filter"),
            info: find("info"),
            format,
            samples: format.map_or(Vec::new(), |f| (f + 1..ex.len()).collect()),
            other: Vec::new(),
        };
        let known = [c.name, c.reff, c.alt, c.filter, c.info, c.format];
        c.other = (0..ex.len())
            .filter(|i| !known.contains(&Some(*i)) && !c.samples.contains(i))
            .collect();
        c
    }
}

/// What writing `track` as VCF would lose.
///
/// # Errors
/// [`Error::Unsupported`] when the track has no `ref` column: a VCF
/// record needs its reference allele.
pub fn losses(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    let c = Cols::of(track);
    if c.reff.is_none() {
        return Err(Error::Unsupported {
            target: format,
            reason: "VCF records need a REF allele, and the track has no `ref` column; add one \
                     (e.g. from a FASTA) or write another format"
                .into(),
        });
    }
    let mut out = Vec::new();
    if let Some(v) = track.schema.value {
        if !(v.ty == ValueType::Number && v.dim == Dimension::Scalar) {
            out.push(format!(
                "values ({} {}): QUAL is a single number",
                v.dim, v.ty
            ));
        }
    }
    if track.schema.columns.strand
        && track.seqs.iter().any(|s| {
            s.strands.as_ref().is_some_and(|st| {
                st.iter()
                    .any(|x| *x != gtrack_core::columns::Strand::Unknown)
            })
        })
    {
        out.push("strands".into());
    }
    if track.schema.columns.id && c.name.is_some() {
        out.push("ids (the `name` column is written as the VCF ID)".into());
    }
    if track.schema.edges.is_some() {
        out.push("edges".into());
    }
    if track.seqs.iter().any(|s| s.genome.is_some()) {
        out.push("genome names of sequences".into());
    }
    if !track.regions.is_empty() {
        out.push("bounding regions".into());
    }
    let lengths = track.seqs.iter().any(|s| {
        let r = c.reff.map(|k| &s.extras[k]);
        (0..s.len()).any(|i| {
            let len = s.ends[i].wrapping_sub(s.starts[i]);
            len != 1 && Some(len) != r.and_then(|r| r.get(i)).map(|x| x.len() as u64)
        })
    });
    if lengths {
        out.push("element lengths other than 1 or the REF length".into());
    }
    if !c.other.is_empty() {
        let names: Vec<&str> = c
            .other
            .iter()
            .map(|&i| track.schema.columns.extra[i].as_str())
            .collect();
        out.push(format!("extra columns {}", names.join(", ")));
    }
    if track
        .metadata
        .iter()
        .any(|(k, _)| k != META && k != META_SAMPLE)
    {
        out.push("metadata other than VCF meta lines".into());
    }
    Ok(out)
}

/// Write `track` as VCF (best effort: see [`losses`]).
///
/// # Errors
/// I/O errors of `out`.
pub fn write<W: Write>(
    track: &Track,
    mut out: W,
    _format: Format,
    _opts: &WriteOptions,
) -> Result<(), Error> {
    let c = Cols::of(track);
    let io = |e| Error::io("-", e);
    let mut line = String::with_capacity(1024);
    if !track
        .metadata
        .iter()
        .any(|(k, v)| k == META && v.starts_with("fileformat="))
    {
        line.push_str("##fileformat=VCFv4.2\n");
    }
    for (k, v) in &track.metadata {
        if k == META {
            let _ = writeln!(line, "##{v}");
        }
    }
    line.push_str(&HEADER.join("\t"));
    if c.format.is_some() {
        line.push_str("\tFORMAT");
        let given: Vec<&str> = track
            .metadata
            .iter()
            .filter(|(k, _)| k == META_SAMPLE)
            .map(|(_, v)| v.as_str())
            .collect();
        let cols: Vec<&str> = c
            .samples
            .iter()
            .map(|&s| track.schema.columns.extra[s].as_str())
            .collect();
        let use_given = given.len() == cols.len()
            && given
                .iter()
                .zip(&cols)
                .all(|(a, b)| a.eq_ignore_ascii_case(b));
        for (k, name) in cols.iter().enumerate() {
            line.push('\t');
            line.push_str(if use_given { given[k] } else { name });
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes()).map_err(io)?;
    let numbers = track
        .schema
        .value
        .is_some_and(|v| v.ty == ValueType::Number && v.dim == Dimension::Scalar);
    for s in &track.seqs {
        let get = |col: Option<usize>, i: usize| -> &str {
            col.and_then(|k| s.extras[k].get(i))
                .filter(|x| !x.is_empty())
                .unwrap_or(".")
        };
        for i in 0..s.len() {
            line.clear();
            let name = match (c.name, &s.ids) {
                (None, Some(ids)) => ids.get(i).unwrap_or("."),
                _ => get(c.name, i),
            };
            let _ = write!(
                line,
                "{}\t{}\t{}\t{}\t{}\t",
                s.seqid,
                s.starts[i] + 1,
                name,
                get(c.reff, i),
                get(c.alt, i)
            );
            let q = if numbers {
                s.values
                    .as_ref()
                    .and_then(|v| v.as_numbers())
                    .map_or(f64::NAN, |v| v[i])
            } else {
                f64::NAN
            };
            if q.is_nan() {
                line.push('.');
            } else {
                let _ = write!(line, "{q}");
            }
            let _ = write!(line, "\t{}\t{}", get(c.filter, i), get(c.info, i));
            if c.format.is_some() {
                line.push('\t');
                line.push_str(get(c.format, i));
                for &k in &c.samples {
                    line.push('\t');
                    line.push_str(get(Some(k), i));
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(io)?;
        }
    }
    out.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_valid_alt() {
        for a in ["A", "TTG", "*", "<DEL>", "G]17:198982]", ".A", "A."] {
            assert!(valid_alt(a), "{a}");
        }
        for a in ["", "X", "<>", "A C", "."] {
            assert!(!valid_alt(a), "{a}");
        }
    }
}
