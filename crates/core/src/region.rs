//! Genomic regions and bounding regions (a track's domain).

use std::ops::Range;

/// A half-open interval on one sequence, 0-based.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region {
    /// Sequence id.
    pub seqid: String,
    /// First base (0-based).
    pub start: u64,
    /// One past the last base.
    pub end: u64,
}

impl Region {
    /// A region; `start <= end` is expected.
    pub fn new(seqid: impl Into<String>, start: u64, end: u64) -> Self {
        Region {
            seqid: seqid.into(),
            start,
            end,
        }
    }
    /// Length in base pairs.
    pub fn len(&self) -> u64 {
        self.end.saturating_sub(self.start)
    }
    /// True for an empty interval.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether two regions share at least one base.
    pub fn overlaps(&self, o: &Region) -> bool {
        self.seqid == o.seqid && self.start < o.end && o.start < self.end
    }
}

/// The two kinds of bounding region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum RegionKind {
    /// Type A: a whole genome (`####genome=hg19`).
    Genome,
    /// Type B: one sequence or part of it (`####seqid=chr1; start=..; end=..`).
    Sequence,
}

/// A bounding region: part of the track's domain, and the block of
/// elements that follows it in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundingRegion {
    /// Type A or B.
    pub kind: RegionKind,
    /// Genome, if given.
    pub genome: Option<String>,
    /// Sequence (type B only).
    pub seqid: Option<String>,
    /// Start, 0-based (0 for type A).
    pub start: u64,
    /// End, exclusive; `None` when unknown (no `end` and no sequence length).
    pub end: Option<u64>,
    /// For type B: index of the sequence in [`crate::Track::seqs`] and the
    /// range of its elements that this region's block holds.
    pub block: Option<(usize, Range<usize>)>,
}

impl BoundingRegion {
    /// A type-A region.
    pub fn genome(genome: impl Into<String>) -> Self {
        BoundingRegion {
            kind: RegionKind::Genome,
            genome: Some(genome.into()),
            seqid: None,
            start: 0,
            end: None,
            block: None,
        }
    }
    /// A type-B region.
    pub fn sequence(
        genome: Option<String>,
        seqid: impl Into<String>,
        start: u64,
        end: Option<u64>,
    ) -> Self {
        BoundingRegion {
            kind: RegionKind::Sequence,
            genome,
            seqid: Some(seqid.into()),
            start,
            end,
            block: None,
        }
    }
    /// Number of elements in this region's block (type B).
    pub fn element_count(&self) -> usize {
        self.block.as_ref().map_or(0, |(_, r)| r.len())
    }
    /// As a plain region, if type B with a known end.
    pub fn region(&self) -> Option<Region> {
        Some(Region::new(self.seqid.clone()?, self.start, self.end?))
    }
}
