//! Columnar, memory-mapped, indexed on-disk store of genomic tracks.
//!
//! A [`Store`] is a directory of tracks under hierarchical names
//! (`encode/k562/h3k27ac`). [`Store::import`] reads any format
//! `gtrack-formats` reads (in parallel chunks for line-independent
//! formats, within a memory budget by spilling sorted runs), sorts the
//! elements of every sequence by (start, end) and writes one
//! little-endian file per column per sequence plus a versioned JSON
//! [`Manifest`] with a checksum of every file. The track appears
//! complete or not at all (temporary directory, fsync, rename).
//!
//! [`StoredTrack`] maps the columns on first use (verifying checksums
//! unless [`Verify::Trust`]) and answers region queries through the
//! index: starts are sorted, and a running maximum of ends (stored only
//! when elements nest) finds the first element that can overlap a query
//! with one binary search; per-base types are addressed by arithmetic.
//! [`summarize`] computes count, coverage, sum, mean, min and max over a
//! region for every track type.
//!
//! See `docs/store.md` for the layout and the design decisions.

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod column;
pub mod error;
mod import;
pub mod manifest;
pub mod read;
mod store;
pub mod summary;
mod write;

pub use error::{Error, Result};
pub use manifest::Manifest;
pub use read::{StoredTrack, Verify, View};
pub use store::{check_name, default_name, ImportOptions, Imported, Store};
pub use summary::{summarize, Stat, Summary};
