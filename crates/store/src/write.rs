//! Writing a track's columns: one directory per sequence, one file per
//! column, elements in (start, end) order.

use std::collections::BTreeMap;
use std::path::Path;

use gtrack_core::{ColumnData, Dictionary, SeqElements, StringColumn, Track, ValueColumn};
use rayon::prelude::*;

use crate::column::{write_slice, ColWriter, MISSING_STR};
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

/// The stable (start, end) order of a sequence's elements, or `None` when
/// they are already in order.
pub(crate) fn sort_order(s: &SeqElements) -> Option<Vec<usize>> {
    let sorted = s
        .starts
        .windows(2)
        .zip(s.ends.windows(2))
        .all(|(a, b)| (a[0], b[0]) <= (a[1], b[1]));
    if sorted {
        return None;
    }
    let mut keys: Vec<(u64, u64, u32)> = (0..s.len())
        .map(|i| (s.starts[i], s.ends[i], i as u32))
        .collect();
    if s.len() > 1 << 16 {
        keys.par_sort_unstable();
    } else {
        keys.sort_unstable();
    }
    Some(keys.into_iter().map(|k| k.2 as usize).collect())
}

fn write_strings(
    dir: &Path,
    name: &str,
    col: &StringColumn,
    rows: &mut dyn Iterator<Item = usize>,
    sync: bool,
    files: &mut BTreeMap<String, FileEntry>,
) -> Result<()> {
    // Gathered in blocks: one write and one hash update per block.
    const BLOCK: usize = 1 << 16;
    let mut off = ColWriter::create(dir.join(format!("{name}.off.u64")))?;
    let mut bytes = ColWriter::create(dir.join(format!("{name}.bytes")))?;
    let mut pos = 0u64;
    let mut obuf: Vec<u64> = Vec::with_capacity(BLOCK);
    let mut bbuf: Vec<u8> = Vec::with_capacity(BLOCK * 16);
    obuf.push(pos);
    for i in rows {
        match col.get(i) {
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
    files.insert(format!("{name}.off.u64"), off.finish(sync)?);
    files.insert(format!("{name}.bytes"), bytes.finish(sync)?);
    Ok(())
}

/// Write `col`'s rows `rows` as `<name>.<type>` (+ `<name>.off.u64` for
/// non-scalars); category codes are mapped through `map`.
fn write_values(
    dir: &Path,
    name: &str,
    col: &ValueColumn,
    rows: &[usize],
    map: &[u32],
    sync: bool,
    files: &mut BTreeMap<String, FileEntry>,
) -> Result<()> {
    let scalar = col.offsets().is_none();
    if !scalar {
        let mut off = ColWriter::create(dir.join(format!("{name}.off.u64")))?;
        let mut pos = 0u64;
        off.put1(pos)?;
        for &i in rows {
            pos += col.range(i).len() as u64;
            off.put1(pos)?;
        }
        files.insert(format!("{name}.off.u64"), off.finish(sync)?);
    }
    let flat = |i: usize| col.range(i);
    let (ext, entry) = match col.data() {
        ColumnData::Number(v) => {
            let mut w = ColWriter::create(dir.join(format!("{name}.f64")))?;
            if scalar {
                let mut g = Vec::with_capacity(1 << 15);
                for part in rows.chunks(1 << 15) {
                    g.clear();
                    g.extend(part.iter().map(|&i| v[i]));
                    w.put(&g)?;
                }
            } else {
                for &i in rows {
                    w.put(&v[flat(i)])?;
                }
            }
            ("f64", w.finish(sync)?)
        }
        ColumnData::Binary(v) => {
            let mut w = ColWriter::create(dir.join(format!("{name}.i8")))?;
            for &i in rows {
                w.put(&v[flat(i)])?;
            }
            ("i8", w.finish(sync)?)
        }
        ColumnData::Character(v) => {
            let mut w = ColWriter::create(dir.join(format!("{name}.u8")))?;
            for &i in rows {
                for c in &v[flat(i)] {
                    w.put1(c.unwrap_or(0))?;
                }
            }
            ("u8", w.finish(sync)?)
        }
        ColumnData::Category { codes, .. } => {
            let mut w = ColWriter::create(dir.join(format!("{name}.u32")))?;
            for &i in rows {
                for &c in &codes[flat(i)] {
                    w.put1(if c == gtrack_core::value::MISSING_CODE {
                        c
                    } else {
                        map[c as usize]
                    })?;
                }
            }
            ("u32", w.finish(sync)?)
        }
    };
    files.insert(format!("{name}.{ext}"), entry);
    Ok(())
}

fn write_dict(
    dir: &Path,
    name: &str,
    words: &[String],
    sync: bool,
    files: &mut BTreeMap<String, FileEntry>,
) -> Result<()> {
    let col: StringColumn = words.iter().map(|w| Some(w.as_str())).collect();
    write_strings(dir, name, &col, &mut (0..words.len()), sync, files)
}

/// Write one sequence's columns into `dir` (created) in (start, end) order.
#[allow(clippy::too_many_arguments)]
fn write_seq(
    dir: &Path,
    s: &SeqElements,
    per_base: bool,
    points: bool,
    value_map: &[u32],
    weight_map: &[u32],
    sync: bool,
    track: &str,
) -> Result<SeqEntry> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    if !per_base {
        if let Some(i) = (0..s.len()).find(|&i| s.ends[i] < s.starts[i]) {
            return Err(Error::Usage(format!(
                "track `{track}`: element {}:{}-{} wraps around the end of a circular sequence; the store does not hold circular elements yet (split it into two elements)",
                s.seqid, s.starts[i], s.ends[i]
            )));
        }
    }
    let order = sort_order(s);
    let ident: Vec<usize>;
    let rows: &[usize] = match &order {
        Some(o) => o,
        None => {
            ident = (0..s.len()).collect();
            &ident
        }
    };
    let mut files = BTreeMap::new();
    let mut blocks = Vec::new();
    let mut ends_sorted = true;
    let mut merged = 0u64;
    let (mut first_start, mut max_end) = (None, 0u64);
    if per_base {
        for (k, &i) in rows.iter().enumerate() {
            let p = s.starts[i];
            first_start.get_or_insert(p);
            max_end = max_end.max(p + 1);
            match blocks.last_mut() {
                Some((pos, _, n)) if *pos + *n == p => *n += 1,
                _ => blocks.push((p, k as u64, 1)),
            }
        }
        merged = s.len() as u64;
    } else {
        // Written in blocks through small reused buffers (no per-column
        // arrays: fresh memory costs page faults). The running maximum of
        // ends is kept whole, and written only when elements nest.
        const BLOCK: usize = 1 << 15;
        let mut sw = ColWriter::create(dir.join("start.u64"))?;
        let mut ew = (!points)
            .then(|| ColWriter::create(dir.join("end.u64")))
            .transpose()?;
        let mut maxend: Vec<u64> = Vec::with_capacity(rows.len());
        let (mut sb, mut eb) = (Vec::with_capacity(BLOCK), Vec::with_capacity(BLOCK));
        let mut m = 0u64;
        let mut cur_end = 0u64;
        for (k, &i) in rows.iter().enumerate() {
            let (st, en) = (s.starts[i], s.ends[i]);
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
        first_start = rows.first().map(|&i| s.starts[i]);
        max_end = m;
        files.insert("start.u64".into(), sw.finish(sync)?);
        if let Some(w) = ew {
            files.insert("end.u64".into(), w.finish(sync)?);
        }
        if points {
            ends_sorted = true;
        } else if !ends_sorted {
            files.insert(
                "maxend.u64".into(),
                write_slice(dir.join("maxend.u64"), &maxend, sync)?,
            );
        }
    }
    if let Some(v) = &s.values {
        write_values(dir, "value", v, rows, value_map, sync, &mut files)?;
    }
    if let Some(st) = &s.strands {
        let mut w = ColWriter::create(dir.join("strand.u8"))?;
        for part in rows.chunks(1 << 16) {
            let b: Vec<u8> = part.iter().map(|&i| st[i].symbol() as u8).collect();
            w.put(&b)?;
        }
        files.insert("strand.u8".into(), w.finish(sync)?);
    }
    if let Some(ids) = &s.ids {
        write_strings(dir, "id", ids, &mut rows.iter().copied(), sync, &mut files)?;
    }
    for (n, x) in s.extras.iter().enumerate() {
        write_strings(
            dir,
            &format!("x{n}"),
            x,
            &mut rows.iter().copied(),
            sync,
            &mut files,
        )?;
    }
    if let Some(e) = &s.edges {
        let mut off = Vec::with_capacity(rows.len() + 1);
        off.push(0u64);
        let mut flat = Vec::with_capacity(e.edge_count());
        for &i in rows {
            flat.extend(e.range(i));
            off.push(flat.len() as u64);
        }
        files.insert(
            "edges.off.u64".into(),
            write_slice(dir.join("edges.off.u64"), &off, sync)?,
        );
        let targets: StringColumn = (0..e.edge_count()).map(|k| Some(e.target(k))).collect();
        write_strings(
            dir,
            "edges.target",
            &targets,
            &mut flat.iter().copied(),
            sync,
            &mut files,
        )?;
        if let Some(w) = e.weights() {
            write_values(dir, "weight", w, &flat, weight_map, sync, &mut files)?;
        }
    }
    Ok(SeqEntry {
        genome: s.genome.clone(),
        seqid: s.seqid.clone(),
        length: None,
        dir: String::new(),
        count: s.len() as u64,
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
    pub sync: bool,
}

fn seqdir(i: usize) -> String {
    format!("s{i:05}")
}

/// Write `track` (any element order) into the empty directory `dir`:
/// columns of every sequence (in parallel), dictionaries, manifest.
pub(crate) fn write_track(dir: &Path, track: &Track, info: WriteInfo<'_>) -> Result<Manifest> {
    let tt = track.schema.track_type;
    let per_base = tt.is_per_base();
    let points = !tt.has_lengths() && !tt.is_dense();
    let vdicts = unify(track.seqs.iter().map(|s| s.values.as_ref()));
    let wdicts = unify(
        track
            .seqs
            .iter()
            .map(|s| s.edges.as_ref().and_then(|e| e.weights())),
    );
    let entries: Vec<SeqEntry> = track
        .seqs
        .par_iter()
        .enumerate()
        .map(|(i, s)| {
            let vm = vdicts.as_ref().map_or(&[][..], |d| &d.maps[i][..]);
            let wm = wdicts.as_ref().map_or(&[][..], |d| &d.maps[i][..]);
            let mut e = write_seq(
                &dir.join(seqdir(i)),
                s,
                per_base,
                points,
                vm,
                wm,
                info.sync,
                info.name,
            )?;
            e.dir = seqdir(i);
            Ok(e)
        })
        .collect::<Result<_>>()?;
    let mut files = BTreeMap::new();
    if let Some(d) = &vdicts {
        write_dict(dir, "value.dict", &d.words, info.sync, &mut files)?;
    }
    if let Some(d) = &wdicts {
        write_dict(dir, "weight.dict", &d.words, info.sync, &mut files)?;
    }
    Ok(manifest(track, entries, files, info))
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
            &merged,
            per_base,
            points,
            &vm,
            &wm,
            info.sync,
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
        write_dict(dir, "value.dict", vdict.words(), info.sync, &mut files)?;
    }
    if cat(skeleton.schema.edges.and_then(|e| e.weights)) {
        write_dict(dir, "weight.dict", wdict.words(), info.sync, &mut files)?;
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
