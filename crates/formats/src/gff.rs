//! GFF2, GFF3 and GTF 2.2: nine tab-separated columns, 1-based and
//! end-inclusive.
//!
//! # Mapping (see `docs/formats/gff.md`)
//!
//! By default every format maps onto the bundled GTrack subtype
//! `gff_direct` (`http://gtrack.no/gff_direct.gtrack`): a *valued
//! segments* track whose value is the score (a number, `.` = missing),
//! with a strand column and the extra columns `source`, `type`, `phase`
//! and `attributes` (the attribute column kept verbatim, so writing back
//! is exact). `##sequence-region` directives become type-B bounding
//! regions.
//!
//! With [`ReadOptions::expand_blocks`], GFF3 is read as the bundled
//! subtype `gff_ad_hoc` (*linked valued segments*: value = type as a
//! category, id = the `ID` attribute, edges child → parent from `Parent`)
//! plus a final `attributes` extra column holding the attributes
//! verbatim.

use crate::error::ferr;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, Write};

use gtrack_core::columns::{Strand, StringColumn};
use gtrack_core::region::{BoundingRegion, RegionKind};
use gtrack_core::track::{EdgeSpec, OptionalColumns, Track, TrackSchema};
use gtrack_core::track_type::TrackType;
use gtrack_core::value::{ValueBuf, ValueSpec, ValueType};

use crate::error::{Error, RuleInfo};
use crate::format::{Format, ReadOptions, WriteOptions};

/// Rules this module checks.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "gff-columns",
        summary: "a feature line has 9 tab-separated, non-empty columns (GFF2: 8 or 9)",
    },
    RuleInfo {
        id: "gff-coordinates",
        summary: "start and end are integers >= 1 with start <= end (and end <= the sequence length when known)",
    },
    RuleInfo {
        id: "gff-score",
        summary: "the score is a finite number or `.`",
    },
    RuleInfo {
        id: "gff-strand",
        summary: "the strand is `+`, `-`, `.` or `?`",
    },
    RuleInfo {
        id: "gff-phase",
        summary: "the phase is 0, 1, 2 or `.`, and is given for CDS features (GFF3, GTF)",
    },
    RuleInfo {
        id: "gff-attribute",
        summary: "attributes are `tag=value` pairs (GFF3) or `tag \"value\"` pairs (GFF2, GTF), with valid %XX escapes",
    },
    RuleInfo {
        id: "gff-directive",
        summary: "`##gff-version` and `##sequence-region` directives are well formed; one region per sequence",
    },
    RuleInfo {
        id: "gff-sequence-region",
        summary: "features lie inside the `##sequence-region` declared for their sequence",
    },
    RuleInfo {
        id: "gff-parent",
        summary: "with expand-blocks, every `Parent` names the `ID` of a feature in the file",
    },
    RuleInfo {
        id: "gtf-gene-id",
        summary: "every GTF feature has a `gene_id` attribute",
    },
];

/// The three dialects, which differ in the attribute syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Gff2,
    Gff3,
    Gtf,
}

impl Dialect {
    fn of(format: Format) -> Dialect {
        match format {
            Format::Gff2 => Dialect::Gff2,
            Format::Gtf => Dialect::Gtf,
            _ => Dialect::Gff3,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Dialect::Gff2 => "GFF2",
            Dialect::Gff3 => "GFF3",
            Dialect::Gtf => "GTF",
        }
    }
}

/// Metadata key for `##` directives kept as they are (without `##`).
pub const META_DIRECTIVE: &str = "gff-directive";
/// Metadata key for `#!` pragma lines (without `#!`).
pub const META_PRAGMA: &str = "gff-pragma";

/// Read one line into `buf` (without its `\n` / `\r\n`), counting lines.
pub(crate) fn read_line<'b, R: BufRead>(
    input: &mut R,
    buf: &'b mut Vec<u8>,
    path: &str,
    number: &mut u64,
) -> Result<Option<&'b str>, Error> {
    if !crate::text::read_line_into(input, buf).map_err(|e| Error::io(path, e))? {
        return Ok(None);
    }
    *number += 1;
    match std::str::from_utf8(buf) {
        Ok(s) => Ok(Some(s)),
        Err(e) => Err(ferr(
            path,
            *number,
            "text-encoding",
            format!(
                "byte {} of the line is not valid UTF-8; convert the file to UTF-8",
                e.valid_up_to() + 1
            ),
        )),
    }
}

/// A UCSC `track …` or `browser …` line: its keyword and the rest.
pub(crate) fn ucsc_line(line: &str) -> Option<(&'static str, &str)> {
    for k in ["track", "browser"] {
        if let Some(rest) = line.strip_prefix(k) {
            if rest.is_empty() {
                return Some((k, ""));
            }
            if let Some(r) = rest.strip_prefix(' ') {
                return Some((k, r));
            }
        }
    }
    None
}

/// The parsed columns of one feature line.
struct Feature<'a> {
    seqid: &'a str,
    source: &'a str,
    ty: &'a str,
    start: u64,
    end: u64,
    score: f64,
    strand: Strand,
    phase: &'a str,
    attributes: &'a str,
}

fn parse_feature<'a>(
    line: &'a str,
    dialect: Dialect,
    path: &str,
    n: u64,
) -> Result<Feature<'a>, Error> {
    let mut f: [&str; 9] = [""; 9];
    let mut count = 0;
    for (i, field) in line.split('\t').enumerate() {
        if i < 9 {
            f[i] = field;
        }
        count = i + 1;
    }
    if count == 8 && dialect == Dialect::Gff2 {
        f[8] = ".";
    } else if count != 9 {
        return Err(ferr(
            path,
            n,
            "gff-columns",
            format!(
                "{} has {count} tab-separated columns, expected 9 (seqid source type start end \
                 score strand phase attributes); separate columns by single tabs",
                dialect.name()
            ),
        ));
    }
    const NAMES: [&str; 9] = [
        "seqid",
        "source",
        "type",
        "start",
        "end",
        "score",
        "strand",
        "phase",
        "attributes",
    ];
    if let Some(i) = f.iter().position(|x| x.is_empty()) {
        return Err(ferr(
            path,
            n,
            "gff-columns",
            format!(
                "column {} ({}) is empty; write `.` for a missing value",
                i + 1,
                NAMES[i]
            ),
        ));
    }
    let coord = |s: &str, what: &str| -> Result<u64, Error> {
        match s.parse::<u64>() {
            Ok(v) if v >= 1 => Ok(v),
            _ => Err(ferr(
                path,
                n,
                "gff-coordinates",
                format!("{what} `{s}` is not an integer >= 1 (GFF positions are 1-based)"),
            )),
        }
    };
    let start = coord(f[3], "start")?;
    let end = coord(f[4], "end")?;
    if start > end {
        return Err(ferr(
            path,
            n,
            "gff-coordinates",
            format!("start {start} is after end {end}; GFF requires start <= end (both inclusive)"),
        ));
    }
    let score = if f[5] == "." {
        f64::NAN
    } else {
        match fast_float2::parse::<f64, _>(f[5]) {
            Ok(x) if x.is_finite() => x,
            _ => {
                return Err(ferr(
                    path,
                    n,
                    "gff-score",
                    format!(
                        "score `{}` is not a finite number; write `.` for no score",
                        f[5]
                    ),
                ))
            }
        }
    };
    let strand = match f[6] {
        "+" => Strand::Plus,
        "-" => Strand::Minus,
        "." | "?" => Strand::Unknown,
        s => {
            return Err(ferr(
                path,
                n,
                "gff-strand",
                format!("strand `{s}` is not one of + - . ?"),
            ))
        }
    };
    match f[7] {
        "0" | "1" | "2" => {}
        "." => {
            if dialect != Dialect::Gff2 && f[2] == "CDS" {
                return Err(ferr(
                    path,
                    n,
                    "gff-phase",
                    format!(
                        "a CDS feature needs a phase (0, 1 or 2) in {}; `.` is only for \
                         non-coding features",
                        dialect.name()
                    ),
                ));
            }
        }
        s => {
            return Err(ferr(
                path,
                n,
                "gff-phase",
                format!("phase `{s}` is not 0, 1, 2 or `.`"),
            ))
        }
    }
    let attributes = f[8];
    let bad = |m: String| ferr(path, n, "gff-attribute", m);
    match dialect {
        Dialect::Gff3 => check_gff3_attributes(attributes).map_err(bad)?,
        Dialect::Gff2 => {
            gff2_pairs(attributes).map_err(bad)?;
        }
        Dialect::Gtf => {
            let pairs = gff2_pairs(attributes).map_err(bad)?;
            if !pairs.iter().any(|(k, _)| *k == "gene_id") {
                return Err(ferr(
                    path,
                    n,
                    "gtf-gene-id",
                    "GTF features need a `gene_id \"...\";` attribute (and transcript_id for \
                     transcript parts)",
                ));
            }
        }
    }
    Ok(Feature {
        seqid: f[0],
        source: f[1],
        ty: f[2],
        start: start - 1,
        end,
        score,
        strand,
        phase: f[7],
        attributes,
    })
}

fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Check GFF3 attribute syntax: `.` or `;`-separated `tag=value` pairs
/// with valid `%XX` escapes.
fn check_gff3_attributes(attr: &str) -> Result<(), String> {
    if attr == "." {
        return Ok(());
    }
    let b = attr.as_bytes();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'%', &b[i..]) {
        let at = i + p;
        if at + 2 >= b.len() || !is_hex(b[at + 1]) || !is_hex(b[at + 2]) {
            return Err(format!(
                "`%` at byte {} of the attributes is not followed by two hex digits; write `%25` \
                 for a literal percent sign",
                at + 1
            ));
        }
        i = at + 3;
    }
    for part in attr.split(';') {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        match p.find('=') {
            Some(0) => return Err(format!("attribute `{p}` has an empty tag")),
            Some(_) => {}
            None => {
                return Err(format!(
                    "attribute `{p}` is not `tag=value`; GFF3 attributes are `tag=value` pairs \
                     separated by `;` (is this GFF2 or GTF? name the format with --from)"
                ))
            }
        }
    }
    Ok(())
}

/// Decode `%XX` escapes (invalid escapes are kept as they are).
pub(crate) fn unescape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('%') {
        return std::borrow::Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hexval(b[i + 1]), hexval(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hexval(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Escape a GFF3 attribute value (reserved `;=,&%`, tabs, controls).
fn escape_gff3(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            ';' | '=' | ',' | '&' | '%' | '\t' | '\n' | '\r' => {
                let _ = write!(out, "%{:02X}", c as u32);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "%{:02X}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// GFF3 `tag=value` pairs (raw, not decoded).
fn gff3_pairs(attr: &str) -> impl Iterator<Item = (&str, &str)> {
    attr.split(';').filter_map(|p| {
        let p = p.trim();
        let eq = p.find('=')?;
        Some((&p[..eq], &p[eq + 1..]))
    })
}

/// GFF2/GTF `tag value` pairs; quoted values are unquoted.
fn gff2_pairs(attr: &str) -> Result<Vec<(&str, &str)>, String> {
    let mut out = Vec::new();
    if attr == "." {
        return Ok(out);
    }
    let b = attr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i] == b' ' || b[i] == b';') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let ks = i;
        while i < b.len() && b[i] != b' ' && b[i] != b';' {
            i += 1;
        }
        let key = &attr[ks..i];
        if key.contains('"') {
            return Err(format!(
                "attribute tag `{key}` contains a quote (an unclosed or misplaced quoted value?); \
                 write `tag \"value\";`"
            ));
        }
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let value;
        if i < b.len() && b[i] == b'"' {
            let vs = i + 1;
            match memchr::memchr(b'"', &b[vs..]) {
                Some(p) => {
                    value = &attr[vs..vs + p];
                    i = vs + p + 1;
                }
                None => {
                    return Err(format!(
                        "the quoted value of attribute `{key}` is not closed; add the closing `\"`"
                    ))
                }
            }
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            if i < b.len() && b[i] != b';' {
                return Err(format!(
                    "text after the quoted value of attribute `{key}`; end each attribute with `;`"
                ));
            }
        } else {
            let vs = i;
            while i < b.len() && b[i] != b';' {
                i += 1;
            }
            value = attr[vs..i].trim_end();
        }
        out.push((key, value));
    }
    Ok(out)
}

/// Whether an attribute text is in GFF3 (`tag=value`) syntax: it starts
/// like GFF3 and every part is a valid GFF3 attribute (so that it can be
/// written verbatim into GFF3 and read back).
fn is_gff3_syntax(attr: &str) -> bool {
    let p = attr.trim_start_matches([' ', ';']);
    let starts = match p.find(['=', ' ', '"']) {
        Some(i) => p.as_bytes()[i] == b'=',
        None => false,
    };
    starts && check_gff3_attributes(attr).is_ok()
}

fn direct_schema() -> TrackSchema {
    TrackSchema {
        track_type: TrackType::ValuedSegments,
        value: Some(ValueSpec::default()),
        edges: None,
        columns: OptionalColumns {
            strand: true,
            id: false,
            extra: vec![
                "source".into(),
                "type".into(),
                "phase".into(),
                "attributes".into(),
            ],
        },
    }
}

fn linked_schema() -> TrackSchema {
    TrackSchema {
        track_type: TrackType::LinkedValuedSegments,
        value: Some(ValueSpec::new(
            ValueType::Category,
            gtrack_core::value::Dimension::Scalar,
        )),
        edges: Some(EdgeSpec::default()),
        columns: OptionalColumns {
            strand: true,
            id: true,
            extra: vec![
                "source".into(),
                "score".into(),
                "phase".into(),
                "name".into(),
                "attributes".into(),
            ],
        },
    }
}

/// Per-feature link information kept for the linked (expand-blocks) mode.
struct Link {
    seq: usize,
    line: u64,
    id: Option<String>,
    parents: Vec<String>,
}

/// A `##sequence-region` directive.
struct SeqRegion {
    seqid: String,
    start: u64,
    end: u64,
    line: u64,
}

/// Read `format` from `input`.
///
/// # Errors
/// [`Error::Format`] naming the file, line and rule broken.
pub fn read<R: BufRead>(
    mut input: R,
    path: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    let mut dialect = Dialect::of(format);
    let mut buf = Vec::with_capacity(512);
    let mut n = 0u64;
    let linked_wanted = opts.expand_blocks;
    let mut track: Option<Track> = None;
    let mut regions: Vec<SeqRegion> = Vec::new();
    let mut region_of: HashMap<String, usize> = HashMap::new();
    let mut metadata = Vec::new();
    let mut links: Vec<Link> = Vec::new();
    let mut value = ValueBuf::Number(vec![0.0]);
    let mut last_seq: Option<usize> = None;
    let mut seen_feature = false;
    while let Some(line) = read_line(&mut input, &mut buf, path, &mut n)? {
        if line.is_empty() {
            continue;
        }
        if let Some(d) = line.strip_prefix("##") {
            if d.starts_with('#') {
                // `###`: all forward references resolved; nothing to keep.
                continue;
            }
            let d = d.trim_end();
            let (name, rest) = match d.find([' ', '\t']) {
                Some(i) => (&d[..i], d[i..].trim()),
                None => (d, ""),
            };
            match name {
                "FASTA" => break,
                "gff-version" => {
                    let major = rest.split('.').next().unwrap_or("");
                    let v = match (major, seen_feature) {
                        ("3", false) => Dialect::Gff3,
                        ("2", false) if dialect == Dialect::Gff3 => Dialect::Gff2,
                        ("2", false) => dialect,
                        _ => {
                            return Err(ferr(
                                path,
                                n,
                                "gff-directive",
                                format!(
                                    "`##gff-version {rest}` must be `2` or `3` and come before \
                                     the first feature"
                                ),
                            ))
                        }
                    };
                    // A GFF3 read switched to GFF2 by the file's own
                    // declaration keeps it, so that writing GFF3 writes it
                    // back (and the file reads back the same way; fuzz
                    // finding F25).
                    let switched = v == Dialect::Gff2 && dialect == Dialect::Gff3;
                    dialect = v;
                    let default = match v {
                        Dialect::Gff3 => "3",
                        Dialect::Gff2 => "2",
                        Dialect::Gtf => "",
                    };
                    if rest != default || switched {
                        metadata.push((META_DIRECTIVE.to_string(), d.to_string()));
                    }
                }
                "sequence-region" => {
                    let parts: Vec<&str> = rest.split_whitespace().collect();
                    let parsed = match parts.as_slice() {
                        [s, a, b] => match (a.parse::<u64>(), b.parse::<u64>()) {
                            (Ok(a), Ok(b)) if a >= 1 && a <= b + 1 => Some((*s, a, b)),
                            _ => None,
                        },
                        _ => None,
                    };
                    let Some((s, a, b)) = parsed else {
                        return Err(ferr(
                            path,
                            n,
                            "gff-directive",
                            format!(
                                "`##sequence-region {rest}` is not `##sequence-region seqid \
                                 start end` with 1 <= start <= end"
                            ),
                        ));
                    };
                    if let Some(&k) = region_of.get(s) {
                        return Err(ferr(
                            path,
                            n,
                            "gff-directive",
                            format!(
                                "sequence `{s}` already has a ##sequence-region on line {}; \
                                 declare each sequence once",
                                regions[k].line
                            ),
                        ));
                    }
                    region_of.insert(s.to_string(), regions.len());
                    regions.push(SeqRegion {
                        seqid: s.to_string(),
                        start: a - 1,
                        end: b,
                        line: n,
                    });
                }
                _ => metadata.push((META_DIRECTIVE.to_string(), d.to_string())),
            }
            continue;
        }
        if let Some(p) = line.strip_prefix("#!") {
            metadata.push((META_PRAGMA.to_string(), p.to_string()));
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = ucsc_line(line) {
            metadata.push((k.to_string(), v.to_string()));
            continue;
        }
        if line.starts_with('>') {
            // FASTA without a ##FASTA directive.
            break;
        }
        let f = parse_feature(line, dialect, path, n)?;
        seen_feature = true;
        if let Some(&k) = region_of.get(f.seqid) {
            let r = &regions[k];
            if f.start < r.start || f.end > r.end {
                return Err(ferr(
                    path,
                    n,
                    "gff-sequence-region",
                    format!(
                        "feature {}..{} lies outside the ##sequence-region {} {} {} of line {}",
                        f.start + 1,
                        f.end,
                        r.seqid,
                        r.start + 1,
                        r.end,
                        r.line
                    ),
                ));
            }
        }
        if let Some(len) = opts.genome.as_ref().and_then(|g| g.length(f.seqid)) {
            if f.end > len {
                return Err(ferr(
                    path,
                    n,
                    "gff-coordinates",
                    format!(
                        "end {} is beyond the end of {} (length {len})",
                        f.end, f.seqid
                    ),
                ));
            }
        }
        let linked = linked_wanted && dialect == Dialect::Gff3;
        let t = track.get_or_insert_with(|| {
            Track::new(if linked {
                linked_schema()
            } else {
                direct_schema()
            })
        });
        let si = match last_seq {
            Some(i) if t.seqs[i].seqid == f.seqid => i,
            _ => {
                let i = t.seq_index(None, f.seqid);
                last_seq = Some(i);
                i
            }
        };
        let s = &mut t.seqs[si];
        s.starts.push(f.start);
        s.ends.push(f.end);
        if let Some(st) = &mut s.strands {
            st.push(f.strand);
        }
        if linked {
            s.values
                .as_mut()
                .expect("valued")
                .push(&ValueBuf::Category(vec![Some(f.ty.to_string())]));
            let mut id = None;
            let mut name = None;
            let mut parents = Vec::new();
            for (k, v) in gff3_pairs(f.attributes) {
                match k {
                    "ID" => id = Some(unescape(v).into_owned()),
                    "Name" => name = Some(unescape(v).into_owned()),
                    "Parent" => parents.extend(
                        v.split(',')
                            .map(|p| unescape(p.trim()).into_owned())
                            .filter(|p| !p.is_empty()),
                    ),
                    _ => {}
                }
            }
            // A parent named twice is one link (GTrack forbids duplicate
            // edges; fuzz finding F26).
            let mut i = 0;
            while i < parents.len() {
                if parents[..i].contains(&parents[i]) {
                    parents.remove(i);
                } else {
                    i += 1;
                }
            }
            let score = if f.score.is_nan() {
                ".".to_string()
            } else {
                // Keep the score text as written.
                line.split('\t').nth(5).unwrap_or(".").to_string()
            };
            s.extras[0].push(Some(f.source));
            s.extras[1].push(Some(&score));
            s.extras[2].push(Some(f.phase));
            s.extras[3].push(Some(name.as_deref().unwrap_or(".")));
            s.extras[4].push(Some(f.attributes));
            links.push(Link {
                seq: si,
                line: n,
                id,
                parents,
            });
        } else {
            if let ValueBuf::Number(v) = &mut value {
                v[0] = f.score;
            }
            s.values.as_mut().expect("valued").push(&value);
            s.extras[0].push(Some(f.source));
            s.extras[1].push(Some(f.ty));
            s.extras[2].push(Some(f.phase));
            s.extras[3].push(Some(f.attributes));
        }
    }
    let linked = linked_wanted && dialect == Dialect::Gff3;
    let mut track = track.unwrap_or_else(|| {
        Track::new(if linked {
            linked_schema()
        } else {
            direct_schema()
        })
    });
    if linked {
        resolve_links(&mut track, &links, path)?;
    }
    track.metadata = metadata;
    if !regions.is_empty() {
        attach_regions(&mut track, &regions);
    }
    Ok(track)
}

/// Assign ids (multi-line features get `.1`, `.2`, … as in the bundled
/// `gff_ad_hoc` example) and edges child → parent.
fn resolve_links(track: &mut Track, links: &[Link], path: &str) -> Result<(), Error> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for l in links {
        if let Some(id) = &l.id {
            *count.entry(id.as_str()).or_default() += 1;
        }
    }
    let mut taken: HashSet<String> = HashSet::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut ids: Vec<String> = Vec::with_capacity(links.len());
    for l in links {
        let id = match &l.id {
            Some(id) if count[id.as_str()] == 1 => id.clone(),
            Some(id) => {
                let k = seen.entry(id.as_str()).or_default();
                *k += 1;
                format!("{id}.{k}")
            }
            None => String::new(),
        };
        taken.insert(id.clone());
        ids.push(id);
    }
    let mut ordinal: HashMap<usize, usize> = HashMap::new();
    for (i, l) in links.iter().enumerate() {
        let k = ordinal.entry(l.seq).or_default();
        *k += 1;
        if ids[i].is_empty() {
            let mut c = format!("{}:{k}", track.seqs[l.seq].seqid);
            while taken.contains(&c) {
                c.insert(0, '_');
            }
            taken.insert(c.clone());
            ids[i] = c;
        }
    }
    // Targets of each original ID.
    let mut targets: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, l) in links.iter().enumerate() {
        if let Some(id) = &l.id {
            targets.entry(id.as_str()).or_default().push(i);
        }
    }
    for (i, l) in links.iter().enumerate() {
        let mut edges: Vec<&str> = Vec::new();
        for p in &l.parents {
            match targets.get(p.as_str()) {
                Some(t) => edges.extend(t.iter().map(|&j| ids[j].as_str())),
                None => {
                    return Err(ferr(
                        path,
                        l.line,
                        "gff-parent",
                        format!(
                            "Parent `{p}` is not the ID of any feature in the file; add the \
                             parent feature or remove the Parent attribute (or read without \
                             expand-blocks)"
                        ),
                    ))
                }
            }
        }
        let s = &mut track.seqs[l.seq];
        s.ids.as_mut().expect("linked").push(Some(&ids[i]));
        s.edges
            .as_mut()
            .expect("linked")
            .push(edges.into_iter().map(|t| (t, None)));
    }
    Ok(())
}

/// Make `##sequence-region`s type-B bounding regions whose block is the
/// whole sequence; sequences without a directive get a region without
/// an end. Sequences are reordered to follow the regions.
fn attach_regions(track: &mut Track, regions: &[SeqRegion]) {
    for r in regions {
        track.seq_index(None, &r.seqid);
    }
    let mut order: Vec<usize> = Vec::with_capacity(track.seqs.len());
    let by_name: HashMap<&str, usize> = track
        .seqs
        .iter()
        .enumerate()
        .map(|(i, s)| (s.seqid.as_str(), i))
        .collect();
    let mut used = vec![false; track.seqs.len()];
    for r in regions {
        let i = by_name[r.seqid.as_str()];
        order.push(i);
        used[i] = true;
    }
    for (i, u) in used.iter().enumerate() {
        if !u {
            order.push(i);
        }
    }
    let mut old: Vec<Option<gtrack_core::track::SeqElements>> = std::mem::take(&mut track.seqs)
        .into_iter()
        .map(Some)
        .collect();
    track.seqs = order
        .iter()
        .map(|&i| old[i].take().expect("permutation"))
        .collect();
    track.reindex();
    let mut out = Vec::with_capacity(track.seqs.len());
    for (k, s) in track.seqs.iter().enumerate() {
        let (start, end) = match regions.get(k) {
            Some(r) => (r.start, Some(r.end)),
            None => (0, None),
        };
        let mut br = BoundingRegion::sequence(None, s.seqid.clone(), start, end);
        br.block = Some((k, 0..s.len()));
        out.push(br);
    }
    track.regions = out;
}

/// Column indexes of the extras the writer understands.
struct Cols {
    source: Option<usize>,
    ty: Option<usize>,
    phase: Option<usize>,
    attributes: Option<usize>,
    score: Option<usize>,
    name: Option<usize>,
    /// Other extras, appended as attributes.
    other: Vec<usize>,
}

impl Cols {
    fn of(track: &Track) -> Cols {
        let find = |n: &str| {
            track
                .schema
                .columns
                .extra
                .iter()
                .position(|e| e.eq_ignore_ascii_case(n))
        };
        let mut c = Cols {
            source: find("source"),
            ty: find("type"),
            phase: find("phase"),
            attributes: find("attributes"),
            score: find("score"),
            name: find("name"),
            other: Vec::new(),
        };
        let known = [c.source, c.ty, c.phase, c.attributes, c.score, c.name];
        c.other = (0..track.schema.columns.extra.len())
            .filter(|i| !known.contains(&Some(*i)))
            .collect();
        c
    }
}

fn value_is_score(track: &Track) -> bool {
    track.schema.value.is_some_and(|v| {
        v.ty == ValueType::Number && v.dim == gtrack_core::value::Dimension::Scalar
    })
}

fn value_is_type(track: &Track, cols: &Cols) -> bool {
    cols.ty.is_none()
        && track.schema.value.is_some_and(|v| {
            v.ty == ValueType::Category && v.dim == gtrack_core::value::Dimension::Scalar
        })
}

fn extra(col: &StringColumn, i: usize) -> &str {
    col.get(i).filter(|s| !s.is_empty()).unwrap_or(".")
}

/// Append one `key`/`value` attribute in `dialect` syntax.
fn push_attr(out: &mut String, dialect: Dialect, key: &str, value: &str) {
    match dialect {
        Dialect::Gff3 => {
            if !out.is_empty() && !out.ends_with(';') {
                out.push(';');
            }
            // Tags are escaped like values (a GFF2 tag may hold `=`, which
            // would split a GFF3 pair; fuzz finding F17).
            escape_gff3(key, out);
            out.push('=');
            escape_gff3(value, out);
        }
        _ => {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            // `=` too: a tag holding one would make the written text read
            // back as GFF3 `tag=value` syntax (fuzz finding F24).
            for c in key.chars() {
                match c {
                    ' ' | ';' | '"' | '=' | '\t' | '\n' | '\r' => {
                        let _ = write!(out, "%{:02X}", c as u32);
                    }
                    c => out.push(c),
                }
            }
            out.push_str(" \"");
            // GFF2/GTF quoted values have no escapes: quotes become `'`,
            // and line breaks and tabs (which would split the line or the
            // column) are percent-encoded as in GFF3 (fuzz finding F16).
            for c in value.chars() {
                match c {
                    '"' => out.push('\''),
                    '\n' => out.push_str("%0A"),
                    '\r' => out.push_str("%0D"),
                    '\t' => out.push_str("%09"),
                    c => out.push(c),
                }
            }
            out.push_str("\";");
        }
    }
}

/// The attribute column of element `i` of `seq`, in `dialect` syntax.
fn attributes_of(track: &Track, cols: &Cols, seq: usize, i: usize, dialect: Dialect) -> String {
    let s = &track.seqs[seq];
    let mut out = String::new();
    if let Some(a) = cols.attributes {
        let raw = extra(&s.extras[a], i);
        let gff3 = is_gff3_syntax(raw);
        if raw == "." {
        } else if gff3 == (dialect == Dialect::Gff3) {
            // Verbatim, without trailing carriage returns: the last would
            // be read as part of a CRLF line end (fuzz finding F19), and the
            // reader trims them from the last pair anyway (escaping them
            // instead made them content: F21).
            out.push_str(raw.trim_end_matches('\r'));
        } else if gff3 {
            for (k, v) in gff3_pairs(raw) {
                push_attr(&mut out, dialect, &unescape(k), &unescape(v));
            }
        } else {
            for (k, v) in gff2_pairs(raw).unwrap_or_default() {
                push_attr(&mut out, dialect, k, v);
            }
        }
    } else {
        if let Some(ids) = &s.ids {
            if let Some(id) = ids.get(i) {
                push_attr(&mut out, dialect, "ID", id);
            }
        }
        if let Some(nc) = cols.name {
            let nm = extra(&s.extras[nc], i);
            if nm != "." {
                push_attr(&mut out, dialect, "Name", nm);
            }
        }
        if let Some(e) = &s.edges {
            let r = e.range(i);
            if !r.is_empty() {
                let ps: Vec<&str> = r.map(|k| e.target(k)).collect();
                match dialect {
                    Dialect::Gff3 => {
                        if !out.is_empty() {
                            out.push(';');
                        }
                        out.push_str("Parent=");
                        for (j, p) in ps.iter().enumerate() {
                            if j > 0 {
                                out.push(',');
                            }
                            escape_gff3(p, &mut out);
                        }
                    }
                    _ => push_attr(&mut out, dialect, "Parent", &ps.join(",")),
                }
            }
        }
    }
    for &o in &cols.other {
        let v = s.extras[o].get(i).unwrap_or("");
        push_attr(&mut out, dialect, &track.schema.columns.extra[o], v);
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// Whether a kept directive is `gff-version N` as the reader parses it
/// (`##gff-version2`, without the blank, is some other directive; fuzz
/// finding F29).
fn is_version_directive(d: &str) -> bool {
    d.strip_prefix("gff-version")
        .is_some_and(|r| r.starts_with([' ', '\t']))
}

/// The `##gff-version` directive kept from the source, if any.
fn declared_version(track: &Track) -> Option<&str> {
    track
        .metadata
        .iter()
        .find(|(k, v)| k == META_DIRECTIVE && is_version_directive(v))
        .map(|(_, v)| v.as_str())
}

/// The major version a `gff-version …` directive declares.
fn declared_major(directive: &str) -> &str {
    directive
        .trim_start_matches("gff-version")
        .trim()
        .split('.')
        .next()
        .unwrap_or("")
}

/// The dialect written for `format`: the format's own, except that GFF3
/// (the `.gff` format, whose version the file declares) writes a track
/// read from a file declaring version 2 as GFF2, as its reader read it.
fn write_dialect(track: &Track, format: Format) -> Dialect {
    let d = Dialect::of(format);
    match (d, declared_version(track).map(declared_major)) {
        (Dialect::Gff3, Some("2")) => Dialect::Gff2,
        _ => d,
    }
}

fn has_gene_id(attr: &str, dialect: Dialect) -> bool {
    match dialect {
        Dialect::Gff3 => gff3_pairs(attr).any(|(k, _)| k == "gene_id"),
        _ => gff2_pairs(attr)
            .map(|p| p.iter().any(|(k, _)| *k == "gene_id"))
            .unwrap_or(false),
    }
}

/// What writing `track` as `format` would lose.
///
/// # Errors
/// [`Error::Unsupported`] for GTF when some element would have no
/// `gene_id` attribute.
pub fn losses(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    let dialect = write_dialect(track, format);
    let cols = Cols::of(track);
    let mut out = Vec::new();
    if dialect == Dialect::Gtf {
        for (k, s) in track.seqs.iter().enumerate() {
            for i in 0..s.len() {
                let a = attributes_of(track, &cols, k, i, dialect);
                if !has_gene_id(&a, dialect) {
                    return Err(Error::Unsupported {
                        target: format,
                        reason: format!(
                            "GTF needs a gene_id attribute on every line, and element {} of {} \
                             has none; write GFF3 instead, or add a gene_id column",
                            i + 1,
                            s.seqid
                        ),
                    });
                }
            }
        }
    }
    if track.seqs.iter().any(|s| s.genome.is_some()) {
        out.push("genome names of sequences".to_string());
    }
    // GFF3 requires a phase on CDS lines; GFF2 does not (fuzz finding F22).
    if dialect == Dialect::Gff3 {
        let type_from_value = value_is_type(track, &cols);
        let no_phase = track.seqs.iter().any(|s| {
            (0..s.len()).any(|i| {
                let ty = match cols.ty {
                    Some(c) => extra(&s.extras[c], i).to_string(),
                    None if type_from_value => match s.values.as_ref().map(|v| v.get(i)) {
                        Some(ValueBuf::Category(v)) => {
                            v.first().cloned().flatten().unwrap_or_default()
                        }
                        _ => String::new(),
                    },
                    None => String::new(),
                };
                ty == "CDS" && cols.phase.is_none_or(|c| extra(&s.extras[c], i) == ".")
            })
        });
        if no_phase {
            out.push("CDS features without a phase (GFF3 requires one)".to_string());
        }
    }
    if let Some(v) = track.schema.value {
        if !value_is_score(track) && !value_is_type(track, &cols) {
            out.push(format!(
                "values ({} {}): GFF scores are single numbers",
                v.dim, v.ty
            ));
        }
    }
    if let Some(e) = track.schema.edges {
        if e.weights.is_some() {
            out.push("edge weights".to_string());
        }
        if e.undirected {
            out.push("undirected edges (written as Parent links)".to_string());
        }
    }
    if track
        .seqs
        .iter()
        .any(|s| s.ends.iter().zip(&s.starts).any(|(e, b)| e < b))
    {
        out.push("circular elements (end before start)".to_string());
    }
    let mut per_seq: HashMap<&str, usize> = HashMap::new();
    for r in &track.regions {
        match (r.kind, &r.seqid) {
            (RegionKind::Sequence, Some(s)) if r.genome.is_none() => {
                *per_seq.entry(s.as_str()).or_default() += 1;
                if dialect == Dialect::Gtf && r.end.is_some() {
                    out.push("bounding regions (GTF has no ##sequence-region)".to_string());
                    break;
                }
            }
            _ => {
                out.push("bounding regions other than one per sequence".to_string());
                break;
            }
        }
    }
    if per_seq.values().any(|&c| c > 1) {
        out.push("more than one bounding region per sequence".to_string());
    }
    if track.metadata.iter().any(|(k, _)| {
        !matches!(
            k.as_str(),
            META_DIRECTIVE | META_PRAGMA | "track" | "browser"
        )
    }) {
        out.push("metadata other than GFF directives and track/browser lines".to_string());
    }
    out.dedup();
    Ok(out)
}

fn fmt_num(x: f64, out: &mut String) {
    if x.is_nan() {
        out.push('.');
    } else {
        let _ = write!(out, "{x}");
    }
}

/// Write `track` as `format` (best effort: see [`losses`]).
///
/// # Errors
/// I/O errors of `out`.
pub fn write<W: Write>(
    track: &Track,
    mut out: W,
    format: Format,
    _opts: &WriteOptions,
) -> Result<(), Error> {
    let dialect = write_dialect(track, format);
    let cols = Cols::of(track);
    let io = |e| Error::io("-", e);
    let mut line = String::with_capacity(512);
    // The source's declaration when it declares the version written (GTF:
    // a GFF2 one); otherwise the dialect's own, so that the header never
    // contradicts the body.
    let version = declared_version(track).filter(|v| {
        let major = declared_major(v);
        match dialect {
            Dialect::Gff3 => major == "3",
            Dialect::Gff2 | Dialect::Gtf => major == "2",
        }
    });
    match (version, dialect) {
        (Some(v), _) => writeln!(line, "##{v}").ok(),
        (None, Dialect::Gff3) => writeln!(line, "##gff-version 3").ok(),
        (None, Dialect::Gff2) => writeln!(line, "##gff-version 2").ok(),
        (None, Dialect::Gtf) => None,
    };
    for (k, v) in &track.metadata {
        match k.as_str() {
            META_DIRECTIVE if !is_version_directive(v) => {
                let _ = writeln!(line, "##{v}");
            }
            META_PRAGMA => {
                let _ = writeln!(line, "#!{v}");
            }
            "track" | "browser" if v.is_empty() => {
                let _ = writeln!(line, "{k}");
            }
            "track" | "browser" => {
                let _ = writeln!(line, "{k} {v}");
            }
            _ => {}
        }
    }
    if dialect != Dialect::Gtf {
        let mut done = HashSet::new();
        for r in &track.regions {
            if let (RegionKind::Sequence, Some(s), Some(e)) = (r.kind, &r.seqid, r.end) {
                if done.insert(s.as_str()) {
                    let _ = writeln!(line, "##sequence-region {s} {} {e}", r.start + 1);
                }
            }
        }
    }
    out.write_all(line.as_bytes()).map_err(io)?;
    let score_from_value = value_is_score(track);
    let type_from_value = value_is_type(track, &cols);
    let mut vb = ValueBuf::Number(Vec::new());
    for (k, s) in track.seqs.iter().enumerate() {
        for i in 0..s.len() {
            line.clear();
            line.push_str(&s.seqid);
            line.push('\t');
            line.push_str(cols.source.map_or(".", |c| extra(&s.extras[c], i)));
            line.push('\t');
            if let Some(c) = cols.ty {
                line.push_str(extra(&s.extras[c], i));
            } else if type_from_value {
                s.values.as_ref().expect("valued").get_into(i, &mut vb);
                match &vb {
                    ValueBuf::Category(v) => line.push_str(v[0].as_deref().unwrap_or("region")),
                    _ => line.push_str("region"),
                }
            } else {
                line.push_str("region");
            }
            let _ = write!(line, "\t{}\t{}\t", s.starts[i] + 1, s.ends[i]);
            if score_from_value {
                let x = s
                    .values
                    .as_ref()
                    .and_then(|v| v.as_numbers())
                    .map_or(f64::NAN, |v| v[i]);
                fmt_num(x, &mut line);
            } else if let Some(c) = cols.score {
                line.push_str(extra(&s.extras[c], i));
            } else {
                line.push('.');
            }
            line.push('\t');
            line.push(s.strands.as_ref().map_or('.', |st| st[i].symbol()));
            line.push('\t');
            line.push_str(cols.phase.map_or(".", |c| extra(&s.extras[c], i)));
            line.push('\t');
            line.push_str(&attributes_of(track, &cols, k, i, dialect));
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
    fn test_gff2_pairs() {
        let p = gff2_pairs("gene_id \"a\"; transcript_id \"b c\"; exon 3").unwrap();
        assert_eq!(
            p,
            vec![("gene_id", "a"), ("transcript_id", "b c"), ("exon", "3")]
        );
        assert!(gff2_pairs("gene_id \"a").is_err());
    }

    #[test]
    fn test_unescape_and_escape() {
        assert_eq!(unescape("a%3Bb%2C%zz"), "a;b,%zz");
        let mut s = String::new();
        escape_gff3("a;b=c,d%", &mut s);
        assert_eq!(s, "a%3Bb%3Dc%2Cd%25");
        assert_eq!(unescape(&s), "a;b=c,d%");
    }

    #[test]
    fn test_syntax_detection() {
        assert!(is_gff3_syntax("ID=x;Name=y"));
        assert!(!is_gff3_syntax("gene_id \"x\"; a \"b=c\";"));
        // Fuzz finding F6: GFF2 text that merely starts like GFF3.
        assert!(!is_gff3_syntax("ID=a;Name"));
        assert!(check_gff3_attributes("ID=a%2").is_err());
        assert!(check_gff3_attributes("ID=a%2C;").is_ok());
    }
}
