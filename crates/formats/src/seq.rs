//! Sequence formats: FASTA (text), UCSC 2bit and nib (binary), and a
//! derived GC-content track.
//!
//! # Mapping
//!
//! All three map onto the bundled subtype `fasta.gtrack`: a **function**
//! track with a **character** value, one element per base (elements are
//! materialised: base `i` of a sequence is `[i, i+1)`), and one type-B
//! bounding region `[0, length)` per sequence, in file order. Case is kept:
//! soft-masked (lower-case) bases stay lower case, in FASTA as written, in
//! 2bit through its mask blocks, in nib through its mask bit.
//!
//! * FASTA: `>` header, sequence id = first word; the whole header line
//!   (without `>`) is kept in the metadata under the key `fasta header`
//!   when it holds more than the id. Any line width.
//! * 2bit: every sequence of the file; N blocks read as `N` (or `n` when
//!   masked).
//! * nib: one sequence; its id is the file name without directory and
//!   `.nib` extension.
//!
//! See `docs/formats/seq.md`.

use crate::error::ferr as err;
use std::collections::HashSet;
use std::io::{BufRead, Read, Write};

use gtrack_core::track::{Track, TrackSchema};
use gtrack_core::value::{ColumnData, Dimension, ValueBuf, ValueColumn, ValueSpec, ValueType};
use gtrack_core::{BoundingRegion, TrackType};

use crate::error::{Error, RuleInfo};
use crate::format::{Format, ReadOptions, WriteOptions};
use crate::io::Output;

/// Metadata key holding a FASTA header line (without `>`) that says more than the id.
pub const FASTA_HEADER_KEY: &str = "fasta header";

/// Rules this module checks.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "fasta-header",
        summary: "a FASTA record starts with `>id`; sequence lines come after a header",
    },
    RuleInfo {
        id: "fasta-duplicate",
        summary: "each sequence id appears in one FASTA header only",
    },
    RuleInfo {
        id: "fasta-character",
        summary: "sequence lines hold printable ASCII letters or symbols (no `>` inside, no control bytes)",
    },
    RuleInfo {
        id: "twobit-signature",
        summary: "a 2bit file starts with the signature 0x1A412743 (either byte order) and version 0 or 1",
    },
    RuleInfo {
        id: "twobit-truncated",
        summary: "the 2bit index, records and packed bases lie within the file",
    },
    RuleInfo {
        id: "twobit-blocks",
        summary: "2bit N and mask blocks lie within their sequence",
    },
    RuleInfo {
        id: "twobit-name",
        summary: "2bit sequence names are non-empty UTF-8 and unique",
    },
    RuleInfo {
        id: "nib-signature",
        summary: "a nib file starts with the signature 0x6BE93D3A (either byte order)",
    },
    RuleInfo {
        id: "nib-truncated",
        summary: "a nib file holds (size + 1) / 2 bytes of packed bases after its header",
    },
    RuleInfo {
        id: "nib-base",
        summary: "nib nibbles are 0-4 (T C A G N), optionally with the mask bit 8",
    },
];

fn char_spec() -> ValueSpec {
    ValueSpec::new(ValueType::Character, Dimension::Scalar)
}

fn new_track() -> Track {
    let mut schema = TrackSchema::new(TrackType::Function);
    schema.value = Some(char_spec());
    Track::new(schema)
}

/// Append one sequence (`bases` as bytes) with its region.
fn add_sequence(track: &mut Track, name: &str, bases: &[u8]) {
    let si = track.seq_index(None, name);
    let s = &mut track.seqs[si];
    let n0 = s.len();
    let len = bases.len() as u64;
    s.starts.extend(0..len);
    s.ends.extend(1..=len);
    if let Some(col) = &mut s.values {
        let mut b = ValueBuf::Character(vec![None]);
        for &c in bases {
            if let ValueBuf::Character(v) = &mut b {
                v[0] = Some(c);
            }
            col.push(&b);
        }
    }
    let mut r = BoundingRegion::sequence(None, name, 0, Some(len));
    r.block = Some((si, n0..n0 + bases.len()));
    track.regions.push(r);
}

/// Read FASTA from `input`.
///
/// # Errors
/// [`Error::Format`] naming file, line and rule; I/O errors.
pub fn read<R: BufRead>(
    mut input: R,
    path: &str,
    format: Format,
    opts: &ReadOptions,
) -> Result<Track, Error> {
    let _ = opts;
    if format != Format::Fasta {
        return Err(Error::Unsupported {
            target: format,
            reason: "2bit and nib are binary: read them from a file".into(),
        });
    }
    let mut track = new_track();
    let mut seen = HashSet::new();
    let mut name: Option<String> = None;
    let mut bases: Vec<u8> = Vec::new();
    let mut buf = Vec::new();
    let mut lineno = 0u64;
    loop {
        if !crate::text::read_line_into(&mut input, &mut buf).map_err(|e| Error::io(path, e))? {
            break;
        }
        lineno += 1;
        while matches!(buf.last(), Some(b'\r')) {
            buf.pop();
        }
        if let Some(h) = buf.strip_prefix(b">") {
            if let Some(prev) = name.take() {
                add_sequence(&mut track, &prev, &bases);
                bases.clear();
            }
            let h = std::str::from_utf8(h).map_err(|_| {
                err(
                    path,
                    lineno,
                    "fasta-header",
                    "the header is not valid UTF-8",
                )
            })?;
            let h = h.trim();
            let Some(id) = h.split_ascii_whitespace().next() else {
                return Err(err(
                    path,
                    lineno,
                    "fasta-header",
                    "empty header `>`: write the sequence id right after `>`",
                ));
            };
            if !seen.insert(id.to_string()) {
                return Err(err(
                    path,
                    lineno,
                    "fasta-duplicate",
                    format!("sequence `{id}` appears a second time; give each sequence its own id"),
                ));
            }
            if h != id {
                track
                    .metadata
                    .push((FASTA_HEADER_KEY.to_string(), h.to_string()));
            }
            name = Some(id.to_string());
            continue;
        }
        if buf.first() == Some(&b';') && name.is_none() {
            continue; // old-style comment before the first record
        }
        if buf.iter().all(|c| c.is_ascii_whitespace()) {
            continue;
        }
        if name.is_none() {
            return Err(err(
                path,
                lineno,
                "fasta-header",
                "sequence data before the first `>` header; start the file with `>id`",
            ));
        }
        for (k, &c) in buf.iter().enumerate() {
            match c {
                b' ' | b'\t' => {}
                0x21..=0x7e if c != b'>' => bases.push(c),
                _ => {
                    return Err(err(
                        path,
                        lineno,
                        "fasta-character",
                        format!(
                            "byte {} (0x{c:02X}) is not a sequence character; use IUPAC letters, `*` or `-`",
                            k + 1
                        ),
                    ))
                }
            }
        }
    }
    if let Some(prev) = name.take() {
        add_sequence(&mut track, &prev, &bases);
    }
    Ok(track)
}

// ---------------------------------------------------------------------------
// Binary formats
// ---------------------------------------------------------------------------

const TWOBIT_SIG: u32 = 0x1A41_2743;
const NIB_SIG: u32 = 0x6BE9_3D3A;

struct Bin<'a> {
    data: &'a [u8],
    swap: bool,
    path: &'a str,
    rule: &'static str,
}

impl Bin<'_> {
    fn u32(&self, at: u64, what: &str) -> Result<u32, Error> {
        let a = usize::try_from(at).unwrap_or(usize::MAX);
        let b = self
            .data
            .get(a..a.saturating_add(4))
            .ok_or_else(|| self.short(at, what))?;
        let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        Ok(if self.swap { v.swap_bytes() } else { v })
    }
    fn u64(&self, at: u64, what: &str) -> Result<u64, Error> {
        let lo = u64::from(self.u32(at, what)?);
        let hi = u64::from(self.u32(at + 4, what)?);
        Ok(if self.swap {
            (lo << 32) | hi
        } else {
            (hi << 32) | lo
        })
    }
    fn bytes(&self, at: u64, n: u64, what: &str) -> Result<&[u8], Error> {
        let a = usize::try_from(at).ok();
        let n = usize::try_from(n).ok();
        match (a, n) {
            (Some(a), Some(n)) if a.checked_add(n).is_some_and(|e| e <= self.data.len()) => {
                Ok(&self.data[a..a + n])
            }
            _ => Err(self.short(at, what)),
        }
    }
    fn short(&self, at: u64, what: &str) -> Error {
        err(
            self.path,
            0,
            self.rule,
            format!(
                "{what} at byte {at} lies beyond the end of the file ({} bytes); the file is truncated or corrupt",
                self.data.len()
            ),
        )
    }
}

fn read_file(path: &str) -> Result<Vec<u8>, Error> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut v = Vec::new();
    f.read_to_end(&mut v).map_err(|e| Error::io(path, e))?;
    Ok(v)
}

const TWOBIT_BASES: [u8; 4] = [b'T', b'C', b'A', b'G'];

/// Parse a 2bit file held in memory.
///
/// # Errors
/// [`Error::Format`] with line 0 and a byte offset in the message.
pub fn parse_twobit(data: &[u8], path: &str) -> Result<Track, Error> {
    let sig = |d: &[u8]| {
        d.get(0..4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let swap =
        match sig(data) {
            Some(TWOBIT_SIG) => false,
            Some(s) if s.swap_bytes() == TWOBIT_SIG => true,
            _ => return Err(err(
                path,
                0,
                "twobit-signature",
                "the file does not start with the 2bit signature 0x1A412743; is it a 2bit file?",
            )),
        };
    let b = Bin {
        data,
        swap,
        path,
        rule: "twobit-truncated",
    };
    let version = b.u32(4, "the version")?;
    if version > 1 {
        return Err(err(
            path,
            0,
            "twobit-signature",
            format!("2bit version {version} is not known (0 and 1 are)"),
        ));
    }
    let count = b.u32(8, "the sequence count")?;
    let mut at = 16u64;
    let mut index = Vec::new();
    let mut names = HashSet::new();
    for _ in 0..count {
        let nlen = u64::from(b.bytes(at, 1, "a name length")?[0]);
        let nb = b.bytes(at + 1, nlen, "a sequence name")?;
        let name = std::str::from_utf8(nb)
            .ok()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                err(
                    path,
                    0,
                    "twobit-name",
                    format!("the sequence name at byte {} is empty or not UTF-8", at + 1),
                )
            })?
            .to_string();
        if !names.insert(name.clone()) {
            return Err(err(
                path,
                0,
                "twobit-name",
                format!("sequence name `{name}` appears twice in the index"),
            ));
        }
        at += 1 + nlen;
        let off = if version == 1 {
            let o = b.u64(at, "a record offset")?;
            at += 8;
            o
        } else {
            let o = u64::from(b.u32(at, "a record offset")?);
            at += 4;
            o
        };
        index.push((name, off));
    }
    let mut track = new_track();
    for (name, off) in index {
        let size = u64::from(b.u32(off, "a sequence size")?);
        let mut p = off + 4;
        let blocks = |p: &mut u64, what: &str| -> Result<Vec<(u64, u64)>, Error> {
            let n = u64::from(b.u32(*p, what)?);
            let starts = *p + 4;
            let sizes = starts + 4 * n;
            b.bytes(starts, 8 * n, what)?;
            let v = (0..n)
                .map(|i| {
                    Ok((
                        u64::from(b.u32(starts + 4 * i, what)?),
                        u64::from(b.u32(sizes + 4 * i, what)?),
                    ))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            *p = sizes + 4 * n;
            for &(s, l) in &v {
                if s + l > size {
                    return Err(err(
                        path,
                        0,
                        "twobit-blocks",
                        format!(
                            "{what} [{s}, {}) of `{name}` lies beyond its length {size}",
                            s + l
                        ),
                    ));
                }
            }
            Ok(v)
        };
        let nblocks = blocks(&mut p, "an N block")?;
        let mblocks = blocks(&mut p, "a mask block")?;
        p += 4; // reserved
        let packed = b.bytes(p, size.div_ceil(4), "packed bases")?;
        let mut bases = Vec::with_capacity(size as usize);
        for i in 0..size as usize {
            let byte = packed[i / 4];
            let code = (byte >> (6 - 2 * (i % 4))) & 3;
            bases.push(TWOBIT_BASES[code as usize]);
        }
        for (s, l) in nblocks {
            bases[s as usize..(s + l) as usize].fill(b'N');
        }
        for (s, l) in mblocks {
            bases[s as usize..(s + l) as usize].make_ascii_lowercase();
        }
        add_sequence(&mut track, &name, &bases);
    }
    Ok(track)
}

/// Parse a nib file held in memory; the sequence is called `name`.
///
/// # Errors
/// [`Error::Format`] with line 0 and a byte offset in the message.
pub fn parse_nib(data: &[u8], path: &str, name: &str) -> Result<Track, Error> {
    let sig = data
        .get(0..4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let swap = match sig {
        Some(NIB_SIG) => false,
        Some(s) if s.swap_bytes() == NIB_SIG => true,
        _ => {
            return Err(err(
                path,
                0,
                "nib-signature",
                "the file does not start with the nib signature 0x6BE93D3A; is it a nib file?",
            ))
        }
    };
    let b = Bin {
        data,
        swap,
        path,
        rule: "nib-truncated",
    };
    let size = u64::from(b.u32(4, "the sequence size")?);
    let packed = b.bytes(8, size.div_ceil(2), "packed bases")?;
    let mut bases = Vec::with_capacity(size as usize);
    for i in 0..size as usize {
        let byte = packed[i / 2];
        let nib = if i % 2 == 0 { byte >> 4 } else { byte & 15 };
        let base = match nib & 7 {
            0 => b'T',
            1 => b'C',
            2 => b'A',
            3 => b'G',
            4 => b'N',
            _ => {
                return Err(err(
                    path,
                    0,
                    "nib-base",
                    format!(
                        "base {} (byte {}) has the code {nib}, which is not a nib base (0-4, +8 when masked)",
                        i + 1,
                        8 + i / 2
                    ),
                ))
            }
        };
        bases.push(if nib & 8 != 0 {
            base.to_ascii_lowercase()
        } else {
            base
        });
    }
    let mut track = new_track();
    add_sequence(&mut track, name, &bases);
    Ok(track)
}

/// The sequence id a nib file name gives (`dir/chr1.nib` → `chr1`).
pub fn nib_name(path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = file.to_ascii_lowercase();
    match lower.rfind(".nib") {
        Some(i) if i > 0 => file[..i].to_string(),
        _ => file.to_string(),
    }
}

/// Read a binary `format` (2bit or nib) from the file `path`.
///
/// # Errors
/// I/O errors; [`Error::Format`] for corrupt files.
pub fn read_path(path: &str, format: Format, opts: &ReadOptions) -> Result<Track, Error> {
    let _ = opts;
    let data = read_file(path)?;
    match format {
        Format::TwoBit => parse_twobit(&data, path),
        Format::Nib => parse_nib(&data, path, &nib_name(path)),
        Format::Fasta => read(&data[..], path, format, opts),
        other => Err(Error::Unsupported {
            target: other,
            reason: "the seq module reads FASTA, 2bit and nib only".into(),
        }),
    }
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// Sequence bytes of sequence `i` (missing → `N`).
fn bases_of(track: &Track, i: usize) -> Vec<u8> {
    let s = &track.seqs[i];
    match s.values.as_ref().map(|v| v.data()) {
        Some(ColumnData::Character(v)) => v.iter().map(|c| c.unwrap_or(b'N')).collect(),
        _ => Vec::new(),
    }
}

/// What writing `track` as `format` would lose (empty = lossless).
///
/// # Errors
/// [`Error::Unsupported`] unless the track is a scalar character track
/// whose elements cover each sequence base by base from position 0.
pub fn losses(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    let unsupported = |reason: String| Error::Unsupported {
        target: format,
        reason,
    };
    let tt = track.track_type();
    if !matches!(tt, TrackType::Function | TrackType::LinkedFunction)
        || track.schema.value != Some(char_spec())
    {
        return Err(unsupported(format!(
            "{} holds sequences: a function track with single-character values; this is a {} track{}",
            format.label(),
            tt,
            track
                .schema
                .value
                .map(|v| format!(" with {} {} values", v.ty, v.dim))
                .unwrap_or_default()
        )));
    }
    for s in &track.seqs {
        if !s.starts.iter().enumerate().all(|(i, &p)| p == i as u64) {
            return Err(unsupported(format!(
                "sequence `{}` does not start at position 0 or has gaps; {} stores whole sequences",
                s.seqid,
                format.label()
            )));
        }
    }
    let mut lost = Vec::new();
    if format == Format::Nib && track.seqs.len() != 1 {
        return Err(unsupported(format!(
            "nib holds one sequence, the track has {}; write 2bit or FASTA",
            track.seqs.len()
        )));
    }
    if tt.is_linked() {
        lost.push("edges".into());
    }
    let c = &track.schema.columns;
    if c.strand || c.id || !c.extra.is_empty() {
        lost.push("strand, id and extra columns".into());
    }
    if track.seqs.iter().any(|s| s.genome.is_some()) {
        lost.push("genome names of sequences".into());
    }
    let expected: Vec<BoundingRegion> = expected_regions(track);
    if !track.regions.is_empty() && track.regions != expected {
        lost.push("bounding regions other than whole sequences".into());
    }
    let mut missing = false;
    let mut other = false;
    for s in &track.seqs {
        if let Some(ColumnData::Character(v)) = s.values.as_ref().map(|v| v.data()) {
            for c in v {
                match c {
                    None => missing = true,
                    Some(b) if format != Format::Fasta && !b"ACGTNacgtn".contains(b) => {
                        other = true
                    }
                    Some(b)
                        if format == Format::Fasta && (!(0x21..0x7f).contains(b) || *b == b'>') =>
                    {
                        other = true
                    }
                    _ => {}
                }
            }
        }
    }
    if missing {
        lost.push("missing values (written as N)".into());
    }
    if other {
        lost.push(if format == Format::Fasta {
            "characters FASTA cannot hold (written as N)".into()
        } else {
            format!(
                "characters other than ACGTN (written as N in {})",
                format.label()
            )
        });
    }
    let meta: Vec<&str> = track
        .metadata
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !(format == Format::Fasta && *k == FASTA_HEADER_KEY))
        .collect();
    if !meta.is_empty() {
        lost.push(format!("metadata: {}", meta.join(", ")));
    }
    Ok(lost)
}

fn expected_regions(track: &Track) -> Vec<BoundingRegion> {
    track
        .seqs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut r = BoundingRegion::sequence(None, s.seqid.clone(), 0, Some(s.len() as u64));
            r.block = Some((i, 0..s.len()));
            r
        })
        .collect()
}

/// Write `track` as FASTA (60 bases per line).
///
/// # Errors
/// [`Error::Unsupported`] for tracks FASTA cannot hold; I/O errors.
pub fn write<W: Write>(
    track: &Track,
    mut out: W,
    format: Format,
    opts: &WriteOptions,
) -> Result<(), Error> {
    let _ = opts;
    losses(track, format)?;
    if format != Format::Fasta {
        return Err(Error::Unsupported {
            target: format,
            reason: "2bit and nib are binary: write them to a file".into(),
        });
    }
    let io = |e| Error::io("-", e);
    let mut buf = Vec::with_capacity(1 << 16);
    for i in 0..track.seqs.len() {
        let s = &track.seqs[i];
        let header = track
            .metadata
            .iter()
            .filter(|(k, _)| k == FASTA_HEADER_KEY)
            .map(|(_, v)| v)
            .find(|v| v.split_ascii_whitespace().next() == Some(s.seqid.as_str()));
        buf.push(b'>');
        buf.extend_from_slice(header.unwrap_or(&s.seqid).as_bytes());
        buf.push(b'\n');
        let mut bases = bases_of(track, i);
        for c in &mut bases {
            if !(0x21..0x7f).contains(c) || *c == b'>' {
                *c = b'N';
            }
        }
        for line in bases.chunks(60) {
            buf.extend_from_slice(line);
            buf.push(b'\n');
            if buf.len() > 1 << 16 {
                out.write_all(&buf).map_err(io)?;
                buf.clear();
            }
        }
    }
    out.write_all(&buf).map_err(io)?;
    out.flush().map_err(io)
}

/// Runs `[start, end)` of positions where `pred` holds.
fn runs(bases: &[u8], pred: impl Fn(u8) -> bool) -> Vec<(u32, u32)> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < bases.len() {
        if pred(bases[i]) {
            let s = i;
            while i < bases.len() && pred(bases[i]) {
                i += 1;
            }
            v.push((s as u32, (i - s) as u32));
        } else {
            i += 1;
        }
    }
    v
}

/// Encode `track` as a 2bit file (version 0, or 1 when offsets exceed 4 GiB).
///
/// # Errors
/// [`Error::Unsupported`] for tracks 2bit cannot hold.
pub fn encode_twobit(track: &Track) -> Result<Vec<u8>, Error> {
    losses(track, Format::TwoBit)?;
    let seqs: Vec<Vec<u8>> = (0..track.seqs.len()).map(|i| bases_of(track, i)).collect();
    if seqs.iter().any(|s| s.len() > u32::MAX as usize) {
        return Err(Error::Unsupported {
            target: Format::TwoBit,
            reason: "a sequence is longer than 2^32-1 bases".into(),
        });
    }
    let mut records = Vec::new();
    for s in &seqs {
        let n = runs(s, |c| !b"ACGTacgt".contains(&c));
        let m = runs(s, |c| c.is_ascii_lowercase());
        let mut r = Vec::new();
        let p32 = |r: &mut Vec<u8>, x: u32| r.extend_from_slice(&x.to_le_bytes());
        p32(&mut r, s.len() as u32);
        for blocks in [&n, &m] {
            p32(&mut r, blocks.len() as u32);
            for &(st, _) in blocks {
                p32(&mut r, st);
            }
            for &(_, l) in blocks {
                p32(&mut r, l);
            }
        }
        p32(&mut r, 0);
        for chunk in s.chunks(4) {
            let mut byte = 0u8;
            for (k, &c) in chunk.iter().enumerate() {
                let code = match c.to_ascii_uppercase() {
                    b'T' => 0,
                    b'C' => 1,
                    b'A' => 2,
                    b'G' => 3,
                    _ => 0,
                };
                byte |= code << (6 - 2 * k);
            }
            r.push(byte);
        }
        records.push(r);
    }
    let index_len: usize = track.seqs.iter().map(|s| 1 + s.seqid.len() + 4).sum();
    let total: usize = 16 + index_len + records.iter().map(Vec::len).sum::<usize>();
    let v1 = total > u32::MAX as usize;
    let index_len = index_len + if v1 { 4 * track.seqs.len() } else { 0 };
    let mut out = Vec::with_capacity(total + 64);
    out.extend_from_slice(&TWOBIT_SIG.to_le_bytes());
    out.extend_from_slice(&u32::from(v1).to_le_bytes());
    out.extend_from_slice(&(track.seqs.len() as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    let mut off = (16 + index_len) as u64;
    for (s, r) in track.seqs.iter().zip(&records) {
        if s.seqid.is_empty() || s.seqid.len() > 255 {
            return Err(Error::Unsupported {
                target: Format::TwoBit,
                reason: format!("sequence name `{}` must be 1-255 bytes", s.seqid),
            });
        }
        out.push(s.seqid.len() as u8);
        out.extend_from_slice(s.seqid.as_bytes());
        if v1 {
            out.extend_from_slice(&off.to_le_bytes());
        } else {
            out.extend_from_slice(&(off as u32).to_le_bytes());
        }
        off += r.len() as u64;
    }
    for r in records {
        out.extend_from_slice(&r);
    }
    Ok(out)
}

/// Encode the single sequence of `track` as a nib file.
///
/// # Errors
/// [`Error::Unsupported`] for tracks nib cannot hold.
pub fn encode_nib(track: &Track) -> Result<Vec<u8>, Error> {
    losses(track, Format::Nib)?;
    let s = bases_of(track, 0);
    if s.len() > u32::MAX as usize {
        return Err(Error::Unsupported {
            target: Format::Nib,
            reason: "the sequence is longer than 2^32-1 bases".into(),
        });
    }
    let mut out = Vec::with_capacity(8 + s.len().div_ceil(2));
    out.extend_from_slice(&NIB_SIG.to_le_bytes());
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    for pair in s.chunks(2) {
        let code = |c: u8| -> u8 {
            let base = match c.to_ascii_uppercase() {
                b'T' => 0,
                b'C' => 1,
                b'A' => 2,
                b'G' => 3,
                _ => 4,
            };
            base | if c.is_ascii_lowercase() { 8 } else { 0 }
        };
        let hi = code(pair[0]);
        let lo = pair.get(1).map_or(0, |&c| code(c));
        out.push((hi << 4) | lo);
    }
    Ok(out)
}

/// Write `track` as a binary `format` (2bit or nib) to `path`, atomically.
///
/// For nib, the sequence id is not stored: it comes back from the file
/// name, so name the file `<seqid>.nib`.
///
/// # Errors
/// [`Error::Unsupported`] for tracks the format cannot hold; I/O errors.
pub fn write_path(
    track: &Track,
    path: &str,
    format: Format,
    opts: &WriteOptions,
) -> Result<(), Error> {
    let bytes = match format {
        Format::TwoBit => encode_twobit(track)?,
        Format::Nib => encode_nib(track)?,
        Format::Fasta => {
            let mut v = Vec::new();
            write(track, &mut v, format, opts)?;
            v
        }
        other => {
            return Err(Error::Unsupported {
                target: other,
                reason: "the seq module writes FASTA, 2bit and nib only".into(),
            })
        }
    };
    let mut out = Output::create(path).map_err(|e| Error::io(path, e))?;
    out.write_all(&bytes).map_err(|e| Error::io(path, e))?;
    out.commit().map_err(|e| Error::io(path, e))
}

// ---------------------------------------------------------------------------
// GC content
// ---------------------------------------------------------------------------

/// GC content of a sequence track.
///
/// Each element of `track` is taken as one base (its value a character;
/// G, C, S count as GC, A, T, U, W as AT, in either case; anything else,
/// such as N, counts as neither).
///
/// * `window <= 1`: a **function** track with one number per base: 1 for
///   GC, 0 for AT, NaN (missing) otherwise; same positions and regions.
/// * `window > 1`: a **step function**: each bounding region of `track`
///   (each sequence's `[first start, last end)` when it has none) is cut
///   into windows of `window` bp from its start (the last one may be
///   shorter); the value is GC / (GC + AT) over the bases of the window,
///   NaN when the window holds no A, C, G or T.
///
/// Tracks without character values give NaN everywhere.
pub fn gc_content(track: &Track, window: u64) -> Track {
    let class = |c: Option<u8>| -> f64 {
        match c.map(|c| c.to_ascii_uppercase()) {
            Some(b'G' | b'C' | b'S') => 1.0,
            Some(b'A' | b'T' | b'U' | b'W') => 0.0,
            _ => f64::NAN,
        }
    };
    let chars = |si: usize, i: usize| -> Option<u8> {
        match track.seqs[si].values.as_ref().map(ValueColumn::data) {
            Some(ColumnData::Character(v)) => v[i],
            _ => None,
        }
    };
    let mut schema = TrackSchema::new(if window <= 1 {
        TrackType::Function
    } else {
        TrackType::StepFunction
    });
    schema.value = Some(ValueSpec::new(ValueType::Number, Dimension::Scalar));
    let mut out = Track::new(schema);
    out.metadata = Vec::new();
    let mut b = ValueBuf::number(0.0);
    let set = |b: &mut ValueBuf, x: f64| {
        if let ValueBuf::Number(v) = b {
            v[0] = x;
        }
    };
    // Domains: (seq index, region start, region end, element range).
    let domains: Vec<(usize, BoundingRegion, std::ops::Range<usize>)> = if track.regions.is_empty()
    {
        track
            .seqs
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_empty())
            .map(|(i, s)| {
                let r = BoundingRegion::sequence(
                    s.genome.clone(),
                    s.seqid.clone(),
                    s.starts[0],
                    s.ends.last().copied(),
                );
                (i, r, 0..s.len())
            })
            .collect()
    } else {
        track
            .regions
            .iter()
            .filter_map(|r| {
                let (si, range) = r.block.clone()?;
                Some((si, r.clone(), range))
            })
            .collect()
    };
    for (si, r, range) in domains {
        let s = &track.seqs[si];
        let oi = out.seq_index(s.genome.as_deref(), &s.seqid);
        let n0 = out.seqs[oi].len();
        if window <= 1 {
            for i in range {
                let x = class(chars(si, i));
                set(&mut b, x);
                let o = &mut out.seqs[oi];
                o.starts.push(s.starts[i]);
                o.ends.push(s.ends[i]);
                if let Some(c) = &mut o.values {
                    c.push(&b);
                }
            }
        } else {
            let end = r
                .end
                .unwrap_or_else(|| range.clone().map(|i| s.ends[i]).max().unwrap_or(r.start));
            let mut ws = r.start;
            let mut i = range.start;
            while ws < end {
                let we = ws.saturating_add(window).min(end);
                let (mut gc, mut at) = (0u64, 0u64);
                while i < range.end && s.starts[i] < we {
                    let x = class(chars(si, i));
                    if x == 1.0 {
                        gc += 1;
                    } else if x == 0.0 {
                        at += 1;
                    }
                    i += 1;
                }
                let x = if gc + at == 0 {
                    f64::NAN
                } else {
                    gc as f64 / (gc + at) as f64
                };
                set(&mut b, x);
                let o = &mut out.seqs[oi];
                o.starts.push(ws);
                o.ends.push(we);
                if let Some(c) = &mut o.values {
                    c.push(&b);
                }
                ws = we;
            }
        }
        let n1 = out.seqs[oi].len();
        if !track.regions.is_empty() || window > 1 {
            let mut nr = r.clone();
            nr.block = Some((oi, n0..n1));
            if track.regions.is_empty() {
                nr.end = out.seqs[oi].ends.last().copied();
            }
            out.regions.push(nr);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nib_names() {
        assert_eq!(nib_name("/a/b/chr1.nib"), "chr1");
        assert_eq!(nib_name("chrM.NIB"), "chrM");
        assert_eq!(nib_name("x"), "x");
    }

    #[test]
    fn twobit_and_nib_round_trip_in_memory() {
        let t = read(
            &b">s1\nACGTNnacgtRA\n>s2\nGG\n"[..],
            "m",
            Format::Fasta,
            &ReadOptions::default(),
        )
        .unwrap();
        // R is not ACGTN: lossy in 2bit.
        assert_eq!(losses(&t, Format::TwoBit).unwrap().len(), 1);
        let bytes = encode_twobit(&t).unwrap();
        let back = parse_twobit(&bytes, "m.2bit").unwrap();
        assert_eq!(bases_of(&back, 0), b"ACGTNnacgtNA");
        assert_eq!(bases_of(&back, 1), b"GG");
        let one = read(
            &b">s\nACGTNnacgtA\n"[..],
            "m",
            Format::Fasta,
            &ReadOptions::default(),
        )
        .unwrap();
        let nib = encode_nib(&one).unwrap();
        let back = parse_nib(&nib, "s.nib", "s").unwrap();
        assert!(back.same(&one));
    }
}
