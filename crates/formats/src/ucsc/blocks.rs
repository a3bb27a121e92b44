//! Items with blocks (PSL alignments, genePred transcripts): the shared
//! track layout, block expansion, and the writer side.
//!
//! Without `expand_blocks` every item is one *segments* element whose
//! block lists stay in extra columns, as BED12 does in the `bed_direct`
//! subtype.
//!
//! With `expand_blocks` the track is *linked segments* (the `bed_linked`
//! subtype's layout, without its value): each item is one element with
//! id `<name>` (made unique by appending `~2`, `~3`, … when a name
//! repeats) carrying every extra column and no edges, followed by one
//! element per block with id `<item id>.<k>` (k = 1, 2, … in ascending
//! genome order), the same strand, every extra column `.`, and edges to
//! its item and to the next block (`cloneA.1 → cloneA; cloneA.1 →
//! cloneA.2`). Writers skip the block elements: they are recognised as
//! elements with edges whose extra columns are all `.`.

use std::collections::{HashMap, HashSet};

use gtrack_core::columns::Strand;
use gtrack_core::track::{EdgeSpec, OptionalColumns, SeqElements, Track, TrackSchema};
use gtrack_core::track_type::TrackType;

use crate::error::Error;
use crate::format::Format;

/// The schema of an item track with `extra` columns.
pub(crate) fn schema(expand: bool, extra: &[&str]) -> TrackSchema {
    TrackSchema {
        track_type: if expand {
            TrackType::LinkedSegments
        } else {
            TrackType::Segments
        },
        value: None,
        edges: expand.then_some(EdgeSpec {
            undirected: false,
            weights: None,
        }),
        columns: OptionalColumns {
            strand: true,
            id: expand,
            extra: extra.iter().map(|s| s.to_string()).collect(),
        },
    }
}

/// Appends items (and, when expanding, their blocks) to a track.
pub(crate) struct ItemSink {
    expand: bool,
    ids: HashSet<String>,
    last: Option<(String, usize)>,
    id_buf: String,
}

impl ItemSink {
    /// A sink; `expand` adds one linked element per block.
    pub fn new(expand: bool) -> Self {
        ItemSink {
            expand,
            ids: HashSet::new(),
            last: None,
            id_buf: String::new(),
        }
    }

    fn seq(&mut self, track: &mut Track, seqid: &str) -> usize {
        if let Some((s, i)) = &self.last {
            if s == seqid {
                return *i;
            }
        }
        let i = track.seq_index(None, seqid);
        self.last = Some((seqid.to_string(), i));
        i
    }

    /// Append one item on `seqid` at `[start, end)`; `blocks` are in
    /// plus-strand coordinates, ascending.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        track: &mut Track,
        seqid: &str,
        start: u64,
        end: u64,
        strand: Strand,
        name: &str,
        extras: &[&str],
        blocks: &[(u64, u64)],
    ) {
        let si = self.seq(track, seqid);
        let s = &mut track.seqs[si];
        s.starts.push(start);
        s.ends.push(end);
        if let Some(st) = &mut s.strands {
            st.push(strand);
        }
        for (col, x) in s.extras.iter_mut().zip(extras) {
            col.push(Some(x));
        }
        if !self.expand {
            return;
        }
        let id = self.unique_id(name, blocks.len());
        let s = &mut track.seqs[si];
        s.ids.as_mut().expect("id column").push(Some(&id));
        s.edges
            .as_mut()
            .expect("edge column")
            .push(std::iter::empty());
        let ncols = s.extras.len();
        for (k, &(bs, be)) in blocks.iter().enumerate() {
            s.starts.push(bs);
            s.ends.push(be);
            if let Some(st) = &mut s.strands {
                st.push(strand);
            }
            self.id_buf.clear();
            use std::fmt::Write as _;
            let _ = write!(self.id_buf, "{id}.{}", k + 1);
            s.ids.as_mut().expect("id column").push(Some(&self.id_buf));
            let next = (k + 1 < blocks.len()).then(|| format!("{id}.{}", k + 2));
            let edges = s.edges.as_mut().expect("edge column");
            match &next {
                Some(n) => edges.push([(id.as_str(), None), (n.as_str(), None)]),
                None => edges.push([(id.as_str(), None)]),
            }
            for col in s.extras.iter_mut().take(ncols) {
                col.push(Some("."));
            }
        }
    }

    fn unique_id(&mut self, name: &str, nblocks: usize) -> String {
        let base = if name.is_empty() || name == "." {
            "item"
        } else {
            name
        };
        let free = |ids: &HashSet<String>, c: &str| {
            !ids.contains(c) && (1..=nblocks).all(|k| !ids.contains(&format!("{c}.{k}")))
        };
        let mut cand = base.to_string();
        let mut n = 2;
        while !free(&self.ids, &cand) {
            cand = format!("{base}~{n}");
            n += 1;
        }
        self.ids.insert(cand.clone());
        for k in 1..=nblocks {
            self.ids.insert(format!("{cand}.{k}"));
        }
        cand
    }
}

/// Whether element `i` of `s` is a block element made by [`ItemSink`].
pub(crate) fn is_block(s: &SeqElements, i: usize) -> bool {
    match &s.edges {
        Some(e) if !e.range(i).is_empty() => {
            !s.extras.is_empty() && s.extras.iter().all(|x| x.get(i) == Some("."))
        }
        _ => false,
    }
}

/// Column lookup for writing items: extra name → index.
pub(crate) struct Fields<'a> {
    index: HashMap<&'a str, usize>,
}

impl<'a> Fields<'a> {
    /// Index the extra columns of `track`.
    pub fn new(track: &'a Track) -> Self {
        Fields {
            index: track
                .schema
                .columns
                .extra
                .iter()
                .enumerate()
                .map(|(i, n)| (n.as_str(), i))
                .collect(),
        }
    }
    /// Field `name` of element `i`, when the column exists.
    pub fn get<'s>(&self, s: &'s SeqElements, i: usize, name: &str) -> Option<&'s str> {
        self.index
            .get(name)
            .and_then(|&c| s.extras[c].get(i))
            .filter(|v| !v.is_empty())
    }
}

/// The extra columns `format` writes, in order.
pub(crate) fn format_columns(format: Format) -> &'static [&'static str] {
    match format {
        Format::Psl => &super::psl::COLUMNS,
        Format::GenePred => &super::genepred::COLUMNS[..6],
        Format::GenePredExt => &super::genepred::COLUMNS,
        _ => &super::genepred::REFFLAT_COLUMNS,
    }
}

/// Losses of writing `track` as PSL or a genePred flavour.
pub(crate) fn losses(track: &Track, format: Format) -> Result<Vec<String>, Error> {
    use TrackType::*;
    let tt = track.track_type();
    if !matches!(
        tt,
        Segments | ValuedSegments | LinkedSegments | LinkedValuedSegments
    ) {
        return Err(Error::Unsupported {
            target: format,
            reason: format!(
                "{} holds segments (alignments or transcripts); a {} track has no segments to write",
                format.label(),
                tt
            ),
        });
    }
    let mut lost = Vec::new();
    if tt.is_valued() {
        lost.push("element values".to_string());
    }
    let cols = format_columns(format);
    if tt.is_linked() {
        let other_edges = track.seqs.iter().any(|s| {
            let e = s.edges.as_ref();
            (0..s.len()).any(|i| !is_block(s, i) && e.is_some_and(|e| !e.range(i).is_empty()))
        });
        if other_edges {
            lost.push("edges (other than block links)".to_string());
        }
    } else if track.schema.columns.id {
        lost.push("element ids".to_string());
    }
    let extra = &track.schema.columns.extra;
    let unknown: Vec<&str> = extra
        .iter()
        .map(String::as_str)
        .filter(|c| !cols.contains(c))
        .collect();
    if !unknown.is_empty() {
        lost.push(format!("extra columns `{}`", unknown.join("`, `")));
    }
    let missing: Vec<&str> = cols
        .iter()
        .copied()
        .filter(|c| !extra.iter().any(|e| e == c))
        .collect();
    if !missing.is_empty() && !track.is_empty() {
        lost.push(format!(
            "no column `{}`: written as defaults (see docs/formats/ucsc.md)",
            missing.join("`, `")
        ));
    }
    if format != Format::Psl {
        let unknown_strand = !track.schema.columns.strand
            || track.seqs.iter().any(|s| {
                s.strands
                    .as_ref()
                    .is_some_and(|st| st.contains(&Strand::Unknown))
            });
        if unknown_strand && !track.is_empty() {
            lost.push("unknown strands (written as `+`)".to_string());
        }
    }
    if track.seqs.iter().any(|s| s.genome.is_some()) {
        lost.push("genome names of sequences".to_string());
    }
    let known: &[&str] = if format == Format::Psl {
        &[super::psl::META_HEADER]
    } else {
        &[]
    };
    super::metadata_losses(track, known, &mut lost);
    Ok(lost)
}

/// Blocks of an item written from a track without block columns: one
/// block covering the element.
pub(crate) fn single_block(start: u64, end: u64) -> (String, String) {
    (
        format!("{},", end.saturating_sub(start)),
        format!("{start},"),
    )
}
