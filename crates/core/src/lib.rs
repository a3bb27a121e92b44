//! # gtrack-core: the track model
//!
//! Every genomic track is one of 15 [`TrackType`]s, fixed by four core
//! properties: gaps, lengths, values and interconnections (Gundersen et
//! al., BMC Bioinformatics 2011). This crate holds the in-memory model
//! shared by every format reader and writer:
//!
//! * [`TrackType`], [`ValueType`], [`Dimension`];
//! * [`Track`]: a [`TrackSchema`], the bounding regions (the domain) and the
//!   elements, stored per sequence as columns ([`SeqElements`]);
//! * [`Genome`]: sequence names, lengths and aliases, with bundled
//!   assemblies.
//!
//! Coordinates are 0-based, half-open and 64-bit everywhere in this crate;
//! 1-based or end-inclusive conventions are converted by format readers
//! and writers only. The core knows no file format.
//!
//! ```
//! use gtrack_core::{Strand, Track, TrackSchema, TrackType, ValueBuf};
//! let mut track = Track::new(TrackSchema::new(TrackType::ValuedSegments));
//! let chr1 = track.seq_index(None, "chr1");
//! track.push(chr1, 100, 200, Some(&ValueBuf::number(0.5)), Strand::Unknown, None, &[], &[]);
//! assert_eq!(track.len(), 1);
//! assert_eq!(track.seqs[chr1].ends[0], 200);
//! ```

pub mod columns;
pub mod genome;
pub mod region;
pub mod track;
pub mod track_type;
pub mod value;

pub use columns::{EdgeColumn, Strand, StringColumn};
pub use genome::{Genome, GenomeError};
pub use region::{BoundingRegion, Region, RegionKind};
pub use track::{EdgeSpec, OptionalColumns, SeqElements, Track, TrackSchema};
pub use track_type::{CoreColumns, TrackType, UnknownTrackType};
pub use value::{ColumnData, Dictionary, Dimension, ValueBuf, ValueColumn, ValueSpec, ValueType};
