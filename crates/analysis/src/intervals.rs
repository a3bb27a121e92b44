//! The analysis view of a track: per sequence, elements sorted by start
//! (then end), as slices borrowed from a store when possible.

use std::borrow::Cow;

use gtrack_core::TrackType;

/// One sequence's elements, sorted by (start, end). Points have
/// `end = start + 1`; per-base types have one element per base.
#[derive(Debug, Clone, PartialEq)]
pub struct SeqIntervals<'a> {
    /// Sequence id.
    pub seqid: String,
    /// Sequence length, when known.
    pub length: Option<u64>,
    /// Starts, 0-based, sorted.
    pub starts: Cow<'a, [u64]>,
    /// Ends, exclusive.
    pub ends: Cow<'a, [u64]>,
    /// Scalar numeric values (NaN = missing), for valued types.
    pub values: Option<Cow<'a, [f64]>>,
}

/// A whole track for analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals<'a> {
    /// The track type (decides which questions apply).
    pub track_type: TrackType,
    /// Sequences, each sorted.
    pub seqs: Vec<SeqIntervals<'a>>,
}
