//! The GTrack tools of the paper's Table 6.

use std::collections::HashMap;

use gtrack_core::{Track, ValueBuf};

/// Whether every edge a→b of `track` is matched by b→a with an equal
/// weight (self-loops need no partner). False for tracks without edges
/// or with no edge at all.
pub fn edges_undirected(track: &Track) -> bool {
    let mut map: HashMap<(&str, &str), Option<ValueBuf>> = HashMap::new();
    let mut any = false;
    for s in &track.seqs {
        let (Some(ids), Some(ed)) = (&s.ids, &s.edges) else {
            continue;
        };
        for i in 0..s.len() {
            let src = ids.get(i).unwrap_or("");
            for e in ed.range(i) {
                any = true;
                map.insert((src, ed.target(e)), ed.weights().map(|w| w.get(e)));
            }
        }
    }
    any && map.iter().all(|((a, b), w)| {
        a == b
            || map.get(&(*b, *a)).is_some_and(|w2| match (w, w2) {
                (Some(x), Some(y)) => x.same(y),
                (None, None) => true,
                _ => false,
            })
    })
}

use std::collections::HashSet;

use gtrack_core::{
    EdgeColumn, EdgeSpec, OptionalColumns, RegionKind, Strand, StringColumn, TrackSchema,
    TrackType, ValueColumn,
};

use super::diag::{Diagnostic, Fault, Rule};
use super::reader::{ReadOptions, Reader};
use super::writer::{guarantees, write_string, WriteOptions};
use super::{infer, read_track, Parsed};

fn usage(path: &str, msg: impl Into<String>) -> Vec<Diagnostic> {
    vec![Fault::new(Rule::Usage, msg).at(path, 0)]
}

/// Parse `text` with the headers the content implies where the file does
/// not declare them (track type, value and edge-weight types, edge weights).
///
/// # Errors
/// The file's diagnostics.
pub fn read_inferred(
    text: &[u8],
    name: &str,
    mut opts: ReadOptions,
) -> Result<Parsed, Vec<Diagnostic>> {
    let scan = infer::scan(text);
    opts.assume = infer::assumptions(&scan);
    read_track(Reader::new(text, name, opts))
}

/// Options for [`expand_headers`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ExpandOptions {
    /// Write every basic header, not only those with non-default values.
    pub full: bool,
}

/// "Expand GTrack headers": rewrite a GTrack file with every header that
/// its content implies. Track type, undirected edges, edge weights,
/// uninterrupted data lines, sorted elements, no overlapping elements and
/// circular elements are computed exactly; value and edge weight types
/// and dimensions are guessed when the file does not declare them (see
/// [`infer`]). Subtype headers are inlined; extended-syntax headers
/// (`value column`, `fixed length`, …) are normalised away by writing the
/// columns explicitly. The file's indexing is kept. Comments are dropped.
///
/// # Errors
/// The file's diagnostics.
pub fn expand_headers(
    text: &[u8],
    name: &str,
    opts: ExpandOptions,
) -> Result<String, Vec<Diagnostic>> {
    let mut parsed = read_inferred(text, name, ReadOptions::default())?;
    let undirected = edges_undirected(&parsed.track);
    if let Some(e) = &mut parsed.track.schema.edges {
        e.undirected = undirected;
    }
    let wo = WriteOptions {
        full_headers: opts.full,
        one_indexed: parsed.layout.one_indexed,
        end_inclusive: parsed.layout.end_inclusive,
        subtype: None,
    };
    let out = write_string(&parsed.track, &wo);
    if opts.full {
        return Ok(out);
    }
    // Value and edge-weight types may be guesses: state them even when they
    // are the defaults, so that expanding again reads the same types.
    let mut typed = String::new();
    let t = &parsed.track.schema;
    let specs = [
        (t.value, "value type", "value dimension"),
        (
            t.edges.and_then(|e| e.weights),
            "edge weight type",
            "edge weight dimension",
        ),
    ];
    for (spec, ty, dim) in specs {
        if let Some(v) = spec {
            if !out.contains(&format!("\n##{ty}:")) {
                typed.push_str(&format!("##{ty}: {}\n", v.ty));
            }
            if !out.contains(&format!("\n##{dim}:")) {
                typed.push_str(&format!("##{dim}: {}\n", v.dim));
            }
        }
    }
    let out = insert_before_columns(&out, &typed);
    // Add the guarantees that hold (the writer adds only what validity needs).
    let g = guarantees(&parsed.track);
    let tt = parsed.track.track_type();
    let mut extra = String::new();
    if g.uninterrupted {
        extra.push_str("##uninterrupted data lines: true\n");
    }
    if g.sorted {
        extra.push_str("##sorted elements: true\n");
    }
    if g.no_overlaps && tt.is_sparse() {
        extra.push_str("##no overlapping elements: true\n");
    }
    Ok(insert_before_columns(&out, &extra))
}

fn insert_before_columns(text: &str, extra: &str) -> String {
    let pos = text.find("\n###").map(|p| p + 1).unwrap_or(0);
    let mut s = String::with_capacity(text.len() + extra.len());
    s.push_str(&text[..pos]);
    s.push_str(extra);
    s.push_str(&text[pos..]);
    s
}

/// "Standardize GTrack file": the same elements as a `linked valued
/// segments` track with the columns `seqid start end value strand id
/// edges` (plus extra columns), 0-based and end-exclusive, without
/// bounding regions. Missing ids are generated (`0`, `1`, … skipping ids
/// in use); missing values and strands are `.`. A single genome is kept
/// as the header `##genome:`; several genomes are an error.
///
/// # Errors
/// When elements come from more than one genome.
pub fn standardize(track: &Track, name: &str) -> Result<Track, Vec<Diagnostic>> {
    let genomes: HashSet<&str> = track
        .seqs
        .iter()
        .filter_map(|s| s.genome.as_deref())
        .collect();
    if genomes.len() > 1 {
        let mut g: Vec<&str> = genomes.into_iter().collect();
        g.sort();
        return Err(usage(
            name,
            format!(
                "standardize keeps one genome, but the track has elements from {}",
                g.join(", ")
            ),
        ));
    }
    let value = track.schema.value.unwrap_or_default();
    let edges = track.schema.edges.unwrap_or_default();
    let schema = TrackSchema {
        track_type: TrackType::LinkedValuedSegments,
        value: Some(value),
        edges: Some(edges),
        columns: OptionalColumns {
            strand: true,
            id: true,
            extra: track.schema.columns.extra.clone(),
        },
    };
    let mut used: HashSet<String> = HashSet::new();
    for s in &track.seqs {
        if let Some(ids) = &s.ids {
            used.extend(ids.iter().flatten().map(str::to_string));
        }
    }
    let mut next = 0u64;
    let mut out = Track::new(schema);
    out.metadata = track.metadata.clone();
    if let Some(g) = genomes.iter().next() {
        out.metadata
            .retain(|(k, _)| !k.eq_ignore_ascii_case("genome"));
        out.metadata.push(("genome".into(), g.to_string()));
    }
    for s in &track.seqs {
        if s.is_empty() {
            continue;
        }
        let ti = out.seq_index(None, &s.seqid);
        let o = &mut out.seqs[ti];
        o.starts.extend_from_slice(&s.starts);
        o.ends.extend_from_slice(&s.ends);
        let vals = o.values.as_mut().expect("valued");
        match &s.values {
            Some(v) => vals.extend_from(v),
            None => (0..s.len()).for_each(|_| vals.push_missing()),
        }
        let st = o.strands.as_mut().expect("strand");
        match &s.strands {
            Some(x) => st.extend_from_slice(x),
            None => st.extend(std::iter::repeat_n(Strand::Unknown, s.len())),
        }
        let ids = o.ids.as_mut().expect("ids");
        for i in 0..s.len() {
            match s.ids.as_ref().and_then(|c| c.get(i)) {
                Some(id) => ids.push(Some(id)),
                None => {
                    while used.contains(&next.to_string()) {
                        next += 1;
                    }
                    let id = next.to_string();
                    next += 1;
                    ids.push(Some(&id));
                }
            }
        }
        let ed = o.edges.as_mut().expect("edges");
        match &s.edges {
            Some(e) => {
                let all: Vec<usize> = (0..s.len()).collect();
                let t = e.take(&all);
                *ed = t;
            }
            None => (0..s.len()).for_each(|_| ed.push(std::iter::empty())),
        }
        o.extras = s.extras.clone();
    }
    Ok(out)
}

/// "Sort GTrack file": bounding regions by (genome, seqid, start, end),
/// then the elements of each block by (start, end); without regions,
/// sequences by (genome, seqid) and their elements by (start, end).
/// Sequence names compare as byte strings (`chr10` < `chr2`), as the
/// specification leaves the order unspecified beyond "ascending".
/// Function-like tracks (one element per base) are already in order.
pub fn sort(track: &mut Track) {
    let key = |r: &gtrack_core::BoundingRegion| (r.genome.clone(), r.seqid.clone(), r.start, r.end);
    let mut ridx: Vec<usize> = (0..track.regions.len()).collect();
    ridx.sort_by_key(|&i| key(&track.regions[i]));
    let regions: Vec<_> = ridx.iter().map(|&i| track.regions[i].clone()).collect();
    track.regions = regions;
    let kind = track.regions.first().map(|r| r.kind);
    if kind == Some(RegionKind::Sequence) {
        // Per sequence: blocks in region order, each sorted.
        let nseq = track.seqs.len();
        let mut orders: Vec<Vec<usize>> = vec![Vec::new(); nseq];
        let mut new_blocks = Vec::new();
        for r in &track.regions {
            match &r.block {
                Some((si, range)) => {
                    let s = &track.seqs[*si];
                    let mut idx: Vec<usize> = range.clone().collect();
                    idx.sort_by_key(|&i| (s.starts[i], s.ends[i]));
                    let start = orders[*si].len();
                    orders[*si].extend(idx);
                    new_blocks.push(Some((*si, start..orders[*si].len())));
                }
                None => new_blocks.push(None),
            }
        }
        for (si, order) in orders.iter_mut().enumerate() {
            let n = track.seqs[si].len();
            if order.len() < n {
                let seen: HashSet<usize> = order.iter().copied().collect();
                order.extend((0..n).filter(|i| !seen.contains(i)));
            }
            track.seqs[si].permute(order);
        }
        for (r, b) in track.regions.iter_mut().zip(new_blocks) {
            r.block = b;
        }
    } else {
        for s in &mut track.seqs {
            let mut idx: Vec<usize> = (0..s.len()).collect();
            idx.sort_by_key(|&i| (s.starts[i], s.ends[i]));
            s.permute(&idx);
        }
    }
    // Sequence order (used without regions and for type-A blocks).
    let mut sidx: Vec<usize> = (0..track.seqs.len()).collect();
    sidx.sort_by(|&a, &b| {
        let (x, y) = (&track.seqs[a], &track.seqs[b]);
        (&x.genome, &x.seqid).cmp(&(&y.genome, &y.seqid))
    });
    let mut inverse = vec![0; sidx.len()];
    for (new, &old) in sidx.iter().enumerate() {
        inverse[old] = new;
    }
    let seqs = std::mem::take(&mut track.seqs);
    let mut slots: Vec<Option<gtrack_core::SeqElements>> = seqs.into_iter().map(Some).collect();
    track.seqs = sidx
        .iter()
        .map(|&i| slots[i].take().expect("permutation"))
        .collect();
    for r in &mut track.regions {
        if let Some((si, _)) = &mut r.block {
            *si = inverse[*si];
        }
    }
    track.reindex();
}

/// How [`complement`] matches elements of the two tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchBy {
    /// By the `id` column.
    Id,
    /// By (genome, seqid, start, end).
    Position,
}

/// "Complement GTrack columns": copy the named columns (`value`,
/// `strand`, `id`, `edges` or extra columns) from `other` into `track`
/// for elements that match by id or by position. Unmatched elements get
/// missing values. Duplicate keys in `other` are an error. The value or
/// edge-weight type comes from `other`; adding `value` or `edges`
/// changes the track type accordingly.
///
/// # Errors
/// Unknown columns, missing ids, duplicate keys, or a result that is no
/// valid track (edges without ids).
pub fn complement(
    track: &mut Track,
    other: &Track,
    columns: &[String],
    by: MatchBy,
    name: &str,
) -> Result<(), Vec<Diagnostic>> {
    type Key = (Option<String>, String, u64, u64);
    enum K {
        Id(String),
        Pos(Key),
    }
    let key_of = |s: &gtrack_core::SeqElements, i: usize| -> Option<K> {
        match by {
            MatchBy::Id => s
                .ids
                .as_ref()
                .and_then(|c| c.get(i))
                .map(|x| K::Id(x.to_string())),
            MatchBy::Position => Some(K::Pos((
                s.genome.clone(),
                s.seqid.clone(),
                s.starts[i],
                s.ends[i],
            ))),
        }
    };
    let kstr = |k: &K| match k {
        K::Id(x) => x.clone(),
        K::Pos((g, s, a, b)) => format!(
            "{}{s}:{a}-{b}",
            g.as_ref().map(|g| format!("{g}:")).unwrap_or_default()
        ),
    };
    if by == MatchBy::Id && (!track.schema.columns.id || !other.schema.columns.id) {
        return Err(usage(
            name,
            "matching by id needs an `id` column in both files",
        ));
    }
    let mut index: HashMap<String, (usize, usize)> = HashMap::new();
    for (si, s) in other.seqs.iter().enumerate() {
        for i in 0..s.len() {
            if let Some(k) = key_of(s, i) {
                let ks = kstr(&k);
                if index.insert(ks.clone(), (si, i)).is_some() {
                    return Err(usage(name, format!("key `{ks}` occurs twice in the second file; complementing needs unique keys")));
                }
            }
        }
    }
    let matches: Vec<Vec<Option<(usize, usize)>>> = track
        .seqs
        .iter()
        .map(|s| {
            (0..s.len())
                .map(|i| key_of(s, i).and_then(|k| index.get(&kstr(&k)).copied()))
                .collect()
        })
        .collect();
    for col in columns {
        let col = col.to_ascii_lowercase();
        match col.as_str() {
            "value" => {
                let spec = other
                    .schema
                    .value
                    .ok_or_else(|| usage(name, "the second file has no value column"))?;
                track.schema.value = Some(spec);
                for (s, m) in track.seqs.iter_mut().zip(&matches) {
                    let mut c = ValueColumn::new(spec);
                    for mm in m {
                        match mm {
                            Some((si, j)) => {
                                c.push(&other.seqs[*si].values.as_ref().expect("valued").get(*j))
                            }
                            None => c.push_missing(),
                        }
                    }
                    s.values = Some(c);
                }
            }
            "strand" => {
                if !other.schema.columns.strand {
                    return Err(usage(name, "the second file has no strand column"));
                }
                track.schema.columns.strand = true;
                for (s, m) in track.seqs.iter_mut().zip(&matches) {
                    let old = s.strands.take();
                    s.strands = Some(
                        m.iter()
                            .enumerate()
                            .map(|(i, mm)| match mm {
                                Some((si, j)) => other.seqs[*si]
                                    .strands
                                    .as_ref()
                                    .map_or(Strand::Unknown, |x| x[*j]),
                                None => old.as_ref().map_or(Strand::Unknown, |x| x[i]),
                            })
                            .collect(),
                    );
                }
            }
            "id" => {
                if !other.schema.columns.id {
                    return Err(usage(name, "the second file has no id column"));
                }
                track.schema.columns.id = true;
                for (s, m) in track.seqs.iter_mut().zip(&matches) {
                    let old = s.ids.take();
                    let c: StringColumn = m
                        .iter()
                        .enumerate()
                        .map(|(i, mm)| match mm {
                            Some((si, j)) => other.seqs[*si].ids.as_ref().and_then(|x| x.get(*j)),
                            None => old.as_ref().and_then(|x| x.get(i)),
                        })
                        .collect();
                    s.ids = Some(c);
                }
            }
            "edges" => {
                let spec: EdgeSpec = other
                    .schema
                    .edges
                    .ok_or_else(|| usage(name, "the second file has no edges column"))?;
                if !track.schema.columns.id {
                    return Err(usage(name, "adding edges needs an `id` column in the first file (complement `id` first)"));
                }
                track.schema.edges = Some(spec);
                for (s, m) in track.seqs.iter_mut().zip(&matches) {
                    let mut c = EdgeColumn::new(spec.weights);
                    for mm in m {
                        match mm {
                            Some((si, j)) => {
                                let e = other.seqs[*si].edges.as_ref().expect("linked");
                                let ws: Vec<Option<gtrack_core::ValueBuf>> =
                                    e.range(*j).map(|k| e.weights().map(|w| w.get(k))).collect();
                                c.push(
                                    e.range(*j).zip(&ws).map(|(k, w)| (e.target(k), w.as_ref())),
                                );
                            }
                            None => c.push(std::iter::empty()),
                        }
                    }
                    s.edges = Some(c);
                }
            }
            "genome" | "seqid" | "start" | "end" => {
                return Err(usage(
                    name,
                    format!("`{col}` is positional and cannot be complemented"),
                ));
            }
            _ => {
                let Some(oi) = other
                    .schema
                    .columns
                    .extra
                    .iter()
                    .position(|c| c.eq_ignore_ascii_case(&col))
                else {
                    return Err(usage(
                        name,
                        format!("the second file has no column `{col}`"),
                    ));
                };
                let ti = match track
                    .schema
                    .columns
                    .extra
                    .iter()
                    .position(|c| c.eq_ignore_ascii_case(&col))
                {
                    Some(t) => t,
                    None => {
                        track
                            .schema
                            .columns
                            .extra
                            .push(other.schema.columns.extra[oi].clone());
                        for s in &mut track.seqs {
                            s.extras.push((0..s.len()).map(|_| Some(".")).collect());
                        }
                        track.schema.columns.extra.len() - 1
                    }
                };
                for (s, m) in track.seqs.iter_mut().zip(&matches) {
                    let old = s.extras[ti].clone();
                    s.extras[ti] = m
                        .iter()
                        .enumerate()
                        .map(|(i, mm)| match mm {
                            Some((si, j)) => other.seqs[*si].extras[oi].get(*j),
                            None => old.get(i),
                        })
                        .collect();
                }
            }
        }
    }
    // The track type follows the core columns now present.
    let mut core = track.schema.track_type.core_columns();
    core.value = track.schema.value.is_some();
    core.edges = track.schema.edges.is_some();
    track.schema.track_type = TrackType::from_core_columns(core).unwrap_or(track.schema.track_type);
    if track.schema.track_type.is_linked() {
        let missing = track
            .seqs
            .iter()
            .any(|s| s.ids.as_ref().is_none_or(|c| c.any_missing()));
        if missing {
            return Err(usage(
                name,
                "the result has edges but some elements have no id; complement `id` as well",
            ));
        }
    }
    Ok(())
}

/// Options for [`from_tabular`].
#[derive(Debug, Clone, Default)]
pub struct TabularOptions {
    /// Column roles/names, one per input column; `-` drops a column.
    pub columns: Vec<String>,
    /// Input coordinates are 1-based.
    pub one_indexed: bool,
    /// Input intervals are closed.
    pub end_inclusive: bool,
    /// Force the track type (otherwise inferred from the columns).
    pub track_type: Option<TrackType>,
    /// Write all headers.
    pub full_headers: bool,
}

/// "Convert tabular file to GTrack": the user names each column's role
/// (`seqid`, `start`, `end`, `value`, `strand`, `id`, `edges`, `genome`,
/// any custom name, or `-` to drop it). Lines starting with `#`, `track`
/// or `browser` are skipped. Fields are taken literally (a `%` is
/// escaped). The track type and value types are inferred.
///
/// # Errors
/// Bad column roles (no seqid, edges without id, no start for a sparse
/// type, no core column), column count mismatches, or invalid content,
/// with line numbers of the input.
pub fn from_tabular(
    text: &[u8],
    name: &str,
    opts: &TabularOptions,
) -> Result<String, Vec<Diagnostic>> {
    let cols: Vec<String> = opts
        .columns
        .iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let kept: Vec<usize> = (0..cols.len()).filter(|&i| cols[i] != "-").collect();
    let names: Vec<&str> = kept.iter().map(|&i| cols[i].as_str()).collect();
    let has = |n: &str| names.contains(&n);
    if cols.is_empty() {
        return Err(usage(
            name,
            "name the columns, e.g. --columns seqid,start,end,value",
        ));
    }
    let mut seen = HashSet::new();
    for n in &names {
        if n.is_empty() || !seen.insert(*n) {
            return Err(usage(
                name,
                format!("column `{n}` is empty or named twice in --columns"),
            ));
        }
    }
    if !has("seqid") {
        return Err(usage(name, "a tabular file needs a `seqid` column (bounding regions cannot come from tabular input)"));
    }
    if has("edges") && !has("id") {
        return Err(usage(name, "an `edges` column needs an `id` column"));
    }
    if !has("start") {
        return Err(usage(
            name,
            "a tabular file needs a `start` column: dense track types (genome partition, step function, function) need bounding regions, which tabular input cannot give",
        ));
    }
    let mut body = String::with_capacity(text.len() + 64);
    body.push_str("##gtrack version: 1.0\n");
    if let Some(t) = opts.track_type {
        body.push_str(&format!("##track type: {t}\n"));
    }
    if opts.one_indexed {
        body.push_str("##1-indexed: true\n");
    }
    if opts.end_inclusive {
        body.push_str("##end inclusive: true\n");
    }
    body.push_str("###");
    body.push_str(&names.join("\t"));
    body.push('\n');
    // Map GTrack line numbers back to input lines for messages.
    let mut line_map: Vec<u64> = vec![
        0;
        2 + opts.one_indexed as usize
            + opts.end_inclusive as usize
            + opts.track_type.is_some() as usize
    ];
    for (n, line) in text.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty()
            || line.starts_with(b"#")
            || line.starts_with(b"track")
            || line.starts_with(b"browser")
        {
            continue;
        }
        let fields: Vec<&[u8]> = line.split(|&b| b == b'\t').collect();
        if fields.len() != cols.len() {
            return Err(vec![Fault::new(
                Rule::ColumnCount,
                format!(
                    "{} fields, but --columns names {}",
                    fields.len(),
                    cols.len()
                ),
            )
            .at(name, n as u64 + 1)]);
        }
        for (k, &i) in kept.iter().enumerate() {
            if k > 0 {
                body.push('\t');
            }
            let f = String::from_utf8_lossy(fields[i]);
            super::escape::escape_into(&mut body, &f, b"");
        }
        body.push('\n');
        line_map.push(n as u64 + 1);
    }
    let parsed = read_inferred(body.as_bytes(), name, ReadOptions::default()).map_err(|ds| {
        ds.into_iter()
            .map(|mut d| {
                d.line = line_map.get(d.line as usize - 1).copied().unwrap_or(0);
                d
            })
            .collect::<Vec<_>>()
    })?;
    let mut track = parsed.track;
    let undirected = edges_undirected(&track);
    if let Some(e) = &mut track.schema.edges {
        e.undirected = undirected;
    }
    Ok(write_string(
        &track,
        &WriteOptions {
            full_headers: opts.full_headers,
            one_indexed: opts.one_indexed,
            end_inclusive: opts.end_inclusive,
            subtype: None,
        },
    ))
}
