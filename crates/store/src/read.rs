//! Reading a stored track: memory-mapped columns per sequence, region
//! views through the index, and conversion back to the in-memory model.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gtrack_core::{
    BoundingRegion, ColumnData, Dictionary, Dimension, RegionKind, SeqElements, Strand, Track,
    TrackSchema, TrackType, ValueBuf, ValueColumn, ValueSpec, ValueType,
};

use crate::column::{cast, Mapped, MISSING_STR};
use crate::error::{Error, Result};
use crate::manifest::{Manifest, MANIFEST};

/// How much to check when opening columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verify {
    /// Verify every column file's checksum the first time it is mapped
    /// (the default).
    #[default]
    Checksums,
    /// Skip checksums (`--trust`); sizes and structure are still checked,
    /// so damage cannot cause a crash, but it can go unnoticed.
    Trust,
}

/// A string column: offsets + bytes.
#[derive(Debug)]
struct Strings {
    off: Mapped,
    bytes: Mapped,
}

/// A value column: flat items + offsets for non-scalars.
#[derive(Debug)]
struct Values {
    spec: ValueSpec,
    data: Mapped,
    off: Option<Mapped>,
}

/// The mapped columns of one sequence.
#[derive(Debug)]
pub struct SeqData {
    count: usize,
    start: Option<Mapped>,
    end: Option<Mapped>,
    maxend: Option<Mapped>,
    value: Option<Values>,
    strand: Option<Mapped>,
    id: Option<Strings>,
    extras: Vec<Strings>,
    edges_off: Option<Mapped>,
    targets: Option<Strings>,
    weight: Option<Values>,
}

/// A track in a store, opened for reading.
#[derive(Debug)]
pub struct StoredTrack {
    dir: PathBuf,
    manifest: Manifest,
    schema: TrackSchema,
    verify: Verify,
    value_dict: Vec<String>,
    weight_dict: Vec<String>,
    seqs: Vec<OnceLock<SeqData>>,
    /// Sequence name → index into the manifest's sequences (first match).
    seq_by_name: HashMap<String, usize>,
    /// Sequence name → length, from the genome and the sequences.
    lengths: HashMap<String, u64>,
}

impl StoredTrack {
    /// Open the track stored in `dir` (which holds `manifest.json`).
    pub fn open(dir: &Path, verify: Verify) -> Result<StoredTrack> {
        let manifest = Manifest::load(&dir.join(MANIFEST))?;
        let schema = manifest.schema(&dir.join(MANIFEST))?;
        let mut t = StoredTrack {
            dir: dir.to_path_buf(),
            seqs: manifest.seqs.iter().map(|_| OnceLock::new()).collect(),
            manifest,
            schema,
            verify,
            value_dict: Vec::new(),
            weight_dict: Vec::new(),
            seq_by_name: HashMap::new(),
            lengths: HashMap::new(),
        };
        // Lookups by name run once per query region: index them once.
        for (i, e) in t.manifest.seqs.iter().enumerate().rev() {
            t.seq_by_name.insert(e.seqid.clone(), i);
            if let Some(l) = e.length {
                t.lengths.insert(e.seqid.clone(), l);
            }
        }
        for (n, l) in &t.manifest.genome_sizes {
            t.lengths.insert(n.clone(), *l);
        }
        t.value_dict = t.load_dict("value.dict")?;
        t.weight_dict = t.load_dict("weight.dict")?;
        Ok(t)
    }

    fn load_dict(&self, name: &str) -> Result<Vec<String>> {
        let off = format!("{name}.off.u64");
        if !self.manifest.files.contains_key(&off) {
            return Ok(Vec::new());
        }
        let s = self.strings(&self.dir, &self.manifest.files, name, None)?;
        let n = s
            .off
            .slice::<u64>(&self.manifest.name)?
            .len()
            .saturating_sub(1);
        (0..n)
            .map(|i| {
                string_at(&s, i).map(str::to_string).ok_or_else(|| {
                    self.corrupt(s.bytes.path(), "a category is missing or not UTF-8".into())
                })
            })
            .collect()
    }

    /// Whether to run the O(n) structure checks (sorted starts, monotone
    /// offsets, codes inside the dictionary). They run with checksums,
    /// whose cost they are small next to; with `--trust` only O(1) size
    /// checks run, and every access stays bounds-checked (damage can give
    /// wrong answers then, never a crash).
    fn deep(&self) -> bool {
        self.verify == Verify::Checksums
    }

    fn corrupt(&self, path: &Path, what: String) -> Error {
        Error::Corrupt {
            path: path.to_path_buf(),
            track: self.manifest.name.clone(),
            what,
        }
    }

    fn map(
        &self,
        dir: &Path,
        files: &std::collections::BTreeMap<String, crate::manifest::FileEntry>,
        name: &str,
    ) -> Result<Option<Mapped>> {
        match files.get(name) {
            None => Ok(None),
            Some(e) => Mapped::open(
                dir.join(name),
                e,
                self.verify == Verify::Trust,
                &self.manifest.name,
            )
            .map(Some),
        }
    }

    fn need(
        &self,
        dir: &Path,
        files: &std::collections::BTreeMap<String, crate::manifest::FileEntry>,
        name: &str,
    ) -> Result<Mapped> {
        self.map(dir, files, name)?.ok_or_else(|| {
            self.corrupt(
                &dir.join(MANIFEST),
                format!("the manifest lists no column file `{name}`"),
            )
        })
    }

    /// Map a string column and check its offsets: `rows + 1` of them (when
    /// `rows` is given), non-decreasing, ending at the byte count.
    fn strings(
        &self,
        dir: &Path,
        files: &std::collections::BTreeMap<String, crate::manifest::FileEntry>,
        name: &str,
        rows: Option<usize>,
    ) -> Result<Strings> {
        let off = self.need(dir, files, &format!("{name}.off.u64"))?;
        let bytes = self.need(dir, files, &format!("{name}.bytes"))?;
        let o = off.slice::<u64>(&self.manifest.name)?;
        let ok = !o.is_empty()
            && o[0] == 0
            && rows.is_none_or(|n| o.len() == n + 1)
            && (!self.deep() || o.windows(2).all(|w| w[0] <= w[1]))
            && o[o.len() - 1] == bytes.bytes().len() as u64;
        if !ok {
            return Err(self.corrupt(off.path(), "string offsets are inconsistent".into()));
        }
        Ok(Strings { off, bytes })
    }

    fn values(
        &self,
        dir: &Path,
        files: &std::collections::BTreeMap<String, crate::manifest::FileEntry>,
        name: &str,
        spec: ValueSpec,
        rows: usize,
        dict: usize,
    ) -> Result<Values> {
        let ext = match spec.ty {
            ValueType::Number => "f64",
            ValueType::Binary => "i8",
            ValueType::Character => "u8",
            ValueType::Category => "u32",
        };
        let data = self.need(dir, files, &format!("{name}.{ext}"))?;
        let width = match spec.ty {
            ValueType::Number => 8,
            ValueType::Category => 4,
            _ => 1,
        };
        let items = data.bytes().len() / width;
        if data.bytes().len() % width != 0 {
            return Err(self.corrupt(data.path(), "size is not a whole number of items".into()));
        }
        let off = if spec.dim == Dimension::Scalar {
            if items != rows {
                return Err(
                    self.corrupt(data.path(), format!("{items} values for {rows} elements"))
                );
            }
            None
        } else {
            let off = self.need(dir, files, &format!("{name}.off.u64"))?;
            let o = off.slice::<u64>(&self.manifest.name)?;
            let ok = o.len() == rows + 1
                && o[0] == 0
                && (!self.deep() || o.windows(2).all(|w| w[0] <= w[1]))
                && o[rows] == items as u64;
            if !ok {
                return Err(self.corrupt(off.path(), "value offsets are inconsistent".into()));
            }
            Some(off)
        };
        if spec.ty == ValueType::Category && self.deep() {
            let codes = data.slice::<u32>(&self.manifest.name)?;
            if codes.iter().any(|&c| c != u32::MAX && c as usize >= dict) {
                return Err(self.corrupt(
                    data.path(),
                    "a category code is outside the dictionary".into(),
                ));
            }
        }
        Ok(Values { spec, data, off })
    }

    fn load_seq(&self, i: usize) -> Result<SeqData> {
        let e = &self.manifest.seqs[i];
        let dir = self.dir.join(&e.dir);
        let f = &e.files;
        let n = e.count as usize;
        let tn = &self.manifest.name;
        let fixed = |m: Option<Mapped>, width: usize| -> Result<Option<Mapped>> {
            if let Some(m) = &m {
                if m.bytes().len() != n * width {
                    return Err(self.corrupt(
                        m.path(),
                        format!("{} bytes for {n} elements", m.bytes().len()),
                    ));
                }
            }
            Ok(m)
        };
        let tt = self.schema.track_type;
        let start = fixed(self.map(&dir, f, "start.u64")?, 8)?;
        let end = fixed(self.map(&dir, f, "end.u64")?, 8)?;
        let maxend = fixed(self.map(&dir, f, "maxend.u64")?, 8)?;
        if !tt.is_per_base() && start.is_none() {
            return Err(self.corrupt(&dir, "the start column is missing".into()));
        }
        if tt.has_lengths() && !tt.is_per_base() && end.is_none() {
            return Err(self.corrupt(&dir, "the end column is missing".into()));
        }
        if !e.ends_sorted && maxend.is_none() {
            return Err(self.corrupt(&dir, "the index column maxend.u64 is missing".into()));
        }
        if tt.is_per_base() {
            // Blocks: consecutive element ranges, increasing positions.
            let mut next = 0u64;
            let mut last_end = 0u64;
            for (k, b) in e.blocks.iter().enumerate() {
                if b.1 != next
                    || b.2 == 0
                    || (k > 0 && b.0 < last_end)
                    || b.0.checked_add(b.2).is_none()
                {
                    return Err(self.corrupt(
                        &dir.join(MANIFEST),
                        "the position blocks of a per-base sequence are inconsistent".into(),
                    ));
                }
                next += b.2;
                last_end = b.0 + b.2;
            }
            if next != e.count {
                return Err(self.corrupt(
                    &dir.join(MANIFEST),
                    "position blocks do not add up to the element count".into(),
                ));
            }
        }
        if let Some(s) = &start {
            let s = s.slice::<u64>(tn)?;
            if self.deep() && s.windows(2).any(|w| w[0] > w[1]) {
                return Err(self.corrupt(&dir.join("start.u64"), "starts are not sorted".into()));
            }
        }
        let value = match self.schema.value {
            Some(spec) => Some(self.values(&dir, f, "value", spec, n, self.value_dict.len())?),
            None => None,
        };
        let strand = fixed(self.map(&dir, f, "strand.u8")?, 1)?;
        let id = if self.schema.columns.id {
            Some(self.strings(&dir, f, "id", Some(n))?)
        } else {
            None
        };
        let extras = (0..self.schema.columns.extra.len())
            .map(|k| self.strings(&dir, f, &format!("x{k}"), Some(n)))
            .collect::<Result<_>>()?;
        let (edges_off, targets, weight) = if let Some(es) = self.schema.edges {
            let off = self.need(&dir, f, "edges.off.u64")?;
            let o = off.slice::<u64>(tn)?;
            let targets = self.strings(&dir, f, "edges.target", None)?;
            let ne = targets.off.slice::<u64>(tn)?.len() - 1;
            let ok = o.len() == n + 1
                && o[0] == 0
                && (!self.deep() || o.windows(2).all(|w| w[0] <= w[1]))
                && o[n] == ne as u64;
            if !ok {
                return Err(self.corrupt(off.path(), "edge offsets are inconsistent".into()));
            }
            let w = match es.weights {
                Some(ws) => Some(self.values(&dir, f, "weight", ws, ne, self.weight_dict.len())?),
                None => None,
            };
            (Some(off), Some(targets), w)
        } else {
            (None, None, None)
        };
        Ok(SeqData {
            count: n,
            start,
            end,
            maxend,
            value,
            strand,
            id,
            extras,
            edges_off,
            targets,
            weight,
        })
    }

    /// The columns of sequence `i` (mapped and verified on first use).
    pub fn seq_data(&self, i: usize) -> Result<&SeqData> {
        if let Some(d) = self.seqs[i].get() {
            return Ok(d);
        }
        let d = self.load_seq(i)?;
        let _ = self.seqs[i].set(d);
        Ok(self.seqs[i].get().expect("set above"))
    }

    /// Verify every column file now (checksums unless trusted, structure).
    pub fn verify_all(&self) -> Result<()> {
        for i in 0..self.seqs.len() {
            self.seq_data(i)?;
        }
        Ok(())
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }
    /// The schema (type, value type, columns).
    pub fn schema(&self) -> &TrackSchema {
        &self.schema
    }
    /// The track type.
    pub fn track_type(&self) -> TrackType {
        self.schema.track_type
    }
    /// The track's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// Length of `seqid` in the track's genome, when known.
    pub fn seq_length(&self, seqid: &str) -> Option<u64> {
        self.lengths.get(seqid).copied()
    }
    /// Index of sequence `seqid` (first match, any genome).
    pub fn seq_index(&self, seqid: &str) -> Option<usize> {
        self.seq_by_name.get(seqid).copied()
    }

    /// Check that `seqid` can be asked for: it is in the track, or in the
    /// track's genome. `Ok(None)` = a valid sequence without elements.
    pub fn resolve_seq(&self, seqid: &str) -> Result<Option<usize>> {
        if let Some(i) = self.seq_index(seqid) {
            return Ok(Some(i));
        }
        if let Some(g) = &self.manifest.genome {
            let sizes = &self.manifest.genome_sizes;
            if !sizes.is_empty() && !self.lengths.contains_key(seqid) {
                let known: Vec<&str> = sizes.iter().take(6).map(|(n, _)| n.as_str()).collect();
                return Err(Error::UnknownSeq {
                    seq: seqid.into(),
                    genome: g.clone(),
                    track: self.manifest.name.clone(),
                    known: format!(
                        "{}{}",
                        known.join(", "),
                        if sizes.len() > 6 { ", …" } else { "" }
                    ),
                });
            }
        }
        Ok(None)
    }

    /// The elements of sequence `seqid` overlapping `[start, end)`.
    pub fn view(&self, seqid: &str, start: u64, end: u64) -> Result<View<'_>> {
        if end < start {
            return Err(Error::Region(format!(
                "{seqid}:{start}-{end}: the end is before the start"
            )));
        }
        let found = self.resolve_seq(seqid)?;
        if let Some(len) = self.seq_length(seqid) {
            if start >= len && end > start {
                return Err(Error::Region(format!(
                    "{seqid}:{}-{end} (1-based) starts beyond the end of `{seqid}` ({len} bp)",
                    start + 1
                )));
            }
        }
        match found {
            None => Ok(View::empty(self, start, end)),
            Some(si) => {
                let d = self.seq_data(si)?;
                let (lo, hi) = self.range(si, d, start, end)?;
                Ok(View {
                    track: self,
                    seq: Some((si, d)),
                    lo,
                    hi,
                    start,
                    end,
                })
            }
        }
    }

    /// Candidate element range `[lo, hi)` for `[qs, qe)`: every element
    /// overlapping the query is inside; with nested elements, some rows
    /// inside may end before `qs` (they are skipped by [`View::iter`]).
    fn range(&self, si: usize, d: &SeqData, qs: u64, qe: u64) -> Result<(usize, usize)> {
        let e = &self.manifest.seqs[si];
        let tn = &self.manifest.name;
        if qe <= qs {
            return Ok((0, 0));
        }
        if self.schema.track_type.is_per_base() {
            let b = &e.blocks;
            let first = b.partition_point(|x| x.0 + x.2 <= qs);
            let last = b.partition_point(|x| x.0 < qe);
            if first >= last {
                let at = b.get(first).map_or(e.count, |x| x.1) as usize;
                return Ok((at, at));
            }
            let (p0, f0, _) = b[first];
            let lo = f0 + qs.saturating_sub(p0);
            let (p1, f1, n1) = b[last - 1];
            let hi = f1 + (qe - p1).min(n1);
            let n = e.count as usize;
            return Ok(((lo as usize).min(n), (hi as usize).min(n)));
        }
        let starts = d
            .start
            .as_ref()
            .expect("checked on load")
            .slice::<u64>(tn)?;
        let hi = starts.partition_point(|&s| s < qe);
        let lo = if let Some(m) = &d.maxend {
            m.slice::<u64>(tn)?.partition_point(|&m| m <= qs)
        } else if let Some(en) = &d.end {
            en.slice::<u64>(tn)?.partition_point(|&x| x <= qs)
        } else {
            starts.partition_point(|&s| s < qs)
        };
        Ok((lo.min(hi), hi))
    }

    /// The elements overlapping any of `queries` (`(seqid, start, end)`,
    /// 0-based half-open) as an in-memory track, each element once, in
    /// stored order per sequence (sequences in order of first query).
    /// Dense types get one bounding region per contiguous run of
    /// elements, so the result is a valid track of the same type.
    pub fn extract(&self, queries: &[(String, u64, u64)]) -> Result<Track> {
        let mut rows: Vec<(usize, Vec<usize>)> = Vec::new();
        for (seq, s, e) in queries {
            let v = self.view(seq, *s, *e)?;
            let Some((si, _)) = v.seq else { continue };
            let k = match rows.iter().position(|(x, _)| *x == si) {
                Some(k) => k,
                None => {
                    rows.push((si, Vec::new()));
                    rows.len() - 1
                }
            };
            rows[k].1.extend(v.iter());
        }
        let mut t = Track::new(self.schema.clone());
        t.metadata = self.manifest.metadata.clone();
        let dense = self.schema.track_type.is_dense();
        for (si, mut r) in rows {
            r.sort_unstable();
            r.dedup();
            let d = self.seq_data(si)?;
            let e = &self.manifest.seqs[si];
            let part = self.gather(si, d, &mut r.into_iter())?;
            let i = t.seq_index(e.genome.as_deref(), &e.seqid);
            if dense {
                let mut k = 0;
                while k < part.len() {
                    let mut j = k + 1;
                    while j < part.len() && part.starts[j] == part.ends[j - 1] {
                        j += 1;
                    }
                    let mut b = BoundingRegion::sequence(
                        e.genome.clone(),
                        e.seqid.clone(),
                        part.starts[k],
                        Some(part.ends[j - 1]),
                    );
                    b.block = Some((i, k..j));
                    t.regions.push(b);
                    k = j;
                }
            }
            t.seqs[i] = part;
        }
        Ok(t)
    }

    /// The whole track in memory (for export).
    pub fn to_track(&self) -> Result<Track> {
        let mut t = Track::new(self.schema.clone());
        t.metadata = self.manifest.metadata.clone();
        for (i, e) in self.manifest.seqs.iter().enumerate() {
            let si = t.seq_index(e.genome.as_deref(), &e.seqid);
            debug_assert_eq!(si, i);
            let d = self.seq_data(i)?;
            t.seqs[si] = self.gather(i, d, &mut (0..d.count))?;
        }
        for r in &self.manifest.regions {
            let mut b = match r.kind.as_str() {
                "genome" => BoundingRegion::genome(r.genome.clone().unwrap_or_default()),
                _ => BoundingRegion::sequence(
                    r.genome.clone(),
                    r.seqid.clone().unwrap_or_default(),
                    r.start,
                    r.end,
                ),
            };
            b.genome = r.genome.clone();
            if b.kind == RegionKind::Sequence {
                b.start = r.start;
            }
            b.end = r.end;
            if let (Some(s), Some((first, n))) = (r.seq, r.elements) {
                if s >= t.seqs.len() || (first + n) as usize > t.seqs[s].len() {
                    return Err(self.corrupt(
                        &self.dir.join(MANIFEST),
                        "a bounding region's block is outside its sequence".into(),
                    ));
                }
                b.block = Some((s, first as usize..(first + n) as usize));
            }
            t.regions.push(b);
        }
        Ok(t)
    }

    /// The elements `rows` of sequence `si`, as in-memory columns.
    pub(crate) fn gather(
        &self,
        si: usize,
        d: &SeqData,
        rows: &mut dyn Iterator<Item = usize>,
    ) -> Result<SeqElements> {
        let e = &self.manifest.seqs[si];
        let mut s = SeqElements::new(&self.schema, e.genome.clone(), e.seqid.clone());
        let rows: Vec<usize> = rows.collect();
        let v = ElementReader { t: self, si, d };
        for &i in &rows {
            s.starts.push(v.start(i));
            s.ends.push(v.end(i));
        }
        if let Some(vals) = &d.value {
            s.values = Some(self.value_column(vals, &self.value_dict, &rows)?);
        }
        if let (Some(st), Some(m)) = (&mut s.strands, &d.strand) {
            let b = m.bytes();
            st.extend(
                rows.iter()
                    .map(|&i| Strand::from_symbol(&b[i..i + 1]).unwrap_or_default()),
            );
        }
        if let (Some(ids), Some(m)) = (&mut s.ids, &d.id) {
            for &i in &rows {
                ids.push(string_at(m, i));
            }
        }
        for (x, m) in s.extras.iter_mut().zip(&d.extras) {
            for &i in &rows {
                x.push(string_at(m, i));
            }
        }
        if let (Some(ec), Some(off), Some(tg)) = (&mut s.edges, &d.edges_off, &d.targets) {
            let o = off.slice::<u64>(&self.manifest.name)?;
            let mut flat = Vec::new();
            let mut counts = Vec::with_capacity(rows.len());
            for &i in &rows {
                // Clamped: with --trust, offsets are only checked at the ends.
                let ne = o.last().copied().unwrap_or(0) as usize;
                let lo = (o[i] as usize).min(ne);
                let r = lo..(o[i + 1] as usize).min(ne).max(lo);
                counts.push(r.len());
                flat.extend(r);
            }
            let w = match &d.weight {
                Some(w) => Some(self.value_column(w, &self.weight_dict, &flat)?),
                None => None,
            };
            let mut k = 0;
            for n in counts {
                let items: Vec<(&str, Option<ValueBuf>)> = (k..k + n)
                    .map(|j| {
                        (
                            string_at(tg, flat[j]).unwrap_or(""),
                            w.as_ref().map(|w| w.get(j)),
                        )
                    })
                    .collect();
                ec.push(items.iter().map(|(t, w)| (*t, w.as_ref())));
                k += n;
            }
        }
        Ok(s)
    }

    fn value_column(&self, v: &Values, dict: &[String], rows: &[usize]) -> Result<ValueColumn> {
        let tn = &self.manifest.name;
        let offs: Option<&[u64]> = match &v.off {
            Some(o) => Some(o.slice::<u64>(tn)?),
            None => None,
        };
        let range = |i: usize| match offs {
            Some(o) => o[i] as usize..(o[i + 1] as usize).max(o[i] as usize),
            None => i..i + 1,
        };
        // With --trust, offsets are not checked to be monotone: clamp so a
        // damaged file cannot make a slice out of bounds.
        let fits = |len: usize| rows.iter().all(|&i| range(i).end <= len);
        let new_offsets = offs.map(|_| {
            let mut acc = 0usize;
            let mut out = Vec::with_capacity(rows.len() + 1);
            out.push(0);
            for &i in rows {
                acc += range(i).len();
                out.push(acc);
            }
            out
        });
        let width = match v.spec.ty {
            ValueType::Number => 8,
            ValueType::Category => 4,
            ValueType::Binary | ValueType::Character => 1,
        };
        if !fits(v.data.bytes().len() / width) {
            return Err(self.corrupt(
                v.data.path(),
                "value offsets point outside the values".into(),
            ));
        }
        let data = match v.spec.ty {
            ValueType::Number => {
                let x = v.data.slice::<f64>(tn)?;
                ColumnData::Number(
                    rows.iter()
                        .flat_map(|&i| x[range(i)].iter().copied())
                        .collect(),
                )
            }
            ValueType::Binary => {
                let x = v.data.slice::<i8>(tn)?;
                ColumnData::Binary(
                    rows.iter()
                        .flat_map(|&i| x[range(i)].iter().copied())
                        .collect(),
                )
            }
            ValueType::Character => {
                let x = v.data.bytes();
                ColumnData::Character(
                    rows.iter()
                        .flat_map(|&i| x[range(i)].iter().map(|&c| (c != 0).then_some(c)))
                        .collect(),
                )
            }
            ValueType::Category => {
                let x = v.data.slice::<u32>(tn)?;
                let mut d = Dictionary::default();
                for w in dict {
                    d.intern(w);
                }
                ColumnData::Category {
                    codes: rows
                        .iter()
                        .flat_map(|&i| x[range(i)].iter().copied())
                        .collect(),
                    dict: d,
                }
            }
        };
        ValueColumn::from_parts(v.spec, data, new_offsets).ok_or_else(|| {
            self.corrupt(
                v.data.path(),
                "the value column does not fit its offsets or dictionary".into(),
            )
        })
    }
}

fn string_at(s: &Strings, i: usize) -> Option<&str> {
    let o: &[u64] = cast(s.off.bytes());
    let (a, e) = (*o.get(i)? as usize, *o.get(i + 1)? as usize);
    let b = s.bytes.bytes().get(a..e)?;
    if b == [MISSING_STR] {
        return None;
    }
    std::str::from_utf8(b).ok()
}

/// Element accessors on one sequence's columns.
struct ElementReader<'a> {
    t: &'a StoredTrack,
    si: usize,
    d: &'a SeqData,
}

impl ElementReader<'_> {
    fn start(&self, i: usize) -> u64 {
        match &self.d.start {
            Some(m) => cast::<u64>(m.bytes())[i],
            None => {
                let b = &self.t.manifest.seqs[self.si].blocks;
                let k = b.partition_point(|x| x.1 <= i as u64).saturating_sub(1);
                b.get(k).map_or(0, |x| x.0 + (i as u64).saturating_sub(x.1))
            }
        }
    }
    fn end(&self, i: usize) -> u64 {
        match &self.d.end {
            Some(m) => cast::<u64>(m.bytes())[i],
            None => self.start(i) + 1,
        }
    }
}

/// The elements of one sequence that overlap a query interval.
///
/// Rows `lo..hi` of the sequence's columns hold every overlapping
/// element, in (start, end) order. When elements nest, a few rows in the
/// range may end before the query (use [`View::iter`] or
/// [`View::overlaps`] to skip them); without nesting the range is exact.
pub struct View<'a> {
    track: &'a StoredTrack,
    seq: Option<(usize, &'a SeqData)>,
    lo: usize,
    hi: usize,
    start: u64,
    end: u64,
}

impl<'a> View<'a> {
    fn empty(track: &'a StoredTrack, start: u64, end: u64) -> Self {
        View {
            track,
            seq: None,
            lo: 0,
            hi: 0,
            start,
            end,
        }
    }
    /// The query interval.
    pub fn query(&self) -> (u64, u64) {
        (self.start, self.end)
    }
    /// Row range in the sequence's columns.
    pub fn rows(&self) -> std::ops::Range<usize> {
        self.lo..self.hi
    }
    /// Number of rows in the range (see the type's note on nesting).
    pub fn len(&self) -> usize {
        self.hi - self.lo
    }
    /// True when no row is in the range.
    pub fn is_empty(&self) -> bool {
        self.hi == self.lo
    }
    fn reader(&self) -> Option<ElementReader<'a>> {
        self.seq.map(|(si, d)| ElementReader {
            t: self.track,
            si,
            d,
        })
    }
    /// Start of row `i` (absolute, 0-based).
    pub fn start(&self, i: usize) -> u64 {
        self.reader().map_or(0, |r| r.start(i))
    }
    /// End of row `i` (absolute, exclusive).
    pub fn end(&self, i: usize) -> u64 {
        self.reader().map_or(0, |r| r.end(i))
    }
    /// Whether row `i` overlaps the query (points and zero-length
    /// elements occupy one base).
    pub fn overlaps(&self, i: usize) -> bool {
        let (s, e) = (self.start(i), self.end(i));
        s < self.end && e.max(s + 1) > self.start
    }
    /// True when every row in the range overlaps the query (no nesting).
    pub fn is_exact(&self) -> bool {
        self.seq.is_none_or(|(_, d)| d.maxend.is_none())
    }
    /// Rows that overlap the query, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let exact = self.is_exact();
        (self.lo..self.hi).filter(move |&i| exact || self.overlaps(i))
    }
    /// Starts of the rows in the range, as stored (not for per-base types).
    pub fn starts(&self) -> Option<&'a [u64]> {
        let (_, d) = self.seq?;
        Some(&cast::<u64>(d.start.as_ref()?.bytes())[self.lo..self.hi])
    }
    /// Ends of the rows in the range (segment-like types only).
    pub fn ends(&self) -> Option<&'a [u64]> {
        let (_, d) = self.seq?;
        Some(&cast::<u64>(d.end.as_ref()?.bytes())[self.lo..self.hi])
    }
    /// Scalar number values of the rows in the range (NaN = missing).
    pub fn numbers(&self) -> Option<&'a [f64]> {
        let (_, d) = self.seq?;
        let v = d.value.as_ref()?;
        if v.spec != ValueSpec::new(ValueType::Number, Dimension::Scalar) {
            return None;
        }
        Some(&cast::<f64>(v.data.bytes())[self.lo..self.hi])
    }
    /// Value of row `i` as a number, for scalar number and binary values
    /// (`None` for other value types or a missing value).
    pub fn number(&self, i: usize) -> Option<f64> {
        let (_, d) = self.seq?;
        let v = d.value.as_ref()?;
        if v.spec.dim != Dimension::Scalar {
            return None;
        }
        match v.spec.ty {
            ValueType::Number => Some(cast::<f64>(v.data.bytes())[i]).filter(|x| !x.is_nan()),
            ValueType::Binary => Some(v.data.bytes()[i] as i8)
                .filter(|&b| b >= 0)
                .map(f64::from),
            _ => None,
        }
    }
    /// Strand of row `i`.
    pub fn strand(&self, i: usize) -> Strand {
        self.seq
            .and_then(|(_, d)| d.strand.as_ref())
            .and_then(|m| Strand::from_symbol(&m.bytes()[i..i + 1]))
            .unwrap_or_default()
    }
    /// Id of row `i`.
    pub fn id(&self, i: usize) -> Option<&'a str> {
        string_at(self.seq?.1.id.as_ref()?, i)
    }
    /// Extra column `k` of row `i`.
    pub fn extra(&self, k: usize, i: usize) -> Option<&'a str> {
        string_at(self.seq?.1.extras.get(k)?, i)
    }
    /// The merged (non-overlapping) view of the overlapping elements:
    /// segments merge when the next starts before the current one ends
    /// (touching segments stay apart), points merge at the same position,
    /// as the reference's overlap clustering. Computed, not stored.
    pub fn merged(&self) -> Vec<(u64, u64)> {
        let mut out: Vec<(u64, u64)> = Vec::new();
        for i in self.iter() {
            let (s, e) = (self.start(i), self.end(i));
            let e = e.max(s + 1);
            match out.last_mut() {
                Some(last) if s < last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        out
    }
    /// The overlapping elements as an in-memory sequence (for writing).
    pub fn to_elements(&self) -> Result<Option<SeqElements>> {
        match self.seq {
            None => Ok(None),
            Some((si, d)) => self.track.gather(si, d, &mut self.iter()).map(Some),
        }
    }
}
