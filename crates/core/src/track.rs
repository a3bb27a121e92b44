//! The in-memory track: elements stored per sequence as columns.

use std::collections::HashMap;
use std::ops::Range;

use crate::columns::{EdgeColumn, Strand, StringColumn};
use crate::region::BoundingRegion;
use crate::track_type::TrackType;
use crate::value::{ValueBuf, ValueColumn, ValueSpec};

/// How a linked track's edges are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct EdgeSpec {
    /// Every edge a→b is matched by b→a with an equal weight.
    pub undirected: bool,
    /// Weight type and dimension, when edges are weighted.
    pub weights: Option<ValueSpec>,
}

/// Which optional (non-core) columns a track carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionalColumns {
    /// A per-element strand.
    pub strand: bool,
    /// A per-element id (always true for linked types).
    pub id: bool,
    /// Names of extra (custom) columns, in order.
    pub extra: Vec<String>,
}

/// Everything about a track except its elements and domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackSchema {
    /// The track type.
    pub track_type: TrackType,
    /// Value type and dimension (`Some` iff the type is valued).
    pub value: Option<ValueSpec>,
    /// Edge properties (`Some` iff the type is linked).
    pub edges: Option<EdgeSpec>,
    /// Optional columns.
    pub columns: OptionalColumns,
}

impl TrackSchema {
    /// A schema for `track_type` with default value/edge specs and no optional columns.
    pub fn new(track_type: TrackType) -> Self {
        TrackSchema {
            track_type,
            value: track_type.is_valued().then(ValueSpec::default),
            edges: track_type.is_linked().then(EdgeSpec::default),
            columns: OptionalColumns {
                id: track_type.is_linked(),
                ..Default::default()
            },
        }
    }
}

/// The elements of one sequence (one `(genome, seqid)` pair), column-wise.
///
/// Positions are 0-based, half-open, 64-bit. Implicit positions (points'
/// ends, dense types' starts) are materialised. For circular elements
/// `end < start` is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct SeqElements {
    /// Genome of the sequence, if known.
    pub genome: Option<String>,
    /// Sequence id.
    pub seqid: String,
    /// Start positions.
    pub starts: Vec<u64>,
    /// End positions (exclusive).
    pub ends: Vec<u64>,
    /// Values, for valued types.
    pub values: Option<ValueColumn>,
    /// Strands, when the track has a strand column.
    pub strands: Option<Vec<Strand>>,
    /// Ids, when the track has an id column.
    pub ids: Option<StringColumn>,
    /// Edges, for linked types.
    pub edges: Option<EdgeColumn>,
    /// Extra columns, in the order of [`OptionalColumns::extra`].
    pub extras: Vec<StringColumn>,
}

impl SeqElements {
    /// Empty columns matching `schema`.
    pub fn new(schema: &TrackSchema, genome: Option<String>, seqid: String) -> Self {
        SeqElements {
            genome,
            seqid,
            starts: Vec::new(),
            ends: Vec::new(),
            values: schema.value.map(ValueColumn::new),
            strands: schema.columns.strand.then(Vec::new),
            ids: schema.columns.id.then(StringColumn::new),
            edges: schema.edges.map(|e| EdgeColumn::new(e.weights)),
            extras: schema
                .columns
                .extra
                .iter()
                .map(|_| StringColumn::new())
                .collect(),
        }
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.starts.len()
    }
    /// True without elements.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
    /// Reorder all columns by `order` (a permutation of `0..len`).
    pub fn permute(&mut self, order: &[usize]) {
        self.starts = order.iter().map(|&i| self.starts[i]).collect();
        self.ends = order.iter().map(|&i| self.ends[i]).collect();
        if let Some(v) = &mut self.values {
            *v = v.take(order);
        }
        if let Some(s) = &mut self.strands {
            *s = order.iter().map(|&i| s[i]).collect();
        }
        if let Some(ids) = &mut self.ids {
            *ids = ids.take(order);
        }
        if let Some(e) = &mut self.edges {
            *e = e.take(order);
        }
        for x in &mut self.extras {
            *x = x.take(order);
        }
    }
    /// Append all elements of `other` (same schema).
    pub fn append(&mut self, other: &SeqElements) {
        self.starts.extend_from_slice(&other.starts);
        self.ends.extend_from_slice(&other.ends);
        if let (Some(a), Some(b)) = (&mut self.values, &other.values) {
            a.extend_from(b);
        }
        if let (Some(a), Some(b)) = (&mut self.strands, &other.strands) {
            a.extend_from_slice(b);
        }
        if let (Some(a), Some(b)) = (&mut self.ids, &other.ids) {
            a.extend_from(b);
        }
        if let (Some(a), Some(b)) = (&mut self.edges, &other.edges) {
            a.extend_from(b);
        }
        for (a, b) in self.extras.iter_mut().zip(&other.extras) {
            a.extend_from(b);
        }
    }
    /// Bytes held on the heap by the columns (for memory budgets).
    pub fn heap_bytes(&self) -> usize {
        self.starts.capacity() * 8
            + self.ends.capacity() * 8
            + self.values.as_ref().map_or(0, |v| v.heap_bytes())
            + self.strands.as_ref().map_or(0, |s| s.capacity())
            + self.ids.as_ref().map_or(0, |s| s.heap_bytes())
            + self.edges.as_ref().map_or(0, |e| e.heap_bytes())
            + self.extras.iter().map(|x| x.heap_bytes()).sum::<usize>()
    }
    /// Element-wise equality (missing values equal).
    pub fn same(&self, o: &SeqElements) -> bool {
        self.genome == o.genome
            && self.seqid == o.seqid
            && self.starts == o.starts
            && self.ends == o.ends
            && match (&self.values, &o.values) {
                (Some(a), Some(b)) => a.same(b),
                (None, None) => true,
                _ => false,
            }
            && self.strands == o.strands
            && self.ids == o.ids
            && match (&self.edges, &o.edges) {
                (Some(a), Some(b)) => a.same(b),
                (None, None) => true,
                _ => false,
            }
            && self.extras == o.extras
    }
}

/// A whole track: schema, domain (bounding regions) and elements.
#[derive(Debug, Clone)]
pub struct Track {
    /// Type and columns.
    pub schema: TrackSchema,
    /// Bounding regions in file order; empty = no explicit domain.
    pub regions: Vec<BoundingRegion>,
    /// Elements per sequence, in order of first appearance.
    pub seqs: Vec<SeqElements>,
    /// Free metadata (e.g. custom GTrack header variables), in order.
    pub metadata: Vec<(String, String)>,
    index: HashMap<(Option<String>, String), usize>,
}

impl Track {
    /// An empty track.
    pub fn new(schema: TrackSchema) -> Self {
        Track {
            schema,
            regions: Vec::new(),
            seqs: Vec::new(),
            metadata: Vec::new(),
            index: HashMap::new(),
        }
    }
    /// The track type.
    pub fn track_type(&self) -> TrackType {
        self.schema.track_type
    }
    /// Total number of elements.
    pub fn len(&self) -> usize {
        self.seqs.iter().map(|s| s.len()).sum()
    }
    /// True without elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Index of the sequence `(genome, seqid)`, created empty if new.
    pub fn seq_index(&mut self, genome: Option<&str>, seqid: &str) -> usize {
        let key = (genome.map(str::to_string), seqid.to_string());
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.seqs.len();
        self.seqs
            .push(SeqElements::new(&self.schema, key.0.clone(), key.1.clone()));
        self.index.insert(key, i);
        i
    }
    /// The sequence `(genome, seqid)`, if present.
    pub fn seq(&self, genome: Option<&str>, seqid: &str) -> Option<&SeqElements> {
        self.index
            .get(&(genome.map(str::to_string), seqid.to_string()))
            .map(|&i| &self.seqs[i])
    }
    /// Remove sequences without elements that no bounding region refers
    /// to (readers may create one for a declaration without data; such a
    /// sequence carries no information and does not survive writing).
    pub fn drop_empty_seqs(&mut self) {
        let used: std::collections::HashSet<usize> = self
            .regions
            .iter()
            .filter_map(|r| r.block.as_ref().map(|(s, _)| *s))
            .collect();
        if self
            .seqs
            .iter()
            .enumerate()
            .all(|(i, s)| !s.is_empty() || used.contains(&i))
        {
            return;
        }
        let mut map = vec![usize::MAX; self.seqs.len()];
        let mut kept = Vec::with_capacity(self.seqs.len());
        for (i, s) in std::mem::take(&mut self.seqs).into_iter().enumerate() {
            if !s.is_empty() || used.contains(&i) {
                map[i] = kept.len();
                kept.push(s);
            }
        }
        self.seqs = kept;
        for r in &mut self.regions {
            if let Some((s, _)) = &mut r.block {
                *s = map[*s];
            }
        }
        self.reindex();
    }
    /// Rebuild the lookup index after `seqs` was edited directly.
    pub fn reindex(&mut self) {
        self.index = self
            .seqs
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.genome.clone(), s.seqid.clone()), i))
            .collect();
    }
    /// Names of distinct sequence ids, in order of first appearance.
    pub fn seqids(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.seqs
            .iter()
            .map(|s| s.seqid.as_str())
            .filter(|s| seen.insert(*s))
            .collect()
    }
    /// Append one element to sequence `seq`. Convenience for builders
    /// and tests; parsers append column-wise.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        seq: usize,
        start: u64,
        end: u64,
        value: Option<&ValueBuf>,
        strand: Strand,
        id: Option<&str>,
        edges: &[(String, Option<ValueBuf>)],
        extras: &[&str],
    ) {
        let s = &mut self.seqs[seq];
        s.starts.push(start);
        s.ends.push(end);
        if let Some(col) = &mut s.values {
            match value {
                Some(v) => col.push(v),
                None => col.push_missing(),
            }
        }
        if let Some(st) = &mut s.strands {
            st.push(strand);
        }
        if let Some(ids) = &mut s.ids {
            ids.push(id);
        }
        if let Some(e) = &mut s.edges {
            e.push(edges.iter().map(|(t, w)| (t.as_str(), w.as_ref())));
        }
        for (i, x) in s.extras.iter_mut().enumerate() {
            x.push(Some(extras.get(i).copied().unwrap_or("")));
        }
    }
    /// Element-wise equality of schema, regions, sequences and metadata.
    pub fn same(&self, o: &Track) -> bool {
        self.schema == o.schema
            && self.regions == o.regions
            && self.seqs.len() == o.seqs.len()
            && self.seqs.iter().zip(&o.seqs).all(|(a, b)| a.same(b))
            && self.metadata == o.metadata
    }
    /// Per bounding region, the sequence index and element range of its block.
    pub fn region_blocks(&self) -> Vec<Option<(usize, Range<usize>)>> {
        self.regions.iter().map(|r| r.block.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BoundingRegion, Strand};

    #[test]
    fn drop_empty_seqs_keeps_referenced_ones_and_remaps_regions() {
        let mut t = Track::new(TrackSchema::new(TrackType::Segments));
        let a = t.seq_index(None, "a"); // empty, unreferenced: dropped
        let b = t.seq_index(None, "b"); // empty, referenced by a region: kept
        let c = t.seq_index(None, "c");
        t.push(c, 0, 5, None, Strand::Unknown, None, &[], &[]);
        let mut r = BoundingRegion::sequence(None, "b", 0, Some(10));
        r.block = Some((b, 0..0));
        t.regions.push(r);
        let mut r = BoundingRegion::sequence(None, "c", 0, Some(10));
        r.block = Some((c, 0..1));
        t.regions.push(r);
        assert_eq!(a, 0);
        t.drop_empty_seqs();
        let names: Vec<&str> = t.seqs.iter().map(|s| s.seqid.as_str()).collect();
        assert_eq!(names, ["b", "c"]);
        assert_eq!(t.regions[0].block.as_ref().unwrap().0, 0);
        assert_eq!(t.regions[1].block.as_ref().unwrap().0, 1);
        assert!(t.seq(None, "a").is_none());
        assert_eq!(t.seq(None, "c").unwrap().len(), 1);
    }
}
