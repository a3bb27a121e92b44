//! BioXSD 1.1 FeatureRecord XML: export of any track, and import of what
//! the export writes.
//!
//! BioXSD (<http://bioxsd.org/BioXSD-1.1.xsd>) is the XML counterpart of
//! GTrack in Gundersen et al. (2011), table 5. The export follows the
//! paper's track examples (`trackExample1..5.xml` of the BioXSD
//! repository): one `FeatureRecord` per bounding region (or per sequence
//! when the track has none) with a `bx:referenceSequence`
//! (`bx:genomeBuild`, `bx:chromosome`, `bx:subsequencePosition`), and a
//! `bx:annotation` whose `bx:occurrence`s are the elements:
//!
//! | track element | BioXSD |
//! |---|---|
//! | point | `<bx:point pos=".."/>` (1-based) |
//! | segment | `<bx:segment min=".." max=".."/>` (1-based, inclusive) |
//! | partition element (GP, SF, LGP, LSF in a region) | `<bx:nextPartition max=".."/>` |
//! | per-base element (F, LF, LBP) | `<bx:point pos=".."/>` |
//! | unlinked F / SF with number scalar values and no optional columns | one occurrence with `<bx:appliesToWholeSequence/>` and one `bx:score` per element (SF: with a `nextPartition` position) |
//! | strand | `strand` attribute of the position |
//! | id | `localId` attribute of the occurrence |
//! | number / binary value | one `<bx:score value=".."/>` per value element (`NaN` = missing) |
//! | character / category value | one `<gt:value>` per value element (extension) |
//! | edges | `bx:association` with `bx:relationName` `directed` / `undirected` and one `bx:associatedFeatureOccurrence localIdRef=".."` per edge, weights as scores inside; linked tracks wrap the annotation in `bx:blockWithOccurrenceReferences` |
//! | extra columns | `<gt:extra name="..">text</gt:extra>` (extension) |
//!
//! When a record has a `subsequencePosition`, positions are relative to
//! it (as in the BioXSD examples); otherwise they are absolute. The root
//! element `gt:track` (namespace `http://gtrack.no/bioxsd`) carries the
//! track schema (type, value and edge-weight types, optional columns) and
//! `gt:metadata` / `gt:genomeRegion` children, so that the import gives
//! back exactly the exported track. The import reads only this layout.

use crate::error::ferr;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, Write};

use gtrack_core::{
    BoundingRegion, Dimension, EdgeSpec, RegionKind, Strand, Track, TrackSchema, TrackType,
    ValueBuf, ValueSpec, ValueType,
};
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, RuleInfo};
use crate::format::{Format, ReadOptions, WriteOptions};

/// Rules this module checks.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "bioxsd-xml",
        summary: "the input is well-formed XML (UTF-8)",
    },
    RuleInfo {
        id: "bioxsd-root",
        summary: "the root element is `gt:track` with a valid track type, value and edge-weight types",
    },
    RuleInfo {
        id: "bioxsd-element",
        summary: "each element appears where the export puts it (e.g. `bx:occurrence` inside `bx:annotation`)",
    },
    RuleInfo {
        id: "bioxsd-attribute",
        summary: "required attributes are present and well-formed (`min`, `max`, `pos` positive integers; `strand` `+`, `-` or `.`)",
    },
    RuleInfo {
        id: "bioxsd-position",
        summary: "an occurrence has exactly one position of the kind its track type needs",
    },
    RuleInfo {
        id: "bioxsd-value",
        summary: "scores are numbers (or NaN) and values have the track's type and dimension",
    },
    RuleInfo {
        id: "bioxsd-edge",
        summary: "associations only in linked tracks, with a known relation name and weights as declared, at most one per target",
    },
];

const NS_GT: &str = "http://gtrack.no/bioxsd";
const NS_BX: &str = "http://bioxsd.org/BioXSD-1.1";

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s)
}

fn num(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "INF" } else { "-INF" }.into()
    } else {
        format!("{v}")
    }
}

/// Write the score / value elements of one value.
fn write_value(out: &mut String, v: &ValueBuf, indent: &str) {
    match v {
        ValueBuf::Number(x) => {
            for &x in x {
                let _ = writeln!(out, "{indent}<bx:score value=\"{}\"/>", num(x));
            }
        }
        ValueBuf::Binary(x) => {
            for &b in x {
                let s = if b < 0 {
                    "NaN".to_string()
                } else {
                    b.to_string()
                };
                let _ = writeln!(out, "{indent}<bx:score value=\"{s}\"/>");
            }
        }
        ValueBuf::Character(x) => {
            for c in x {
                match c {
                    Some(c) => {
                        let s = (*c as char).to_string();
                        let _ = writeln!(out, "{indent}<gt:value>{}</gt:value>", esc(&s));
                    }
                    None => {
                        let _ = writeln!(out, "{indent}<gt:value missing=\"true\"/>");
                    }
                }
            }
        }
        ValueBuf::Category(x) => {
            for c in x {
                match c {
                    Some(c) => {
                        let _ = writeln!(out, "{indent}<gt:value>{}</gt:value>", esc(c));
                    }
                    None => {
                        let _ = writeln!(out, "{indent}<gt:value missing=\"true\"/>");
                    }
                }
            }
        }
    }
}

/// Text that XML 1.0 cannot hold (control characters other than tab,
/// line feed and carriage return).
fn bad_xml_text(s: &str) -> bool {
    s.chars().any(|c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    })
}

/// What exporting `track` to BioXSD would lose: only text that XML 1.0
/// cannot hold (control characters), which is replaced by U+FFFD.
pub fn losses(track: &Track, _format: Format) -> Result<Vec<String>, Error> {
    let mut bad = 0usize;
    for s in &track.seqs {
        bad += s.seqid.chars().any(|c| c < ' ') as usize;
        if let Some(ids) = &s.ids {
            bad += ids.iter().flatten().filter(|x| bad_xml_text(x)).count();
        }
        for x in &s.extras {
            bad += x.iter().flatten().filter(|x| bad_xml_text(x)).count();
        }
    }
    bad += track
        .metadata
        .iter()
        .filter(|(k, v)| bad_xml_text(k) || bad_xml_text(v))
        .count();
    Ok(if bad > 0 {
        vec![format!(
            "{bad} text(s) contain control characters that XML 1.0 cannot hold; they are replaced by U+FFFD"
        )]
    } else {
        Vec::new()
    })
}

fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if bad_xml_text(s) {
        std::borrow::Cow::Owned(
            s.chars()
                .map(|c| {
                    if (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
                        || c == '\u{FFFE}'
                        || c == '\u{FFFF}'
                    {
                        '\u{FFFD}'
                    } else {
                        c
                    }
                })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Export `track` as BioXSD FeatureRecord XML.
pub fn write<W: Write>(
    track: &Track,
    mut out: W,
    _format: Format,
    _opts: &WriteOptions,
) -> Result<(), Error> {
    let s = to_string(track);
    out.write_all(s.as_bytes()).map_err(|e| Error::io("-", e))
}

/// Export `track` as a BioXSD XML string.
pub fn to_string(track: &Track) -> String {
    let sc = &track.schema;
    let tt = sc.track_type;
    let mut o = String::with_capacity(256 + track.len() * 96);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<!-- BioXSD 1.1 FeatureRecord export of a genomic track, written by gtrack -->\n");
    let _ = write!(
        o,
        "<gt:track xmlns:gt=\"{NS_GT}\" xmlns:bx=\"{NS_BX}\" trackType=\"{}\"",
        tt.name()
    );
    if let Some(v) = sc.value {
        let _ = write!(o, " valueType=\"{}\" valueDimension=\"{}\"", v.ty, v.dim);
    }
    if let Some(e) = sc.edges {
        let _ = write!(o, " undirected=\"{}\"", e.undirected);
        if let Some(w) = e.weights {
            let _ = write!(
                o,
                " edgeWeightType=\"{}\" edgeWeightDimension=\"{}\"",
                w.ty, w.dim
            );
        }
    }
    let _ = writeln!(
        o,
        " strand=\"{}\" id=\"{}\">",
        sc.columns.strand, sc.columns.id
    );
    for c in &sc.columns.extra {
        let _ = writeln!(o, "  <gt:column name=\"{}\"/>", esc(&clean(c)));
    }
    for (k, v) in &track.metadata {
        let _ = writeln!(
            o,
            "  <gt:metadata key=\"{}\">{}</gt:metadata>",
            esc(&clean(k)),
            esc(&clean(v))
        );
    }
    // Records: one per type-B region, else one per sequence.
    let mut records: Vec<(Option<&BoundingRegion>, usize, std::ops::Range<usize>)> = Vec::new();
    let has_b = track.regions.iter().any(|r| r.kind == RegionKind::Sequence);
    for r in &track.regions {
        match r.kind {
            RegionKind::Genome => {
                let _ = writeln!(
                    o,
                    "  <gt:genomeRegion genome=\"{}\"/>",
                    esc(&clean(r.genome.as_deref().unwrap_or("")))
                );
            }
            RegionKind::Sequence => {
                let (si, range) = r.block.clone().unwrap_or_else(|| {
                    let si = track
                        .seqs
                        .iter()
                        .position(|s| Some(&s.seqid) == r.seqid.as_ref() && s.genome == r.genome)
                        .unwrap_or(usize::MAX);
                    (si, 0..0)
                });
                records.push((Some(r), si, range));
            }
        }
    }
    if !has_b {
        for (si, s) in track.seqs.iter().enumerate() {
            records.push((None, si, 0..s.len()));
        }
    }
    let compact = matches!(tt, TrackType::Function | TrackType::StepFunction)
        && sc.value == Some(ValueSpec::new(ValueType::Number, Dimension::Scalar))
        && !sc.columns.strand
        && !sc.columns.id
        && sc.columns.extra.is_empty();
    let linked = tt.is_linked();
    for (region, si, range) in records {
        let seq = track.seqs.get(si);
        let genome = region
            .map(|r| r.genome.as_deref())
            .unwrap_or_else(|| seq.and_then(|s| s.genome.as_deref()));
        let seqid = region
            .and_then(|r| r.seqid.as_deref())
            .or_else(|| seq.map(|s| s.seqid.as_str()))
            .unwrap_or("");
        o.push_str("  <gt:FeatureRecord>\n    <bx:referenceSequence>\n");
        if let Some(g) = genome {
            let _ = writeln!(
                o,
                "      <bx:genomeBuild>{}</bx:genomeBuild>",
                esc(&clean(g))
            );
        }
        let _ = writeln!(
            o,
            "      <bx:chromosome>{}</bx:chromosome>",
            esc(&clean(seqid))
        );
        let base = region.map_or(0, |r| r.start);
        if let Some(r) = region {
            match r.end {
                Some(e) => {
                    let _ = writeln!(
                        o,
                        "      <bx:subsequencePosition><bx:segment min=\"{}\" max=\"{e}\"/></bx:subsequencePosition>",
                        r.start + 1
                    );
                }
                None => {
                    let _ = writeln!(
                        o,
                        "      <bx:subsequencePosition><bx:segment min=\"{}\"/></bx:subsequencePosition>",
                        r.start + 1
                    );
                }
            }
        }
        o.push_str("    </bx:referenceSequence>\n");
        let ind = if linked { "      " } else { "    " };
        if linked {
            o.push_str("    <bx:blockWithOccurrenceReferences>\n");
        }
        let _ = writeln!(o, "{ind}<bx:annotation>");
        let _ = writeln!(
            o,
            "{ind}  <bx:feature><bx:name>{}</bx:name></bx:feature>",
            esc(tt.name())
        );
        if let Some(seq) = seq {
            if compact && region.is_some() {
                let _ = writeln!(
                    o,
                    "{ind}  <bx:occurrence>\n{ind}    <bx:appliesToWholeSequence/>"
                );
                let v = seq
                    .values
                    .as_ref()
                    .and_then(|c| c.as_numbers())
                    .unwrap_or(&[]);
                for i in range.clone() {
                    if tt == TrackType::StepFunction {
                        let _ = writeln!(
                            o,
                            "{ind}    <bx:score value=\"{}\"><bx:position><bx:nextPartition max=\"{}\"/></bx:position></bx:score>",
                            num(v[i]),
                            seq.ends[i] - base
                        );
                    } else {
                        let _ = writeln!(o, "{ind}    <bx:score value=\"{}\"/>", num(v[i]));
                    }
                }
                let _ = writeln!(o, "{ind}  </bx:occurrence>");
            } else {
                for i in range.clone() {
                    write_occurrence(&mut o, track, seq, i, base, region.is_some(), ind);
                }
            }
        }
        let _ = writeln!(o, "{ind}</bx:annotation>");
        if linked {
            o.push_str("    </bx:blockWithOccurrenceReferences>\n");
        }
        o.push_str("  </gt:FeatureRecord>\n");
    }
    o.push_str("</gt:track>\n");
    o
}

fn write_occurrence(
    o: &mut String,
    track: &Track,
    seq: &gtrack_core::SeqElements,
    i: usize,
    base: u64,
    in_region: bool,
    ind: &str,
) {
    let tt = track.schema.track_type;
    let _ = write!(o, "{ind}  <bx:occurrence");
    if let Some(id) = seq.ids.as_ref().and_then(|c| c.get(i)) {
        let _ = write!(o, " localId=\"{}\"", esc(&clean(id)));
    }
    o.push_str(">\n");
    let strand = seq
        .strands
        .as_ref()
        .map(|s| format!(" strand=\"{}\"", s[i].symbol()))
        .unwrap_or_default();
    let (s, e) = (seq.starts[i], seq.ends[i]);
    let rel = |x: u64| x.wrapping_sub(base);
    let _ = write!(o, "{ind}    <bx:position>");
    if tt.is_dense_interval() && in_region {
        let _ = write!(o, "<bx:nextPartition max=\"{}\"{strand}/>", rel(e));
    } else if tt.has_lengths() {
        let _ = write!(
            o,
            "<bx:segment min=\"{}\" max=\"{}\"{strand}/>",
            rel(s) + 1,
            rel(e)
        );
    } else {
        let _ = write!(o, "<bx:point pos=\"{}\"{strand}/>", rel(s) + 1);
    }
    o.push_str("</bx:position>\n");
    let inner = format!("{ind}    ");
    if let Some(v) = &seq.values {
        write_value(o, &v.get(i), &inner);
    }
    for (k, name) in track.schema.columns.extra.iter().enumerate() {
        if let Some(x) = seq.extras[k].get(i) {
            let _ = writeln!(
                o,
                "{inner}<gt:extra name=\"{}\">{}</gt:extra>",
                esc(&clean(name)),
                esc(&clean(x))
            );
        }
    }
    if let Some(ed) = &seq.edges {
        let r = ed.range(i);
        if !r.is_empty() {
            let undirected = track.schema.edges.is_some_and(|e| e.undirected);
            let _ = writeln!(
                o,
                "{inner}<bx:association>\n{inner}  <bx:relationName>{}</bx:relationName>",
                if undirected { "undirected" } else { "directed" }
            );
            for e in r {
                let _ = write!(
                    o,
                    "{inner}  <bx:associatedFeatureOccurrence localIdRef=\"{}\"",
                    esc(&clean(ed.target(e)))
                );
                match ed.weights() {
                    Some(w) => {
                        o.push_str(">\n");
                        write_value(o, &w.get(e), &format!("{inner}    "));
                        let _ = writeln!(o, "{inner}  </bx:associatedFeatureOccurrence>");
                    }
                    None => o.push_str("/>\n"),
                }
            }
            let _ = writeln!(o, "{inner}</bx:association>");
        }
    }
    let _ = writeln!(o, "{ind}  </bx:occurrence>");
}

// ---------------------------------------------------------------------------
// Import

/// Line numbers of byte offsets, computed incrementally.
struct LineIndex<'a> {
    text: &'a [u8],
    pos: usize,
    line: u64,
}

impl LineIndex<'_> {
    fn line_at(&mut self, at: usize) -> u64 {
        let at = at.min(self.text.len());
        if at < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.pos..at]).count() as u64;
        self.pos = at;
        self.line
    }
}

/// One occurrence being read.
#[derive(Default)]
struct Occ {
    id: Option<String>,
    pos: Option<(u64, u64)>,
    partition_max: Option<u64>,
    strand: Strand,
    numbers: Vec<f64>,
    texts: Vec<Option<String>>,
    extras: HashMap<String, String>,
    edges: Vec<(String, Vec<f64>, Vec<Option<String>>)>,
    relation: Option<String>,
    whole: bool,
    line: u64,
}

struct Rec {
    genome: Option<String>,
    seqid: Option<String>,
    sub: Option<(u64, Option<u64>)>,
    line: u64,
    region_added: bool,
    seq: Option<usize>,
    first: usize,
}

fn attr(path: &str, line: u64, e: &BytesStart, name: &str) -> Result<Option<String>, Error> {
    for a in e.attributes() {
        let a = a.map_err(|x| ferr(path, line, "bioxsd-xml", format!("bad attribute: {x}")))?;
        if a.key.local_name().as_ref() == name.as_bytes() {
            let v = a.unescape_value().map_err(|x| {
                ferr(
                    path,
                    line,
                    "bioxsd-xml",
                    format!("bad attribute value: {x}"),
                )
            })?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

fn req_u64(path: &str, line: u64, e: &BytesStart, name: &str, what: &str) -> Result<u64, Error> {
    let v = attr(path, line, e, name)?.ok_or_else(|| {
        ferr(
            path,
            line,
            "bioxsd-attribute",
            format!("<{what}> needs a `{name}` attribute"),
        )
    })?;
    match v.trim().parse::<u64>() {
        Ok(x) if x >= 1 || name == "max" => Ok(x),
        _ => Err(ferr(
            path,
            line,
            "bioxsd-attribute",
            format!("<{what}> attribute {name}=\"{v}\" is not a positive integer (positions are 1-based)"),
        )),
    }
}

fn parse_score(path: &str, line: u64, v: &str) -> Result<f64, Error> {
    match v.trim() {
        "NaN" => Ok(f64::NAN),
        "INF" => Ok(f64::INFINITY),
        "-INF" => Ok(f64::NEG_INFINITY),
        t => t.parse::<f64>().map_err(|_| {
            ferr(
                path,
                line,
                "bioxsd-value",
                format!("score value \"{v}\" is not a number (xs:double; NaN = missing)"),
            )
        }),
    }
}

/// Build a value of `spec` from scores / text values.
fn make_value(
    path: &str,
    line: u64,
    spec: ValueSpec,
    numbers: &[f64],
    texts: &[Option<String>],
    what: &str,
) -> Result<ValueBuf, Error> {
    let n = match spec.ty {
        ValueType::Number | ValueType::Binary => numbers.len(),
        _ => texts.len(),
    };
    let wrong_kind = match spec.ty {
        ValueType::Number | ValueType::Binary => !texts.is_empty(),
        _ => !numbers.is_empty(),
    };
    if wrong_kind {
        return Err(ferr(
            path,
            line,
            "bioxsd-value",
            format!(
                "{what}: {} values are written as {}",
                spec.ty,
                if matches!(spec.ty, ValueType::Number | ValueType::Binary) {
                    "<bx:score value=..>"
                } else {
                    "<gt:value>"
                }
            ),
        ));
    }
    let ok = match spec.dim {
        Dimension::Scalar => n == 1,
        Dimension::Pair => n == 2,
        Dimension::Vector | Dimension::List => true,
    };
    if !ok {
        return Err(ferr(
            path,
            line,
            "bioxsd-value",
            format!(
                "{what} has {n} value element(s), but the track's values are {} {}",
                spec.ty, spec.dim
            ),
        ));
    }
    Ok(match spec.ty {
        ValueType::Number => ValueBuf::Number(numbers.to_vec()),
        ValueType::Binary => {
            let mut v = Vec::with_capacity(n);
            for &x in numbers {
                v.push(if x.is_nan() {
                    -1
                } else if x == 0.0 || x == 1.0 {
                    x as i8
                } else {
                    return Err(ferr(
                        path,
                        line,
                        "bioxsd-value",
                        format!("{what}: binary value {x} is not 0 or 1"),
                    ));
                });
            }
            ValueBuf::Binary(v)
        }
        ValueType::Character => {
            let mut v = Vec::with_capacity(n);
            for t in texts {
                v.push(match t {
                    None => None,
                    Some(s) if s.len() == 1 => Some(s.as_bytes()[0]),
                    Some(s) => {
                        return Err(ferr(
                            path,
                            line,
                            "bioxsd-value",
                            format!("{what}: character value \"{s}\" is not one character"),
                        ))
                    }
                });
            }
            ValueBuf::Character(v)
        }
        ValueType::Category => ValueBuf::Category(texts.to_vec()),
    })
}

fn spec_attr(
    path: &str,
    line: u64,
    e: &BytesStart,
    ty: &str,
    dim: &str,
) -> Result<Option<ValueSpec>, Error> {
    let t = attr(path, line, e, ty)?;
    let d = attr(path, line, e, dim)?;
    match (t, d) {
        (None, None) => Ok(None),
        (t, d) => {
            let t: ValueType = t
                .as_deref()
                .unwrap_or("number")
                .parse()
                .map_err(|m: String| ferr(path, line, "bioxsd-root", m))?;
            let d: Dimension = d
                .as_deref()
                .unwrap_or("scalar")
                .parse()
                .map_err(|m: String| ferr(path, line, "bioxsd-root", m))?;
            Ok(Some(ValueSpec::new(t, d)))
        }
    }
}

/// Import a BioXSD document written by [`write`](fn@write).
///
/// # Errors
/// A [`FormatError`](crate::error::FormatError) with the line of the offending element; rule ids in
/// [`RULES`].
pub fn read<R: BufRead>(
    mut input: R,
    path: &str,
    _format: Format,
    _opts: &ReadOptions,
) -> Result<Track, Error> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = 1 + memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count() as u64;
        ferr(
            path,
            line,
            "bioxsd-xml",
            "the document is not UTF-8; BioXSD export is UTF-8",
        )
    })?;
    read_str(text, path)
}

/// Import a BioXSD document from a string.
pub fn read_str(text: &str, path: &str) -> Result<Track, Error> {
    let mut rd = quick_xml::Reader::from_str(text);
    rd.config_mut().expand_empty_elements = true;
    let mut lines = LineIndex {
        text: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    let mut stack: Vec<String> = Vec::new();
    let mut track: Option<Track> = None;
    let mut rec: Option<Rec> = None;
    let mut occ: Option<Occ> = None;
    let mut textbuf = String::new();
    let mut text_target: Option<(String, Option<String>)> = None; // (element, key/name)
    let mut edge_weights = false;
    let mut in_edge_target = false;
    let mut root_seen = false;
    loop {
        let at = rd.buffer_position() as usize;
        let ev = rd.read_event();
        let line = lines.line_at(at + leading_ws(&text.as_bytes()[at.min(text.len())..]));
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                let l = lines.line_at(rd.error_position() as usize);
                return Err(ferr(
                    path,
                    l,
                    "bioxsd-xml",
                    format!("the document is not well-formed XML: {e}"),
                ));
            }
        };
        match ev {
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(ferr(
                        path,
                        line,
                        "bioxsd-xml",
                        format!(
                            "the document ends inside <{open}>: it is truncated; export it again"
                        ),
                    ));
                }
                break;
            }
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let parent = stack.last().map(String::as_str).unwrap_or("");
                let unexpected = |p: &str| {
                    ferr(path, line, "bioxsd-element", format!("unexpected <{name}> inside <{p}>; this reader imports the layout gtrack exports"))
                };
                match (parent, name.as_str()) {
                    ("", "track") => {
                        if root_seen {
                            return Err(unexpected(""));
                        }
                        root_seen = true;
                        let tt: TrackType = attr(path, line, &e, "trackType")?
                            .ok_or_else(|| {
                                ferr(
                                    path,
                                    line,
                                    "bioxsd-root",
                                    "<gt:track> needs a trackType attribute",
                                )
                            })?
                            .parse()
                            .map_err(|x: gtrack_core::UnknownTrackType| {
                                ferr(path, line, "bioxsd-root", x.to_string())
                            })?;
                        let mut schema = TrackSchema::new(tt);
                        let v = spec_attr(path, line, &e, "valueType", "valueDimension")?;
                        if tt.is_valued() {
                            schema.value = Some(v.unwrap_or_default());
                        } else if v.is_some() {
                            return Err(ferr(
                                path,
                                line,
                                "bioxsd-root",
                                format!("a {tt} track has no values, but valueType is given"),
                            ));
                        }
                        if tt.is_linked() {
                            let w =
                                spec_attr(path, line, &e, "edgeWeightType", "edgeWeightDimension")?;
                            let und =
                                attr(path, line, &e, "undirected")?.as_deref() == Some("true");
                            schema.edges = Some(EdgeSpec {
                                undirected: und,
                                weights: w,
                            });
                        }
                        let flag = |n: &str| -> Result<bool, Error> {
                            match attr(path, line, &e, n)?.as_deref() {
                                None | Some("false") => Ok(false),
                                Some("true") => Ok(true),
                                Some(x) => Err(ferr(
                                    path,
                                    line,
                                    "bioxsd-root",
                                    format!("{n}=\"{x}\" is not true or false"),
                                )),
                            }
                        };
                        schema.columns.strand = flag("strand")?;
                        schema.columns.id = flag("id")? || tt.is_linked();
                        track = Some(Track::new(schema));
                    }
                    ("", _) => {
                        return Err(ferr(path, line, "bioxsd-root", format!("the root element is <{name}>, not <gt:track>; this reader imports the layout gtrack exports")));
                    }
                    ("track", "column") => {
                        let n = attr(path, line, &e, "name")?.ok_or_else(|| {
                            ferr(path, line, "bioxsd-attribute", "<gt:column> needs a name")
                        })?;
                        let t = track.as_mut().expect("root read");
                        if !t.seqs.is_empty() {
                            return Err(ferr(
                                path,
                                line,
                                "bioxsd-element",
                                "<gt:column> must come before the records",
                            ));
                        }
                        t.schema.columns.extra.push(n);
                    }
                    ("track", "metadata") => {
                        let k = attr(path, line, &e, "key")?.ok_or_else(|| {
                            ferr(path, line, "bioxsd-attribute", "<gt:metadata> needs a key")
                        })?;
                        text_target = Some(("metadata".into(), Some(k)));
                        textbuf.clear();
                    }
                    ("track", "genomeRegion") => {
                        let g = attr(path, line, &e, "genome")?.ok_or_else(|| {
                            ferr(
                                path,
                                line,
                                "bioxsd-attribute",
                                "<gt:genomeRegion> needs a genome",
                            )
                        })?;
                        track
                            .as_mut()
                            .expect("root")
                            .regions
                            .push(BoundingRegion::genome(g));
                    }
                    ("track", "FeatureRecord") => {
                        rec = Some(Rec {
                            genome: None,
                            seqid: None,
                            sub: None,
                            line,
                            region_added: false,
                            seq: None,
                            first: 0,
                        });
                    }
                    ("FeatureRecord", "referenceSequence") => {}
                    ("referenceSequence", "genomeBuild") | ("referenceSequence", "chromosome") => {
                        text_target = Some((name.clone(), None));
                        textbuf.clear();
                    }
                    ("referenceSequence", "subsequencePosition") => {}
                    ("subsequencePosition", "segment") => {
                        let min = req_u64(path, line, &e, "min", "bx:segment")?;
                        let max = match attr(path, line, &e, "max")? {
                            None => None,
                            Some(_) => Some(req_u64(path, line, &e, "max", "bx:segment")?),
                        };
                        rec.as_mut().expect("in record").sub = Some((min - 1, max));
                    }
                    ("FeatureRecord", "annotation")
                    | ("FeatureRecord", "blockWithOccurrenceReferences")
                    | ("blockWithOccurrenceReferences", "annotation") => {
                        open_record(
                            path,
                            line,
                            track.as_mut().expect("root"),
                            rec.as_mut().ok_or_else(|| unexpected(parent))?,
                        )?;
                    }
                    ("annotation", "feature") => {}
                    ("feature", "name") => {
                        text_target = Some(("ignore".into(), None));
                        textbuf.clear();
                    }
                    ("annotation", "occurrence") => {
                        occ = Some(Occ {
                            id: attr(path, line, &e, "localId")?,
                            line,
                            ..Default::default()
                        });
                    }
                    ("occurrence", "appliesToWholeSequence") => {
                        occ.as_mut().expect("occ").whole = true
                    }
                    ("occurrence", "position") | ("score", "position") => {}
                    ("position", "segment")
                    | ("position", "point")
                    | ("position", "nextPartition") => {
                        let o = occ.as_mut().expect("occ");
                        let base = rec.as_ref().and_then(|r| r.sub).map_or(0, |s| s.0);
                        let in_score = stack.len() >= 2 && stack[stack.len() - 2] == "score";
                        if o.pos.is_some() && !in_score {
                            return Err(ferr(path, line, "bioxsd-position", "an occurrence has more than one position; write one element per occurrence"));
                        }
                        let st = match attr(path, line, &e, "strand")? {
                            None => Strand::Unknown,
                            Some(s) => Strand::from_symbol(s.as_bytes()).ok_or_else(|| {
                                ferr(
                                    path,
                                    line,
                                    "bioxsd-attribute",
                                    format!("strand=\"{s}\" is not +, - or ."),
                                )
                            })?,
                        };
                        let p = match name.as_str() {
                            "segment" => {
                                let min = req_u64(path, line, &e, "min", "bx:segment")?;
                                let max = req_u64(path, line, &e, "max", "bx:segment")?;
                                (base + min - 1, base + max)
                            }
                            "point" => {
                                let pos = req_u64(path, line, &e, "pos", "bx:point")?;
                                (base + pos - 1, base + pos)
                            }
                            _ => {
                                let max = req_u64(path, line, &e, "max", "bx:nextPartition")?;
                                o.partition_max = Some(base + max);
                                (u64::MAX, base + max)
                            }
                        };
                        if in_score {
                            // compact step function: partition of one score
                            o.edges.push((String::new(), vec![p.1 as f64], Vec::new()));
                        } else {
                            o.pos = Some(p);
                            o.strand = st;
                        }
                    }
                    ("occurrence", "score") | ("associatedFeatureOccurrence", "score") => {
                        let v = attr(path, line, &e, "value")?.ok_or_else(|| {
                            ferr(
                                path,
                                line,
                                "bioxsd-attribute",
                                "<bx:score> needs a value attribute",
                            )
                        })?;
                        let x = parse_score(path, line, &v)?;
                        let o = occ.as_mut().expect("occ");
                        if parent == "occurrence" {
                            o.numbers.push(x);
                        } else {
                            o.edges.last_mut().expect("edge").1.push(x);
                        }
                    }
                    ("occurrence", "value") | ("associatedFeatureOccurrence", "value") => {
                        let missing = attr(path, line, &e, "missing")?.as_deref() == Some("true");
                        in_edge_target = parent == "associatedFeatureOccurrence";
                        if missing {
                            let o = occ.as_mut().expect("occ");
                            if in_edge_target {
                                o.edges.last_mut().expect("edge").2.push(None);
                            } else {
                                o.texts.push(None);
                            }
                            text_target = Some(("missing".into(), None));
                        } else {
                            text_target = Some(("value".into(), None));
                        }
                        textbuf.clear();
                    }
                    ("occurrence", "extra") => {
                        let n = attr(path, line, &e, "name")?.ok_or_else(|| {
                            ferr(path, line, "bioxsd-attribute", "<gt:extra> needs a name")
                        })?;
                        text_target = Some(("extra".into(), Some(n)));
                        textbuf.clear();
                    }
                    ("occurrence", "association") => {
                        let t = track.as_ref().expect("root");
                        if !t.track_type().is_linked() {
                            return Err(ferr(
                                path,
                                line,
                                "bioxsd-edge",
                                format!(
                                    "<bx:association> in a {} track; only linked tracks have edges",
                                    t.track_type()
                                ),
                            ));
                        }
                    }
                    ("association", "relationName") => {
                        text_target = Some(("relationName".into(), None));
                        textbuf.clear();
                    }
                    ("association", "associatedFeatureOccurrence") => {
                        let target = attr(path, line, &e, "localIdRef")?.ok_or_else(|| {
                            ferr(
                                path,
                                line,
                                "bioxsd-attribute",
                                "<bx:associatedFeatureOccurrence> needs localIdRef",
                            )
                        })?;
                        occ.as_mut()
                            .expect("occ")
                            .edges
                            .push((target, Vec::new(), Vec::new()));
                        edge_weights = true;
                    }
                    (p, _) => return Err(unexpected(p)),
                }
                stack.push(name);
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                let parent = stack.last().map(String::as_str).unwrap_or("");
                if let Some((kind, key)) = text_target.take() {
                    let t = std::mem::take(&mut textbuf);
                    match kind.as_str() {
                        "metadata" => track
                            .as_mut()
                            .expect("root")
                            .metadata
                            .push((key.unwrap_or_default(), t)),
                        "genomeBuild" => rec.as_mut().expect("rec").genome = Some(t),
                        "chromosome" => rec.as_mut().expect("rec").seqid = Some(t),
                        "value" => {
                            let o = occ.as_mut().expect("occ");
                            if in_edge_target {
                                o.edges.last_mut().expect("edge").2.push(Some(t));
                            } else {
                                o.texts.push(Some(t));
                            }
                        }
                        "extra" => {
                            occ.as_mut()
                                .expect("occ")
                                .extras
                                .insert(key.unwrap_or_default(), t);
                        }
                        "relationName" => {
                            let o = occ.as_mut().expect("occ");
                            if t != "directed" && t != "undirected" {
                                return Err(ferr(
                                    path,
                                    line,
                                    "bioxsd-edge",
                                    format!(
                                        "relation name \"{t}\" is not `directed` or `undirected`"
                                    ),
                                ));
                            }
                            o.relation = Some(t);
                        }
                        _ => {}
                    }
                }
                match (parent, name.as_str()) {
                    ("annotation", "occurrence") => {
                        let o = occ.take().expect("occ");
                        push_occurrence(
                            path,
                            track.as_mut().expect("root"),
                            rec.as_mut().expect("rec"),
                            o,
                        )?;
                    }
                    ("track", "FeatureRecord") => {
                        let mut r = rec.take().expect("rec");
                        let t = track.as_mut().expect("root");
                        open_record(path, r.line, t, &mut r)?;
                        close_record(t, &r);
                    }
                    ("association", "associatedFeatureOccurrence") => edge_weights = false,
                    _ => {}
                }
                let _ = edge_weights;
            }
            Event::Text(t) => {
                let s = t
                    .unescape()
                    .map_err(|e| ferr(path, line, "bioxsd-xml", format!("bad text: {e}")))?;
                if text_target.is_some() {
                    textbuf.push_str(&s);
                } else if !s.trim().is_empty() {
                    return Err(ferr(
                        path,
                        line,
                        "bioxsd-element",
                        format!("unexpected text \"{}\"", s.trim()),
                    ));
                }
            }
            Event::CData(t) if text_target.is_some() => {
                textbuf.push_str(&String::from_utf8_lossy(&t));
            }
            _ => {}
        }
    }
    track.ok_or_else(|| {
        ferr(
            path,
            1,
            "bioxsd-root",
            "the document has no <gt:track> root element",
        )
    })
}

fn leading_ws(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_whitespace()).count()
}

/// Set up the sequence (and bounding region) of a record, once.
fn open_record(path: &str, line: u64, t: &mut Track, r: &mut Rec) -> Result<(), Error> {
    if r.seq.is_some() {
        return Ok(());
    }
    let seqid = r.seqid.clone().ok_or_else(|| {
        ferr(
            path,
            line,
            "bioxsd-element",
            "the record's <bx:referenceSequence> has no <bx:chromosome>",
        )
    })?;
    let si = t.seq_index(r.genome.as_deref(), &seqid);
    r.seq = Some(si);
    r.first = t.seqs[si].len();
    if let Some((s, e)) = r.sub {
        if !r.region_added {
            t.regions
                .push(BoundingRegion::sequence(r.genome.clone(), seqid, s, e));
            r.region_added = true;
        }
    }
    Ok(())
}

fn close_record(t: &mut Track, r: &Rec) {
    if r.region_added {
        let si = r.seq.expect("opened");
        let n = t.seqs[si].len();
        if let Some(reg) = t.regions.last_mut() {
            reg.block = Some((si, r.first..n));
        }
    }
}

fn push_occurrence(path: &str, t: &mut Track, r: &mut Rec, o: Occ) -> Result<(), Error> {
    let tt = t.track_type();
    let si = r.seq.expect("record opened before occurrences");
    let line = o.line;
    let region_start = r.sub.map(|s| s.0);
    if o.whole {
        // Compact F / SF: one score per element.
        let spec = t.schema.value.unwrap_or_default();
        if !matches!(tt, TrackType::Function | TrackType::StepFunction)
            || spec != ValueSpec::default()
        {
            return Err(ferr(path, line, "bioxsd-position", format!("<bx:appliesToWholeSequence> is used for function and step function tracks with number values, not {tt}")));
        }
        let start = region_start.ok_or_else(|| {
            ferr(
                path,
                line,
                "bioxsd-position",
                "a whole-sequence occurrence needs a <bx:subsequencePosition>",
            )
        })?;
        let mut prev = start;
        let mut parts = o.edges.iter();
        for &v in &o.numbers {
            let end = if tt == TrackType::StepFunction {
                let p = parts.next().ok_or_else(|| {
                    ferr(
                        path,
                        line,
                        "bioxsd-position",
                        "a step-function score needs a <bx:nextPartition> position",
                    )
                })?;
                p.1[0] as u64
            } else {
                prev + 1
            };
            t.push(
                si,
                prev,
                end,
                Some(&ValueBuf::number(v)),
                Strand::Unknown,
                None,
                &[],
                &[],
            );
            prev = end;
        }
        return Ok(());
    }
    let (mut s, e) = o.pos.ok_or_else(|| {
        ferr(
            path,
            line,
            "bioxsd-position",
            "an occurrence needs a <bx:position> (segment, point or nextPartition)",
        )
    })?;
    if o.partition_max.is_some() {
        if !tt.is_dense_interval() {
            return Err(ferr(
                path,
                line,
                "bioxsd-position",
                format!("<bx:nextPartition> is for partitions and step functions, not {tt}"),
            ));
        }
        let seq = &t.seqs[si];
        s = if seq.len() > r.first {
            seq.ends[seq.len() - 1]
        } else {
            region_start.unwrap_or(0)
        };
    }
    let value = match t.schema.value {
        Some(spec) => Some(make_value(
            path,
            line,
            spec,
            &o.numbers,
            &o.texts,
            "the occurrence",
        )?),
        None => {
            if !o.numbers.is_empty() || !o.texts.is_empty() {
                return Err(ferr(
                    path,
                    line,
                    "bioxsd-value",
                    format!("a {tt} track has no values, but the occurrence has scores"),
                ));
            }
            None
        }
    };
    let mut edges = Vec::with_capacity(o.edges.len());
    if !o.edges.is_empty() {
        let undirected = t.schema.edges.is_some_and(|e| e.undirected);
        let want = if undirected { "undirected" } else { "directed" };
        if o.relation.as_deref() != Some(want) {
            return Err(ferr(
                path,
                line,
                "bioxsd-edge",
                format!(
                    "the track's edges are {want}, but the association says {:?}",
                    o.relation.as_deref().unwrap_or("nothing")
                ),
            ));
        }
        let w = t.schema.edges.and_then(|e| e.weights);
        for (target, nums, texts) in &o.edges {
            let wv = match w {
                Some(spec) => Some(make_value(path, line, spec, nums, texts, "an edge weight")?),
                None => {
                    if !nums.is_empty() || !texts.is_empty() {
                        return Err(ferr(
                            path,
                            line,
                            "bioxsd-edge",
                            "the track's edges have no weights, but an association has a score",
                        ));
                    }
                    None
                }
            };
            if edges.iter().any(|(t, _)| t == target) {
                return Err(ferr(
                    path,
                    line,
                    "bioxsd-edge",
                    format!(
                        "two associations of one occurrence name `{target}`; an element links \
                         to another at most once (merge them)"
                    ),
                ));
            }
            edges.push((target.clone(), wv));
        }
    }
    let mut extras: Vec<&str> = Vec::with_capacity(t.schema.columns.extra.len());
    for name in &t.schema.columns.extra {
        extras.push(o.extras.get(name).map(String::as_str).unwrap_or(""));
    }
    if let Some(k) = o
        .extras
        .keys()
        .find(|k| !t.schema.columns.extra.contains(k))
    {
        return Err(ferr(
            path,
            line,
            "bioxsd-element",
            format!("<gt:extra name=\"{k}\"> names no declared <gt:column>"),
        ));
    }
    if tt.is_linked() && o.id.is_none() {
        return Err(ferr(
            path,
            line,
            "bioxsd-attribute",
            "an occurrence of a linked track needs a localId",
        ));
    }
    let e = if tt.has_lengths() { e } else { s + 1 };
    t.push(
        si,
        s,
        e,
        value.as_ref(),
        o.strand,
        o.id.as_deref(),
        &edges,
        &extras,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_specials() {
        for v in [0.1, -3e-7, 1e300, 25.0] {
            assert_eq!(parse_score("x", 1, &num(v)).unwrap(), v);
        }
        assert!(parse_score("x", 1, &num(f64::NAN)).unwrap().is_nan());
        assert_eq!(num(f64::NEG_INFINITY), "-INF");
    }

    #[test]
    fn line_index_counts_lines() {
        let t = b"a\nb\nc";
        let mut l = LineIndex {
            text: t,
            pos: 0,
            line: 1,
        };
        assert_eq!(l.line_at(0), 1);
        assert_eq!(l.line_at(4), 3);
        assert_eq!(l.line_at(2), 2);
    }
}
