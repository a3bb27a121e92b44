//! The fifteen track types of Gundersen et al. (2011).
//!
//! A track type is fixed by four core properties: whether the track has
//! gaps (sparse) or covers its domain (dense), whether elements have
//! lengths, whether they carry values, and whether they are interconnected
//! (edges). In GTrack these map one-to-one onto the presence of the core
//! columns `start`, `end`, `value` and `edges`.

use std::fmt;
use std::str::FromStr;

/// One of the 15 track types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackType {
    /// Points (P): `start`.
    Points,
    /// Valued points (VP): `start`, `value`.
    ValuedPoints,
    /// Segments (S): `start`, `end`.
    Segments,
    /// Valued segments (VS): `start`, `end`, `value`.
    ValuedSegments,
    /// Genome partition (GP): `end`.
    GenomePartition,
    /// Step function (SF): `end`, `value`.
    StepFunction,
    /// Function (F): `value`.
    Function,
    /// Linked points (LP): `start`, `edges`.
    LinkedPoints,
    /// Linked valued points (LVP): `start`, `value`, `edges`.
    LinkedValuedPoints,
    /// Linked segments (LS): `start`, `end`, `edges`.
    LinkedSegments,
    /// Linked valued segments (LVS): `start`, `end`, `value`, `edges`.
    LinkedValuedSegments,
    /// Linked genome partition (LGP): `end`, `edges`.
    LinkedGenomePartition,
    /// Linked step function (LSF): `end`, `value`, `edges`.
    LinkedStepFunction,
    /// Linked function (LF): `value`, `edges`.
    LinkedFunction,
    /// Linked base pairs (LBP): `edges`.
    LinkedBasePairs,
}

/// The four core columns present in a track, which determine its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CoreColumns {
    /// `start` present (the track has gaps: sparse).
    pub start: bool,
    /// `end` present (elements have lengths).
    pub end: bool,
    /// `value` present.
    pub value: bool,
    /// `edges` present (interconnections).
    pub edges: bool,
}

impl TrackType {
    /// All 15 types, in the order of the specification.
    pub const ALL: [TrackType; 15] = [
        TrackType::Points,
        TrackType::ValuedPoints,
        TrackType::Segments,
        TrackType::ValuedSegments,
        TrackType::GenomePartition,
        TrackType::StepFunction,
        TrackType::Function,
        TrackType::LinkedPoints,
        TrackType::LinkedValuedPoints,
        TrackType::LinkedSegments,
        TrackType::LinkedValuedSegments,
        TrackType::LinkedGenomePartition,
        TrackType::LinkedStepFunction,
        TrackType::LinkedFunction,
        TrackType::LinkedBasePairs,
    ];

    /// The track type whose core columns are exactly `cols`.
    ///
    /// Returns `None` for the one combination that is not a track type:
    /// no core column at all.
    ///
    /// ```
    /// use gtrack_core::{CoreColumns, TrackType};
    /// let cols = CoreColumns { start: true, end: true, value: true, edges: false };
    /// assert_eq!(TrackType::from_core_columns(cols), Some(TrackType::ValuedSegments));
    /// ```
    pub fn from_core_columns(cols: CoreColumns) -> Option<TrackType> {
        use TrackType::*;
        Some(match (cols.start, cols.end, cols.value, cols.edges) {
            (true, false, false, false) => Points,
            (true, false, true, false) => ValuedPoints,
            (true, true, false, false) => Segments,
            (true, true, true, false) => ValuedSegments,
            (false, true, false, false) => GenomePartition,
            (false, true, true, false) => StepFunction,
            (false, false, true, false) => Function,
            (true, false, false, true) => LinkedPoints,
            (true, false, true, true) => LinkedValuedPoints,
            (true, true, false, true) => LinkedSegments,
            (true, true, true, true) => LinkedValuedSegments,
            (false, true, false, true) => LinkedGenomePartition,
            (false, true, true, true) => LinkedStepFunction,
            (false, false, true, true) => LinkedFunction,
            (false, false, false, true) => LinkedBasePairs,
            (false, false, false, false) => return None,
        })
    }

    /// The core columns this type requires (and the only ones it allows).
    pub fn core_columns(self) -> CoreColumns {
        use TrackType::*;
        let (start, end, value, edges) = match self {
            Points => (true, false, false, false),
            ValuedPoints => (true, false, true, false),
            Segments => (true, true, false, false),
            ValuedSegments => (true, true, true, false),
            GenomePartition => (false, true, false, false),
            StepFunction => (false, true, true, false),
            Function => (false, false, true, false),
            LinkedPoints => (true, false, false, true),
            LinkedValuedPoints => (true, false, true, true),
            LinkedSegments => (true, true, false, true),
            LinkedValuedSegments => (true, true, true, true),
            LinkedGenomePartition => (false, true, false, true),
            LinkedStepFunction => (false, true, true, true),
            LinkedFunction => (false, false, true, true),
            LinkedBasePairs => (false, false, false, true),
        };
        CoreColumns {
            start,
            end,
            value,
            edges,
        }
    }

    /// The type from the four core properties of the paper.
    pub fn from_properties(gaps: bool, lengths: bool, values: bool, links: bool) -> Option<Self> {
        // gaps <=> start column; lengths <=> end column, except that dense
        // types without lengths (F, LF, LBP) are unit-length base pairs.
        Self::from_core_columns(CoreColumns {
            start: gaps,
            end: lengths,
            value: values,
            edges: links,
        })
    }

    /// The name as the specification writes it, lower case (`linked valued segments`).
    pub fn name(self) -> &'static str {
        use TrackType::*;
        match self {
            Points => "points",
            ValuedPoints => "valued points",
            Segments => "segments",
            ValuedSegments => "valued segments",
            GenomePartition => "genome partition",
            StepFunction => "step function",
            Function => "function",
            LinkedPoints => "linked points",
            LinkedValuedPoints => "linked valued points",
            LinkedSegments => "linked segments",
            LinkedValuedSegments => "linked valued segments",
            LinkedGenomePartition => "linked genome partition",
            LinkedStepFunction => "linked step function",
            LinkedFunction => "linked function",
            LinkedBasePairs => "linked base pairs",
        }
    }

    /// The abbreviation used in the paper (`LVS`).
    pub fn abbreviation(self) -> &'static str {
        use TrackType::*;
        match self {
            Points => "P",
            ValuedPoints => "VP",
            Segments => "S",
            ValuedSegments => "VS",
            GenomePartition => "GP",
            StepFunction => "SF",
            Function => "F",
            LinkedPoints => "LP",
            LinkedValuedPoints => "LVP",
            LinkedSegments => "LS",
            LinkedValuedSegments => "LVS",
            LinkedGenomePartition => "LGP",
            LinkedStepFunction => "LSF",
            LinkedFunction => "LF",
            LinkedBasePairs => "LBP",
        }
    }

    /// Dense types cover their whole domain (no `start` column): GP, SF, F and linked variants.
    pub fn is_dense(self) -> bool {
        !self.core_columns().start
    }
    /// Elements have explicit lengths (`end` column): S, VS, GP, SF and linked variants.
    pub fn has_lengths(self) -> bool {
        self.core_columns().end
    }
    /// Elements carry a value.
    pub fn is_valued(self) -> bool {
        self.core_columns().value
    }
    /// Elements carry edges (and therefore need ids).
    pub fn is_linked(self) -> bool {
        self.core_columns().edges
    }
    /// Dense types whose elements are intervals delimited by `end` (GP, SF, LGP, LSF).
    pub fn is_dense_interval(self) -> bool {
        self.is_dense() && self.has_lengths()
    }
    /// Dense types with one element per base pair (F, LF, LBP).
    pub fn is_per_base(self) -> bool {
        self.is_dense() && !self.has_lengths()
    }
    /// Points or segments families (where `no overlapping elements` applies).
    pub fn is_sparse(self) -> bool {
        !self.is_dense()
    }
    /// The same type with the edges property switched on or off.
    pub fn with_links(self, links: bool) -> TrackType {
        let mut c = self.core_columns();
        c.edges = links;
        TrackType::from_core_columns(c).unwrap_or(TrackType::LinkedBasePairs)
    }
}

impl fmt::Display for TrackType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for a string that names no track type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown track type `{0}` (expected one of: points, valued points, segments, valued segments, genome partition, step function, function, linked points, linked valued points, linked segments, linked valued segments, linked genome partition, linked step function, linked function, linked base pairs)")]
pub struct UnknownTrackType(pub String);

impl FromStr for TrackType {
    type Err = UnknownTrackType;
    /// Case-insensitive; accepts the spec name or the abbreviation.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        TrackType::ALL
            .iter()
            .copied()
            .find(|t| t.name() == lower || t.abbreviation().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownTrackType(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_core_columns_round_trip() {
        for t in TrackType::ALL {
            assert_eq!(TrackType::from_core_columns(t.core_columns()), Some(t));
            assert_eq!(t.name().parse::<TrackType>().unwrap(), t);
            assert_eq!(t.abbreviation().parse::<TrackType>().unwrap(), t);
        }
        assert_eq!(TrackType::from_core_columns(CoreColumns::default()), None);
    }

    #[test]
    fn test_properties() {
        assert_eq!(TrackType::ALL.iter().filter(|t| t.is_dense()).count(), 7);
        assert_eq!(TrackType::ALL.iter().filter(|t| t.is_linked()).count(), 8);
        assert!(TrackType::Function.is_per_base());
        assert!(TrackType::LinkedStepFunction.is_dense_interval());
        assert_eq!(
            "Linked Valued Segments".parse::<TrackType>().unwrap(),
            TrackType::LinkedValuedSegments
        );
        assert!("line".parse::<TrackType>().is_err());
        assert_eq!(
            TrackType::Segments.with_links(true),
            TrackType::LinkedSegments
        );
    }
}
