//! Writing a track's columns: one directory per sequence, one file per
//! column, elements in (start, end) order.

use std::collections::BTreeMap;
use std::path::Path;

use gtrack_core::{ColumnData, Dictionary, SeqElements, StringColumn, Track, ValueColumn};
use rayon::prelude::*;

use crate::column::{write_slice, ColWriter, Io, MISSING_STR};
use crate::error::{Error, Result};
use crate::manifest::{value_entry, FileEntry, Manifest, RegionEntry, SeqEntry, Source};

/// Category dictionaries unified over all sequences of a track: the
/// track-level word list and, per sequence, local code → track code.
struct Dicts {
    words: Vec<String>,
    maps: Vec<Vec<u32>>,
}

fn unify<'a>(cols: impl Iterator<Item = Option<&'a ValueColumn>>) -> Option<Dicts> {
    let mut all = Dictionary::default();
    let mut maps = Vec::new();
    let mut any = false;
    for c in cols {
        let map = match c.map(|c| c.data()) {
            Some(ColumnData::Category { dict, .. }) => {
                any = true;
                dict.words().iter().map(|w| all.intern(w)).collect()
            }
            _ => Vec::new(),
        };
        maps.push(map);
    }
    any.then(|| Dicts {
        words: all.words().to_vec(),
        maps,
    })
}

/// One row of a sequence spread over pieces: start, end, piece, index.
type Row = (u64, u64, usize, usize);

/// The rows of one sequence (spread over pieces, in input order piece by
/// piece) in stable (start, end) order. Sort keys carry start and end, so
/// the coordinate columns are written from the keys without gathering.
enum Rows {
    /// `start << (eb + tb) | end << tb | piece << ib | index`, used when
    /// the fields fit in 128 bits (always, for real genomes).
    Packed {
        keys: Vec<u128>,
        eb: u32,
        tb: u32,
        ib: u32,
    },
    /// `(start, end, piece << 32 | index)`.
    Wide(Vec<(u64, u64, u64)>),
}

fn bits(x: u64) -> u32 {
    64 - x.leading_zeros()
}

fn mask(b: u32) -> u128 {
    if b == 0 {
        0
    } else {
        u128::MAX >> (128 - b)
    }
}

impl Rows {
    /// Sort the rows of `pieces` (in input order: piece by piece).
    fn sorted(pieces: &[&SeqElements]) -> Rows {
        let n: usize = pieces.iter().map(|s| s.len()).sum();
        let max_start = pieces
            .iter()
            .flat_map(|s| s.starts.iter())
            .copied()
            .max()
            .unwrap_or(0);
        let max_end = pieces
            .iter()
            .flat_map(|s| s.ends.iter())
            .copied()
            .max()
            .unwrap_or(0);
        let max_len = pieces.iter().map(|s| s.len()).max().unwrap_or(0);
        let (sb, eb) = (bits(max_start), bits(max_end));
        let ib = bits(max_len.saturating_sub(1) as u64);
        let pb = bits(pieces.len().saturating_sub(1) as u64);
        let tb = pb + ib;
        let big = n > 1 << 16;
        if sb + eb + tb <= 128 && pieces.len() <= u32::MAX as usize {
            let mut keys: Vec<u128> = Vec::with_capacity(n);
            for (p, s) in pieces.iter().enumerate() {
                let hi = (p as u128) << ib;
                keys.extend(
                    s.starts
                        .iter()
                        .zip(&s.ends)
                        .enumerate()
                        .map(|(i, (&st, &en))| {
                            (st as u128).checked_shl(eb + tb).unwrap_or(0)
                                | (en as u128).checked_shl(tb).unwrap_or(0)
                                | hi
                                | i as u128
                        }),
                );
            }
            // Tags increase in input order, so keys in order = sorted.
            if !keys.windows(2).all(|w| w[0] < w[1]) {
                if big {
                    keys.par_sort_unstable();
                } else {
                    keys.sort_unstable();
                }
            }
            Rows::Packed { keys, eb, tb, ib }
        } else {
            let mut keys: Vec<(u64, u64, u64)> = Vec::with_capacity(n);
            for (p, s) in pieces.iter().enumerate() {
                keys.extend(
                    s.starts
                        .iter()
                        .zip(&s.ends)
                        .enumerate()
                        .map(|(i, (&st, &en))| (st, en, ((p as u64) << 32) | i as u64)),
                );
            }
            if !keys.windows(2).all(|w| w[0] < w[1]) {
                if big {
                    keys.par_sort_unstable();
                } else {
                    keys.sort_unstable();
                }
            }
            Rows::Wide(keys)
        }
    }

    fn len(&self) -> usize {
        match self {
            Rows::Packed { keys, .. } => keys.len(),
            Rows::Wide(k) => k.len(),
        }
    }

    #[inline]
    fn get(&self, k: usize) -> Option<Row> {
        match self {
            Rows::Packed { keys, eb, tb, ib } => keys.get(k).map(|&x| {
                (
                    x.checked_shr(eb + tb).unwrap_or(0) as u64,
                    ((x >> tb) & mask(*eb)) as u64,
                    ((x & mask(*tb)) >> ib) as usize,
                    (x & mask(*ib)) as usize,
                )
            }),
            Rows::Wide(v) => v
                .get(k)
                .map(|&(s, e, t)| (s, e, (t >> 32) as usize, (t & 0xFFFF_FFFF) as usize)),
        }
    }

    fn iter(&self) -> RowIter<'_> {
        RowIter { rows: self, k: 0 }
    }

    /// (piece, index) of every row, in order.
    fn at(&self) -> impl Iterator<Item = (usize, usize)> + Clone + '_ {
        self.iter().map(|r| (r.2, r.3))
    }
}

#[derive(Clone)]
struct RowIter<'a> {
    rows: &'a Rows,
    k: usize,
}

impl Iterator for RowIter<'_> {
    type Item = Row;
    #[inline]
    fn next(&mut self) -> Option<Row> {
        let r = self.rows.get(self.k)?;
        self.k += 1;
        Some(r)
    }
}

/// Rows taken out of sorted order by scattering: `pos[base[p] + i]` is
/// the sorted position of row `i` of piece `p`. Reading every piece in
/// order and writing to random places is cheaper than gathering in
/// sorted order (writes do not stall; reads miss the cache and TLB).
struct Scatter {
    pos: Vec<u32>,
    base: Vec<usize>,
}

impl Scatter {
    fn new(rows: &Rows, pieces: &[&SeqElements]) -> Option<Scatter> {
        let n = rows.len();
        if n >= u32::MAX as usize {
            return None;
        }
        let mut base = Vec::with_capacity(pieces.len());
        let mut acc = 0;
        for s in pieces {
            base.push(acc);
            acc += s.len();
        }
        let mut pos = vec![0u32; n];
        for (k, (_, _, p, i)) in rows.iter().enumerate() {
            pos[base[p] + i] = k as u32;
        }
        Some(Scatter { pos, base })
    }

    fn of(&self, p: usize) -> &[u32] {
        let end = self.base.get(p + 1).copied().unwrap_or(self.pos.len());
        &self.pos[self.base[p]..end]
    }

    /// A fixed-width column in sorted order: the pieces' items `cols`
    /// converted by `f`.
    fn plain<S: Copy, T: Copy + Default>(&self, cols: &[&[S]], f: impl Fn(S) -> T) -> Vec<T> {
        let mut out = vec![T::default(); self.pos.len()];
        for (p, c) in cols.iter().enumerate() {
            for (&k, &x) in self.of(p).iter().zip(c.iter()) {
                out[k as usize] = f(x);
            }
        }
        out
    }

    fn strings(
        &self,
        dir: &Path,
        name: &str,
        cols: &[&StringColumn],
        io: Io,
        files: &mut BTreeMap<String, FileEntry>,
    ) -> Result<()> {
        let n = self.pos.len();
        let mut off = vec![0u64; n + 1];
        for (p, c) in cols.iter().enumerate() {
            for (i, &k) in self.of(p).iter().enumerate() {
                off[k as usize + 1] = c.get(i).map_or(1, |s| s.len() as u64);
            }
        }
        for k in 0..n {
            off[k + 1] += off[k];
        }
        let mut bytes = vec![0u8; off[n] as usize];
        for (p, c) in cols.iter().enumerate() {
            for (i, &k) in self.of(p).iter().enumerate() {
                let o = off[k as usize] as usize;
                match c.get(i) {
                    Some(s) => bytes[o..o + s.len()].copy_from_slice(s.as_bytes()),
                    None => bytes[o] = MISSING_STR,
                }
            }
        }
        files.insert(
            format!("{name}.off.u64"),
            write_slice(dir.join(format!("{name}.off.u64")), &off, io)?,
        );
        drop(off);
        files.insert(
            format!("{name}.bytes"),
            write_slice(dir.join(format!("{name}.bytes")), &bytes, io)?,
        );
        Ok(())
    }
}

fn write_strings(
    dir: &Path,
    name: &str,
    cols: &[&StringColumn],
    rows: impl Iterator<Item = (usize, usize)>,
    io: Io,
    files: &mut BTreeMap<String, FileEntry>,
) -> Result<()> {
    // Gathered in blocks: one write and one hash update per block.
    const BLOCK: usize = 1 << 16;
    let mut off = ColWriter::create(dir.join(format!("{name}.off.u64")), io)?;
    let mut bytes = ColWriter::create(dir.join(format!("{name}.bytes")), io)?;
    let mut pos = 0u64;
    let mut obuf: Vec<u64> = Vec::with_capacity(BLOCK);
    let mut bbuf: Vec<u8> = Vec::with_capacity(BLOCK * 16);
    obuf.push(pos);
    for (p, i) in rows {
        match cols[p].get(i) {
            Some(s) => {
                bbuf.extend_from_slice(s.as_bytes());
                pos += s.len() as u64;
            }
            None => {
                bbuf.push(MISSING_STR);
                pos += 1;
            }
        }
        obuf.push(pos);
        if obuf.len() >= BLOCK {
            off.put(&obuf)?;
            bytes.put(&bbuf)?;
            obuf.clear();
            bbuf.clear();
        }
    }
    off.put(&obuf)?;
    bytes.put(&bbuf)?;
    files.insert(format!("{name}.off.u64"), off.finish()?);
    files.insert(format!("{name}.bytes"), bytes.finish()?);
    Ok(())
}

/// The flat storage of every piece's column, when all are of the kind
/// `pick` selects.
fn flats<'a, T>(
    cols: &[&'a ValueColumn],
    pick: impl Fn(&'a ColumnData) -> Option<&'a [T]>,
) -> Option<Vec<&'a [T]>> {
    cols.iter().map(|c| pick(c.data())).collect()
}

fn mixed(name: &str) -> Error {
    Error::Usage(format!(
        "column `{name}`: the pieces of the input hold values of different types (an internal error; please report it)"
    ))
}

/// Write the rows `rows` ((piece, index) pairs) of the pieces' columns
/// `cols` as `<name>.<type>` (+ `<name>.off.u64` for non-scalars);
/// category codes of piece `p` are mapped through `maps[p]`.
fn write_values<I>(
    dir: &Path,
    name: &str,
    cols: &[&ValueColumn],
    rows: I,
    maps: &[&[u32]],
    io: Io,
    files: &mut BTreeMap<String, FileEntry>,
) -> Result<()>
where
    I: Iterator<Item = (usize, usize)> + Clone,
{
    let Some(first) = cols.first() else {
        return Ok(());
    };
    let scalar = cols.iter().all(|c| c.offsets().is_none());
    if !scalar {
        let mut off = ColWriter::create(dir.join(format!("{name}.off.u64")), io)?;
        let mut pos = 0u64;
        off.put1(pos)?;
        for (p, i) in rows.clone() {
            pos += cols[p].range(i).len() as u64;
            off.put1(pos)?;
        }
        files.insert(format!("{name}.off.u64"), off.finish()?);
    }
    let flat = |p: usize, i: usize| cols[p].range(i);
    let (ext, entry) = match first.data() {
        ColumnData::Number(_) => {
            let v = flats(cols, |d| match d {
                ColumnData::Number(v) => Some(&v[..]),
                _ => None,
            })
            .ok_or_else(|| mixed(name))?;
            let mut w = ColWriter::create(dir.join(format!("{name}.f64")), io)?;
            if scalar {
                let mut g = Vec::with_capacity(1 << 15);
                for (p, i) in rows {
                    g.push(v[p][i]);
                    if g.len() == 1 << 15 {
                        w.put(&g)?;
                        g.clear();
                    }
                }
                w.put(&g)?;
            } else {
                for (p, i) in rows {
                    w.put(&v[p][flat(p, i)])?;
                }
            }
            ("f64", w.finish()?)
        }
        ColumnData::Binary(_) => {
            let v = flats(cols, |d| match d {
                ColumnData::Binary(v) => Some(&v[..]),
                _ => None,
            })
            .ok_or_else(|| mixed(name))?;
            let mut w = ColWriter::create(dir.join(format!("{name}.i8")), io)?;
            for (p, i) in rows {
                w.put(&v[p][flat(p, i)])?;
            }
            ("i8", w.finish()?)
        }
        ColumnData::Character(_) => {
            let v = flats(cols, |d| match d {
                ColumnData::Character(v) => Some(&v[..]),
                _ => None,
            })
            .ok_or_else(|| mixed(name))?;
            let mut w = ColWriter::create(dir.join(format!("{name}.u8")), io)?;
            for (p, i) in rows {
                for c in &v[p][flat(p, i)] {
                    w.put1(c.unwrap_or(0))?;
                }
            }
            ("u8", w.finish()?)
        }
        ColumnData::Category { .. } => {
            let v = flats(cols, |d| match d {
                ColumnData::Category { codes, .. } => Some(&codes[..]),
                _ => None,
            })
            .ok_or_else(|| mixed(name))?;
            let mut w = ColWriter::create(dir.join(format!("{name}.u32")), io)?;
            for (p, i) in rows {
                for &c in &v[p][flat(p, i)] {
                    w.put1(if c == gtrack_core::value::MISSING_CODE {
                        c
                    } else {
                        maps[p][c as usize]
                    })?;
                }
            }
            ("u32", w.finish()?)
        }
    };
    files.insert(format!("{name}.{ext}"), entry);
    Ok(())
}

fn write_dict(
    dir: &Path,
    name: &str,
    words: &[String],
    io: Io,
    files: &mut BTreeMap<String, FileEntry>,
) -> Result<()> {
    let col: StringColumn = words.iter().map(|w| Some(w.as_str())).collect();
    write_strings(
        dir,
        name,
        &[&col],
        (0..words.len()).map(|i| (0, i)),
        io,
        files,
    )
}

/// Write one sequence's columns into `dir` (created) in (start, end)
/// order. The sequence is given as `pieces` (non-empty, in input order,
/// same schema); category codes of piece `p` map through `value_maps[p]`
/// and `weight_maps[p]` (empty slices when not categorical).
#[allow(clippy::too_many_arguments)]
fn write_seq(
    dir: &Path,
    pieces: &[&SeqElements],
    per_base: bool,
    points: bool,
    value_maps: &[&[u32]],
    weight_maps: &[&[u32]],
    io: Io,
    track: &str,
) -> Result<SeqEntry> {
    let Some(s0) = pieces.first() else {
        return Err(Error::Usage(format!(
            "track `{track}`: a sequence without columns (an internal error; please report it)"
        )));
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    if !per_base {
        for s in pieces {
            if let Some(i) = (0..s.len()).find(|&i| s.ends[i] < s.starts[i]) {
                return Err(Error::Usage(format!(
                    "track `{track}`: element {}:{}-{} wraps around the end of a circular sequence; the store does not hold circular elements yet (split it into two elements)",
                    s.seqid, s.starts[i], s.ends[i]
                )));
            }
        }
    }
    let count: usize = pieces.iter().map(|s| s.len()).sum();
    let rows = Rows::sorted(pieces);
    let mut files = BTreeMap::new();
    let mut blocks = Vec::new();
    let mut ends_sorted = true;
    let mut merged = 0u64;
    let (mut first_start, mut max_end) = (None, 0u64);
    if per_base {
        for (k, (p, _, _, _)) in rows.iter().enumerate() {
            first_start.get_or_insert(p);
            max_end = max_end.max(p + 1);
            match blocks.last_mut() {
                Some((pos, _, n)) if *pos + *n == p => *n += 1,
                _ => blocks.push((p, k as u64, 1)),
            }
        }
        merged = count as u64;
    } else {
        // Written in blocks through small reused buffers (no per-column
        // arrays: fresh memory costs page faults). The running maximum of
        // ends is kept whole, and written only when elements nest.
        const BLOCK: usize = 1 << 15;
        let mut sw = ColWriter::create(dir.join("start.u64"), io)?;
        let mut ew = (!points)
            .then(|| ColWriter::create(dir.join("end.u64"), io))
            .transpose()?;
        let mut maxend: Vec<u64> = Vec::with_capacity(rows.len());
        let (mut sb, mut eb) = (Vec::with_capacity(BLOCK), Vec::with_capacity(BLOCK));
        let mut m = 0u64;
        let mut cur_end = 0u64;
        for (k, (st, en, _, _)) in rows.iter().enumerate() {
            // Effective end: points and zero-length elements occupy one
            // base for overlap purposes.
            let e = en.max(st + 1);
            if e < m || e != en {
                ends_sorted = false;
            }
            m = m.max(e);
            maxend.push(m);
            // Merged view: touching elements are not merged; points merge
            // only at the same position.
            if k == 0 || st >= cur_end {
                merged += 1;
                cur_end = e;
            } else {
                cur_end = cur_end.max(e);
            }
            sb.push(st);
            eb.push(en);
            if sb.len() == BLOCK {
                sw.put(&sb)?;
                if let Some(w) = &mut ew {
                    w.put(&eb)?;
                }
                sb.clear();
                eb.clear();
            }
        }
        sw.put(&sb)?;
        if let Some(w) = &mut ew {
            w.put(&eb)?;
        }
        first_start = rows.get(0).map(|r| r.0);
        max_end = m;
        files.insert("start.u64".into(), sw.finish()?);
        if let Some(w) = ew {
            files.insert("end.u64".into(), w.finish()?);
        }
        if points {
            ends_sorted = true;
        } else if !ends_sorted {
            files.insert(
                "maxend.u64".into(),
                write_slice(dir.join("maxend.u64"), &maxend, io)?,
            );
        }
    }
    let all = |what: &str, n: usize| {
        if n == pieces.len() {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "track `{track}`: the pieces of sequence {} do not all have a {what} column (an internal error; please report it)",
                s0.seqid
            )))
        }
    };
    let scatter = Scatter::new(&rows, pieces);
    if s0.values.is_some() {
        let cols: Vec<&ValueColumn> = pieces.iter().filter_map(|s| s.values.as_ref()).collect();
        all("value", cols.len())?;
        let nums = flats(&cols, |d| match d {
            ColumnData::Number(v) => Some(&v[..]),
            _ => None,
        })
        .filter(|_| cols.iter().all(|c| c.offsets().is_none()));
        match (&scatter, nums) {
            (Some(sc), Some(v)) => {
                let out = sc.plain(&v, |x| x);
                files.insert(
                    "value.f64".into(),
                    write_slice(dir.join("value.f64"), &out, io)?,
                );
            }
            _ => write_values(dir, "value", &cols, rows.at(), value_maps, io, &mut files)?,
        }
    }
    if s0.strands.is_some() {
        let cols: Vec<&[gtrack_core::Strand]> =
            pieces.iter().filter_map(|s| s.strands.as_deref()).collect();
        all("strand", cols.len())?;
    }
    if let (Some(sc), true) = (&scatter, s0.strands.is_some()) {
        let cols: Vec<&[gtrack_core::Strand]> =
            pieces.iter().filter_map(|s| s.strands.as_deref()).collect();
        let out: Vec<u8> = sc.plain(&cols, |x| x.symbol() as u8);
        files.insert(
            "strand.u8".into(),
            write_slice(dir.join("strand.u8"), &out, io)?,
        );
    } else if s0.strands.is_some() {
        let cols: Vec<&[gtrack_core::Strand]> =
            pieces.iter().filter_map(|s| s.strands.as_deref()).collect();
        let mut w = ColWriter::create(dir.join("strand.u8"), io)?;
        let mut b: Vec<u8> = Vec::with_capacity(1 << 16);
        for (p, i) in rows.at() {
            b.push(cols[p][i].symbol() as u8);
            if b.len() == 1 << 16 {
                w.put(&b)?;
                b.clear();
            }
        }
        w.put(&b)?;
        files.insert("strand.u8".into(), w.finish()?);
    }
    if s0.ids.is_some() {
        let cols: Vec<&StringColumn> = pieces.iter().filter_map(|s| s.ids.as_ref()).collect();
        all("id", cols.len())?;
        match &scatter {
            Some(sc) => sc.strings(dir, "id", &cols, io, &mut files)?,
            None => write_strings(dir, "id", &cols, rows.at(), io, &mut files)?,
        }
    }
    for n in 0..s0.extras.len() {
        let cols: Vec<&StringColumn> = pieces.iter().filter_map(|s| s.extras.get(n)).collect();
        all("extra", cols.len())?;
        match &scatter {
            Some(sc) => sc.strings(dir, &format!("x{n}"), &cols, io, &mut files)?,
            None => write_strings(dir, &format!("x{n}"), &cols, rows.at(), io, &mut files)?,
        }
    }
    if s0.edges.is_some() {
        let es: Vec<&gtrack_core::EdgeColumn> =
            pieces.iter().filter_map(|s| s.edges.as_ref()).collect();
        all("edge", es.len())?;
        let mut off = Vec::with_capacity(rows.len() + 1);
        off.push(0u64);
        let mut flat: Vec<(usize, usize)> = Vec::new();
        for (p, i) in rows.at() {
            flat.extend(es[p].range(i).map(|k| (p, k)));
            off.push(flat.len() as u64);
        }
        files.insert(
            "edges.off.u64".into(),
            write_slice(dir.join("edges.off.u64"), &off, io)?,
        );
        let targets: Vec<StringColumn> = es
            .iter()
            .map(|e| (0..e.edge_count()).map(|k| Some(e.target(k))).collect())
            .collect();
        let trefs: Vec<&StringColumn> = targets.iter().collect();
        write_strings(
            dir,
            "edges.target",
            &trefs,
            flat.iter().copied(),
            io,
            &mut files,
        )?;
        let ws: Vec<&ValueColumn> = es.iter().filter_map(|e| e.weights()).collect();
        if !ws.is_empty() {
            all("edge weight", ws.len())?;
            write_values(
                dir,
                "weight",
                &ws,
                flat.iter().copied(),
                weight_maps,
                io,
                &mut files,
            )?;
        }
    }
    Ok(SeqEntry {
        genome: s0.genome.clone(),
        seqid: s0.seqid.clone(),
        length: None,
        dir: String::new(),
        count: count as u64,
        merged_count: merged,
        blocks,
        ends_sorted,
        span: first_start.map(|f| (f, max_end)),
        files,
    })
}

/// What to record about the source in the manifest.
pub(crate) struct WriteInfo<'a> {
    pub name: &'a str,
    pub source: Source,
    pub genome: Option<&'a gtrack_core::Genome>,
    pub io: Io,
}

fn seqdir(i: usize) -> String {
    format!("s{i:05}")
}

/// The code maps of pieces `b..b + n` (empty without dictionaries).
fn piece_maps(d: &Option<Dicts>, b: usize, n: usize) -> Vec<&[u32]> {
    (b..b + n)
        .map(|k| d.as_ref().map_or(&[][..], |d| &d.maps[k][..]))
        .collect()
}

/// Write a track whose sequences are given as pieces (each non-empty, in
/// input order) into the empty directory `dir`, without joining them:
/// every sequence is sorted and gathered straight from its pieces (in
/// parallel), and its pieces are freed once written. `meta` gives
/// schema, bounding regions (indexed like `seqs`) and metadata; its own
/// sequences are not used.
pub(crate) fn write_pieces<S>(
    dir: &Path,
    meta: &Track,
    seqs: Vec<Vec<S>>,
    info: WriteInfo<'_>,
) -> Result<Manifest>
where
    S: std::borrow::Borrow<SeqElements> + Send + Sync,
{
    let tt = meta.schema.track_type;
    let per_base = tt.is_per_base();
    let points = !tt.has_lengths() && !tt.is_dense();
    let all = || seqs.iter().flat_map(|ps| ps.iter().map(|s| s.borrow()));
    let vdicts = unify(all().map(|s| s.values.as_ref()));
    let wdicts = unify(all().map(|s| s.edges.as_ref().and_then(|e| e.weights())));
    // Index of each sequence's first piece in the flattened order.
    let mut base = Vec::with_capacity(seqs.len());
    let mut acc = 0usize;
    for ps in &seqs {
        base.push(acc);
        acc += ps.len();
    }
    let entries: Vec<SeqEntry> = seqs
        .into_par_iter()
        .zip(base)
        .enumerate()
        .map(|(i, (ps, b))| {
            let refs: Vec<&SeqElements> = ps.iter().map(|s| s.borrow()).collect();
            let n = refs.len();
            let (vm, wm) = (piece_maps(&vdicts, b, n), piece_maps(&wdicts, b, n));
            let mut e = write_seq(
                &dir.join(seqdir(i)),
                &refs,
                per_base,
                points,
                &vm,
                &wm,
                info.io,
                info.name,
            )?;
            drop(refs);
            drop(ps);
            e.dir = seqdir(i);
            Ok(e)
        })
        .collect::<Result<_>>()?;
    let mut files = BTreeMap::new();
    if let Some(d) = &vdicts {
        write_dict(dir, "value.dict", &d.words, info.io, &mut files)?;
    }
    if let Some(d) = &wdicts {
        write_dict(dir, "weight.dict", &d.words, info.io, &mut files)?;
    }
    Ok(manifest(meta, entries, files, info))
}

/// Write the track whose elements are spread over sorted `runs` (each a
/// stored track holding part of the input), one sequence at a time, so
/// memory holds one sequence. `skeleton` gives schema, sequence order
/// (its sequences are empty), bounding regions and metadata.
pub(crate) fn write_from_runs(
    dir: &Path,
    runs: &[crate::read::StoredTrack],
    skeleton: &Track,
    info: WriteInfo<'_>,
) -> Result<Manifest> {
    let tt = skeleton.schema.track_type;
    let per_base = tt.is_per_base();
    let points = !tt.has_lengths() && !tt.is_dense();
    let mut vdict = Dictionary::default();
    let mut wdict = Dictionary::default();
    let mut entries = Vec::with_capacity(skeleton.seqs.len());
    for (i, key) in skeleton.seqs.iter().enumerate() {
        let mut merged = SeqElements::new(&skeleton.schema, key.genome.clone(), key.seqid.clone());
        for r in runs {
            if let Some(k) = r
                .manifest()
                .seqs
                .iter()
                .position(|s| s.genome == key.genome && s.seqid == key.seqid)
            {
                let d = r.seq_data(k)?;
                let part = r.gather(k, d, &mut (0..r.manifest().seqs[k].count as usize))?;
                merged.append(&part);
            }
        }
        let map_of = |c: Option<&ValueColumn>, dict: &mut Dictionary| -> Vec<u32> {
            match c.map(|c| c.data()) {
                Some(ColumnData::Category { dict: local, .. }) => {
                    local.words().iter().map(|w| dict.intern(w)).collect()
                }
                _ => Vec::new(),
            }
        };
        let vm = map_of(merged.values.as_ref(), &mut vdict);
        let wm = map_of(merged.edges.as_ref().and_then(|e| e.weights()), &mut wdict);
        let mut e = write_seq(
            &dir.join(seqdir(i)),
            &[&merged],
            per_base,
            points,
            &[&vm],
            &[&wm],
            info.io,
            info.name,
        )?;
        e.dir = seqdir(i);
        entries.push(e);
    }
    let mut files = BTreeMap::new();
    let cat = |v: Option<gtrack_core::ValueSpec>| {
        v.is_some_and(|v| v.ty == gtrack_core::ValueType::Category)
    };
    if cat(skeleton.schema.value) {
        write_dict(dir, "value.dict", vdict.words(), info.io, &mut files)?;
    }
    if cat(skeleton.schema.edges.and_then(|e| e.weights)) {
        write_dict(dir, "weight.dict", wdict.words(), info.io, &mut files)?;
    }
    Ok(manifest(skeleton, entries, files, info))
}

/// The manifest for `track`'s schema, regions and metadata with the
/// written sequences `entries` (in `track.seqs` order).
fn manifest(
    track: &Track,
    mut entries: Vec<SeqEntry>,
    files: BTreeMap<String, FileEntry>,
    info: WriteInfo<'_>,
) -> Manifest {
    let schema = &track.schema;
    let tt = schema.track_type;
    for e in &mut entries {
        e.length = info.genome.and_then(|g| g.length(&e.seqid));
    }
    // Bounding regions: blocks are recomputed in stored order. Elements of
    // a type-B region lie inside it and regions do not overlap, so after
    // sorting, a region's block starts after the blocks of the regions of
    // the same sequence that start before it.
    let mut firsts = vec![0u64; track.regions.len()];
    let mut by_seq: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, r) in track.regions.iter().enumerate() {
        if let Some((si, _)) = &r.block {
            by_seq.entry(*si).or_default().push(k);
        }
    }
    for ks in by_seq.values_mut() {
        ks.sort_by_key(|&k| track.regions[k].start);
        let mut acc = 0u64;
        for &k in ks.iter() {
            firsts[k] = acc;
            acc += track.regions[k].element_count() as u64;
        }
    }
    let regions = track
        .regions
        .iter()
        .enumerate()
        .map(|(k, r)| RegionEntry {
            kind: match r.kind {
                gtrack_core::RegionKind::Genome => "genome".into(),
                gtrack_core::RegionKind::Sequence => "sequence".into(),
            },
            genome: r.genome.clone(),
            seqid: r.seqid.clone(),
            start: r.start,
            end: r.end,
            seq: r.block.as_ref().map(|(s, _)| *s),
            elements: r
                .block
                .as_ref()
                .map(|_| (firsts[k], r.element_count() as u64)),
        })
        .collect();
    Manifest {
        format: crate::manifest::FORMAT.into(),
        version: crate::manifest::VERSION,
        name: info.name.into(),
        written_by: format!("gtrack {}", env!("CARGO_PKG_VERSION")),
        source: info.source,
        genome: info.genome.map(|g| g.name().to_string()),
        genome_sizes: info
            .genome
            .map(|g| g.sequences().map(|(n, l)| (n.to_string(), l)).collect())
            .unwrap_or_default(),
        track_type: tt.name().into(),
        value: schema.value.map(value_entry),
        edge_weights: schema.edges.and_then(|e| e.weights).map(value_entry),
        undirected_edges: schema.edges.is_some_and(|e| e.undirected),
        strand: schema.columns.strand,
        id: schema.columns.id,
        extras: schema.columns.extra.clone(),
        regions,
        metadata: track.metadata.clone(),
        seqs: entries,
        files,
    }
}
