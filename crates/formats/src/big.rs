//! bigWig and bigBed (UCSC "big binary indexed" files), read and written
//! through the [`bigtools`] crate.
//!
//! # Mapping
//!
//! **bigWig** is read like bedGraph (subtype `http://gtrack.no/bedgraph.gtrack`:
//! `valued segments`, number scalar values), with the track type detected
//! from the layout of the items (values are `f32` in the file and become
//! exact `f64`s):
//!
//! | items | track type | bounding regions |
//! |---|---|---|
//! | every sequence contiguous, all items 1 bp | function | one per sequence, first start → last end |
//! | every sequence contiguous | step function | one per sequence, first start → last end |
//! | all items 1 bp, some gap | valued points | none |
//! | otherwise (and for an empty file) | valued segments | none |
//!
//! bigWig is written from function, step function, valued segments and
//! valued points (and their linked variants, dropping the edges) with
//! number scalar values. Chromosome sizes come from
//! [`WriteOptions::genome`], else from the track's bounding regions
//! (largest region end per sequence).
//!
//! **bigBed** follows the BED mapping (BED3/BED4 → segments, BED5+ →
//! valued segments with `score` as the number value, BED6+ adds the
//! strand column; `name`, `thickStart`, `thickEnd`, `itemRgb`,
//! `blockCount`, `blockSizes`, `blockStarts` are extra columns; points /
//! valued points when every item is 1 bp). Fields after the standard ones
//! are extra columns named from the autoSql definition, which is kept in
//! metadata key `autoSql` and written back when it still describes the
//! columns.
//!
//! Sequences are always written (and therefore read back) in byte order
//! of their names, as the bbi chromosome tree requires.
//!
//! Zoom levels are written with bigtools' defaults; [`zoom_summary`]
//! reads them.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};

use bigtools::bed::autosql::parse::parse_autosql;
use bigtools::{
    BBIDataProcessor, BBIDataSource, BBIProcessError, BedEntry, BigBedRead, BigBedWrite,
    BigWigRead, BigWigWrite, ProcessDataError, Value,
};
use gtrack_core::{
    BoundingRegion, Dimension, RegionKind, Strand, Track, TrackSchema, TrackType, ValueBuf,
    ValueSpec, ValueType,
};

use crate::error::{Error, FormatError, RuleInfo};
use crate::format::{Format, ReadOptions, WriteOptions};

/// Rules this module checks. Binary files have no lines: errors carry
/// line 0 and say where in the file the problem is.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "big-file",
        summary: "the file exists and can be read",
    },
    RuleInfo {
        id: "big-magic",
        summary: "the file starts with the bigWig (0x888FFC26) or bigBed (0x8789F2EB) magic number of the format asked for",
    },
    RuleInfo {
        id: "big-truncated",
        summary: "the file is complete: it ends with the magic number again",
    },
    RuleInfo {
        id: "big-header",
        summary: "header, chromosome tree and index are readable and consistent",
    },
    RuleInfo {
        id: "big-data",
        summary: "data blocks decompress and decode",
    },
    RuleInfo {
        id: "big-autosql",
        summary: "a bigBed autoSql definition parses and declares as many fields as the header",
    },
    RuleInfo {
        id: "big-fields",
        summary: "every bigBed item has the number of fields the header declares",
    },
    RuleInfo {
        id: "big-score",
        summary: "a bigBed score (field 5) is a number or `.`",
    },
    RuleInfo {
        id: "big-strand",
        summary: "a bigBed strand (field 6) is `+`, `-` or `.`",
    },
    RuleInfo {
        id: "big-seqid",
        summary: "a zoom summary asks for a sequence the file has, and a non-empty range",
    },
];

const BIGWIG_MAGIC: u32 = 0x888F_FC26;
const BIGBED_MAGIC: u32 = 0x8789_F2EB;

/// Standard BED field names after `chrom chromStart chromEnd`, as the
/// track model names them (`score` is the value, `strand` the strand
/// column); lower case, as GTrack column names are.
const BED_STD: [&str; 9] = [
    "name",
    "score",
    "strand",
    "thickstart",
    "thickend",
    "itemrgb",
    "blockcount",
    "blocksizes",
    "blockstarts",
];

/// Names autoSql definitions use for the standard fields 4..12 (UCSC's
/// `bed.as` says `reserved` for itemRgb and `chromStarts` for blockStarts).
fn std_field_matches(i: usize, name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    match i {
        5 => n == "itemrgb" || n == "reserved",
        8 => n == "blockstarts" || n == "chromstarts",
        _ => n == BED_STD[i],
    }
}

/// Column names of the track model that extra columns must not take.
const RESERVED: &[&str] = &[
    "genome", "seqid", "start", "end", "value", "strand", "id", "edges",
];

fn err(path: &str, rule: &'static str, message: impl Into<String>) -> Error {
    FormatError::new(path, 0, rule, message).into()
}

fn label(format: Format) -> &'static str {
    format.label()
}

/// Check magic numbers at both ends before handing the file to bigtools,
/// so that wrong and truncated files get precise messages.
fn check_file(path: &str, format: Format) -> Result<(), Error> {
    let mut f = File::open(path).map_err(|e| {
        err(
            path,
            "big-file",
            format!("cannot open the {} file: {e}", label(format)),
        )
    })?;
    let len = f
        .metadata()
        .map_err(|e| err(path, "big-file", format!("cannot read the file: {e}")))?
        .len();
    let mut head = [0u8; 4];
    if len < 4 || f.read_exact(&mut head).is_err() {
        return Err(err(
            path,
            "big-magic",
            format!(
                "the file is {len} bytes long, too short to be a {}; check that it is not empty",
                label(format)
            ),
        ));
    }
    let want = if format == Format::BigWig {
        BIGWIG_MAGIC
    } else {
        BIGBED_MAGIC
    };
    let le = u32::from_le_bytes(head);
    let be = u32::from_be_bytes(head);
    let magic_ok = le == want || be == want;
    if !magic_ok {
        let other = if format == Format::BigWig {
            BIGBED_MAGIC
        } else {
            BIGWIG_MAGIC
        };
        let hint = if le == other || be == other {
            let o = if format == Format::BigWig {
                "bigbed"
            } else {
                "bigwig"
            };
            format!("this is a {o} file; read it with --from {o}")
        } else {
            "the file is not a bbi file (maybe text or gzip: convert it with the UCSC tools or read it in its own format)".to_string()
        };
        return Err(err(
            path,
            "big-magic",
            format!(
                "byte 0: magic number {le:#010x} is not the {} magic {want:#010x}; {hint}",
                label(format)
            ),
        ));
    }
    let mut tail = [0u8; 4];
    let tail_ok = len >= 8
        && f.seek(SeekFrom::End(-4)).is_ok()
        && f.read_exact(&mut tail).is_ok()
        && (if le == want {
            u32::from_le_bytes(tail)
        } else {
            u32::from_be_bytes(tail)
        }) == want;
    if !tail_ok {
        return Err(err(
            path,
            "big-truncated",
            format!(
                "byte {}: the file does not end with the {} magic number; it is truncated or was not \
                 completely written (download or convert it again)",
                len.saturating_sub(4),
                label(format)
            ),
        ));
    }
    let mut v = Validator {
        f: std::io::BufReader::new(f),
        len,
        be: le != want,
    };
    v.check().map_err(|(at, what)| {
        err(
            path,
            "big-header",
            format!("byte {at}: {what}; the file is corrupt (recreate it)"),
        )
    })
}

/// Structural checks of a bbi file before bigtools reads it: every
/// offset and size that bigtools allocates or seeks by must lie inside
/// the file, so corrupt files give errors instead of huge allocations.
struct Validator {
    f: std::io::BufReader<File>,
    len: u64,
    be: bool,
}

type VResult<T> = Result<T, (u64, String)>;

const CHROM_TREE_MAGIC: u32 = 0x78CA_8C91;
const CIR_TREE_MAGIC: u32 = 0x2468_ACE0;

impl Validator {
    fn bytes(&mut self, at: u64, n: usize) -> VResult<Vec<u8>> {
        if at.checked_add(n as u64).is_none_or(|e| e > self.len) {
            return Err((
                at,
                format!("a {n}-byte structure extends beyond the end of the file"),
            ));
        }
        let mut b = vec![0u8; n];
        self.f
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.f.read_exact(&mut b))
            .map_err(|e| (at, format!("cannot read: {e}")))?;
        Ok(b)
    }
    fn u16(&self, b: &[u8], o: usize) -> u16 {
        let x = [b[o], b[o + 1]];
        if self.be {
            u16::from_be_bytes(x)
        } else {
            u16::from_le_bytes(x)
        }
    }
    fn u32(&self, b: &[u8], o: usize) -> u32 {
        let x = [b[o], b[o + 1], b[o + 2], b[o + 3]];
        if self.be {
            u32::from_be_bytes(x)
        } else {
            u32::from_le_bytes(x)
        }
    }
    fn u64(&self, b: &[u8], o: usize) -> u64 {
        let mut x = [0u8; 8];
        x.copy_from_slice(&b[o..o + 8]);
        if self.be {
            u64::from_be_bytes(x)
        } else {
            u64::from_le_bytes(x)
        }
    }
    fn check(&mut self) -> VResult<()> {
        let h = self.bytes(0, 64)?;
        let zooms = self.u16(&h, 6) as u64;
        let chrom_tree = self.u64(&h, 8);
        let full_index = self.u64(&h, 24);
        let uncompress = self.u32(&h, 52);
        if uncompress > 256 << 20 {
            return Err((
                52,
                format!("uncompressed block size {uncompress} is implausibly large"),
            ));
        }
        let zh = self.bytes(64, (zooms * 24) as usize)?;
        // Chromosome B+ tree header.
        let c = self.bytes(chrom_tree, 32)?;
        if self.u32(&c, 0) != CHROM_TREE_MAGIC {
            return Err((
                chrom_tree,
                "the chromosome tree magic number is wrong".into(),
            ));
        }
        let key = self.u32(&c, 8) as u64;
        let items = self.u64(&c, 16);
        if key == 0 || key > 1 << 16 || self.u32(&c, 12) != 8 {
            return Err((
                chrom_tree,
                "the chromosome tree key or value size is invalid".into(),
            ));
        }
        if items.checked_mul(key + 8).is_none_or(|n| n > self.len) {
            return Err((
                chrom_tree,
                format!(
                    "the chromosome tree claims {items} sequences, more than the file can hold"
                ),
            ));
        }
        self.cir_tree(full_index)?;
        for z in 0..zooms as usize {
            let idx = self.u64(&zh, z * 24 + 16);
            self.cir_tree(idx)?;
        }
        Ok(())
    }
    /// Walk an R-tree index, checking every node and data block.
    fn cir_tree(&mut self, at: u64) -> VResult<()> {
        let h = self.bytes(at, 48)?;
        if self.u32(&h, 0) != CIR_TREE_MAGIC {
            return Err((at, "an index (R-tree) magic number is wrong".into()));
        }
        let mut todo = vec![(at + 48, 0u32)];
        let mut seen = std::collections::HashSet::new();
        while let Some((node, depth)) = todo.pop() {
            if depth > 64 || !seen.insert(node) {
                return Err((node, "the index has a cycle or is too deep".into()));
            }
            let nh = self.bytes(node, 4)?;
            let leaf = nh[0] == 1;
            let count = self.u16(&nh, 2) as usize;
            let size = if leaf { 32 } else { 24 };
            let items = self.bytes(node + 4, count * size)?;
            for i in 0..count {
                let o = i * size + 16;
                let off = self.u64(&items, o);
                if leaf {
                    let n = self.u64(&items, o + 8);
                    if off.checked_add(n).is_none_or(|e| e > self.len) {
                        return Err((node, format!("a data block ({n} bytes at {off}) extends beyond the end of the file")));
                    }
                } else {
                    todo.push((off, depth + 1));
                }
            }
        }
        Ok(())
    }
}

fn open_raw(path: &str) -> Result<File, Error> {
    File::open(path).map_err(|e| err(path, "big-file", format!("cannot open the file: {e}")))
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "internal error".into())
}

/// Run a bigtools read step, turning a panic on corrupt data into an error.
fn guarded<T>(path: &str, what: &str, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(err(
            path,
            "big-data",
            format!(
                "{what}: the file is corrupt ({}); recreate it",
                panic_text(p)
            ),
        )),
    }
}

fn io_rule(e: &std::io::Error) -> &'static str {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        "big-truncated"
    } else {
        "big-header"
    }
}

/// Items of one bigWig sequence, in bigtools' own type (so that writing
/// hands the planned items over without a copy).
type WigItems = Vec<Value>;
/// Items of one bigBed sequence: (start, end, rest of the fields).
type BedItems = Vec<(u32, u32, String)>;

fn read_bigwig(path: &str) -> Result<Vec<(String, WigItems)>, Error> {
    let mut r = BigWigRead::open(open_raw(path)?).map_err(|e| match e {
        bigtools::BigWigReadOpenError::IoError(e) => err(
            path,
            io_rule(&e),
            format!("cannot read the header or chromosome tree: {e}"),
        ),
        other => err(
            path,
            "big-header",
            format!("the header or chromosome tree is invalid ({other}); recreate the file"),
        ),
    })?;
    let chroms: Vec<(String, u32)> = r
        .chroms()
        .iter()
        .map(|c| (c.name.clone(), c.length))
        .collect();
    let mut out = Vec::with_capacity(chroms.len());
    for (name, len) in chroms {
        let mut items = Vec::new();
        let it = r.get_interval(&name, 0, len).map_err(|e| {
            err(
                path,
                "big-header",
                format!("sequence `{name}`: cannot read the index: {e}"),
            )
        })?;
        for v in it {
            let v = v.map_err(|e| {
                err(
                    path,
                    "big-data",
                    format!("sequence `{name}`: cannot decode a data block: {e}"),
                )
            })?;
            items.push(v);
        }
        if !items.is_empty() {
            out.push((name, items));
        }
    }
    Ok(out)
}

struct BigBedContent {
    chroms: Vec<(String, BedItems)>,
    autosql: Option<String>,
    field_count: u16,
    defined_field_count: u16,
}

fn read_bigbed(path: &str) -> Result<BigBedContent, Error> {
    let mut r = BigBedRead::open(open_raw(path)?).map_err(|e| match e {
        bigtools::BigBedReadOpenError::IoError(e) => err(
            path,
            io_rule(&e),
            format!("cannot read the header or chromosome tree: {e}"),
        ),
        other => err(
            path,
            "big-header",
            format!("the header or chromosome tree is invalid ({other}); recreate the file"),
        ),
    })?;
    let autosql = r
        .autosql()
        .map_err(|e| {
            err(
                path,
                "big-autosql",
                format!("cannot read the autoSql text: {e}"),
            )
        })?
        .filter(|s| !s.trim().is_empty());
    let field_count = r.info().header.field_count;
    let defined_field_count = r.info().header.defined_field_count;
    let chroms: Vec<(String, u32)> = r
        .chroms()
        .iter()
        .map(|c| (c.name.clone(), c.length))
        .collect();
    let mut out = Vec::with_capacity(chroms.len());
    for (name, len) in chroms {
        let mut items = Vec::new();
        let it = r.get_interval(&name, 0, len).map_err(|e| {
            err(
                path,
                "big-header",
                format!("sequence `{name}`: cannot read the index: {e}"),
            )
        })?;
        for v in it {
            let v = v.map_err(|e| {
                err(
                    path,
                    "big-data",
                    format!("sequence `{name}`: cannot decode a data block: {e}"),
                )
            })?;
            items.push((v.start, v.end, v.rest));
        }
        if !items.is_empty() {
            out.push((name, items));
        }
    }
    Ok(BigBedContent {
        chroms: out,
        autosql,
        field_count,
        defined_field_count,
    })
}

/// The track a bigWig with these items (per sequence, sorted) reads as.
fn wig_track(chroms: &[(String, WigItems)]) -> Track {
    wig_track_with(chroms, true)
}

/// The track a bigWig of `chroms` reads back as; without `elements`, only
/// its schema, sequences and regions (all that [`structural_losses`]
/// compares), which saves building a second copy of every element.
fn wig_track_with(chroms: &[(String, WigItems)], elements: bool) -> Track {
    let n: usize = chroms.iter().map(|c| c.1.len()).sum();
    let contiguous = chroms
        .iter()
        .all(|(_, it)| it.windows(2).all(|w| w[1].start == w[0].end));
    let unit = chroms
        .iter()
        .all(|(_, it)| it.iter().all(|v| v.end == v.start + 1));
    let tt = match (n > 0 && contiguous, n > 0 && unit) {
        (true, true) => TrackType::Function,
        (true, false) => TrackType::StepFunction,
        (false, true) => TrackType::ValuedPoints,
        (false, false) => TrackType::ValuedSegments,
    };
    let mut track = Track::new(TrackSchema::new(tt));
    let mut buf = ValueBuf::number(0.0);
    for (name, items) in chroms {
        let si = track.seq_index(None, name);
        let seq = &mut track.seqs[si];
        for v in items.iter().filter(|_| elements) {
            seq.starts.push(v.start as u64);
            seq.ends.push(v.end as u64);
            if let ValueBuf::Number(x) = &mut buf {
                x[0] = v.value as f64;
            }
            if let Some(col) = &mut seq.values {
                col.push(&buf);
            }
        }
        if tt.is_dense() {
            let mut r = BoundingRegion::sequence(
                None,
                name.clone(),
                items[0].start as u64,
                Some(items[items.len() - 1].end as u64),
            );
            r.block = Some((si, 0..items.len()));
            track.regions.push(r);
        }
    }
    track
}

/// How the fields of a bigBed split into standard BED fields and extras.
struct BedLayout {
    /// Number of standard fields (3..=12).
    standard: usize,
    /// Names of the extra fields after the standard ones.
    extras: Vec<String>,
}

fn bed_layout(
    path: &str,
    autosql: Option<&str>,
    field_count: u16,
    defined: u16,
) -> Result<BedLayout, Error> {
    let fc = field_count.max(3) as usize;
    let names: Option<Vec<String>> = match autosql {
        None => None,
        Some(text) => {
            let decls = parse_autosql(text).map_err(|e| {
                err(
                    path,
                    "big-autosql",
                    format!("the autoSql definition does not parse ({e:?}); fix or remove it"),
                )
            })?;
            let d = decls.first().ok_or_else(|| {
                err(
                    path,
                    "big-autosql",
                    "the autoSql text declares no table; fix or remove it",
                )
            })?;
            let names: Vec<String> = d.fields.iter().map(|f| f.name.clone()).collect();
            if names.len() != fc {
                return Err(err(
                    path,
                    "big-autosql",
                    format!(
                        "the autoSql definition declares {} fields but the header says {fc}; \
                         recreate the file with a matching .as file",
                        names.len()
                    ),
                ));
            }
            Some(names)
        }
    };
    let defined = (defined as usize).clamp(3, fc);
    let standard = match &names {
        Some(names) if defined >= fc => {
            // bigtools writes definedFieldCount = fieldCount: take the
            // standard prefix from the autoSql names.
            let mut k = 3;
            while k < fc.min(12) && std_field_matches(k - 3, &names[k]) {
                k += 1;
            }
            k
        }
        _ => defined.min(12),
    };
    let mut used: Vec<String> = BED_STD[..standard - 3]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut extras = Vec::new();
    for i in standard..fc {
        let base = match &names {
            Some(n) => n[i].to_ascii_lowercase(),
            None => format!("field{}", i + 1),
        };
        let mut name = base.clone();
        let mut k = 2;
        while RESERVED.contains(&name.as_str()) || used.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        used.push(name.clone());
        extras.push(name);
    }
    Ok(BedLayout { standard, extras })
}

/// The track a bigBed with these items reads as.
fn bed_track(
    path: &str,
    chroms: &[(String, BedItems)],
    layout: &BedLayout,
    autosql: Option<&str>,
) -> Result<Track, Error> {
    bed_track_with(path, chroms, layout, autosql, true)
}

/// The track a bigBed of `chroms` reads back as; without `elements`, only
/// its schema and sequences (all that [`structural_losses`] compares),
/// which saves parsing every item's text back into a second copy of the
/// track (2.4 s of a 13 s conversion of 10M items).
fn bed_track_with(
    path: &str,
    chroms: &[(String, BedItems)],
    layout: &BedLayout,
    autosql: Option<&str>,
    elements: bool,
) -> Result<Track, Error> {
    let k = layout.standard;
    let n: usize = chroms.iter().map(|c| c.1.len()).sum();
    let unit = n > 0
        && chroms
            .iter()
            .all(|(_, it)| it.iter().all(|(s, e, _)| *e == s + 1));
    let valued = k >= 5;
    let tt = match (valued, unit) {
        (false, false) => TrackType::Segments,
        (false, true) => TrackType::Points,
        (true, false) => TrackType::ValuedSegments,
        (true, true) => TrackType::ValuedPoints,
    };
    let mut schema = TrackSchema::new(tt);
    schema.columns.strand = k >= 6;
    // Extra columns: name, thickStart..blockStarts (as present), then the rest.
    let std_extra: Vec<usize> = (3..k).filter(|&i| i != 4 && i != 5).collect();
    for &i in &std_extra {
        schema.columns.extra.push(BED_STD[i - 3].to_string());
    }
    schema.columns.extra.extend(layout.extras.iter().cloned());
    let nfields = k - 3 + layout.extras.len();
    let mut track = Track::new(schema);
    if let Some(a) = autosql {
        track.metadata.push(("autoSql".into(), a.to_string()));
    }
    let mut buf = ValueBuf::number(0.0);
    let mut fields: Vec<&str> = Vec::with_capacity(nfields);
    for (name, items) in chroms {
        let si = track.seq_index(None, name);
        if !elements {
            continue;
        }
        let seq = &mut track.seqs[si];
        for (s, e, rest) in items {
            fields.clear();
            if !rest.is_empty() {
                fields.extend(rest.split('\t'));
            }
            let at = || format!("item {name}:{s}-{e}");
            if fields.len() != nfields {
                return Err(err(
                    path,
                    "big-fields",
                    format!(
                        "{}: {} fields after chrom/start/end, but the header declares {nfields}; \
                         recreate the file from consistent BED",
                        at(),
                        fields.len()
                    ),
                ));
            }
            seq.starts.push(*s as u64);
            seq.ends.push(*e as u64);
            if valued {
                let raw = fields[1];
                let v = if raw == "." {
                    f64::NAN
                } else {
                    crate::text::parse_f64(
                        raw,
                        &format!("{}: score (use a number or `.`)", at()),
                        "big-score",
                        path,
                        0,
                    )?
                };
                if let ValueBuf::Number(x) = &mut buf {
                    x[0] = v;
                }
                if let Some(col) = &mut seq.values {
                    col.push(&buf);
                }
            }
            if let Some(st) = &mut seq.strands {
                let raw = fields[2];
                st.push(Strand::from_symbol(raw.as_bytes()).ok_or_else(|| {
                    err(
                        path,
                        "big-strand",
                        format!("{}: strand `{raw}` is not `+`, `-` or `.`", at()),
                    )
                })?);
            }
            for (j, &i) in std_extra.iter().enumerate() {
                seq.extras[j].push(Some(fields[i - 3]));
            }
            let off = std_extra.len();
            for j in 0..layout.extras.len() {
                seq.extras[off + j].push(Some(fields[k - 3 + j]));
            }
        }
    }
    Ok(track)
}

/// Read a bigWig or bigBed file.
///
/// # Errors
/// A [`FormatError`] (line 0) for missing, wrong, truncated or corrupt
/// files; rule ids in [`RULES`].
pub fn read_path(path: &str, format: Format, _opts: &ReadOptions) -> Result<Track, Error> {
    check_file(path, format)?;
    match format {
        Format::BigWig => {
            let chroms = guarded(path, "reading the bigWig", || read_bigwig(path))?;
            Ok(wig_track(&chroms))
        }
        Format::BigBed => {
            let c = guarded(path, "reading the bigBed", || read_bigbed(path))?;
            let layout = bed_layout(
                path,
                c.autosql.as_deref(),
                c.field_count,
                c.defined_field_count,
            )?;
            bed_track(path, &c.chroms, &layout, c.autosql.as_deref())
        }
        _ => Err(Error::Unsupported {
            target: format,
            reason: "not a bbi format".into(),
        }),
    }
}

// ---------------------------------------------------------------------------
// Writing

fn unsupported(format: Format, reason: impl Into<String>) -> Error {
    Error::Unsupported {
        target: format,
        reason: reason.into(),
    }
}

fn check_number_values(track: &Track, format: Format) -> Result<(), Error> {
    if let Some(v) = track.schema.value {
        if v != ValueSpec::new(ValueType::Number, Dimension::Scalar) {
            return Err(unsupported(
                format,
                format!(
                    "{} values must be single numbers, but the track has {} {} values; \
                     write GTrack instead",
                    label(format),
                    v.ty,
                    v.dim
                ),
            ));
        }
    }
    Ok(())
}

fn u32_coord(format: Format, seqid: &str, x: u64) -> Result<u32, Error> {
    u32::try_from(x).map_err(|_| {
        unsupported(
            format,
            format!(
                "position {x} on `{seqid}` is beyond the 4 Gbp limit of {} coordinates",
                label(format)
            ),
        )
    })
}

/// The elements of one sequence name in (start, end) order.
enum Order {
    /// One sequence of that name, already sorted: walked as it is (the
    /// usual case, without building an index of every element).
    Direct(usize, usize),
    /// (sequence, element) pairs of all sequences of that name (in
    /// different genomes, or unsorted), sorted.
    Merged(Vec<(usize, usize)>),
}

impl Order {
    fn len(&self) -> usize {
        match self {
            Order::Direct(_, n) => *n,
            Order::Merged(v) => v.len(),
        }
    }
    /// (sequence index, element index) of the `k`-th element.
    fn get(&self, k: usize) -> (usize, usize) {
        match self {
            Order::Direct(si, _) => (*si, k),
            Order::Merged(v) => v[k],
        }
    }
}

/// Whether a sequence's elements are sorted by (start, end).
fn sorted(s: &gtrack_core::SeqElements) -> bool {
    s.starts
        .windows(2)
        .zip(s.ends.windows(2))
        .all(|(a, b)| a[0] < a[1] || (a[0] == a[1] && b[0] <= b[1]))
}

/// The elements per sequence name (sequences with the same name in
/// different genomes merged) in (start, end) order, names in byte order.
fn grouped(track: &Track) -> Vec<(&str, Order)> {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (si, s) in track.seqs.iter().enumerate() {
        by_name.entry(s.seqid.as_str()).or_default().push(si);
    }
    by_name
        .into_iter()
        .map(|(name, sis)| {
            if let [si] = sis[..] {
                if sorted(&track.seqs[si]) {
                    return (name, Order::Direct(si, track.seqs[si].len()));
                }
            }
            let mut o: Vec<(usize, usize)> = sis
                .iter()
                .flat_map(|&si| (0..track.seqs[si].len()).map(move |i| (si, i)))
                .collect();
            o.sort_by_key(|&(si, i)| (track.seqs[si].starts[i], track.seqs[si].ends[i]));
            (name, Order::Merged(o))
        })
        .collect()
}

/// What writing a bigWig would put in the file, plus the losses found
/// on the way.
struct WigPlan {
    chroms: Vec<(String, WigItems)>,
    losses: Vec<String>,
}

fn plan_bigwig(track: &Track) -> Result<WigPlan, Error> {
    let f = Format::BigWig;
    let tt = track.track_type();
    if !matches!(
        tt.with_links(false),
        TrackType::Function
            | TrackType::StepFunction
            | TrackType::ValuedSegments
            | TrackType::ValuedPoints
    ) {
        return Err(unsupported(
            f,
            format!(
                "a bigWig holds numbers on positions; a {tt} track has no values to write \
                 (write bigBed or GTrack instead)"
            ),
        ));
    }
    check_number_values(track, f)?;
    let mut losses = Vec::new();
    let (mut missing, mut empty, mut inexact) = (0usize, 0usize, 0usize);
    let mut example_inexact = None;
    let unsorted = !track.seqs.iter().all(sorted);
    let mut chroms = Vec::new();
    for (name, order) in grouped(track) {
        let mut items: WigItems = Vec::with_capacity(order.len());
        for k in 0..order.len() {
            let (si, i) = order.get(k);
            let s = &track.seqs[si];
            let (a, b) = (s.starts[i], s.ends[i]);
            let v = s
                .values
                .as_ref()
                .and_then(|c| c.as_numbers())
                .map_or(f64::NAN, |n| n[i]);
            if v.is_nan() {
                missing += 1;
                continue;
            }
            if b <= a {
                empty += 1;
                continue;
            }
            let x = v as f32;
            if x as f64 != v {
                inexact += 1;
                example_inexact.get_or_insert((v, x));
            }
            let (a, b) = (u32_coord(f, name, a)?, u32_coord(f, name, b)?);
            if let Some(last) = items.last() {
                if a < last.end {
                    return Err(unsupported(
                        f,
                        format!(
                            "elements overlap on `{name}` at {a}; a bigWig holds one value per \
                             base (merge or split the elements first, or write bigBed)"
                        ),
                    ));
                }
            }
            items.push(Value {
                start: a,
                end: b,
                value: x,
            });
        }
        if !items.is_empty() {
            chroms.push((name.to_string(), items));
        }
    }
    if missing > 0 {
        losses.push(format!(
            "{missing} element(s) with a missing value are left out (bigWig has no missing values)"
        ));
    }
    if empty > 0 {
        losses.push(format!(
            "{empty} empty or circular element(s) are left out (bigWig items have positive length)"
        ));
    }
    if let Some((v, x)) = example_inexact {
        losses.push(format!(
            "{inexact} value(s) are rounded to 32-bit floats, as bigWig stores them (e.g. {v} becomes {})",
            x as f64
        ));
    }
    if unsorted {
        losses.push("element order (bigWig items are sorted by position)".into());
    }
    Ok(WigPlan { chroms, losses })
}

/// Differences between a track and the one a file would read back as,
/// beyond element contents (checked by the planners).
fn structural_losses(track: &Track, back: &Track, format: Format) -> Vec<String> {
    let mut out = Vec::new();
    let (a, b) = (&track.schema, &back.schema);
    if a.track_type != b.track_type && !track.is_empty() {
        out.push(format!(
            "the track type: a {} track reads back as {} (the type is detected from the element layout)",
            a.track_type, b.track_type
        ));
    }
    if a.edges.is_some() {
        out.push(format!("edges (a {} has no links)", label(format)));
    }
    if a.columns.id && !b.columns.id {
        out.push("the id column".into());
    }
    if a.columns.strand && !b.columns.strand {
        out.push("the strand column".into());
    }
    let lost: Vec<&str> = a
        .columns
        .extra
        .iter()
        .filter(|x| !b.columns.extra.contains(x))
        .map(|s| s.as_str())
        .collect();
    if !lost.is_empty() {
        out.push(format!("extra column(s) {}", lost.join(", ")));
    }
    let gained: Vec<&str> = b
        .columns
        .extra
        .iter()
        .filter(|x| !a.columns.extra.contains(x))
        .map(|s| s.as_str())
        .collect();
    if !gained.is_empty()
        || (b.columns.strand && !a.columns.strand)
        || (b.value.is_some() && a.value.is_none())
    {
        let mut g: Vec<&str> = gained;
        if b.value.is_some() && a.value.is_none() {
            g.insert(0, "score");
        }
        if b.columns.strand && !a.columns.strand {
            g.push("strand");
        }
        out.push(format!(
            "column layout: the file needs the BED field(s) {} before later ones; they are filled with defaults and read back as columns",
            g.join(", ")
        ));
    } else if !lost.is_empty() || a.columns.extra == b.columns.extra {
        // order of extras may differ
    } else {
        out.push("the order of the extra columns (standard BED fields come first)".into());
    }
    let norm = |t: &Track| {
        type Key = (Option<String>, Option<String>, u64, Option<u64>, RegionKind);
        let mut v: Vec<Key> = t
            .regions
            .iter()
            .map(|r| (r.genome.clone(), r.seqid.clone(), r.start, r.end, r.kind))
            .collect();
        v.sort_by(|x, y| x.1.cmp(&y.1).then(x.2.cmp(&y.2)));
        v
    };
    if norm(track) != norm(back) {
        out.push(format!(
            "bounding regions (a {} has none; dense tracks read back with one region per sequence spanning its elements)",
            label(format)
        ));
    }
    if track.seqs.iter().any(|s| s.genome.is_some())
        || track.regions.iter().any(|r| r.genome.is_some())
    {
        out.push("genome names".into());
    }
    let meta: Vec<&str> = track
        .metadata
        .iter()
        .filter(|(k, _)| !back.metadata.iter().any(|(bk, _)| bk == k))
        .map(|(k, _)| k.as_str())
        .collect();
    if !meta.is_empty() {
        out.push(format!("metadata {}", meta.join(", ")));
    }
    out
}

/// What writing a bigBed would put in the file.
struct BedPlan {
    chroms: Vec<(String, BedItems)>,
    autosql: String,
    field_count: u16,
    losses: Vec<String>,
}

fn autosql_ident(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// Append `v` as a BED score: `.` for missing, else as `{v}` formats it
/// (integers without the float formatter).
fn push_num(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    if v.is_nan() {
        out.push('.');
    } else if v.fract() == 0.0 && v.abs() < 1e15 && !(v == 0.0 && v.is_sign_negative()) {
        let _ = write!(out, "{}", v as i64);
    } else {
        let _ = write!(out, "{v}");
    }
}

/// The items of one sequence name of a bigBed, and what was lost on the way.
struct BedChrom {
    name: String,
    items: BedItems,
    /// Text fields with tabs or line breaks (replaced by spaces).
    bad_text: usize,
    /// Circular elements, left out.
    empty: usize,
}

/// Where the fields after chromEnd come from (see `plan_bigbed`).
struct BedFields<'a> {
    /// For each standard field from `name` on: the extra column holding
    /// it, or `None` (score and strand come from their own columns; others
    /// get defaults).
    std_pos: &'a [Option<usize>],
    /// Extra columns written as custom fields, in order.
    custom: &'a [usize],
}

impl BedFields<'_> {
    fn items(&self, track: &Track, name: &str, order: &Order) -> Result<BedChrom, Error> {
        let f = Format::BigBed;
        let mut out = BedChrom {
            name: name.to_string(),
            items: Vec::with_capacity(order.len()),
            bad_text: 0,
            empty: 0,
        };
        let mut bad_text = 0usize;
        let mut put = |rest: &mut String, x: &str| {
            if !rest.is_empty() {
                rest.push('\t');
            }
            if crate::text::breaks_field(x) {
                bad_text += 1;
                rest.push_str(&crate::text::spaced(x));
            } else if x.is_empty() {
                rest.push('.');
            } else {
                rest.push_str(x);
            }
        };
        let mut rest = String::new();
        for k in 0..order.len() {
            let (si, i) = order.get(k);
            let s = &track.seqs[si];
            let (a, b) = (s.starts[i], s.ends[i]);
            if b < a {
                out.empty += 1;
                continue;
            }
            let (a32, b32) = (u32_coord(f, name, a)?, u32_coord(f, name, b)?);
            rest.clear();
            for (p, pos) in self.std_pos.iter().enumerate() {
                let field = p + 3;
                match field {
                    4 => {
                        let v = s
                            .values
                            .as_ref()
                            .and_then(|c| c.as_numbers())
                            .map_or(0.0, |n| n[i]);
                        // Written in place, integers without the float
                        // formatter (a string per item cost ~0.5 s per 10M).
                        if !rest.is_empty() {
                            rest.push('\t');
                        }
                        push_num(&mut rest, v);
                    }
                    5 => {
                        let st = s.strands.as_ref().map_or(Strand::Unknown, |x| x[i]);
                        put(&mut rest, st.symbol().encode_utf8(&mut [0u8; 4]));
                    }
                    _ => match pos {
                        Some(j) => put(&mut rest, s.extras[*j].get(i).unwrap_or(".")),
                        None => {
                            let d = match field {
                                3 => ".".to_string(),
                                6 => a.to_string(),
                                7 => b.to_string(),
                                8 => "0".to_string(),
                                9 => "1".to_string(),
                                10 => format!("{},", b - a),
                                _ => "0,".to_string(),
                            };
                            put(&mut rest, &d);
                        }
                    },
                }
            }
            for &j in self.custom {
                put(&mut rest, s.extras[j].get(i).unwrap_or("."));
            }
            out.items.push((a32, b32, rest.clone()));
        }
        out.bad_text = bad_text;
        Ok(out)
    }
}

fn plan_bigbed(track: &Track) -> Result<BedPlan, Error> {
    let f = Format::BigBed;
    let tt = track.track_type();
    if !matches!(
        tt.with_links(false),
        TrackType::Points
            | TrackType::Segments
            | TrackType::ValuedSegments
            | TrackType::ValuedPoints
    ) {
        return Err(unsupported(
            f,
            format!(
                "a bigBed holds points and segments; a {tt} track covers its domain \
                 (write bigWig for numbers, or GTrack)"
            ),
        ));
    }
    check_number_values(track, f)?;
    let mut losses = Vec::new();
    let cols = &track.schema.columns;
    let has = |n: &str| cols.extra.iter().position(|x| x == n);
    let valued = track.schema.value.is_some();
    // Highest standard field present decides how many standard fields to write.
    let mut k = 3;
    if has("name").is_some() {
        k = 4;
    }
    if valued {
        k = 5;
    }
    if cols.strand {
        k = 6;
    }
    for (i, n) in BED_STD.iter().enumerate().skip(3) {
        if has(n).is_some() {
            k = k.max(i + 4);
        }
    }
    let std_pos: Vec<Option<usize>> = (3..k)
        .map(|i| match i {
            4 | 5 => None,
            _ => has(BED_STD[i - 3]),
        })
        .collect();
    let custom: Vec<usize> = (0..cols.extra.len())
        .filter(|&j| !(3..k).any(|i| i != 4 && i != 5 && std_pos[i - 3] == Some(j)))
        .collect();
    // autoSql: reuse the one in metadata when it still fits.
    let std_as: [&str; 9] = [
        "    string name;        \"Name of item\"",
        "    uint   score;       \"Score\"",
        "    char[1] strand;     \"+ or - for strand\"",
        "    uint   thickStart;  \"Start of where display should be thick\"",
        "    uint   thickEnd;    \"End of where display should be thick\"",
        "    uint   reserved;    \"Used as itemRgb\"",
        "    int    blockCount;  \"Number of blocks\"",
        "    int[blockCount] blockSizes; \"Comma separated list of block sizes\"",
        "    int[blockCount] chromStarts; \"Start positions relative to chromStart\"",
    ];
    let integral = track.seqs.iter().all(|s| {
        s.values
            .as_ref()
            .and_then(|c| c.as_numbers())
            .is_none_or(|n| {
                n.iter()
                    .all(|v| v.fract() == 0.0 && *v >= 0.0 && *v <= u32::MAX as f64)
            })
    });
    let mut text = String::from(
        "table bed\n\"Browser Extensible Data, written by gtrack\"\n(\n    string chrom;       \"Reference sequence chromosome or scaffold\"\n    uint   chromStart;  \"Start position in chromosome\"\n    uint   chromEnd;    \"End position in chromosome\"\n",
    );
    for i in 3..k {
        if i == 4 && !integral {
            text.push_str("    float  score;       \"Score\"\n");
        } else {
            text.push_str(std_as[i - 3]);
            text.push('\n');
        }
    }
    let mut renamed = Vec::new();
    for &j in &custom {
        let n = &cols.extra[j];
        let id = autosql_ident(n);
        if &id != n {
            renamed.push(format!("{n} → {id}"));
        }
        text.push_str(&format!("    lstring {id}; \"{id}\"\n"));
    }
    text.push(')');
    let field_count = (k + custom.len()) as u16;
    let kept = track
        .metadata
        .iter()
        .find(|(key, _)| key == "autoSql")
        .map(|(_, v)| v.clone())
        .filter(|old| {
            let fits = |t: &str| -> Option<Vec<String>> {
                Some(
                    parse_autosql(t)
                        .ok()?
                        .first()?
                        .fields
                        .iter()
                        .map(|f| f.name.clone())
                        .collect(),
                )
            };
            let (a, b) = (fits(old), fits(&text));
            // Same field count, and the same names for the custom fields.
            match (a, b) {
                (Some(a), Some(b)) => {
                    a.len() == b.len()
                        && a[k..]
                            .iter()
                            .zip(&b[k..])
                            .all(|(x, y)| x.eq_ignore_ascii_case(y))
                        && (3..k).all(|i| std_field_matches(i - 3, &a[i]))
                }
                _ => false,
            }
        });
    let autosql = kept.unwrap_or(text);
    if !renamed.is_empty() {
        losses.push(format!(
            "extra column names that are not autoSql identifiers are renamed ({})",
            renamed.join(", ")
        ));
    }
    let unsorted = !track.seqs.iter().all(sorted);
    // The items of each sequence name, built in parallel (a string per
    // item: the longest serial phase of a bigBed conversion otherwise).
    let fields = BedFields {
        std_pos: &std_pos,
        custom: &custom,
    };
    let per_chrom: Vec<Result<BedChrom, Error>> = grouped(track)
        .into_par_iter()
        .map(|(name, order)| fields.items(track, name, &order))
        .collect();
    let (mut bad_text, mut empty) = (0usize, 0usize);
    let mut chroms = Vec::new();
    for c in per_chrom {
        let c = c?;
        bad_text += c.bad_text;
        empty += c.empty;
        if !c.items.is_empty() {
            chroms.push((c.name, c.items));
        }
    }
    if bad_text > 0 {
        losses.push(format!(
            "{bad_text} text field(s) contain tabs or line breaks, replaced by spaces"
        ));
    }
    if empty > 0 {
        losses.push(format!("{empty} circular element(s) are left out"));
    }
    if unsorted {
        losses.push("element order (bigBed items are sorted by position)".into());
    }
    Ok(BedPlan {
        chroms,
        autosql,
        field_count,
        losses,
    })
}

/// What writing `track` as bigWig or bigBed would lose (empty = lossless).
///
/// # Errors
/// [`Error::Unsupported`] when the format cannot hold the track at all
/// (wrong track type, non-number values, overlapping bigWig elements,
/// positions beyond 2^32).
pub fn losses(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    match format {
        Format::BigWig => Ok(wig_losses(track, &plan_bigwig(track)?)),
        Format::BigBed => bed_losses(track, &plan_bigbed(track)?),
        _ => Err(unsupported(format, "not a bbi format")),
    }
}

fn wig_losses(track: &Track, plan: &WigPlan) -> Vec<String> {
    let back = wig_track_with(&plan.chroms, false);
    let mut out = plan.losses.clone();
    out.extend(structural_losses(track, &back, Format::BigWig));
    out
}

fn bed_losses(track: &Track, plan: &BedPlan) -> Result<Vec<String>, Error> {
    let layout = bed_layout("-", Some(&plan.autosql), plan.field_count, plan.field_count)?;
    let back = bed_track_with("-", &plan.chroms, &layout, Some(&plan.autosql), false)?;
    let mut out = plan.losses.clone();
    out.extend(structural_losses(track, &back, Format::BigBed));
    Ok(out)
}

/// Check losses and write in one go, planning the file once (the loss
/// check needs the same plan as the writer). Returns what was lost;
/// [`Error::Lossy`] when something would be and `opts.allow_lossy` is off.
pub fn write_path_reporting(
    track: &Track,
    path: &str,
    format: Format,
    opts: &WriteOptions,
) -> Result<Vec<String>, Error> {
    let check = |lost: Vec<String>| {
        if !lost.is_empty() && !opts.allow_lossy {
            Err(Error::Lossy {
                target: format,
                losses: lost,
            })
        } else {
            Ok(lost)
        }
    };
    match format {
        Format::BigWig => {
            let plan = plan_bigwig(track)?;
            let lost = check(wig_losses(track, &plan))?;
            write_planned(track, path, format, opts, Plan::Wig(plan))?;
            Ok(lost)
        }
        Format::BigBed => {
            let plan = plan_bigbed(track)?;
            let lost = check(bed_losses(track, &plan)?)?;
            write_planned(track, path, format, opts, Plan::Bed(plan))?;
            Ok(lost)
        }
        _ => Err(unsupported(format, "not a bbi format")),
    }
}

enum Plan {
    Wig(WigPlan),
    Bed(BedPlan),
}

/// Items of all sequences, fed to bigtools (shared, so that the two passes
/// of `write_multipass` read the same items without copying them).
struct Source<V> {
    chroms: std::sync::Arc<Vec<(String, Vec<V>)>>,
}

impl<V: Clone + Send + Sync + 'static> BBIDataSource for Source<V> {
    type Value = V;
    type Error = std::io::Error;

    fn process_to_bbi<
        P: BBIDataProcessor<Value = V> + Send + 'static,
        StartProcessing: FnMut(String) -> Result<P, ProcessDataError>,
        Advance: FnMut(P),
    >(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        start_processing: &mut StartProcessing,
        advance: &mut Advance,
    ) -> Result<(), BBIProcessError<Self::Error>> {
        let chroms = self.chroms.clone();
        let feeds = (0..chroms.len())
            .map(|k| {
                let c = chroms.clone();
                let items: Items<V> = Box::new((0..c[k].1.len()).map(move |i| c[k].1[i].clone()));
                (chroms[k].0.clone(), items)
            })
            .collect();
        feed(runtime, feeds, start_processing, advance)
    }
}

/// The items of one sequence, in order.
type Items<V> = Box<dyn Iterator<Item = V> + Send>;

/// Feed bigtools: one task per sequence, run concurrently (as bigtools'
/// own parallel reader does), their processors handed over in order.
fn feed<V, P, S, A>(
    runtime: &tokio::runtime::Runtime,
    chroms: Vec<(String, Items<V>)>,
    start_processing: &mut S,
    advance: &mut A,
) -> Result<(), BBIProcessError<std::io::Error>>
where
    V: Send + Sync + 'static,
    P: BBIDataProcessor<Value = V> + Send + 'static,
    S: FnMut(String) -> Result<P, ProcessDataError>,
    A: FnMut(P),
{
    runtime.block_on(async move {
        let mut tasks = Vec::with_capacity(chroms.len());
        for (name, items) in chroms {
            let mut p = start_processing(name)?;
            tasks.push(tokio::spawn(async move {
                let mut it = items.peekable();
                while let Some(x) = it.next() {
                    p.do_process(x, it.peek()).await?;
                }
                Ok::<P, ProcessDataError>(p)
            }));
        }
        for t in tasks {
            let p = t.await.map_err(|e| {
                BBIProcessError::IoError(std::io::Error::other(format!(
                    "a bigtools task failed: {e}"
                )))
            })??;
            advance(p);
        }
        Ok(())
    })
}

/// bigBed items for bigtools' two passes: the first call gets the items
/// (moved out, text and all), later calls (the zoom pass, which reads
/// positions only) get entries without text built from `spans`.
struct BedSource {
    items: Option<Vec<(String, Vec<BedEntry>)>>,
    spans: std::sync::Arc<Spans>,
}

/// Item positions per sequence.
type Spans = Vec<(String, Vec<(u32, u32)>)>;

impl BBIDataSource for BedSource {
    type Value = BedEntry;
    type Error = std::io::Error;

    fn process_to_bbi<
        P: BBIDataProcessor<Value = BedEntry> + Send + 'static,
        StartProcessing: FnMut(String) -> Result<P, ProcessDataError>,
        Advance: FnMut(P),
    >(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        start_processing: &mut StartProcessing,
        advance: &mut Advance,
    ) -> Result<(), BBIProcessError<Self::Error>> {
        let spans = self.spans.clone();
        let feeds = match self.items.take() {
            // The data pass: the items themselves, moved.
            Some(v) => v
                .into_iter()
                .map(|(n, items)| (n, Box::new(items.into_iter()) as Items<BedEntry>))
                .collect(),
            // The zoom pass: positions only.
            None => (0..spans.len())
                .map(|k| {
                    let c = spans.clone();
                    let items: Items<BedEntry> =
                        Box::new((0..c[k].1.len()).map(move |i| BedEntry {
                            start: c[k].1[i].0,
                            end: c[k].1[i].1,
                            rest: String::new(),
                        }));
                    (spans[k].0.clone(), items)
                })
                .collect(),
        };
        feed(runtime, feeds, start_processing, advance)
    }
}

/// Chromosome sizes for the sequences written: the genome's, else the
/// largest bounding-region end (never less than the last element end).
fn chrom_sizes(
    track: &Track,
    names: &[&str],
    ends: &[u64],
    format: Format,
    opts: &WriteOptions,
) -> Result<HashMap<String, u32>, Error> {
    let mut m = HashMap::new();
    for (&name, &last) in names.iter().zip(ends) {
        let len = match &opts.genome {
            Some(g) => g.length(name).ok_or_else(|| {
                unsupported(
                    format,
                    format!(
                        "sequence `{name}` is not in genome `{}`; pass the genome the track belongs to",
                        g.name()
                    ),
                )
            })?,
            None => track
                .regions
                .iter()
                .filter(|r| r.seqid.as_deref() == Some(name))
                .filter_map(|r| r.end)
                .max()
                .ok_or_else(|| {
                    unsupported(
                        format,
                        format!(
                            "a {} needs chromosome sizes, and the track has no bounding region \
                             giving the length of `{name}`; pass a genome (--genome NAME or a \
                             chrom.sizes file)",
                            label(format)
                        ),
                    )
                })?,
        };
        if len < last {
            return Err(unsupported(
                format,
                format!(
                    "an element on `{name}` ends at {last}, beyond the sequence length {len}; \
                     pass the right genome"
                ),
            ));
        }
        m.insert(name.to_string(), u32_coord(format, name, len)?);
    }
    Ok(m)
}

/// A tokio runtime for bigtools' block compression: one worker per core
/// (as the bigtools CLI does), so compressing runs in parallel with
/// feeding items.
fn runtime(path: &str) -> Result<tokio::runtime::Runtime, Error> {
    let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(n)
        .build()
        .map_err(|e| Error::io(path, e))
}

fn temp_in_dir(path: &str) -> Result<tempfile::NamedTempFile, Error> {
    let target = std::path::Path::new(path);
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    tempfile::Builder::new()
        .prefix(".gtrack-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(path, e))
}

/// Write `track` as a bigWig or bigBed file at `path`, atomically (a
/// temporary file in the target directory, renamed when complete).
///
/// No loss check here: [`crate::format::write_path`] does it first.
///
/// # Errors
/// [`Error::Unsupported`] for tracks the format cannot hold or without
/// chromosome sizes; I/O errors.
pub fn write_path(
    track: &Track,
    path: &str,
    format: Format,
    opts: &WriteOptions,
) -> Result<(), Error> {
    let plan = match format {
        Format::BigWig => Plan::Wig(plan_bigwig(track)?),
        Format::BigBed => Plan::Bed(plan_bigbed(track)?),
        _ => return Err(unsupported(format, "not a bbi format")),
    };
    write_planned(track, path, format, opts, plan)
}

fn write_planned(
    track: &Track,
    path: &str,
    format: Format,
    opts: &WriteOptions,
    plan: Plan,
) -> Result<(), Error> {
    // bigtools never returns when given no item at all (found by the
    // every-fixture-to-every-format test: a GFF whose scores are all `.`).
    let empty = match &plan {
        Plan::Wig(p) => p.chroms.is_empty(),
        Plan::Bed(p) => p.chroms.is_empty(),
    };
    if empty {
        return Err(unsupported(
            format,
            "no element can be written (the track is empty, or every value is missing); \
             a bigWig/bigBed needs at least one item",
        ));
    }
    if path == "-" {
        return Err(unsupported(
            format,
            "a binary format must be written to a file, not to stdout",
        ));
    }
    let tmp = temp_in_dir(path)?;
    let file = tmp.reopen().map_err(|e| Error::io(path, e))?;
    let fail = |e: &dyn std::fmt::Display| {
        Error::io(
            path,
            std::io::Error::other(format!("writing the {} failed: {e}", label(format))),
        )
    };
    match format {
        Format::BigWig => {
            let Plan::Wig(plan) = plan else {
                return Err(unsupported(format, "internal: plan mismatch"));
            };
            let names: Vec<&str> = plan.chroms.iter().map(|c| c.0.as_str()).collect();
            let ends: Vec<u64> = plan
                .chroms
                .iter()
                .map(|c| c.1.last().map_or(0, |x| x.end as u64))
                .collect();
            let sizes = chrom_sizes(track, &names, &ends, format, opts)?;
            let chroms = plan.chroms;
            let w = BigWigWrite::new(file, sizes);
            // bigtools' defaults (channel of 100 sections, sections
            // buffered in temporary files) let compression of sections and
            // zooms run in parallel with feeding items.
            // Two passes (data, then zooms from the data), as the bigtools
            // CLI does by default: measured faster than one pass here.
            let chroms = std::sync::Arc::new(chroms);
            w.write_multipass(
                || {
                    Ok(Source {
                        chroms: chroms.clone(),
                    })
                },
                runtime(path)?,
            )
            .map_err(|e| fail(&e))?;
        }
        Format::BigBed => {
            let Plan::Bed(plan) = plan else {
                return Err(unsupported(format, "internal: plan mismatch"));
            };
            let names: Vec<&str> = plan.chroms.iter().map(|c| c.0.as_str()).collect();
            let ends: Vec<u64> = plan
                .chroms
                .iter()
                .map(|c| c.1.iter().map(|x| x.1 as u64).max().unwrap_or(0))
                .collect();
            let sizes = chrom_sizes(track, &names, &ends, format, opts)?;
            // The zoom pass needs positions only: keep those aside, and let
            // the data pass move the items (with their text) into bigtools
            // instead of cloning a string per item per pass.
            let spans: Spans = plan
                .chroms
                .iter()
                .map(|(n, it)| (n.clone(), it.iter().map(|x| (x.0, x.1)).collect()))
                .collect();
            let chroms: Vec<(String, Vec<BedEntry>)> = plan
                .chroms
                .into_iter()
                .map(|(n, it)| {
                    let v = it
                        .into_iter()
                        .map(|(start, end, rest)| BedEntry { start, end, rest })
                        .collect();
                    (n, v)
                })
                .collect();
            let mut w = BigBedWrite::new(file, sizes);
            // bigtools' defaults (channel of 100 sections, sections
            // buffered in temporary files) let compression of sections and
            // zooms run in parallel with feeding items.
            w.autosql = Some(plan.autosql);
            let full = std::sync::Mutex::new(Some(chroms));
            let spans = std::sync::Arc::new(spans);
            w.write_multipass(
                || {
                    let items = full.lock().map_or(None, |mut f| f.take());
                    Ok(BedSource {
                        items,
                        spans: spans.clone(),
                    })
                },
                runtime(path)?,
            )
            .map_err(|e| fail(&e))?;
        }
        _ => return Err(unsupported(format, "not a bbi format")),
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Zoom levels

/// Summary of the data in one bin of [`zoom_summary`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoomBin {
    /// Bin start (0-based).
    pub start: u64,
    /// Bin end (exclusive).
    pub end: u64,
    /// Bases with data in the bin (fractional when estimated from a
    /// zoom level whose records straddle the bin edge).
    pub covered: f64,
    /// Smallest value (NaN without data).
    pub min: f64,
    /// Largest value (NaN without data).
    pub max: f64,
    /// Sum of value × bases.
    pub sum: f64,
}

impl ZoomBin {
    /// Mean value over the covered bases (NaN without data).
    pub fn mean(&self) -> f64 {
        if self.covered > 0.0 {
            self.sum / self.covered
        } else {
            f64::NAN
        }
    }
}

/// Which data a [`zoom_summary`] used.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoomSummary {
    /// Reduction level (bases per zoom record) used, or `None` when the
    /// full-resolution data was used.
    pub reduction_level: Option<u32>,
    /// Reduction levels the file offers, finest first.
    pub levels: Vec<u32>,
    /// The bins, in order.
    pub bins: Vec<ZoomBin>,
}

/// Summarise `seqid:start-end` of a bigWig or bigBed in `bins` equal bins
/// (the last one takes the remainder), like `bigWigSummary`: uses the
/// coarsest zoom level whose reduction is at most the bin width, or the
/// full data when no zoom level is fine enough. For bigBed the value is
/// the coverage depth (items per base).
///
/// # Errors
/// The file errors of [`read_path`]; `big-seqid` for an unknown
/// sequence, an empty range or zero bins.
pub fn zoom_summary(
    path: &str,
    format: Format,
    seqid: &str,
    start: u64,
    end: u64,
    bins: usize,
) -> Result<ZoomSummary, Error> {
    check_file(path, format)?;
    if bins == 0 || end <= start {
        return Err(err(
            path,
            "big-seqid",
            format!("asked for {bins} bins over {seqid}:{start}-{end}; give a non-empty range and at least one bin"),
        ));
    }
    guarded(path, "reading zoom levels", || {
        zoom_inner(path, format, seqid, start, end, bins)
    })
}

fn zoom_inner(
    path: &str,
    format: Format,
    seqid: &str,
    start: u64,
    end: u64,
    bins: usize,
) -> Result<ZoomSummary, Error> {
    let open_err =
        |e: &dyn std::fmt::Display| err(path, "big-header", format!("cannot read the header: {e}"));
    enum R {
        W(BigWigRead<File>),
        B(BigBedRead<File>),
    }
    let mut r = if format == Format::BigWig {
        R::W(BigWigRead::open(open_raw(path)?).map_err(|e| open_err(&e))?)
    } else {
        R::B(BigBedRead::open(open_raw(path)?).map_err(|e| open_err(&e))?)
    };
    let info = match &r {
        R::W(x) => x.info().clone(),
        R::B(x) => x.info().clone(),
    };
    let len = info
        .chrom_info
        .iter()
        .find(|c| c.name == seqid)
        .map(|c| c.length as u64)
        .ok_or_else(|| {
            err(
                path,
                "big-seqid",
                format!(
                    "sequence `{seqid}` is not in the file (it has {})",
                    info.chrom_info
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
    let end = end.min(len);
    if end <= start {
        return Err(err(
            path,
            "big-seqid",
            format!("range {seqid}:{start}-{end} is empty or beyond the sequence length {len}"),
        ));
    }
    let mut levels: Vec<u32> = info
        .zoom_headers
        .iter()
        .map(|z| z.reduction_level)
        .collect();
    levels.sort_unstable();
    let width = (end - start) / bins as u64;
    let level = levels
        .iter()
        .copied()
        .filter(|&l| l as u64 <= width.max(1))
        .max();
    let step = (end - start) / bins as u64;
    let mut out: Vec<ZoomBin> = (0..bins)
        .map(|i| {
            let s = start + step * i as u64;
            let e = if i + 1 == bins { end } else { s + step };
            ZoomBin {
                start: s,
                end: e,
                covered: 0.0,
                min: f64::NAN,
                max: f64::NAN,
                sum: 0.0,
            }
        })
        .collect();
    // Add a record [a, b) with `covered` bases, value range and sum.
    let mut add = |a: u64, b: u64, covered: f64, min: f64, max: f64, sum: f64| {
        if b <= a {
            return;
        }
        for bin in out.iter_mut() {
            let (s, e) = (a.max(bin.start), b.min(bin.end));
            if e <= s {
                continue;
            }
            let frac = (e - s) as f64 / (b - a) as f64;
            bin.covered += covered * frac;
            bin.sum += sum * frac;
            bin.min = if bin.min.is_nan() {
                min
            } else {
                bin.min.min(min)
            };
            bin.max = if bin.max.is_nan() {
                max
            } else {
                bin.max.max(max)
            };
        }
    };
    let (s32, e32) = (start as u32, end as u32);
    let data_err =
        |e: &dyn std::fmt::Display| err(path, "big-data", format!("cannot decode a block: {e}"));
    match (level, &mut r) {
        (Some(l), R::W(x)) => {
            for z in x
                .get_zoom_interval(seqid, s32, e32, l)
                .map_err(|e| data_err(&e))?
            {
                let z = z.map_err(|e| data_err(&e))?;
                add(
                    z.start as u64,
                    z.end as u64,
                    z.summary.bases_covered as f64,
                    z.summary.min_val,
                    z.summary.max_val,
                    z.summary.sum,
                );
            }
        }
        (Some(l), R::B(x)) => {
            for z in x
                .get_zoom_interval(seqid, s32, e32, l)
                .map_err(|e| data_err(&e))?
            {
                let z = z.map_err(|e| data_err(&e))?;
                add(
                    z.start as u64,
                    z.end as u64,
                    z.summary.bases_covered as f64,
                    z.summary.min_val,
                    z.summary.max_val,
                    z.summary.sum,
                );
            }
        }
        (None, R::W(x)) => {
            for v in x.get_interval(seqid, s32, e32).map_err(|e| data_err(&e))? {
                let v = v.map_err(|e| data_err(&e))?;
                let (a, b) = (v.start.max(s32) as u64, v.end.min(e32) as u64);
                let n = b.saturating_sub(a) as f64;
                add(a, b, n, v.value as f64, v.value as f64, v.value as f64 * n);
            }
        }
        (None, R::B(x)) => {
            // Coverage depth: count items per base, then summarise runs.
            let mut depth = vec![0u32; (end - start) as usize];
            for v in x.get_interval(seqid, s32, e32).map_err(|e| data_err(&e))? {
                let v = v.map_err(|e| data_err(&e))?;
                for d in
                    &mut depth[(v.start.max(s32) - s32) as usize..(v.end.min(e32) - s32) as usize]
                {
                    *d += 1;
                }
            }
            for (i, &d) in depth.iter().enumerate() {
                if d > 0 {
                    let a = start + i as u64;
                    add(a, a + 1, 1.0, d as f64, d as f64, d as f64);
                }
            }
        }
    }
    Ok(ZoomSummary {
        reduction_level: level,
        levels,
        bins: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_prefix_from_autosql_names() {
        let sql = "table t\n\"x\"\n(\nstring chrom; \"\"\nuint chromStart; \"\"\nuint chromEnd; \"\"\nstring name; \"\"\nuint score; \"\"\nchar[1] strand; \"\"\nfloat signalValue; \"\"\nuint value; \"\"\n)";
        let l = bed_layout("x", Some(sql), 8, 8).unwrap();
        assert_eq!(l.standard, 6);
        assert_eq!(l.extras, vec!["signalvalue", "value_2"]);
        // UCSC-style header: definedFieldCount decides.
        let l = bed_layout("x", Some(sql), 8, 4).unwrap();
        assert_eq!(l.standard, 4);
        let l = bed_layout("x", None, 5, 5).unwrap();
        assert_eq!((l.standard, l.extras.len()), (5, 0));
        assert!(std_field_matches(5, "reserved") && std_field_matches(8, "chromStarts"));
    }

    #[test]
    fn wig_type_detection() {
        let c = |v: Vec<(u32, u32, f32)>| {
            let v = v
                .into_iter()
                .map(|(start, end, value)| Value { start, end, value })
                .collect();
            wig_track(&[("chr1".to_string(), v)]).track_type()
        };
        assert_eq!(c(vec![(0, 1, 1.0), (1, 2, 2.0)]), TrackType::Function);
        assert_eq!(c(vec![(0, 5, 1.0), (5, 7, 2.0)]), TrackType::StepFunction);
        assert_eq!(c(vec![(0, 1, 1.0), (3, 4, 2.0)]), TrackType::ValuedPoints);
        assert_eq!(c(vec![(0, 5, 1.0), (6, 7, 2.0)]), TrackType::ValuedSegments);
        assert_eq!(wig_track(&[]).track_type(), TrackType::ValuedSegments);
    }
}

#[cfg(test)]
mod num_tests {
    use super::*;

    /// The in-place number writer gives exactly the text of `format!`.
    #[test]
    fn push_num_matches_fmt_num() {
        let xs = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            334.0,
            1000.0,
            0.5,
            -2.25,
            1e14,
            999_999_999_999_999.0,
            1e15,
            1e16,
            -1e300,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            123_456.789,
        ];
        for x in xs {
            let mut s = String::new();
            push_num(&mut s, x);
            let want = if x.is_nan() {
                ".".to_string()
            } else {
                format!("{x}")
            };
            assert_eq!(s, want, "{x:?}");
        }
    }
}
